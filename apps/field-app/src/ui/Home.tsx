import { useLiveQuery } from 'dexie-react-hooks';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apis } from '../data/api';
import type { LocalHousehold } from '../data/db';
import { refreshReferenceData, refreshWorkList } from '../data/work-list';
import { useApp } from './context';
import { useVillages, VillageSelect, villagesOfTeam } from './parts';
import { Tabs } from './Tabs';

/** Pick the team and village of the day and download their households (needs a connection). */
export function Setup() {
  const { t } = useTranslation();
  const { db, assignment, token, go, assign } = useApp();
  const villages = useVillages();
  const [teamId, setTeamId] = useState(assignment.teamId ?? assignment.teams[0]?.id);
  const [villageId, setVillageId] = useState(assignment.villageId ?? '');
  const [state, setState] = useState<{ busy?: boolean; message?: string }>({});
  useEffect(() => {
    if (token) refreshReferenceData(db, apis(token), assignment.communeCode).catch(() => setState({ message: t('setup.needsSignal') }));
  }, [db, token, assignment.communeCode, t]);

  const download = async () => {
    if (!token) return go({ name: 'signIn' });
    setState({ busy: true });
    const next = { ...assignment, teamId, villageId: villageId || undefined };
    try {
      await assign(next);
      const { households } = await refreshWorkList(db, apis(token), next);
      setState({ message: t('setup.downloaded', { count: households }) });
      go({ name: 'home' });
    } catch {
      setState({ message: t('setup.needsSignal') });
    }
  };

  const team = assignment.teams.find((entry) => entry.id === teamId);
  const teamVillages = villagesOfTeam(team, villages);
  return (
    <main className="screen">
      <h1>{t('setup.title')}</h1>
      <label>
        {t('setup.team')}
        <select value={teamId} onChange={(event) => setTeamId(event.target.value)}>
          {assignment.teams.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('setup.village')}
        <VillageSelect villages={teamVillages} value={villageId} onChange={setVillageId} anyLabel={t('setup.allVillages')} />
      </label>
      <button className="primary" disabled={state.busy} onClick={() => void download()}>
        {state.busy ? t('setup.downloading') : t('setup.download')}
      </button>
      {state.message && <p role="status">{state.message}</p>}
    </main>
  );
}

/** Rows rendered at first and added each time the member scrolls near the end of the list. */
const ROWS_PER_STEP = 40;
const vietnameseOrder = new Intl.Collator('vi');
// One empty list while IndexedDB answers, so the memoised sort below is not redone on every render.
const NO_HOUSEHOLDS: LocalHousehold[] = [];

export function Home() {
  const { t } = useTranslation();
  const { db, go } = useApp();
  const [search, setSearch] = useState('');
  const stored = useLiveQuery(() => db.households.toArray(), [db]);
  // A new list after a sync renders in the background, interruptible by the member's taps.
  const households = useDeferredValue(stored) ?? NO_HOUSEHOLDS;
  const needle = search.trim().toLowerCase();
  const shown = useMemo(
    () =>
      households
        .filter((household) => !needle || `${household.headName} ${household.address}`.toLowerCase().includes(needle))
        .sort((a, b) => vietnameseOrder.compare(a.villageName, b.villageName) || vietnameseOrder.compare(a.headName, b.headName)),
    [households, needle],
  );
  // Only the rows near the screen exist: 500 rows took a slow phone longer to lay out than the whole start-up.
  const [rowLimit, setRowLimit] = useState(ROWS_PER_STEP);
  useEffect(() => setRowLimit(ROWS_PER_STEP), [needle]);
  const end = useRef<HTMLDivElement>(null);
  const more = shown.length > rowLimit;
  useEffect(() => {
    if (!more || !end.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && setRowLimit((limit) => limit + ROWS_PER_STEP), { rootMargin: '800px 0px' });
    observer.observe(end.current);
    return () => observer.disconnect();
  }, [more, rowLimit]);
  return (
    <main className="screen">
      <Tabs current="home" />
      <div className="toolbar">
        <h1>{t('home.households')}</h1>
        <button className="secondary" onClick={() => go({ name: 'setup' })}>
          {t('home.refresh')}
        </button>
      </div>
      <input type="search" aria-label={t('home.search')} placeholder={t('home.search')} value={search} onChange={(event) => setSearch(event.target.value)} />
      <button className="primary" onClick={() => go({ name: 'newHousehold' })}>
        {t('home.addHousehold')}
      </button>
      {shown.length === 0 ? <p className="hint">{t('home.empty')}</p> : <p className="hint">{t('home.count', { count: shown.length })}</p>}
      <ul className="list" aria-label={t('home.households')} data-total={shown.length}>
        {shown.slice(0, rowLimit).map((household) => (
          <li key={household.id}>
            <button className="row" onClick={() => go({ name: 'household', id: household.id })}>
              <strong>{household.headName}</strong>
              <span>
                {household.address} · {household.villageName}
              </span>
              <span className={`badge visit-${household.visit?.status ?? 'not_visited'}`}>{t(`household.visit_${household.visit?.status ?? 'not_visited'}`)}</span>
              {household.pendingClientId && <span className="badge pending">{t('status.pending')}</span>}
            </button>
          </li>
        ))}
      </ul>
      {more && (
        <div ref={end}>
          <button className="secondary" onClick={() => setRowLimit((limit) => limit + ROWS_PER_STEP)}>
            {t('home.more', { count: shown.length - rowLimit })}
          </button>
        </div>
      )}
    </main>
  );
}
