import { useLiveQuery } from 'dexie-react-hooks';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDatabase } from '../data/db';
import { currentToken, deviceId, loadAssignment, saveAssignment, signOut, storeToken, type Assignment, type TokenSession } from '../data/session';
import { assignmentFromServices } from '../data/assignment';
import { completeOidcSignIn, isOidcCallback } from '../data/oidc';
import { queueCounts } from '../sync/queue';
import { SyncRunner, type SyncStatus } from '../sync/sync-runner';
import { roundsInWorker } from '../sync/sync-worker-client';
import { AppContext, useApp, type Screen } from './context';
import { Home, Setup } from './Home';
import { toggleLanguage } from './i18n';
import { SignIn } from './SignIn';

// The household list is what opens every morning; the other screens load when first opened (the
// service worker has precached them, so this works offline too).
const HouseholdScreen = lazy(() => import('./Household').then((module) => ({ default: module.HouseholdScreen })));
const HouseholdForm = lazy(() => import('./Forms').then((module) => ({ default: module.HouseholdForm })));
const ResidentForm = lazy(() => import('./Forms').then((module) => ({ default: module.ResidentForm })));
const VisitForm = lazy(() => import('./Forms').then((module) => ({ default: module.VisitForm })));
const AttentionScreen = lazy(() => import('./Attention').then((module) => ({ default: module.AttentionScreen })));
const QueueScreen = lazy(() => import('./Attention').then((module) => ({ default: module.QueueScreen })));
const OrganisationsScreen = lazy(() => import('./Organisations').then((module) => ({ default: module.OrganisationsScreen })));
const OrganisationForm = lazy(() => import('./Organisations').then((module) => ({ default: module.OrganisationForm })));
const SessionsScreen = lazy(() => import('./Sessions').then((module) => ({ default: module.SessionsScreen })));
const AttendanceScreen = lazy(() => import('./Sessions').then((module) => ({ default: module.AttendanceScreen })));

export function App({ db }: { db: FieldDatabase }) {
  const { t } = useTranslation();
  const [assignment, setAssignment] = useState<Assignment | null>();
  const [token, setToken] = useState<TokenSession | undefined>(() => currentToken());
  const [screen, setScreen] = useState<Screen>({ name: 'home' });

  const [signInProblem, setSignInProblem] = useState<string>();

  /** A member signed in: on a phone that held another member's work, only once that work has synced. */
  const finishSignIn = useCallback(
    async (session: TokenSession, next: Assignment, previous: Assignment | undefined) => {
      if (previous && previous.memberId !== next.memberId) {
        const { waiting, attention } = await queueCounts(db);
        if (waiting + attention > 0) throw new Error(t('signIn.otherMember', { name: previous.memberName, count: waiting + attention }));
        await signOut(db);
      }
      storeToken(session);
      setToken(session);
      const keep = previous && previous.memberId === next.memberId ? { ...next, teamId: previous.teamId, villageId: previous.villageId } : next;
      await saveAssignment(db, keep);
      setAssignment(keep);
      setScreen(previous && previous.memberId === next.memberId ? { name: 'home' } : { name: 'setup' });
    },
    [db, t],
  );

  useEffect(() => {
    void (async () => {
      const loaded = await loadAssignment(db);
      if (!isOidcCallback()) return setAssignment(loaded ?? null);
      // Back from the provider: exchange the code, then learn the member's teams from the services.
      try {
        const { session, claims } = await completeOidcSignIn();
        await finishSignIn(session, await assignmentFromServices(session.token, claims), loaded);
      } catch (error) {
        setSignInProblem(t('signIn.failed', { reason: error instanceof Error ? error.message : String(error) }));
        setAssignment(loaded ?? null);
        setScreen({ name: 'signIn' });
      }
    })();
  }, [db, finishSignIn, t]);

  const runner = useMemo(() => {
    let device: string | undefined;
    void deviceId(db).then((id) => (device = id));
    return new SyncRunner(
      db,
      () => {
        const session = currentToken();
        return session && device ? { token: session.token, deviceId: device } : undefined;
      },
      roundsInWorker(db),
    );
  }, [db]);

  useEffect(() => {
    void runner.start();
    return () => runner.stop();
  }, [runner]);

  const saved = useCallback(
    (next: Screen) => {
      setScreen(next);
      runner.kick();
    },
    [runner],
  );

  if (assignment === undefined) return null;
  const onSignedIn = (session: TokenSession, next: Assignment) => {
    finishSignIn(session, next, assignment ?? undefined)
      .then(() => runner.syncNow(true))
      .catch((error: Error) => setSignInProblem(error.message));
  };
  if (!assignment || screen.name === 'signIn') return <SignIn key={signInProblem} onSignedIn={onSignedIn} defaultCommune={assignment?.communeCode} problem={signInProblem} />;

  const assign = async (next: Assignment) => {
    await saveAssignment(db, next);
    setAssignment(next);
  };
  const context = { db, assignment, runner, token: token?.token, go: setScreen, saved, assign };
  return (
    <AppContext.Provider value={context}>
      <StatusBar
        onSignOut={async () => {
          const { waiting, attention } = await queueCounts(db);
          if (waiting + attention > 0 && !window.confirm(t('signOutConfirm', { count: waiting + attention }))) return;
          runner.stop();
          await runner.settled();
          await signOut(db);
          void runner.start();
          setToken(undefined);
          setAssignment(null);
        }}
      />
      <Suspense fallback={<main className="screen" aria-busy="true" />}>
      {screen.name === 'home' && <Home />}
      {screen.name === 'setup' && <Setup />}
      {screen.name === 'household' && <HouseholdScreen id={screen.id} />}
      {screen.name === 'newHousehold' && <HouseholdForm />}
      {screen.name === 'editHousehold' && <HouseholdForm id={screen.id} />}
      {screen.name === 'newResident' && <ResidentForm householdId={screen.householdId} />}
      {screen.name === 'visit' && <VisitForm householdId={screen.householdId} />}
      {screen.name === 'attention' && <AttentionScreen />}
      {screen.name === 'queue' && <QueueScreen />}
      {screen.name === 'organisations' && <OrganisationsScreen />}
      {screen.name === 'newOrganisation' && <OrganisationForm />}
      {screen.name === 'sessions' && <SessionsScreen />}
      {screen.name === 'attendance' && <AttendanceScreen sessionId={screen.sessionId} />}
      </Suspense>
    </AppContext.Provider>
  );
}

