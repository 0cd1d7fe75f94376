import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type CampaignView, type DataAsOf, type IndicatorProgress } from '../data/api';
import { figuresUpTo, formatNumber, formatPercent, formatTime, locale } from '../data/figures';
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
  const time = (iso: string) => formatTime(iso, language, 'medium');
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

/**
 * Extras (names, the honour roll, the map, plans) a role may not be allowed to read: without them the
 * figures still show. An expired token is not an extra: it still ends the session.
 */
export const orNothing = <T,>(pending: Promise<T>): Promise<T | undefined> => pending.catch((error: unknown) => (error instanceof ApiError && error.expired ? Promise.reject(error) : undefined));
export const orEmpty = <T,>(pending: Promise<T[]>): Promise<T[]> => pending.catch((error: unknown) => (error instanceof ApiError && error.expired ? Promise.reject(error) : ([] as T[])));

/** Sends a write and says how it went (the success text may be made from the answer; none: says nothing); false when it was refused. */
export type RunWrite = <T>(write: () => Promise<T>, success?: string | ((answer: T) => string)) => Promise<boolean>;

/** What a refused write says, next to the form that sent it. */
export function useOutcome(onExpired: () => void) {
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const run: RunWrite = useCallback(
    async (write, success) => {
      try {
        const answer = await write();
        setError(undefined);
        setDone(typeof success === 'function' ? success(answer) : success);
        return true;
      } catch (failure) {
        if (failure instanceof ApiError && failure.expired) onExpired();
        else setError(failure instanceof ApiError ? failure : new ApiError(0, String(failure)));
        setDone(undefined);
        return false;
      }
    },
    [onExpired],
  );
  return { error, done, run };
}

export function Outcome({ error, done }: { error?: ApiError; done?: string }) {
  return (
    <>
      {error && <ProblemNotice error={error} />}
      {done && (
        <p className="notice ok" role="status">
          {done}
        </p>
      )}
    </>
  );
}


/**
 * What a screen reads when it opens, read again after each write. A 401 ends the session; other
 * problems stay on screen.
 */
export function useLoaded<T>(load: () => Promise<T>, onExpired: () => void): { data?: T; error?: ApiError; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setError(undefined);
    } catch (failure) {
      if (failure instanceof ApiError && failure.expired) onExpired();
      else setError(failure instanceof ApiError ? failure : new ApiError(0, String(failure)));
    }
  }, [load, onExpired]);
  useEffect(() => void reload(), [reload]);
  return { data, error, reload };
}

/** Until a screen's first answer: its problem, or that it is loading. */
export function NotYet({ error }: { error?: ApiError }) {
  const { t } = useTranslation();
  return error ? <ProblemNotice error={error} /> : <p aria-busy="true">{t('app.loading')}</p>;
}

/** The one row of an empty table, saying why it is empty. */
export function EmptyRow({ columns, children }: { columns: number; children: string }) {
  return (
    <tr>
      <td colSpan={columns} className="text">
        {children}
      </td>
    </tr>
  );
}

export interface Column {
  label: string;
  /** words, read from the left (figures are right-aligned) */
  text?: boolean;
}

/** A titled panel around one table: heading, hint, the header row, the rows, and why it is empty when it is. */
export function TablePanel({ id, title, hint, testId, columns, empty, children, after }: { id: string; title: string; hint?: string; testId?: string; columns: Column[]; empty?: string | false; children: ReactNode; after?: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="panel">
      <h3 id={`${id}-title`}>{title}</h3>
      {hint && <p className="hint">{hint}</p>}
      <div className="table-scroll">
        <table data-testid={testId}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.label} scope="col" className={column.text ? 'text' : undefined}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {children}
            {empty && <EmptyRow columns={columns.length}>{empty}</EmptyRow>}
          </tbody>
        </table>
      </div>
      {after}
    </section>
  );
}
