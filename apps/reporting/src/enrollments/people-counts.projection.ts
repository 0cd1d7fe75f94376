import type { EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { upsertRows } from '../projections/upsert';
import { foldPeopleCounts } from './people-counts.fold';

/** Enrollment figures by detail, residents supported per day, and each resident enrollment's latest state. */
export async function applyPeopleCounts(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const fold = foldPeopleCounts(events);
  await upsertRows(
    tx,
    {
      table: 'enrollment_detail_daily',
      columns: [['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['service_code', 'text'], ['detail', 'text'], ['team_id', 'uuid'], ['member_id', 'uuid'], ['day', 'date'], ['state', 'text'], ['entered', 'int']],
      conflict: ['commune_code', 'village_id', 'service_code', 'detail', 'team_id', 'member_id', 'day', 'state'],
      update: 'entered = enrollment_detail_daily.entered + excluded.entered',
    },
    fold.details.map((e) => [e.communeCode, e.provinceCode, e.villageId, e.serviceCode, e.detail, e.teamId, e.memberId, e.day, e.state, e.entered]),
  );
  await upsertRows(
    tx,
    {
      table: 'resident_support_daily',
      columns: [['resident_id', 'uuid'], ['day', 'date'], ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['steps', 'int']],
      conflict: ['resident_id', 'day'],
      update: 'steps = resident_support_daily.steps + excluded.steps',
    },
    fold.supportDays.map((s) => [s.residentId, s.day, s.communeCode, s.provinceCode, s.villageId, s.steps]),
  );
  // The latest step wins (ties: the later event, as the topic orders an enrollment's steps); the
  // opened day is the earliest seen (a transition met before its opening stands in for it).
  const newer = 'excluded.state_at >= resident_enrollments.state_at';
  await upsertRows(
    tx,
    {
      table: 'resident_enrollments',
      columns: [['enrollment_id', 'uuid'], ['resident_id', 'uuid'], ['commune_code', 'text'], ['province_code', 'text'], ['service_code', 'text'], ['opened_day', 'date'], ['state', 'text'], ['state_day', 'date'], ['state_at', 'timestamptz']],
      conflict: ['enrollment_id'],
      update: `opened_day = least(resident_enrollments.opened_day, excluded.opened_day),
               state = case when ${newer} then excluded.state else resident_enrollments.state end,
               state_day = case when ${newer} then excluded.state_day else resident_enrollments.state_day end,
               state_at = greatest(resident_enrollments.state_at, excluded.state_at)`,
    },
    fold.enrollments.map((e) => [e.enrollmentId, e.residentId, e.communeCode, e.provinceCode, e.serviceCode, e.openedDay ?? e.stateDay, e.state, e.stateDay, e.stateAt]),
  );
}
