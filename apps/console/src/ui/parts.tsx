import { useTranslation } from 'react-i18next';
import type { ApiError, CampaignView, DataAsOf, IndicatorProgress } from '../data/api';
import { figuresUpTo, formatNumber, formatPercent, locale } from '../data/figures';
import { currentLanguage } from './i18n';

export function ProblemNotice({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  const text = error.status === 0 ? t('errors.network') : error.status === 403 ? t('errors.forbidden') : t('errors.generic', { status: error.status, message: error.message });
  return (
    <p className="notice error" role="alert">
      {text}
    </p>
  );
}

/** "Data as of" is always on screen: how far the figures go, what is still waiting, whether they follow live. */
export function Freshness({ dataAsOf, live, refreshedAt }: { dataAsOf?: DataAsOf | null; live: boolean; refreshedAt?: Date }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const time = (iso: string) => new Date(iso).toLocaleString(locale(language), { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'medium' });
  const waiting = dataAsOf?.totalLag;
  const upTo = figuresUpTo(dataAsOf);
  return (
    <p className="freshness" data-testid="freshness" aria-live="polite">
      <span className={live ? 'badge live' : 'badge'} data-testid="live" data-live={String(live)}>
        {live ? t('live.on') : t('live.off')}
      </span>{' '}
      <span>{upTo ? t('live.dataAsOf', { time: time(upTo) }) : t('live.noEvents')}</span>
      {waiting !== null && waiting !== undefined && <span> · {waiting > 0 ? t('live.waiting', { count: waiting }) : t('live.caughtUp')}</span>}
      {refreshedAt && <span> · {t('live.refreshedAt', { time: refreshedAt.toLocaleTimeString(locale(language), { timeZone: 'Asia/Ho_Chi_Minh' }) })}</span>}
    </p>
  );
}

export const indicatorLabel = (indicator: { labelVi: string; labelEn: string }) => (currentLanguage() === 'vi' ? indicator.labelVi : indicator.labelEn);

export function IndicatorCards({ indicators }: { indicators: IndicatorProgress[] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  if (indicators.length === 0) return <p>{t('progress.noData')}</p>;
  return (
    <ul className="indicators">
      {indicators.map((indicator) => {
        const digits = indicator.unit === 'percent' ? 2 : 0;
        const percent = indicator.percent ?? 0;
        const state = indicator.percent !== null && percent >= 100 ? 'done' : indicator.atRisk ? 'risk' : 'on-track';
        return (
          <li key={indicator.code} className={`indicator ${state}`} data-indicator={indicator.code}>
            <div className="indicator-head">
              <span className="indicator-label">{indicatorLabel(indicator)}</span>
              {state === 'risk' && <span className="badge risk">{t('progress.atRisk')}</span>}
              {state === 'done' && <span className="badge done">{t('progress.done')}</span>}
            </div>
            <p className="indicator-figures" data-testid={`figure-${indicator.code}`}>
              {indicator.target !== null
                ? t('progress.ofTarget', { achieved: formatNumber(indicator.achieved, language, digits), target: formatNumber(indicator.target, language, digits) })
                : `${formatNumber(indicator.achieved, language, digits)} (${t('progress.noTarget')})`}{' '}
              <strong>{formatPercent(indicator.percent, language)}</strong>
            </p>
            <div
              className="track"
              role="progressbar"
              aria-label={indicatorLabel(indicator)}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(Math.min(100, Math.max(0, percent)))}
            >
              {/* A React style prop is applied through the CSSOM, which the page's CSP allows. */}
              <div className="fill" style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
            </div>
            <p className="indicator-meta">
              {indicator.dailyRunRate !== null ? t('progress.runRate', { rate: formatNumber(indicator.dailyRunRate, language, 1) }) : ''}
              {' · '}
              {indicator.projectedCompletion ? t('progress.projected', { day: indicator.projectedCompletion }) : t('progress.notProjected')}
              {indicator.daysLeft !== null && indicator.daysLeft !== undefined ? ` · ${t('progress.daysLeft', { count: indicator.daysLeft })}` : ''}
            </p>
          </li>
        );
      })}
    </ul>
  );
}

/** The top of a report: what it covers, its report day, how fresh it is, and the last refresh's problem. */
export function ReportHead({ campaign, place, asOf, freshness, error }: { campaign: CampaignView; place: string; asOf: string; freshness: Parameters<typeof Freshness>[0]; error?: ApiError }) {
  const { t } = useTranslation();
  return (
    <header className="report-head">
      <h2>
        {campaign.name} · {place}
      </h2>
      <p className="muted">
        {t('campaigns.window', { from: campaign.startsOn, to: campaign.endsOn })} · {asOf}
      </p>
      <Freshness {...freshness} />
      {error && <ProblemNotice error={error} />}
    </header>
  );
}

export function IndicatorsPanel({ indicators }: { indicators: IndicatorProgress[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="indicators-title" className="panel">
      <h3 id="indicators-title">{t('progress.indicators')}</h3>
      <IndicatorCards indicators={indicators} />
    </section>
  );
}
