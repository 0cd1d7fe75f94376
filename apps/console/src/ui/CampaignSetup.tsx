import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays, vietnamMonth, vietnamToday } from '@dtc/calendar';
import type { ApiError, CampaignView, ConsoleApi, IndicatorView } from '../data/api';
import { emptyTarget, formOf, POPULATIONS, targetsOf, type CampaignForm, type TargetKind, type TargetRow, type TargetView } from '../data/campaign-form';
import { formatNumber } from '../data/figures';
import { currentLanguage } from './i18n';
import { EmptyRow, indicatorLabel, NotYet, Outcome, ProblemNotice, useLoaded, useOutcome, type RunWrite } from './parts';
import { Button } from './controls';

/** Whose campaigns these are: a commune official's commune, or a province officer's province. */
export type SetupScope = { communeCode: string } | { provinceCode: string };

interface Props {
  api: ConsoleApi;
  scope: SetupScope;
  onExpired: () => void;
}

const KINDS: TargetKind[] = ['count', 'share', 'value'];

const ownedBy = (scope: SetupScope) => (campaign: CampaignView) =>
  'communeCode' in scope ? campaign.scope === 'commune' && campaign.communeCode === scope.communeCode : campaign.scope === 'province' && campaign.provinceCode === scope.provinceCode;

