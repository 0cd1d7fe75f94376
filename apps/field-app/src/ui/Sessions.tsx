import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recordAttendance, type AttendanceOutcome, type Attendee } from '../data/commands';
import { useApp } from './context';
import { BackButton } from './parts';
import { Tabs } from './Tabs';

const OUTCOMES: AttendanceOutcome[] = ['attended', 'completed', 'skill_check_passed'];

/** Digital-skills sessions of the commune that have started (attendance is recorded from then on). */
export function SessionsScreen() {
  const { t } = useTranslation();
  const { db, go } = useApp();
  const sessions = useLiveQuery(() => db.sessions.toArray(), [db]) ?? [];
  const now = Date.now();
  const started = sessions.filter((session) => Date.parse(session.startsAt) <= now).sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  return (
    <main className="screen">
      <Tabs current="sessions" />
      <h1>{t('session.title')}</h1>
      {started.length === 0 && <p className="hint">{t('session.none')}</p>}
      <ul className="list" aria-label={t('session.title')}>
        {started.map((session) => (
          <li key={session.id}>
            <button className="row" onClick={() => go({ name: 'attendance', sessionId: session.id })}>
              <strong>
                {session.venueName} · {session.topicCode}
              </strong>
              <span>{new Date(session.startsAt).toLocaleString()}</span>
              <span>{t('session.attendees', { count: session.attendees + (session.recordedHere ?? 0) })}</span>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}

interface WalkInDraft {
  fullName: string;
  birthYear: string;
  sex: '' | 'male' | 'female';
  outcome: AttendanceOutcome;
}

/** Attendance from the village's residents (ticked) and walk-ins (by name), saved as one command. */
export function AttendanceScreen({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const { db, saved } = useApp();
  const session = useLiveQuery(() => db.sessions.get(sessionId), [db, sessionId]);
  const residents = useLiveQuery(() => db.residents.toArray(), [db]) ?? [];
  const [ticked, setTicked] = useState<Record<string, AttendanceOutcome>>({});
  const [walkIns, setWalkIns] = useState<WalkInDraft[]>([]);
  const [search, setSearch] = useState('');
  if (!session) return <main className="screen" />;
  const needle = search.trim().toLowerCase();
  const shown = residents.filter((resident) => !needle || resident.fullName.toLowerCase().includes(needle)).sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));

  const save = async () => {
    const attendees: Attendee[] = [
      ...residents.filter((resident) => ticked[resident.id]).map((resident) => ({ resident, outcome: ticked[resident.id] })),
      ...walkIns
        .filter((walkIn) => walkIn.fullName.trim())
        .map((walkIn) => ({
          outcome: walkIn.outcome,
          walkIn: { fullName: walkIn.fullName.trim(), ...(walkIn.birthYear ? { birthYear: Number(walkIn.birthYear) } : {}), ...(walkIn.sex ? { sex: walkIn.sex } : {}), ...(session.villageId ? { villageId: session.villageId } : {}) },
        })),
    ];
    if (attendees.length === 0) return;
    await recordAttendance(db, session, attendees);
    saved({ name: 'sessions' });
  };
  const outcomeSelect = (value: AttendanceOutcome, onChange: (outcome: AttendanceOutcome) => void, label: string) => (
    <select aria-label={label} value={value} onChange={(event) => onChange(event.target.value as AttendanceOutcome)}>
      {OUTCOMES.map((outcome) => (
        <option key={outcome} value={outcome}>
          {t(`session.outcome_${outcome}`)}
        </option>
      ))}
    </select>
  );
  return (
    <main className="screen">
      <BackButton to={{ name: 'sessions' }} />
      <h1>{session.venueName}</h1>
      <input type="search" aria-label={t('home.search')} placeholder={t('home.search')} value={search} onChange={(event) => setSearch(event.target.value)} />
      <ul className="list" aria-label={t('household.residents')}>
        {shown.map((resident) => (
          <li key={resident.id} className="card">
            <label className="check">
              <input
                type="checkbox"
                checked={Boolean(ticked[resident.id])}
                onChange={(event) => {
                  const next = { ...ticked };
                  if (event.target.checked) next[resident.id] = 'attended';
                  else delete next[resident.id];
                  setTicked(next);
                }}
              />
              {resident.fullName} ({resident.dateOfBirth.slice(0, 4)})
            </label>
            {ticked[resident.id] && outcomeSelect(ticked[resident.id], (outcome) => setTicked({ ...ticked, [resident.id]: outcome }), `${resident.fullName}: ${t('visit.outcome')}`)}
          </li>
        ))}
      </ul>
      <h2>{t('session.walkIns')}</h2>
      {walkIns.map((walkIn, index) => {
        const update = (changes: Partial<WalkInDraft>) => setWalkIns(walkIns.map((entry, at) => (at === index ? { ...entry, ...changes } : entry)));
        return (
          <div key={index} className="card">
            <label>
              {t('resident.fullName')}
              <input value={walkIn.fullName} onChange={(event) => update({ fullName: event.target.value })} />
            </label>
            <label>
              {t('session.birthYear')}
              <input inputMode="numeric" maxLength={4} value={walkIn.birthYear} onChange={(event) => update({ birthYear: event.target.value.replace(/\D/g, '') })} />
            </label>
            <label>
              {t('resident.sex')}
              <select value={walkIn.sex} onChange={(event) => update({ sex: event.target.value as WalkInDraft['sex'] })}>
                <option value="" />
                <option value="female">{t('resident.sex_female')}</option>
                <option value="male">{t('resident.sex_male')}</option>
              </select>
            </label>
            {outcomeSelect(walkIn.outcome, (outcome) => update({ outcome }), `${walkIn.fullName || t('session.walkIn')}: ${t('visit.outcome')}`)}
          </div>
        );
      })}
      <button className="secondary" onClick={() => setWalkIns([...walkIns, { fullName: '', birthYear: '', sex: '', outcome: 'attended' }])}>
        {t('session.addWalkIn')}
      </button>
      <button className="primary" onClick={() => void save()}>
        {t('app.save')}
      </button>
    </main>
  );
}
