import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsoleApi, DuplicateFlag, EnrollmentView, ResidentView } from '../data/api';
import { formatTime } from '../data/figures';
import { returnsByMember, type MemberReturns, type ReturnedItem } from '../data/returned';
import { mergeSyncHealth, type MemberSyncHealth } from '../data/sync-health';
import { currentLanguage } from './i18n';
import { NotYet, orNothing, Outcome, TablePanel, useLoaded, useOutcome } from './parts';
import { Button } from './controls';

interface Props {
  api: ConsoleApi;
  communeCode: string;
  onExpired: () => void;
}

/** A duplicate flag with both residents, so the official decides with names and birthdays in front of them. */
interface FlagWithResidents {
  flag: DuplicateFlag;
  resident?: ResidentView;
  duplicateOf?: ResidentView;
}

interface Queues {
  flags: FlagWithResidents[];
  pending: EnrollmentView[];
  health: MemberSyncHealth[];
  returns: MemberReturns[];
  /** member id -> name, from the commune's teams */
  names: Map<string, string>;
  /** service code -> name in the page's language */
  services: Map<string, string>;
}

const HEALTH_DAYS = 7;

/** What waits for the commune official: likely duplicates, enrollments held for their resident, and whose phone has gone quiet. */
export function ReviewQueues({ api, communeCode, onExpired }: Props) {
  const { t } = useTranslation();
  const { error, done, run } = useOutcome(onExpired);
  const load = useCallback(async (): Promise<Queues> => {
    const [flags, pending, health, members, services, returnedVisits, returnedSteps] = await Promise.all([
      api.openDuplicateFlags(communeCode),
      api.overduePendingEnrollments(communeCode),
      api.syncHealth(communeCode, HEALTH_DAYS),
      api.communeMembers(communeCode),
      api.services(),
      api.returnedVisits(communeCode),
      api.returnedSteps(communeCode),
    ]);
    const merged = mergeSyncHealth(health);
    const withResidents = await Promise.all(
      flags.items.map(async (flag) => {
        // A resident since moved to another commune is no longer readable here: the flag still shows.
        const [resident, duplicateOf] = await Promise.all([orNothing(api.resident(flag.residentId)), orNothing(api.resident(flag.duplicateOfId))]);
        return { flag, resident, duplicateOf };
      }),
    );
    const vietnamese = currentLanguage() === 'vi';
    return {
      flags: withResidents,
      pending: pending.items,
      health: merged,
      returns: returnsByMember(returnedVisits.items, returnedSteps.items, merged),
      names: new Map(members.map((member) => [member.id, member.fullName])),
      services: new Map(services.map((service) => [service.code, vietnamese ? service.nameVi : service.nameEn])),
    };
  }, [api, communeCode]);
  const { data: queues, error: loadError, reload } = useLoaded(load, onExpired);

  if (!queues) return <NotYet error={loadError} />;
  const language = currentLanguage();
  const time = (iso?: string | null) => formatTime(iso, language);
  const nameOf = (memberId?: string | null) => (memberId ? (queues.names.get(memberId) ?? memberId) : '–');
  const who = (resident?: ResidentView) => (resident ? `${resident.fullName} · ${resident.dateOfBirth} · ${resident.villageCode}` : t('review.residentElsewhere'));

  const what = (item: ReturnedItem) =>
    item.kind === 'visit'
      ? t('review.returnedVisit', { head: item.visit.headName, village: item.visit.villageCode, reason: item.reason ?? '–' })
      : t('review.returnedStep', { service: queues.services.get(item.step.serviceCode) ?? item.step.serviceCode, step: item.step.stepNumber, state: item.step.state, reason: item.reason ?? '–' });

  const decide = async (entry: FlagWithResidents, decision: 'duplicate' | 'not_duplicate') => {
    const name = entry.resident?.fullName ?? entry.flag.residentId;
    if (await run(() => api.resolveDuplicateFlag(entry.flag.id, decision), t(`review.decided_${decision}`, { name }))) await reload();
  };

  return (
    <article className="report">
      <header className="report-head">
        <h2>
          {t('review.title')} · {t('campaigns.commune')} {communeCode}
        </h2>
      </header>
      <TablePanel
        id="flags"
        title={t('review.flags', { count: queues.flags.length })}
        hint={t('review.flagsHint')}
        testId="duplicate-flags"
        columns={[{ label: t('review.newResident') }, { label: t('review.existingResident'), text: true }, { label: t('review.why'), text: true }, { label: t('review.decision') }]}
        empty={queues.flags.length === 0 && t('review.noFlags')}
        after={<Outcome error={error} done={done} />}
      >
        {queues.flags.map((entry) => (
          <tr key={entry.flag.id}>
            <th scope="row">{who(entry.resident)}</th>
            <td className="text">{who(entry.duplicateOf)}</td>
            <td className="text">{entry.flag.reason}</td>
            <td className="actions">
              <Button onPress={() => void decide(entry, 'duplicate')} aria-label={t('review.markDuplicate', { name: entry.resident?.fullName ?? '' })}>
                {t('review.duplicate')}
              </Button>
              <Button className="secondary" onPress={() => void decide(entry, 'not_duplicate')} aria-label={t('review.markNotDuplicate', { name: entry.resident?.fullName ?? '' })}>
                {t('review.notDuplicate')}
              </Button>
            </td>
          </tr>
        ))}
      </TablePanel>
      <TablePanel
        id="pending"
        title={t('review.pending', { count: queues.pending.length })}
        hint={t('review.pendingHint')}
        testId="pending-enrollments"
        columns={[{ label: t('review.service') }, { label: t('review.member') }, { label: t('review.openedAt') }, { label: t('review.resident') }]}
        empty={queues.pending.length === 0 && t('review.noPending')}
      >
        {queues.pending.map((enrollment) => (
          <tr key={enrollment.id}>
            <th scope="row">{queues.services.get(enrollment.serviceCode) ?? enrollment.serviceCode}</th>
            <td className="text">{nameOf(enrollment.memberId)}</td>
            <td>{time(enrollment.occurredAt)}</td>
            <td className="muted">{enrollment.subjectId}</td>
          </tr>
        ))}
      </TablePanel>
      <TablePanel
        id="returned"
        title={t('review.returned', { count: queues.returns.reduce((sum, member) => sum + member.items.length, 0) })}
        hint={t('review.returnedHint', { days: HEALTH_DAYS })}
        testId="returned-by-member"
        columns={[{ label: t('review.member') }, { label: t('review.returnedVisits') }, { label: t('review.returnedSteps') }, { label: t('review.refused') }, { label: t('review.since') }, { label: t('review.toRedo'), text: true }]}
        empty={queues.returns.length === 0 && t('review.noReturned')}
      >
        {queues.returns.map((member) => (
          <tr key={member.memberId ?? ''} data-member={member.memberId ? nameOf(member.memberId) : ''}>
            <th scope="row">{member.memberId ? nameOf(member.memberId) : t('review.noMember')}</th>
            <td>{member.visits}</td>
            <td>{member.steps}</td>
            <td>{member.refused}</td>
            <td>{time(member.oldestReturnedAt)}</td>
            <td className="text">
              {member.items.length > 0 && (
                <ul className="plain">
                  {member.items.map((item) => (
                    <li key={item.kind === 'visit' ? item.visit.visitId : `${item.step.enrollmentId}-${item.step.stepNumber}`}>{what(item)}</li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </TablePanel>
      <TablePanel
        id="sync"
        title={t('review.sync', { days: HEALTH_DAYS })}
        hint={t('review.syncHint')}
        testId="sync-health"
        columns={[{ label: t('review.member') }, { label: t('review.lastUpload') }, { label: t('review.uploaded') }, { label: t('review.refused') }, { label: t('review.held') }, { label: t('review.phones') }]}
        empty={queues.health.length === 0 && t('review.noUploads')}
      >
        {queues.health.map((member) => (
          <tr key={member.memberId} className={member.refused > 0 || member.pendingEnrollments > 0 ? 'refused' : ''} data-member={nameOf(member.memberId)}>
            <th scope="row">{nameOf(member.memberId)}</th>
            <td>{member.lastUploadAt ? time(member.lastUploadAt) : t('review.never')}</td>
            <td>{member.itemsUploaded}</td>
            <td>{member.refused > 0 ? t('review.refusedAt', { count: member.refused, time: time(member.lastRefusedAt) }) : 0}</td>
            <td>{member.pendingEnrollments}</td>
            <td>{member.devices}</td>
          </tr>
        ))}
      </TablePanel>
    </article>
  );
}