/** Campaigns and their targets (and, for a commune, the monthly values it reports). */
export function CampaignSetup({ api, scope, onExpired }: Props) {
  const { t } = useTranslation();
  /** the campaign being edited, or 'new' */
  const [editing, setEditing] = useState<CampaignView | 'new'>();
  // Said where the list is, so a saved campaign's notice stays when its form closes.
  const { error: writeError, done, run } = useOutcome(onExpired);
  const load = useCallback(async () => {
    const [campaigns, indicators] = await Promise.all([api.campaigns(), api.indicators()]);
    return { campaigns, indicators };
  }, [api]);
  const { data, error, reload } = useLoaded(load, onExpired);

  if (!data) return <NotYet error={error} />;
  const { campaigns, indicators } = data;
  const labels = new Map(indicators.map((indicator) => [indicator.code, indicatorLabel(indicator)]));
  const mine = ownedBy(scope);
  const place = 'communeCode' in scope ? `${t('campaigns.commune')} ${scope.communeCode}` : `${t('setup.province')} ${scope.provinceCode}`;

  return (
    <article className="report">
      <header className="report-head">
        <h2>
          {t('setup.title')} · {place}
        </h2>
      </header>
      <section aria-labelledby="campaign-list-title" className="panel">
        <h3 id="campaign-list-title">{t('setup.campaigns')}</h3>
        <div className="table-scroll">
          <table data-testid="setup-campaigns">
            <thead>
              <tr>
                <th scope="col">{t('setup.name')}</th>
                <th scope="col">{t('setup.window')}</th>
                <th scope="col" className="text">{t('setup.targets')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('setup.edit')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((campaign) => (
                <tr key={campaign.id} data-campaign={campaign.name}>
                  <th scope="row">
                    {campaign.name} <span className="muted">· {t(`campaigns.scope_${campaign.scope}`)}</span>
                  </th>
                  <td>{t('campaigns.window', { from: campaign.startsOn, to: campaign.endsOn })}</td>
                  <td className="text">
                    <ul className="plain">
                      {campaign.targets.map((target) => (
                        <li key={target.indicatorCode}>
                          {labels.get(target.indicatorCode) ?? target.indicatorCode}: <TargetText target={target} scope={scope} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {mine(campaign) ? (
                      <Button className="secondary" onPress={() => setEditing(campaign)} aria-label={t('setup.editCampaign', { name: campaign.name })}>
                        {t('setup.edit')}
                      </Button>
                    ) : (
                      <span className="muted">{t(campaign.scope === 'province' ? 'setup.setByProvince' : 'setup.setByCommune')}</span>
                    )}
                  </td>
                </tr>
              ))}
              {campaigns.length === 0 && (
                <EmptyRow columns={4}>{t('campaigns.none')}</EmptyRow>
              )}
            </tbody>
          </table>
        </div>
        {editing === undefined && <Outcome error={writeError} done={done} />}
        {editing === undefined && (
          <Button onPress={() => setEditing('new')}>
            {t('setup.newCampaign')}
          </Button>
        )}
      </section>
      {editing !== undefined && (
        <CampaignEditor
          key={editing === 'new' ? 'new' : `${editing.id}@${editing.version}`}
          api={api}
          scope={scope}
          campaign={editing === 'new' ? undefined : editing}
          indicators={indicators}
          run={run}
          refused={writeError}
          onClose={() => setEditing(undefined)}
          onSaved={async () => {
            // Closed once saved: a second click must not create the campaign twice.
            setEditing(undefined);
            await reload();
          }}
        />
      )}
      {'communeCode' in scope && <ReportedValuesPanel api={api} communeCode={scope.communeCode} indicators={indicators.filter((indicator) => indicator.source === 'external')} onExpired={onExpired} />}
    </article>
  );
}

/** "10.084", "85% of adults", "80%": a target as officials say it, with the commune's own share of a province target. */
function TargetText({ target, scope }: { target: TargetView; scope: SetupScope }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const counting = target.counting === 'cumulative' ? ` (${t('setup.counting_cumulative')})` : '';
  const own = 'communeCode' in scope ? target.communeTargets?.[scope.communeCode] : undefined;
  const communes = Object.entries(target.communeTargets ?? {});
  let text: string;
  if (target.sharePercent !== null && target.sharePercent !== undefined) text = t('setup.shareOf', { percent: formatNumber(target.sharePercent, language, 2), population: t(`setup.population_${target.population ?? 'default'}`) });
  else if (target.targetValue !== null && target.targetValue !== undefined) text = `${formatNumber(target.targetValue, language, 2)}%`;
  else text = formatNumber(target.targetCount ?? 0, language, 0);
  return (
    <>
      {text}
      {counting}
      {own !== undefined && ` · ${t('setup.yourCommune', { count: formatNumber(own, language, 0) })}`}
      {'provinceCode' in scope && communes.length > 0 && ` · ${communes.map(([code, count]) => `${code}: ${formatNumber(count, language, 0)}`).join(', ')}`}
    </>
  );
}

interface EditorProps {
  api: ConsoleApi;
  scope: SetupScope;
  campaign?: CampaignView;
  indicators: IndicatorView[];
  run: RunWrite;
  /** why the last save was refused, shown beside the form */
  refused?: ApiError;
  onClose: () => void;
  onSaved: () => Promise<void>;
}

function CampaignEditor({ api, scope, campaign, indicators, run, refused, onClose, onSaved }: EditorProps) {
  const { t } = useTranslation();
  const today = vietnamToday();
  const [form, setForm] = useState<CampaignForm>(() => (campaign ? formOf(campaign) : { name: '', startsOn: today, endsOn: addDays(today, 59), targets: [emptyTarget(indicators[0]?.code)] }));
  const province = 'provinceCode' in scope;
  const change = (index: number, row: Partial<TargetRow>) => setForm({ ...form, targets: form.targets.map((target, at) => (at === index ? { ...target, ...row } : target)) });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name: form.name.trim(), startsOn: form.startsOn, endsOn: form.endsOn, targets: targetsOf(form.targets) };
    const saved = await run(
      () => (campaign ? api.updateCampaign(campaign.id, { ...body, version: campaign.version }) : api.createCampaign({ ...body, ...('communeCode' in scope ? { communeCode: scope.communeCode } : { provinceCode: scope.provinceCode }) })),
      t(campaign ? 'setup.saved' : 'setup.created', { name: body.name }),
    );
    if (saved) await onSaved();
  };

  return (
    <section aria-labelledby="campaign-editor-title" className="panel">
      <h3 id="campaign-editor-title">{campaign ? t('setup.editing', { name: campaign.name }) : t('setup.newCampaign')}</h3>
      <form onSubmit={save} className="admin-form" data-testid="campaign-editor">
        <label htmlFor="campaign-name">{t('setup.name')}</label>
        <input id="campaign-name" value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} required minLength={2} maxLength={200} />
        <label htmlFor="campaign-starts">{t('setup.startsOn')}</label>
        <input id="campaign-starts" type="date" value={form.startsOn} onChange={(event) => setForm({ ...form, startsOn: event.target.value })} required />
        <label htmlFor="campaign-ends">{t('setup.endsOn')}</label>
        <input id="campaign-ends" type="date" value={form.endsOn} min={form.startsOn} onChange={(event) => setForm({ ...form, endsOn: event.target.value })} required />
        {form.targets.map((row, index) => (
          <TargetFields key={index} index={index} row={row} indicators={indicators} province={province} onChange={(next) => change(index, next)} onRemove={form.targets.length > 1 ? () => setForm({ ...form, targets: form.targets.filter((_, at) => at !== index) }) : undefined} />
        ))}
        <div className="actions">
          <Button className="secondary" onPress={() => setForm({ ...form, targets: [...form.targets, emptyTarget(indicators[0]?.code)] })}>
            {t('setup.addTarget')}
          </Button>
          <Button type="submit">{t('setup.save')}</Button>
          <Button className="secondary" onPress={onClose}>
            {t('setup.close')}
          </Button>
        </div>
      </form>
      <Outcome error={refused} />
    </section>
  );
}

