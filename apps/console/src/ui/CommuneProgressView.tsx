import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBase, ApiError, type CampaignView, type ConsoleApi } from '../data/api';
import { formatNumber, formatPercent, campaignDaysUpTo, memberNames, namedTeams } from '../data/figures';
import type { Viewer } from '../data/session';
import { CoverageMap } from './CoverageMap';
import { DailyChart } from './DailyChart';
import { currentLanguage } from './i18n';
import { indicatorLabel, IndicatorsPanel, orEmpty, orNothing, ProblemNotice, ReportHead } from './parts';
import { useLiveFigures } from './useLiveFigures';
import { Button } from './controls';

interface Props {
  api: ConsoleApi;
  campaign: CampaignView;
  /** the commune within a province campaign; undefined for a commune campaign */
  communeCode?: string;
  /** report day; today when absent */
  asOf?: string;
  viewer: Viewer;
  onExpired: () => void;
}


/** A commune's live progress in a campaign: indicators, villages, teams by name, days, honour roll, exports. */
export function CommuneProgressView({ api, campaign, communeCode, asOf, viewer, onExpired }: Props) {
  const { t } = useTranslation();
  const language = currentLanguage();
  // A commune campaign names its commune; a province campaign's commune comes from the place chosen.
  const code = communeCode ?? campaign.communeCode ?? '';
  const [chosenIndicator, setChosenIndicator] = useState<string>();
  const [exportError, setExportError] = useState<ApiError>();

  const load = useCallback(async () => {
    const report = { communeCode, asOf };
    const pendingProgress = api.progress(campaign.id, report);
    const [progress, board, series, teams, members, honour, map] = await Promise.all([
      pendingProgress,
      api.teams(campaign.id, report),
      api.series(campaign.id, report),
      orEmpty(api.communeTeams(code)),
      orEmpty(api.communeMembers(code)),
      // The honour roll's days end on the server's report day, known from the progress answer.
      orNothing(pendingProgress.then((answer) => api.commendations(code, campaignDaysUpTo(campaign, asOf ?? answer.asOf)))),
      orNothing(api.householdMap(code)),
    ]);
    return { progress, teams: namedTeams(board, teams), series, names: memberNames(members), honour, map };
  }, [api, campaign, communeCode, asOf, code]);

  const liveUrl = `${apiBase('reporting')}/campaigns/${encodeURIComponent(campaign.id)}/live${communeCode ? `?communeCode=${encodeURIComponent(communeCode)}` : ''}`;
  const { figures, error, live, refreshedAt } = useLiveFigures(load, `${campaign.id}/${code}/${asOf ?? ''}`, liveUrl, viewer.token, onExpired);

  if (!figures) return error ? <ProblemNotice error={error} /> : <p aria-busy="true">{t('app.loading')}</p>;
  const { progress, teams, series, names, honour, map } = figures;
  const countIndicators = progress.indicators.filter((indicator) => indicator.unit !== 'percent');
  const charted = series.indicators.find((indicator) => indicator.code === chosenIndicator) ?? series.indicators[0];
  const exportQuery = `?${new URLSearchParams({ ...(communeCode ? { communeCode } : {}), ...(asOf ? { asOf } : {}), lang: language })}`;
  const download = (kind: 'csv' | 'xlsx') =>
    api.download(`/campaigns/${encodeURIComponent(campaign.id)}/report.${kind}${exportQuery}`, `${campaign.name}-${code}-${progress.asOf}.${kind}`).then(
      () => setExportError(undefined),
      (failure: ApiError) => (failure.expired ? onExpired() : setExportError(failure)),
    );

  return (
    <article className="report" data-commune={code}>
      <ReportHead campaign={campaign} place={`${t('campaigns.commune')} ${code}`} asOf={progress.asOf} freshness={{ dataAsOf: progress.dataAsOf, live, refreshedAt }} error={error} />
      <IndicatorsPanel indicators={progress.indicators} />

      <div className="columns">
        <section aria-labelledby="overview-title" className="panel">
          <h3 id="overview-title">{t('progress.population')}</h3>
          <dl className="facts">
            <dt>{t('progress.residents')}</dt>
            <dd data-testid="residents">{formatNumber(progress.population.residents, language)}</dd>
            <dt>{t('progress.eligible')}</dt>
            <dd>{formatNumber(progress.population.eligibleResidents, language)}</dd>
            <dt>{t('progress.householdsTotal')}</dt>
            <dd data-testid="households">{formatNumber(progress.households.total, language)}</dd>
            <dt>{t('progress.visited')}</dt>
            <dd data-testid="visited">{formatNumber(progress.households.visited, language)}</dd>
            <dt>{t('progress.withDigitalCore')}</dt>
            <dd>{formatNumber(progress.households.withDigitalCore, language)}</dd>
            <dt>{t('progress.withSmartphone')}</dt>
            <dd>{formatNumber(progress.households.withSmartphone, language)}</dd>
            <dt>{t('progress.organisations')}</dt>
            <dd>
              {formatNumber(progress.organisations.eIdentified, language)} / {formatNumber(progress.organisations.total, language)}
            </dd>
          </dl>
        </section>
        <section aria-labelledby="obstacles-title" className="panel">
          <h3 id="obstacles-title">{t('progress.obstacles')}</h3>
          {progress.households.obstacles.length === 0 ? (
            <p>{t('progress.noObstacles')}</p>
          ) : (
            <ul className="obstacles" data-testid="obstacles">
              {progress.households.obstacles.map((obstacle) => (
                <li key={obstacle.code}>
                  <span>{indicatorLabel(obstacle)}</span> <strong>{formatNumber(obstacle.households, language)}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {map && (
        <section aria-labelledby="map-title" className="panel">
          <h3 id="map-title">{t('map.title')}</h3>
          <CoverageMap map={map} />
        </section>
      )}

      <section aria-labelledby="villages-title" className="panel">
        <h3 id="villages-title">{t('progress.villages')}</h3>
        <div className="table-scroll">
          <table data-testid="villages">
            <thead>
              <tr>
                <th scope="col">{t('progress.village')}</th>
                <th scope="col">{t('progress.householdsTotal')}</th>
                <th scope="col">{t('progress.visited')}</th>
                <th scope="col">{t('progress.withDigitalCore')}</th>
                {countIndicators.map((indicator) => (
                  <th scope="col" key={indicator.code}>
                    {indicatorLabel(indicator)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {progress.villages.map((village) => (
                <tr key={village.villageId}>
                  <th scope="row">{village.villageName || village.villageCode}</th>
                  <td>{formatNumber(village.households, language)}</td>
                  <td>{formatNumber(village.visited, language)}</td>
                  <td>{formatNumber(village.withDigitalCore, language)}</td>
                  {countIndicators.map((indicator) => {
                    const brief = village.indicators.find((entry) => entry.code === indicator.code);
                    return (
                      <td key={indicator.code}>
                        {formatNumber(brief?.achieved ?? 0, language)}
                        {brief && brief.percent !== null ? ` (${formatPercent(brief.percent, language)})` : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="teams-title" className="panel">
        <h3 id="teams-title">{t('progress.teams')}</h3>
        <div className="table-scroll">
          <table data-testid="teams">
            <thead>
              <tr>
                <th scope="col">{t('progress.rank')}</th>
                <th scope="col">{t('progress.team')}</th>
                <th scope="col">{t('progress.members')}</th>
                {countIndicators.map((indicator) => (
                  <th scope="col" key={indicator.code}>
                    {indicatorLabel(indicator)}
                  </th>
                ))}
                <th scope="col">{t('progress.total')}</th>
              </tr>
            </thead>
            <tbody>
              {teams.map((team) => (
                <tr key={team.id}>
                  <td>{team.rank}</td>
                  <th scope="row">
                    {team.name}
                    <span className="muted">{team.kind ? ` · ${t(`kinds.${team.kind}`, { defaultValue: team.kind })}` : ''}</span>
                    {!team.active && <span className="muted"> · {t('progress.inactive')}</span>}
                  </th>
                  <td>{formatNumber(team.members, language)}</td>
                  {countIndicators.map((indicator) => (
                    <td key={indicator.code}>{formatNumber(team.indicators.find((entry) => entry.code === indicator.code)?.achieved ?? 0, language)}</td>
                  ))}
                  <td>{formatNumber(team.total, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="daily-title" className="panel">
        <div className="section-head">
          <h3 id="daily-title">{t('progress.daily')}</h3>
          {series.indicators.length > 1 && (
            <select aria-label={t('progress.indicators')} className="no-print" value={charted?.code} onChange={(event) => setChosenIndicator(event.target.value)}>
              {series.indicators.map((indicator) => (
                <option key={indicator.code} value={indicator.code}>
                  {indicatorLabel(indicator)}
                </option>
              ))}
            </select>
          )}
        </div>
        {charted && charted.points.length > 0 ? <DailyChart indicator={charted} /> : <p>{t('progress.noData')}</p>}
      </section>

      {honour && (
        <section aria-labelledby="honour-title" className="panel">
          <h3 id="honour-title">
            {t('progress.honourRoll')} <span className="muted">({t('campaigns.window', { from: honour.from, to: honour.to })})</span>
          </h3>
          <div className="columns">
            <table data-testid="honour-teams">
              <caption>{t('progress.honourTeams')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('progress.rank')}</th>
                  <th scope="col">{t('progress.team')}</th>
                  <th scope="col">{t('progress.visitedShort')}</th>
                  <th scope="col">{t('progress.completed')}</th>
                </tr>
              </thead>
              <tbody>
                {honour.teams.slice(0, 5).map((team) => (
                  <tr key={team.teamId}>
                    <td>{team.rank}</td>
                    <th scope="row">{team.teamName}</th>
                    <td>{formatNumber(team.householdsVisited, language)}</td>
                    <td>{formatNumber(team.enrollmentsCompleted, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table data-testid="honour-members">
              <caption>{t('progress.honourMembers')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('progress.rank')}</th>
                  <th scope="col">{t('progress.members')}</th>
                  <th scope="col">{t('progress.visitedShort')}</th>
                  <th scope="col">{t('progress.completed')}</th>
                </tr>
              </thead>
              <tbody>
                {honour.members.slice(0, 5).map((member) => (
                  <tr key={member.memberId}>
                    <td>{member.rank}</td>
                    <th scope="row">
                      {names.get(member.memberId) ?? member.memberId.slice(0, 8)} <span className="muted">· {member.teamName}</span>
                    </th>
                    <td>{formatNumber(member.householdsVisited, language)}</td>
                    <td>{formatNumber(member.enrollmentsCompleted, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section aria-labelledby="export-title" className="panel no-print">
        <h3 id="export-title">{t('progress.export')}</h3>
        <div className="actions">
          <Button onPress={() => void download('csv')}>
            {t('progress.csv')}
          </Button>
          <Button onPress={() => void download('xlsx')}>
            {t('progress.xlsx')}
          </Button>
        </div>
        {exportError && <ProblemNotice error={exportError} />}
      </section>
    </article>
  );
}
