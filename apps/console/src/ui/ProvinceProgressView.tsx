import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBase, ApiError, type CampaignView, type ConsoleApi, type ProvinceProgress } from '../data/api';
import { formatNumber, formatPercent, campaignDaysUpTo, lagReasons, laggardsFirst, type LagReasons } from '../data/figures';
import type { Viewer } from '../data/session';
import { currentLanguage } from './i18n';
import { indicatorLabel, IndicatorsPanel, orNothing, ProblemNotice, ReportHead } from './parts';
import { useLiveFigures } from './useLiveFigures';
import { Button } from './controls';

interface Props {
  api: ConsoleApi;
  campaign: CampaignView;
  /** report day; today when absent */
  asOf?: string;
  viewer: Viewer;
  onExpired: () => void;
  onOpenCommune: (communeCode: string) => void;
}

/** A province campaign: the province's indicators and its communes, the ones furthest behind first. */
export function ProvinceProgressView({ api, campaign, asOf, viewer, onExpired, onOpenCommune }: Props) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const load = useCallback(() => api.provinceProgress(campaign.id, asOf), [api, campaign.id, asOf]);
  const liveUrl = `${apiBase('reporting')}/campaigns/${encodeURIComponent(campaign.id)}/live`;
  const { figures: province, error, live, refreshedAt } = useLiveFigures(load, `${campaign.id}/${asOf ?? ''}`, liveUrl, viewer.token, onExpired);

  const reasons = useLagReasons(api, campaign, province, asOf, onExpired);

  if (!province) return error ? <ProblemNotice error={error} /> : <p aria-busy="true">{t('app.loading')}</p>;
  const labels = new Map(province.indicators.map((indicator) => [indicator.code, indicatorLabel(indicator)]));

  return (
    <article className="report" data-province={province.provinceCode}>
      <ReportHead campaign={campaign} place={`${t('campaigns.wholeProvince')} ${province.provinceCode}`} asOf={province.asOf} freshness={{ dataAsOf: province.dataAsOf, live, refreshedAt }} error={error} />
      <IndicatorsPanel indicators={province.indicators} />
      <section aria-labelledby="ranking-title" className="panel">
        <h3 id="ranking-title">{t('province.ranking')}</h3>
        <div className="table-scroll">
          <table data-testid="ranking">
            <thead>
              <tr>
                <th scope="col">{t('progress.rank')}</th>
                <th scope="col">{t('province.commune')}</th>
                <th scope="col">{t('province.percent')}</th>
                {province.indicators.map((indicator) => (
                  <th scope="col" key={indicator.code}>
                    {labels.get(indicator.code)}
                  </th>
                ))}
                <th scope="col" className="why">{t('province.why')}</th>
                <th scope="col" className="no-print">
                  <span className="visually-hidden">{t('province.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {laggardsFirst(province.communes).map((commune) => (
                <tr key={commune.communeCode} data-commune={commune.communeCode}>
                  <td>{commune.rank}</td>
                  <th scope="row">{commune.communeCode}</th>
                  <td>{formatPercent(commune.percent, language)}</td>
                  {province.indicators.map((indicator) => {
                    const brief = commune.indicators.find((entry) => entry.code === indicator.code);
                    return (
                      <td key={indicator.code}>
                        {formatNumber(brief?.achieved ?? 0, language)}
                        {brief?.target !== null && brief?.target !== undefined ? ` / ${formatNumber(brief.target, language)}` : ''}
                      </td>
                    );
                  })}
                  <td className="why">{reasons.get(commune.communeCode) && <WhyBehind reasons={reasons.get(commune.communeCode)!} />}</td>
                  <td className="no-print">
                    <Button className="secondary" onPress={() => onOpenCommune(commune.communeCode)} aria-label={`${t('province.open')} ${commune.communeCode}`}>
                      {t('province.open')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </article>
  );
}

/** How many of the communes furthest behind get their reasons fetched (one commune's figures each). */
const EXPLAINED_LAGGARDS = 5;
const REASONS_REFRESH_MS = 60_000;

/**
 * Reasons for the communes furthest behind (below 100%): each one's progress and its teams against
 * plan, fetched after the ranking and again when it refreshes. Reasons are an aid: one that cannot
 * be read leaves its cell empty.
 */
function useLagReasons(api: ConsoleApi, campaign: CampaignView, province: ProvinceProgress | undefined, asOf: string | undefined, onExpired: () => void): Map<string, LagReasons> {
  const [reasons, setReasons] = useState(new Map<string, LagReasons>());
  const laggards = province ? laggardsFirst(province.communes).filter((commune) => (commune.percent ?? 0) < 100).slice(0, EXPLAINED_LAGGARDS).map((commune) => commune.communeCode) : [];
  // Ten requests per refresh would follow every field event in the province: the reasons move
  // slower than the ranking, so they are read again when the laggards change or once a minute.
  const minute = province ? Math.floor(Date.parse(province.computedAt) / REASONS_REFRESH_MS) : 0;
  const key = `${minute}|${laggards.join(',')}`;
  useEffect(() => {
    if (laggards.length === 0) return;
    let cancelled = false;
    void Promise.all(
      laggards.map(async (communeCode) => {
        try {
          const window = campaignDaysUpTo(campaign, asOf ?? province!.asOf);
          const [progress, plans, map] = await Promise.all([api.progress(campaign.id, { communeCode, asOf }), orNothing(api.teamPlans(communeCode, window)), orNothing(api.householdMap(communeCode))]);
          return [communeCode, lagReasons(progress, plans, map)] as const;
        } catch (failure) {
          if (failure instanceof ApiError && failure.expired) onExpired();
          return undefined;
        }
      }),
    ).then((found) => !cancelled && setReasons(new Map(found.filter((entry): entry is NonNullable<typeof entry> => Boolean(entry)))));
    return () => {
      cancelled = true;
    };
    // The key stands for the laggards and the ranking's minute (refetched when either changes).
  }, [key, api, campaign, asOf, onExpired]);
  return reasons;
}

function WhyBehind({ reasons }: { reasons: LagReasons }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const parts = [
    reasons.obstacles.length > 0 && `${t('province.whyObstacles')}: ${reasons.obstacles.map((o) => `${language === 'vi' ? o.labelVi : o.labelEn} (${formatNumber(o.households, language)})`).join(', ')}`,
    reasons.villages.length > 0 && `${t('province.whyVillages')}: ${reasons.villages.map((v) => t('province.villageHouseholds', { name: v.name, count: v.notVisited })).join(', ')}`,
    reasons.teamsBehindPlan.length > 0 && `${t('province.whyTeams')}: ${reasons.teamsBehindPlan.join(', ')}`,
    reasons.noSignalVillages.length > 0 && `${t('province.whyNoSignal')}: ${reasons.noSignalVillages.map((v) => t('province.villageHouseholds', { name: v.name, count: v.households })).join(', ')}`,
  ].filter(Boolean) as string[];
  return (
    <ul className="why-list" data-testid="why">
      {parts.map((part) => (
        <li key={part}>{part}</li>
      ))}
    </ul>
  );
}