interface TargetFieldsProps {
  index: number;
  row: TargetRow;
  indicators: IndicatorView[];
  province: boolean;
  onChange: (row: Partial<TargetRow>) => void;
  onRemove?: () => void;
}

function TargetFields({ index, row, indicators, province, onChange, onRemove }: TargetFieldsProps) {
  const { t } = useTranslation();
  const id = `target-${index}`;
  const number = index + 1;
  const setCommune = (at: number, entry: Partial<TargetRow['communeTargets'][number]>) => onChange({ communeTargets: row.communeTargets.map((current, i) => (i === at ? { ...current, ...entry } : current)) });
  return (
    <fieldset className="target-row" data-testid={id}>
      <legend>{t('setup.target', { number })}</legend>
      <label htmlFor={`${id}-indicator`}>{t('setup.indicator')}</label>
      <select id={`${id}-indicator`} value={row.indicatorCode} onChange={(event) => onChange({ indicatorCode: event.target.value })}>
        {indicators.map((indicator) => (
          <option key={indicator.code} value={indicator.code}>
            {indicatorLabel(indicator)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-kind`}>{t('setup.kind')}</label>
      <select id={`${id}-kind`} value={row.kind} onChange={(event) => onChange({ kind: event.target.value as TargetKind })}>
        {KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {t(`setup.kind_${kind}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-amount`}>{t(`setup.amount_${row.kind}`)}</label>
      <input id={`${id}-amount`} value={row.amount} onChange={(event) => onChange({ amount: event.target.value })} required inputMode="decimal" pattern="[0-9]+([.,][0-9]{1,2})?" />
      {row.kind === 'share' && (
        <>
          <label htmlFor={`${id}-population`}>{t('setup.population')}</label>
          <select id={`${id}-population`} value={row.population} onChange={(event) => onChange({ population: event.target.value as TargetRow['population'] })}>
            <option value="">{t('setup.population_default')}</option>
            {POPULATIONS.map((population) => (
              <option key={population} value={population}>
                {t(`setup.population_${population}`)}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor={`${id}-counting`}>{t('setup.counting')}</label>
      <select id={`${id}-counting`} value={row.counting} onChange={(event) => onChange({ counting: event.target.value as TargetRow['counting'] })}>
        <option value="window">{t('setup.counting_window')}</option>
        <option value="cumulative">{t('setup.counting_cumulative')}</option>
      </select>
      {province && row.kind === 'count' && (
        <div className="commune-targets">
          <p className="hint">{t('setup.communeTargetsHint')}</p>
          {row.communeTargets.map((entry, at) => (
            <div key={at} className="inline-form">
              <label htmlFor={`${id}-commune-${at}`}>{t('campaigns.commune')}</label>
              <input id={`${id}-commune-${at}`} value={entry.communeCode} onChange={(event) => setCommune(at, { communeCode: event.target.value })} required pattern="[0-9]{5}" inputMode="numeric" size={6} />
              <label htmlFor={`${id}-commune-count-${at}`}>{t('setup.communeCount', { commune: entry.communeCode || '…' })}</label>
              <input id={`${id}-commune-count-${at}`} value={entry.count} onChange={(event) => setCommune(at, { count: event.target.value })} required inputMode="numeric" pattern="[0-9]+" size={8} />
            </div>
          ))}
          <Button className="secondary" onPress={() => onChange({ communeTargets: [...row.communeTargets, { communeCode: '', count: '' }] })}>
            {t('setup.addCommuneTarget', { number })}
          </Button>
        </div>
      )}
      {onRemove && (
        <Button className="secondary" onPress={onRemove}>
          {t('setup.removeTarget', { number })}
        </Button>
      )}
    </fieldset>
  );
}

/** Monthly values the commune reports from outside the platform (online share, on-time processing). */
function ReportedValuesPanel({ api, communeCode, indicators, onExpired }: { api: ConsoleApi; communeCode: string; indicators: IndicatorView[]; onExpired: () => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { error, done, run } = useOutcome(onExpired);
  const [indicatorCode, setIndicatorCode] = useState(indicators[0]?.code ?? '');
  const thisMonth = vietnamMonth();
  const [period, setPeriod] = useState(thisMonth);
  const [value, setValue] = useState('');
  const labels = useMemo(() => new Map(indicators.map((indicator) => [indicator.code, indicatorLabel(indicator)])), [indicators]);

  const readValues = useCallback(() => api.indicatorValues(communeCode), [api, communeCode]);
  const { data: values, error: unreadable, reload: load } = useLoaded(readValues, onExpired);

  const report = async (event: FormEvent) => {
    event.preventDefault();
    const amount = Number(value.trim().replace(',', '.'));
    if (await run(() => api.reportIndicatorValue(communeCode, indicatorCode, period, amount), t('setup.valueReported', { indicator: labels.get(indicatorCode), period }))) {
      setValue('');
      await load();
    }
  };
  const latestFirst = [...(values ?? [])].sort((a, b) => b.period.localeCompare(a.period) || a.indicatorCode.localeCompare(b.indicatorCode));

  return (
    <section aria-labelledby="reported-values-title" className="panel">
      <h3 id="reported-values-title">{t('setup.reportedValues')}</h3>
      <p className="hint">{t('setup.reportedValuesHint')}</p>
      <form onSubmit={report} className="admin-form">
        <label htmlFor="reported-indicator">{t('setup.indicator')}</label>
        <select id="reported-indicator" value={indicatorCode} onChange={(event) => setIndicatorCode(event.target.value)}>
          {indicators.map((indicator) => (
            <option key={indicator.code} value={indicator.code}>
              {indicatorLabel(indicator)}
            </option>
          ))}
        </select>
        <label htmlFor="reported-period">{t('setup.month')}</label>
        <input id="reported-period" type="month" value={period} max={thisMonth} onChange={(event) => setPeriod(event.target.value)} required />
        <label htmlFor="reported-value">{t('setup.percentValue')}</label>
        <input id="reported-value" value={value} onChange={(event) => setValue(event.target.value)} required inputMode="decimal" pattern="[0-9]+([.,][0-9]{1,2})?" />
        <Button type="submit">{t('setup.report')}</Button>
      </form>
      <Outcome error={error} done={done} />
      {unreadable && <ProblemNotice error={unreadable} />}
      <div className="table-scroll">
        <table data-testid="reported-values">
          <thead>
            <tr>
              <th scope="col">{t('setup.month')}</th>
              <th scope="col">{t('setup.indicator')}</th>
              <th scope="col">{t('setup.percentValue')}</th>
            </tr>
          </thead>
          <tbody>
            {latestFirst.map((row) => (
              <tr key={`${row.indicatorCode}/${row.period}`}>
                <td>{row.period}</td>
                <th scope="row">{labels.get(row.indicatorCode) ?? row.indicatorCode}</th>
                <td>{formatNumber(row.value, language, 2)}%</td>
              </tr>
            ))}
            {values && latestFirst.length === 0 && (
              <EmptyRow columns={3}>{t('setup.noValues')}</EmptyRow>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
