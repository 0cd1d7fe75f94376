import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays, vietnamToday } from '@dtc/calendar';
import type { ConsoleApi, TeamView, VillageView } from '../data/api';
import { planFieldsOf, planFormOf, type PlanForm, type PlanView } from '../data/plan-form';
import { currentLanguage } from './i18n';
import { EmptyRow, NotYet, orEmpty, Outcome, useLoaded, useOutcome, type RunWrite } from './parts';
import { Button } from './controls';

interface Props {
  api: ConsoleApi;
  communeCode: string;
  villages: VillageView[];
  teams: TeamView[];
  onExpired: () => void;
}

type Households = Array<{ id: string; headName: string; address: string }>;

/** Micro-plans: which team covers which villages (and listed households) over which days, with daily targets. */
export function MicroPlans({ api, communeCode, villages, teams, onExpired }: Props) {
  const { t } = useTranslation();
  const { error: writeError, done, run } = useOutcome(onExpired);
  const [editing, setEditing] = useState<PlanView | 'new'>();
  const load = useCallback(async () => {
    // Service names are a nicety: without the enrollment catalogue the codes show.
    const [plans, services] = await Promise.all([api.plans(communeCode), orEmpty(api.services())]);
    return { plans, services };
  }, [api, communeCode]);
  const { data, error, reload } = useLoaded(load, onExpired);
  const teamNames = useMemo(() => new Map(teams.map((team) => [team.id, team.name])), [teams]);
  const villageNames = useMemo(() => new Map(villages.map((village) => [village.id, village.name])), [villages]);

  if (!data) return <NotYet error={error} />;
  const vietnamese = currentLanguage() === 'vi';
  const serviceNames = new Map(data.services.map((service) => [service.code, vietnamese ? service.nameVi : service.nameEn]));
  const active = data.plans.filter((plan) => plan.status === 'active');

  const withdraw = async (plan: PlanView) => {
    if (await run(() => api.withdrawPlan(plan.id, plan.version), t('plans.withdrawn', { team: teamNames.get(plan.teamId) }))) await reload();
  };

  return (
    <section aria-labelledby="plans-title" className="panel">
      <h3 id="plans-title">{t('plans.title')}</h3>
      <p className="hint">{t('plans.hint')}</p>
      <div className="table-scroll">
        <table data-testid="plans">
          <thead>
            <tr>
              <th scope="col">{t('plans.team')}</th>
              <th scope="col">{t('plans.days')}</th>
              <th scope="col" className="text">{t('plans.covers')}</th>
              <th scope="col" className="text">{t('plans.daily')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('plans.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {active.map((plan) => {
              const team = teamNames.get(plan.teamId) ?? plan.teamId;
              return (
                <tr key={plan.id} data-plan-team={team}>
                  <th scope="row">
                    {team} {plan.version > 1 && <span className="muted">· {t('plans.version', { version: plan.version })}</span>}
                  </th>
                  <td>{t('campaigns.window', { from: plan.startsOn, to: plan.endsOn })}</td>
                  <td className="text">
                    {plan.villageIds.map((id) => villageNames.get(id) ?? id).join(', ')}
                    {plan.householdIds.length > 0 && ` ${t('plans.plusHouseholds', { count: plan.householdIds.length })}`}
                  </td>
                  <td className="text">
                    {t('plans.householdsPerDay', { count: plan.householdsPerDay })}
                    {plan.enrollmentsPerDay.map((target) => `; ${serviceNames.get(target.serviceCode) ?? target.serviceCode}: ${target.perDay}`).join('')}
                  </td>
                  <td className="actions">
                    <Button className="secondary" onPress={() => setEditing(plan)} aria-label={t('plans.editPlan', { team })}>
                      {t('setup.edit')}
                    </Button>
                    <Button className="secondary" onPress={() => void withdraw(plan)} aria-label={t('plans.withdrawPlan', { team })}>
                      {t('plans.withdraw')}
                    </Button>
                  </td>
                </tr>
              );
            })}
            {active.length === 0 && <EmptyRow columns={5}>{t('plans.none')}</EmptyRow>}
          </tbody>
        </table>
      </div>
      <Outcome error={writeError} done={done} />
      {editing === undefined ? (
        <Button onPress={() => setEditing('new')} isDisabled={teams.length === 0}>
          {t('plans.new')}
        </Button>
      ) : (
        <PlanEditor
          key={editing === 'new' ? 'new' : `${editing.id}@${editing.version}`}
          api={api}
          communeCode={communeCode}
          plan={editing === 'new' ? undefined : editing}
          teams={teams}
          villages={villages}
          services={data.services.map((service) => ({ code: service.code, name: serviceNames.get(service.code) ?? service.code }))}
          run={run}
          onClose={() => setEditing(undefined)}
          onSaved={async () => {
            setEditing(undefined);
            await reload();
          }}
        />
      )}
    </section>
  );
}

interface EditorProps {
  api: ConsoleApi;
  communeCode: string;
  plan?: PlanView;
  teams: TeamView[];
  villages: VillageView[];
  services: Array<{ code: string; name: string }>;
  run: RunWrite;
  onClose: () => void;
  onSaved: () => Promise<void>;
}