/** Always visible: connection, what waits, what needs attention, the last successful sync. */
function StatusBar({ onSignOut }: { onSignOut(): void }) {
  const { t } = useTranslation();
  const { db, runner, assignment, go } = useApp();
  // Undefined until IndexedDB answers: never claim "everything synced" before knowing.
  const counts = useLiveQuery(() => queueCounts(db), [db]);
  const [status, setStatus] = useState<SyncStatus>({ running: false, failed: false, needsSignIn: false });
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => runner.subscribe(setStatus), [runner]);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  // Who and the language scroll away; what waits and the sync button stay on screen, in two short rows.
  return (
    <>
      <div className="identity">
        <span className="who">{assignment.memberName}</span>
        <button className="link small" onClick={toggleLanguage}>
          {t('app.language')}
        </button>
        <button className="link small" onClick={onSignOut}>
          {t('app.signOut')}
        </button>
      </div>
      <header className="status" aria-live="polite">
        <div className="status-row top">
          <div className="status-now">
            <span className={`dot ${online ? 'on' : 'off'}`} data-testid="connection">
              {online ? t('status.online') : t('status.offline')}
            </span>
            <span className="small-text" data-testid="last-sync">
              {status.lastSuccessAt ? t('status.lastSync', { time: new Date(status.lastSuccessAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }) : t('status.neverSynced')}
            </span>
          </div>
          {status.needsSignIn ? (
            <button className="secondary small" onClick={() => go({ name: 'signIn' })}>
              {t('status.signInToSync')}
            </button>
          ) : (
            <button className="secondary small" disabled={status.running} onClick={() => void runner.syncNow(true)}>
              {status.running ? t('status.syncing') : t('status.syncNow')}
            </button>
          )}
        </div>
        <div className="status-row">
          <button className="link" data-testid="waiting" onClick={() => go({ name: 'queue' })}>
            {!counts ? '…' : counts.waiting > 0 ? t('status.waiting', { count: counts.waiting }) : t('status.allSynced')}
          </button>
          {counts && counts.attention > 0 && (
            <button className="link warn" data-testid="attention" onClick={() => go({ name: 'attention' })}>
              {t('status.attention', { count: counts.attention })}
            </button>
          )}
        </div>
        {status.failed && <div className="status-row warn">{t('status.syncFailed')}</div>}
      </header>
    </>
  );
}
