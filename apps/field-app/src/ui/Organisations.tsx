import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { registerOrganisation, setOrganisationEId, type OrganisationInput } from '../data/commands';
import type { LocalOrganisation } from '../data/db';
import { useApp } from './context';
import { BackButton, homeVillageId, useVillages, VillageSelect } from './parts';
import { Tabs } from './Tabs';

const E_ID: OrganisationInput['eIdStatus'][] = ['none', 'applied', 'identified'];

/** The commune's cooperatives and enterprises and the progress of their electronic identification. */
export function OrganisationsScreen() {
  const { t } = useTranslation();
  const { db, go } = useApp();
  const organisations = useLiveQuery(() => db.organisations.toArray(), [db]) ?? [];
  return (
    <main className="screen">
      <Tabs current="organisations" />
      <h1>{t('organisation.title')}</h1>
      <button className="primary" onClick={() => go({ name: 'newOrganisation' })}>
        {t('organisation.add')}
      </button>
      <ul className="list" aria-label={t('organisation.title')}>
        {organisations
          .sort((a, b) => a.name.localeCompare(b.name, 'vi'))
          .map((organisation) => (
            <OrganisationCard key={organisation.id} organisation={organisation} />
          ))}
      </ul>
    </main>
  );
}

function OrganisationCard({ organisation }: { organisation: LocalOrganisation }) {
  const { t } = useTranslation();
  const { db, runner } = useApp();
  const next = E_ID[E_ID.indexOf(organisation.eIdStatus as OrganisationInput['eIdStatus']) + 1];
  return (
    <li className="card" aria-label={organisation.name}>
      <strong>{organisation.name}</strong>
      <span>
        {t(`organisation.kind_${organisation.kind}`)} · {t('organisation.taxCode')} {organisation.taxCode}
      </span>
      <span>
        {t('organisation.eId')}: <b>{t(`organisation.eId_${organisation.eIdStatus}`)}</b>
      </span>
      {organisation.pendingClientId && <span className="badge pending">{t('status.pending')}</span>}
      {next && (
        <button className="secondary" onClick={() => void setOrganisationEId(db, organisation, next).then(() => runner.kick())}>
          {t('organisation.markEId', { status: t(`organisation.eId_${next}`) })}
        </button>
      )}
    </li>
  );
}

export function OrganisationForm() {
  const { t } = useTranslation();
  const { db, assignment, saved } = useApp();
  const villages = useVillages();
  const [form, setForm] = useState<OrganisationInput>({ name: '', kind: 'cooperative', taxCode: '', villageId: assignment.villageId ?? '', eIdStatus: 'none' });
  const [error, setError] = useState<string>();
  const set = (key: keyof OrganisationInput) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    // Vietnamese tax codes: 10 digits, or 13 with a branch suffix (the registry checks again).
    if (!/^\d{10}(-\d{3})?$/.test(form.taxCode.trim())) return setError(t('organisation.taxCodeInvalid'));
    await registerOrganisation(db, assignment, { ...form, name: form.name.trim(), taxCode: form.taxCode.trim(), villageId: form.villageId || homeVillageId(assignment, villages) });
    saved({ name: 'organisations' });
  };
  return (
    <main className="screen">
      <BackButton to={{ name: 'organisations' }} />
      <h1>{t('organisation.add')}</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          {t('organisation.name')}
          <input required maxLength={200} value={form.name} onChange={set('name')} />
        </label>
        <label>
          {t('organisation.kind')}
          <select value={form.kind} onChange={set('kind')}>
            <option value="cooperative">{t('organisation.kind_cooperative')}</option>
            <option value="enterprise">{t('organisation.kind_enterprise')}</option>
          </select>
        </label>
        <label>
          {t('organisation.taxCode')}
          <input required inputMode="numeric" maxLength={14} value={form.taxCode} onChange={set('taxCode')} />
        </label>
        <label>
          {t('household.village')}
          <VillageSelect villages={villages} value={form.villageId || homeVillageId(assignment, villages)} onChange={(villageId) => setForm({ ...form, villageId })} />
        </label>
        <label>
          {t('organisation.eId')}
          <select value={form.eIdStatus} onChange={set('eIdStatus')}>
            {E_ID.map((status) => (
              <option key={status} value={status}>
                {t(`organisation.eId_${status}`)}
              </option>
            ))}
          </select>
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button className="primary" type="submit">
          {t('app.save')}
        </button>
      </form>
    </main>
  );
}
