import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadConfig, startOidcSignIn, type FieldAppConfig } from '../data/oidc';
import type { Assignment, TokenSession } from '../data/session';

interface Roster {
  commune: { code: string; name: string };
  teams: Array<{ id: string; name: string; villageIds: string[]; members: Array<{ id: string; fullName: string }> }>;
}

/**
 * Sign-in: the province's OpenID Connect provider (authorization code with PKCE) when the
 * installation configures one; and, only where the services run on the development secret, a
 * picker of commune, team and member that gets a development token from the gateway.
 */
export function SignIn({ onSignedIn, defaultCommune, problem }: { onSignedIn(token: TokenSession, assignment: Assignment): void; defaultCommune?: string; problem?: string }) {
  const { t } = useTranslation();
  const [config, setConfig] = useState<FieldAppConfig>();
  const [error, setError] = useState<string | undefined>(problem);
  useEffect(() => {
    loadConfig()
      .then(setConfig)
      .catch(() => setError(t('setup.needsSignal')));
  }, [t]);

  return (
    <main className="screen">
      <h1>{t('signIn.title')}</h1>
      {config?.oidc && (
        <button className="primary" onClick={() => void startOidcSignIn(config).catch(() => setError(t('setup.needsSignal')))}>
          {t('signIn.oidc')}
        </button>
      )}
      {config?.devSignIn && <DevPicker onSignedIn={onSignedIn} defaultCommune={defaultCommune} onError={setError} />}
      {config && !config.oidc && !config.devSignIn && <p className="hint">{t('signIn.noDev')}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}

function DevPicker({ onSignedIn, defaultCommune, onError }: { onSignedIn(token: TokenSession, assignment: Assignment): void; defaultCommune?: string; onError(message?: string): void }) {
  const { t } = useTranslation();
  const [communeCode, setCommuneCode] = useState(defaultCommune ?? '16279');
  const [roster, setRoster] = useState<Roster>();
  const [teamId, setTeamId] = useState<string>();

  const load = async () => {
    onError(undefined);
    try {
      const response = await fetch(`/dev/roster?communeCode=${encodeURIComponent(communeCode)}`);
      const body = await response.json();
      if (!response.ok) return onError(t('signIn.failed', { reason: body.message ?? response.status }));
      setRoster(body as Roster);
      setTeamId((body as Roster).teams[0]?.id);
    } catch {
      onError(t('setup.needsSignal'));
    }
  };

  const pick = async (memberId: string) => {
    onError(undefined);
    const response = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ communeCode, memberId }) });
    const body = await response.json();
    if (!response.ok) return onError(t('signIn.failed', { reason: body.message ?? response.status }));
    const member = roster!.teams.flatMap((team) => team.members).find((entry) => entry.id === memberId)!;
    const teams = roster!.teams.filter((team) => team.members.some((entry) => entry.id === memberId)).map(({ id, name, villageIds }) => ({ id, name, villageIds }));
    onSignedIn({ token: body.token, expiresAt: body.expiresAt }, { communeCode, communeName: roster!.commune.name, memberId, memberName: member.fullName, teams, teamId: teamId ?? teams[0]?.id });
  };

  const team = roster?.teams.find((entry) => entry.id === teamId);
  return (
    <section className="screen-section">
      <p className="hint">{t('signIn.devTitle')}</p>
      <label>
        {t('signIn.commune')}
        <input inputMode="numeric" value={communeCode} onChange={(event) => setCommuneCode(event.target.value.trim())} />
      </label>
      <button className="primary" onClick={() => void load()}>
        {t('signIn.load')}
      </button>
      {roster && (
        <>
          <h2>{roster.commune.name}</h2>
          <label>
            {t('signIn.team')}
            <select value={teamId} onChange={(event) => setTeamId(event.target.value)}>
              {roster.teams.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.name}
                </option>
              ))}
            </select>
          </label>
          <h3>{t('signIn.member')}</h3>
          <ul className="list">
            {team?.members.map((member) => (
              <li key={member.id}>
                <button className="row" onClick={() => void pick(member.id)}>
                  {member.fullName}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
