import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { recordVisit, registerHousehold, registerResident, updateHousehold, type HouseholdInput, type ResidentInput, type VisitInput } from '../data/commands';
import { vietnamToday } from '@dtc/calendar';
import { useApp } from './context';
import { BackButton, homeVillageId, useVillages, VillageSelect } from './parts';

function Form({ title, children, onSubmit, back }: { title: string; children: ReactNode; onSubmit(): Promise<void>; back(): void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onSubmit();
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="screen">
      <BackButton onClick={back} />
      <h1>{title}</h1>
      <form onSubmit={(event) => void submit(event)}>
        {children}
        <button className="primary" type="submit" disabled={busy}>
          {t('app.save')}
        </button>
      </form>
    </main>
  );
}

const optionalNumber = (value: string) => (value.trim() === '' ? undefined : Number(value));

export function HouseholdForm({ id }: { id?: string }) {
  const { t } = useTranslation();
  const { db, assignment, go, saved } = useApp();
  const existing = useLiveQuery(() => (id ? db.households.get(id) : undefined), [db, id]);
  const villages = useVillages();
  const [form, setForm] = useState<Record<string, string | boolean>>({});
  const [gps, setGps] = useState<{ latitude: number; longitude: number } | 'denied'>();
  const value = (key: string, fallback: string | boolean = '') => form[key] ?? (existing as Record<string, unknown> | undefined)?.[key] ?? fallback;
  const text = (key: string) => String(value(key) ?? '');
  const set = (key: string) => (event: { target: { value: string; checked?: boolean; type?: string } }) =>
    setForm({ ...form, [key]: event.target.type === 'checkbox' ? Boolean(event.target.checked) : event.target.value });

  const takeGps = () =>
    navigator.geolocation?.getCurrentPosition(
      (position) => setGps({ latitude: Number(position.coords.latitude.toFixed(6)), longitude: Number(position.coords.longitude.toFixed(6)) }),
      () => setGps('denied'),
      { enableHighAccuracy: true, timeout: 15000 },
    );

  const submit = async () => {
    const conditions = {
      address: text('address').trim(),
      headName: text('headName').trim(),
      distanceToCentreKm: optionalNumber(text('distanceToCentreKm')),
      smartDevices: optionalNumber(text('smartDevices')),
      hasElectricity: Boolean(value('hasElectricity', false)),
      hasInternet: Boolean(value('hasInternet', false)),
      ethnicMinority: Boolean(value('ethnicMinority', false)),
      mobileSignal: (text('mobileSignal') || undefined) as HouseholdInput['mobileSignal'],
      ...(gps && gps !== 'denied' ? gps : {}),
    };
    const clean = Object.fromEntries(Object.entries(conditions).filter(([, entry]) => entry !== undefined)) as typeof conditions;
    if (existing) {
      await updateHousehold(db, existing, clean);
      saved({ name: 'household', id: existing.id });
    } else {
      const newId = await registerHousehold(db, assignment, { villageId: text('villageId') || homeVillageId(assignment, villages), ...clean });
      saved({ name: 'household', id: newId });
    }
  };

  return (
    <Form title={existing ? t('household.edit') : t('household.new')} onSubmit={submit} back={() => go(existing ? { name: 'household', id: existing.id } : { name: 'home' })}>
      {!existing && (
        <label>
          {t('household.village')}
          <VillageSelect required villages={villages} value={text('villageId') || homeVillageId(assignment, villages)} onChange={(villageId) => setForm({ ...form, villageId })} />
        </label>
      )}
      <label>
        {t('household.head')}
        <input required maxLength={200} value={text('headName')} onChange={set('headName')} />
      </label>
      <label>
        {t('household.address')}
        <input required maxLength={300} value={text('address')} onChange={set('address')} />
      </label>
      <button type="button" className="secondary" onClick={takeGps}>
        {t('household.gps')}
      </button>
      {gps === 'denied' && <p className="hint">{t('household.gpsDenied')}</p>}
      {gps && gps !== 'denied' && <p className="hint">{t('household.gpsSet', { lat: gps.latitude, lon: gps.longitude })}</p>}
      <label>
        {t('household.distance')}
        <input type="number" inputMode="decimal" min={0} max={200} step="0.1" value={text('distanceToCentreKm')} onChange={set('distanceToCentreKm')} />
      </label>
      <label>
        {t('household.signal')}
        <select value={text('mobileSignal')} onChange={set('mobileSignal')}>
          <option value="" />
          {['none', 'weak', 'good'].map((signal) => (
            <option key={signal} value={signal}>
              {t(`household.signal_${signal}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('household.devices')}
        <input type="number" inputMode="numeric" min={0} max={50} value={text('smartDevices')} onChange={set('smartDevices')} />
      </label>
      {(['hasElectricity', 'hasInternet', 'ethnicMinority'] as const).map((key) => (
        <label key={key} className="check">
          <input type="checkbox" checked={Boolean(value(key, false))} onChange={set(key)} />
          {t(`household.${key === 'hasElectricity' ? 'electricity' : key === 'hasInternet' ? 'internet' : 'ethnicMinority'}`)}
        </label>
      ))}
    </Form>
  );
}

const RELATIONSHIPS: ResidentInput['relationshipToHead'][] = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other_relative', 'other'];

export function ResidentForm({ householdId }: { householdId: string }) {
  const { t } = useTranslation();
  const { db, go, saved } = useApp();
  const household = useLiveQuery(() => db.households.get(householdId), [db, householdId]);
  const [form, setForm] = useState({ fullName: '', dateOfBirth: '', sex: 'female', ethnicity: 'Kinh', relationshipToHead: 'head', idNumber: '', phone: '', ownsSmartphone: false });
  const [error, setError] = useState<string>();
  const set = (key: keyof typeof form) => (event: { target: { value: string; checked?: boolean; type?: string } }) =>
    setForm({ ...form, [key]: event.target.type === 'checkbox' ? Boolean(event.target.checked) : event.target.value });

  const submit = async () => {
    // The ID number's structure is checked here so the member can fix it at the door; the registry checks it again.
    if (form.idNumber && !/^\d{12}$/.test(form.idNumber)) return setError(t('resident.idNumberInvalid'));
    if (!household) return;
    const input: ResidentInput = {
      fullName: form.fullName.trim(),
      dateOfBirth: form.dateOfBirth,
      sex: form.sex as ResidentInput['sex'],
      ethnicity: form.ethnicity.trim(),
      relationshipToHead: form.relationshipToHead as ResidentInput['relationshipToHead'],
      ownsSmartphone: form.ownsSmartphone,
      ...(form.idNumber ? { idNumber: form.idNumber } : {}),
      ...(form.phone ? { phone: form.phone.trim() } : {}),
    };
    await registerResident(db, household, input);
    saved({ name: 'household', id: householdId });
  };

  return (
    <Form title={t('resident.new')} onSubmit={submit} back={() => go({ name: 'household', id: householdId })}>
      <label>
        {t('resident.fullName')}
        <input required maxLength={200} value={form.fullName} onChange={set('fullName')} />
      </label>
      <label>
        {t('resident.dateOfBirth')}
        <input required type="date" max={vietnamToday()} value={form.dateOfBirth} onChange={set('dateOfBirth')} />
      </label>
      <label>
        {t('resident.sex')}
        <select value={form.sex} onChange={set('sex')}>
          <option value="female">{t('resident.sex_female')}</option>
          <option value="male">{t('resident.sex_male')}</option>
        </select>
      </label>
      <label>
        {t('resident.ethnicity')}
        <input required maxLength={50} value={form.ethnicity} onChange={set('ethnicity')} />
      </label>
      <label>
        {t('resident.relationship')}
        <select value={form.relationshipToHead} onChange={set('relationshipToHead')}>
          {RELATIONSHIPS.map((relationship) => (
            <option key={relationship} value={relationship}>
              {t(`resident.rel_${relationship}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('resident.idNumber')}
        <input inputMode="numeric" pattern="\d{12}" maxLength={12} value={form.idNumber} onChange={set('idNumber')} aria-describedby="id-hint" />
      </label>
      <p id="id-hint" className="hint">
        {t('resident.idNumberHint')}
      </p>
      <label>
        {t('resident.phone')}
        <input type="tel" inputMode="tel" maxLength={15} value={form.phone} onChange={set('phone')} />
      </label>
      <label className="check">
        <input type="checkbox" checked={form.ownsSmartphone} onChange={set('ownsSmartphone')} />
        {t('resident.ownsSmartphone')}
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </Form>
  );
}

const OUTCOMES: VisitInput['outcome'][] = ['done', 'partly_done', 'nobody_home', 'refused'];
const OBSTACLES: VisitInput['obstacles'] = ['no_smartphone', 'no_signal', 'elderly', 'absent', 'missing_documents', 'other'];

export function VisitForm({ householdId }: { householdId: string }) {
  const { t } = useTranslation();
  const { db, assignment, go, saved } = useApp();
  const household = useLiveQuery(() => db.households.get(householdId), [db, householdId]);
  const [outcome, setOutcome] = useState<VisitInput['outcome']>('done');
  const [obstacles, setObstacles] = useState<VisitInput['obstacles']>([]);
  const [followUpDate, setFollowUpDate] = useState('');
  const [note, setNote] = useState('');
  const submit = async () => {
    if (!household) return;
    await recordVisit(db, assignment, household, { outcome, obstacles, ...(followUpDate ? { followUpDate } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
    saved({ name: 'household', id: householdId });
  };
  return (
    <Form title={t('visit.title')} onSubmit={submit} back={() => go({ name: 'household', id: householdId })}>
      <fieldset>
        <legend>{t('visit.outcome')}</legend>
        {OUTCOMES.map((entry) => (
          <label key={entry} className="check">
            <input
              type="radio"
              name="outcome"
              checked={outcome === entry}
              onChange={() => {
                setOutcome(entry);
                // The registry's rule: a visit that is done has no obstacles.
                if (entry === 'done') setObstacles([]);
              }}
            />
            {t(`visit.outcome_${entry}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('visit.obstacles')}</legend>
        {OBSTACLES.map((entry) => (
          <label key={entry} className="check">
            <input type="checkbox" disabled={outcome === 'done'} checked={obstacles.includes(entry)} onChange={(event) => setObstacles(event.target.checked ? [...obstacles, entry] : obstacles.filter((item) => item !== entry))} />
            {t(`visit.obstacle_${entry}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('visit.followUp')}
        <input type="date" min={vietnamToday()} value={followUpDate} onChange={(event) => setFollowUpDate(event.target.value)} />
      </label>
      <label>
        {t('visit.note')}
        <textarea maxLength={1000} value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
    </Form>
  );
}
