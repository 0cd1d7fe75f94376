import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { vietnamToday } from '@dtc/calendar';
import { ApiError, type Affiliation, type ConsoleApi, type TeamKind, type TeamView, type VillageView } from '../data/api';
import { parseVillagesCsv } from '../data/villages-csv';
import { MicroPlans } from './MicroPlans';
import { NotYet, Outcome, useLoaded, useOutcome, type RunWrite } from './parts';
import { Button } from './controls';

const AFFILIATIONS: Affiliation[] = ['commune_police', 'official', 'teacher', 'village_head', 'youth_union', 'womens_union', 'security_forces', 'student_volunteer', 'digital_technology_team'];
const KINDS: TeamKind[] = ['mobile_working_group', 'community_digital_team'];

interface Props {
  api: ConsoleApi;
  communeCode: string;
  onExpired: () => void;
}

/** A commune's set-up: its villages (add, rename, import from CSV) and its teams and members. */
export function CommuneAdmin({ api, communeCode, onExpired }: Props) {
  const { t } = useTranslation();
  const load = useCallback(async () => {
    const [villages, teams] = await Promise.all([api.villages(communeCode), api.communeTeams(communeCode)]);
    return { villages, teams };
  }, [api, communeCode]);
  const { data, error, reload } = useLoaded(load, onExpired);

  if (!data) return <NotYet error={error} />;
  const { villages, teams } = data;
  return (
    <article className="report">
      <header className="report-head">
        <h2>
          {t('admin.title')} · {t('campaigns.commune')} {communeCode}
        </h2>
      </header>
      <VillagesPanel api={api} communeCode={communeCode} villages={villages} onChanged={reload} onExpired={onExpired} />
      <TeamsPanel api={api} communeCode={communeCode} villages={villages} teams={teams} onChanged={reload} onExpired={onExpired} />
      <MicroPlans api={api} communeCode={communeCode} villages={villages} teams={teams} onExpired={onExpired} />
    </article>
  );
}