function PlanEditor({ api, communeCode, plan, teams, villages, services, run, onClose, onSaved }: EditorProps) {
  const { t } = useTranslation();
  const today = vietnamToday();
  const [form, setForm] = useState<PlanForm>(() =>
    plan ? planFormOf(plan) : { teamId: teams[0]?.id ?? '', startsOn: today, endsOn: addDays(today, 13), villageIds: [], householdIds: [], householdsPerDay: '', enrollmentsPerDay: [] },
  );
  const [listedVillage, setListedVillage] = useState('');
  const [households, setHouseholds] = useState<Households>();
  const teamName = teams.find((team) => team.id === form.teamId)?.name ?? '';
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((item) => item !== id));

  const listHouseholds = async (villageCode: string) => {
    setListedVillage(villageCode);
    setHouseholds(undefined);
    // A listing is no news: only a refusal is said (an empty success text shows nothing).
    if (villageCode) await run(async () => setHouseholds((await api.villageHouseholds(communeCode, villageCode)).items));
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const fields = planFieldsOf(form);
    const saved = await run(() => (plan ? api.updatePlan(plan.id, plan.version, fields) : api.createPlan(communeCode, fields)), t(plan ? 'plans.saved' : 'plans.created', { team: teamName }));
    if (saved) await onSaved();
  };

  return (
    <form onSubmit={save} className="admin-form" data-testid="plan-editor" aria-labelledby="plan-editor-title">
      <h4 id="plan-editor-title">{plan ? t('plans.editing', { team: teams.find((team) => team.id === plan.teamId)?.name ?? '' }) : t('plans.new')}</h4>
      <label htmlFor="plan-team">{t('plans.team')}</label>
      <select id="plan-team" value={form.teamId} onChange={(event) => setForm({ ...form, teamId: event.target.value })}>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
      <label htmlFor="plan-starts">{t('setup.startsOn')}</label>
      <input id="plan-starts" type="date" value={form.startsOn} onChange={(event) => setForm({ ...form, startsOn: event.target.value })} required />
      <label htmlFor="plan-ends">{t('setup.endsOn')}</label>
      <input id="plan-ends" type="date" value={form.endsOn} min={form.startsOn} onChange={(event) => setForm({ ...form, endsOn: event.target.value })} required />
      <fieldset>
        <legend>{t('plans.wholeVillages')}</legend>
        {villages.map((village) => (
          <label key={village.id} className="check">
            <input type="checkbox" checked={form.villageIds.includes(village.id)} onChange={(event) => setForm({ ...form, villageIds: toggle(form.villageIds, village.id, event.target.checked) })} /> {village.name}
          </label>
        ))}
      </fieldset>
      <fieldset className="target-row">
        <legend>{t('plans.listedHouseholds', { count: form.householdIds.length })}</legend>
        <label htmlFor="plan-household-village">{t('plans.householdsOf')}</label>
        <select id="plan-household-village" value={listedVillage} onChange={(event) => void listHouseholds(event.target.value)}>
          <option value="">{t('plans.chooseVillage')}</option>
          {villages.map((village) => (
            <option key={village.id} value={village.code}>
              {village.name}
            </option>
          ))}
        </select>
        {households?.map((household) => (
          <label key={household.id} className="check">
            <input type="checkbox" checked={form.householdIds.includes(household.id)} onChange={(event) => setForm({ ...form, householdIds: toggle(form.householdIds, household.id, event.target.checked) })} /> {household.headName}{' '}
            <span className="muted">· {household.address}</span>
          </label>
        ))}
      </fieldset>
      <label htmlFor="plan-households-per-day">{t('plans.householdsPerDayLabel')}</label>
      <input id="plan-households-per-day" value={form.householdsPerDay} onChange={(event) => setForm({ ...form, householdsPerDay: event.target.value })} required inputMode="numeric" pattern="[0-9]+" size={6} />
      <fieldset className="target-row">
        <legend>{t('plans.enrollmentsPerDay')}</legend>
        {form.enrollmentsPerDay.map((row, index) => (
          <div key={index} className="inline-form">
            <label htmlFor={`plan-service-${index}`}>{t('review.service')}</label>
            <select id={`plan-service-${index}`} value={row.serviceCode} onChange={(event) => setForm({ ...form, enrollmentsPerDay: form.enrollmentsPerDay.map((r, i) => (i === index ? { ...r, serviceCode: event.target.value } : r)) })}>
              {services.map((service) => (
                <option key={service.code} value={service.code}>
                  {service.name}
                </option>
              ))}
            </select>
            <label htmlFor={`plan-service-per-day-${index}`}>{t('plans.perDay')}</label>
            <input id={`plan-service-per-day-${index}`} value={row.perDay} onChange={(event) => setForm({ ...form, enrollmentsPerDay: form.enrollmentsPerDay.map((r, i) => (i === index ? { ...r, perDay: event.target.value } : r)) })} inputMode="numeric" pattern="[0-9]+" size={6} />
          </div>
        ))}
        <Button className="secondary" onPress={() => setForm({ ...form, enrollmentsPerDay: [...form.enrollmentsPerDay, { serviceCode: services[0]?.code ?? '', perDay: '' }] })} isDisabled={services.length === 0}>
          {t('plans.addService')}
        </Button>
      </fieldset>
      <div className="actions">
        <Button type="submit">{t('plans.save')}</Button>
        <Button className="secondary" onPress={onClose}>
          {t('setup.close')}
        </Button>
      </div>
    </form>
  );
}
