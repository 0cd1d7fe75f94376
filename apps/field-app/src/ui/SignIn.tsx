import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assignment, TokenSession } from '../data/session';

interface Roster {
  commune: { code: string; name: string };
  teams: Array<{ id: string; name: string; villageIds: string[]; members: Array<{ id: string; fullName: string }> }>;
}

/**
 * Development sign-in: with the services running on the development secret, the one-origin
 * gateway lists a commune's teams and members and signs a field agent token for the one picked.
 * Production uses the province's OpenID Connect provider instead.
 */
export function SignIn({ onSignedIn, defaultCommune }: { onSignedIn(token: TokenSession, assignment: Assignment): void; defaultCommune?: string }) {
  const { t } = useTranslation();
  const [communeCode, setCommuneCode] = useState(defaultCommune ?? '16279');
  const [roster, setRoster] = useState<Roster>();
  const [teamId, setTeamId] = useState<string>();
  const [error, setError] = useState<string>();

  const load = async () => {
    setError(undefined);
    try {
      const response = await fetch(`/dev/roster?communeCode=${encodeURIComponent(communeCode)}`);
      if (response.status === 404) return setError(t('signIn.noDev'));
      const body = await response.json();
      if (!response.ok) return setError(t('signIn.failed', { reason: body.message ?? response.status }));
      setRoster(body as Roster);
      setTeamId((body as Roster).teams[0]?.id);
    } catch {
      setError(t('setup.needsSignal'));
    }
  };

  const pick = async (memberId: string) => {
    setError(undefined);
    const response = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ communeCode, memberId }) });
    const body = await response.json();
    if (!response.ok) return setError(t('signIn.failed', { reason: body.message ?? response.status }));
    const member = roster!.teams.flatMap((team) => team.members).find((entry) => entry.id === memberId)!;
    const teams = roster!.teams.filter((team) => team.members.some((entry) => entry.id === memberId)).map(({ id, name, villageIds }) => ({ id, name, villageIds }));
    onSignedIn({ token: body.token, expiresAt: body.expiresAt }, { communeCode, communeName: roster!.commune.name, memberId, memberName: member.fullName, teams, teamId: teamId ?? teams[0]?.id });
  };

  const team = roster?.teams.find((entry) => entry.id === teamId);
  return (
    <main className="screen">
      <h1>{t('signIn.title')}</h1>
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
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
