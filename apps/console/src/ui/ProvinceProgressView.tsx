import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBase, type CampaignView, type ConsoleApi } from '../data/api';
import { formatNumber, formatPercent, laggardsFirst } from '../data/figures';
import type { Viewer } from '../data/session';
import { currentLanguage } from './i18n';
import { indicatorLabel, IndicatorsPanel, ProblemNotice, ReportHead } from './parts';
import { useLiveFigures } from './useLiveFigures';

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
                  <td className="no-print">
                    <button type="button" className="secondary" onClick={() => onOpenCommune(commune.communeCode)} aria-label={`${t('province.open')} ${commune.communeCode}`}>
                      {t('province.open')}
                    </button>
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