function VillagesPanel({ api, communeCode, villages, onChanged, onExpired }: Props & { villages: VillageView[]; onChanged: () => Promise<void> }) {
  const { t } = useTranslation();
  const { error, done, run } = useOutcome(onExpired);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string }>();
  const [imported, setImported] = useState<Array<{ line: number; code: string; outcome: string; ok: boolean }>>();

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.addVillage(communeCode, { code: code.trim().toUpperCase(), name: name.trim() }), t('admin.villageAdded', { name: name.trim() }))) {
      setCode('');
      setName('');
      await onChanged();
    }
  };
  const rename = async (event: FormEvent) => {
    event.preventDefault();
    if (renaming && (await run(() => api.renameVillage(communeCode, renaming.id, renaming.name.trim()), t('admin.villageRenamed', { name: renaming.name.trim() })))) {
      setRenaming(undefined);
      await onChanged();
    }
  };
  // One village at a time: each line's own answer (created, already there, refused and why).
  const importFile = async (file: File) => {
    const { rows, unreadable } = parseVillagesCsv(await file.text());
    const results = unreadable.map(({ line, reason }) => ({ line, code: '', outcome: t('admin.csvUnreadable', { reason: t(`admin.csvReason_${reason}`) }), ok: false }));
    for (const row of rows) {
      try {
        await api.addVillage(communeCode, { code: row.code, name: row.name });
        results.push({ line: row.line, code: row.code, outcome: t('admin.csvCreated'), ok: true });
      } catch (failure) {
        if (failure instanceof ApiError && failure.expired) return onExpired();
        const problem = failure as ApiError;
        results.push({ line: row.line, code: row.code, outcome: problem.status === 409 ? t('admin.csvExists') : problem.message, ok: false });
      }
    }
    setImported(results.sort((a, b) => a.line - b.line));
    await onChanged();
  };

  return (
    <section aria-labelledby="villages-admin-title" className="panel">
      <h3 id="villages-admin-title">{t('admin.villages')}</h3>
      <table data-testid="admin-villages">
        <thead>
          <tr>
            <th scope="col">{t('admin.code')}</th>
            <th scope="col">{t('admin.name')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('admin.rename')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {villages.map((village) => (
            <tr key={village.id}>
              <td>{village.code}</td>
              <th scope="row">
                {renaming?.id === village.id ? (
                  <form onSubmit={rename} className="inline-form">
                    <label className="visually-hidden" htmlFor={`rename-${village.id}`}>
                      {t('admin.newName', { code: village.code })}
                    </label>
                    <input id={`rename-${village.id}`} value={renaming.name} onChange={(event) => setRenaming({ id: village.id, name: event.target.value })} required maxLength={200} />
                    <Button type="submit">{t('admin.save')}</Button>
                    <Button className="secondary" onPress={() => setRenaming(undefined)}>
                      {t('admin.cancel')}
                    </Button>
                  </form>
                ) : (
                  village.name
                )}
              </th>
              <td>
                {renaming?.id !== village.id && (
                  <Button className="secondary" onPress={() => setRenaming({ id: village.id, name: village.name })} aria-label={t('admin.renameVillage', { name: village.name })}>
                    {t('admin.rename')}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={add} className="admin-form" aria-labelledby="add-village-title">
        <h4 id="add-village-title">{t('admin.addVillage')}</h4>
        <label htmlFor="village-code">{t('admin.code')}</label>
        <input id="village-code" value={code} onChange={(event) => setCode(event.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9\-]{0,31}" aria-describedby="village-code-hint" />
        <span id="village-code-hint" className="hint">
          {t('admin.codeHint')}
        </span>
        <label htmlFor="village-name">{t('admin.name')}</label>
        <input id="village-name" value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} />
        <Button type="submit">{t('admin.add')}</Button>
      </form>
      <div className="admin-form">
        <label htmlFor="villages-csv">{t('admin.importCsv')}</label>
        <input id="villages-csv" type="file" accept=".csv,text/csv" onChange={(event) => event.target.files?.[0] && void importFile(event.target.files[0])} aria-describedby="villages-csv-hint" />
        <span id="villages-csv-hint" className="hint">
          {t('admin.csvHint')}
        </span>
      </div>
      <Outcome error={error} done={done} />
      {imported && (
        <table data-testid="import-results">
          <caption>{t('admin.importResults')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.line')}</th>
              <th scope="col">{t('admin.code')}</th>
              <th scope="col">{t('admin.result')}</th>
            </tr>
          </thead>
          <tbody>
            {imported.map((result) => (
              <tr key={result.line} className={result.ok ? '' : 'refused'}>
                <td>{result.line}</td>
                <td>{result.code}</td>
                <td>{result.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TeamsPanel({ api, communeCode, villages, teams, onChanged, onExpired }: Props & { villages: VillageView[]; teams: TeamView[]; onChanged: () => Promise<void> }) {
  const { t } = useTranslation();
  const { error, done, run } = useOutcome(onExpired);
  const [teamName, setTeamName] = useState('');
  const [kind, setKind] = useState<TeamKind>('mobile_working_group');
  const villageNames = useMemo(() => new Map(villages.map((village) => [village.id, village.name])), [villages]);

  const form = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.formTeam({ communeCode, name: teamName.trim(), kind, activeFrom: vietnamToday() }), t('admin.teamFormed', { name: teamName.trim() }))) {
      setTeamName('');
      await onChanged();
    }
  };

  return (
    <section aria-labelledby="teams-admin-title" className="panel">
      <h3 id="teams-admin-title">{t('admin.teams')}</h3>
      {teams.map((team) => (
        <TeamCard key={team.id} api={api} team={team} villages={villages} villageNames={villageNames} run={run} onChanged={onChanged} />
      ))}
      <form onSubmit={form} className="admin-form" aria-labelledby="form-team-title">
        <h4 id="form-team-title">{t('admin.formTeam')}</h4>
        <label htmlFor="team-name">{t('admin.teamName')}</label>
        <input id="team-name" value={teamName} onChange={(event) => setTeamName(event.target.value)} required minLength={2} maxLength={200} />
        <label htmlFor="team-kind">{t('admin.kind')}</label>
        <select id="team-kind" value={kind} onChange={(event) => setKind(event.target.value as TeamKind)}>
          {KINDS.map((option) => (
            <option key={option} value={option}>
              {t(`kinds.${option}`)}
            </option>
          ))}
        </select>
        <Button type="submit">{t('admin.form')}</Button>
      </form>
      <Outcome error={error} done={done} />
    </section>
  );
}

interface TeamCardProps {
  api: ConsoleApi;
  team: TeamView;
  villages: VillageView[];
  villageNames: Map<string, string>;
  run: RunWrite;
  onChanged: () => Promise<void>;
}

function TeamCard({ api, team, villages, villageNames, run, onChanged }: TeamCardProps) {
  const { t } = useTranslation();
  const [fullName, setFullName] = useState('');
  const [affiliation, setAffiliation] = useState<Affiliation>('youth_union');
  const [phone, setPhone] = useState('');
  const [covered, setCovered] = useState<string[]>(team.villageIds ?? []);
  const current = (team.memberships ?? []).filter((membership) => !membership.leftAt);
  const id = team.id.slice(0, 8);

  const join = async (event: FormEvent) => {
    event.preventDefault();
    const member = { fullName: fullName.trim(), affiliation, ...(phone.trim() ? { phone: phone.trim() } : {}) };
    if (await run(() => api.joinTeam(team.id, member), t('admin.memberJoined', { name: member.fullName, team: team.name }))) {
      setFullName('');
      setPhone('');
      await onChanged();
    }
  };
  const leave = async (memberId: string, name: string) => {
    if (await run(() => api.leaveTeam(team.id, memberId), t('admin.memberLeft', { name, team: team.name }))) await onChanged();
  };
  const assign = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.assignVillages(team.id, covered), t('admin.villagesAssigned', { team: team.name }))) await onChanged();
  };

  return (
    <section className="team-card" aria-labelledby={`team-${id}`} data-team={team.name}>
      <h4 id={`team-${id}`}>
        {team.name} <span className="muted">· {t(`kinds.${team.kind}`, { defaultValue: team.kind })}</span>
      </h4>
      <ul className="members">
        {current.map((membership) => (
          <li key={membership.memberId}>
            <span>
              {membership.fullName} <span className="muted">· {t(`affiliations.${membership.affiliation}`, { defaultValue: membership.affiliation })}</span>
            </span>{' '}
            <Button className="secondary" onPress={() => void leave(membership.memberId, membership.fullName ?? '')} aria-label={t('admin.leaveMember', { name: membership.fullName })}>
              {t('admin.leave')}
            </Button>
          </li>
        ))}
        {current.length === 0 && <li className="muted">{t('admin.noMembers')}</li>}
      </ul>
      <form onSubmit={join} className="admin-form compact" aria-label={t('admin.addMemberTo', { team: team.name })}>
        <label htmlFor={`member-name-${id}`}>{t('admin.fullName')}</label>
        <input id={`member-name-${id}`} value={fullName} onChange={(event) => setFullName(event.target.value)} required maxLength={200} />
        <label htmlFor={`member-affiliation-${id}`}>{t('admin.affiliation')}</label>
        <select id={`member-affiliation-${id}`} value={affiliation} onChange={(event) => setAffiliation(event.target.value as Affiliation)}>
          {AFFILIATIONS.map((option) => (
            <option key={option} value={option}>
              {t(`affiliations.${option}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`member-phone-${id}`}>{t('admin.phone')}</label>
        <input id={`member-phone-${id}`} value={phone} onChange={(event) => setPhone(event.target.value)} inputMode="tel" maxLength={20} />
        <Button type="submit">{t('admin.addMember')}</Button>
      </form>
      <form onSubmit={assign} className="admin-form compact">
        <fieldset>
          <legend>{t('admin.coveredVillages')}</legend>
          {villages.map((village) => (
            <label key={village.id} className="check">
              <input type="checkbox" checked={covered.includes(village.id)} onChange={(event) => setCovered(event.target.checked ? [...covered, village.id] : covered.filter((v) => v !== village.id))} />{' '}
              {villageNames.get(village.id)}
            </label>
          ))}
        </fieldset>
        <Button type="submit">{t('admin.saveVillages')}</Button>
      </form>
    </section>
  );
}
