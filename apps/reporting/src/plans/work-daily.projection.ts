import type { EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { sortedByKey, upsertRows } from '../projections/upsert';
import { foldWork, reviewKeys, stepKey, visitKey, type Review } from './work-daily.fold';

const RELEVANT = new Set(['vn.dtc.enrollment.enrollment.opened.v1', 'vn.dtc.registry.visit.reviewed.v1', 'vn.dtc.enrollment.step.reviewed.v1']);
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** Reviews are read, changed in memory and written back: concurrent batches take one lock per reviewed item, in sorted order. */
async function loadReviews(tx: EntityManager, keys: string[]): Promise<Map<string, Review>> {
  const reviews = new Map<string, Review>();
  if (keys.length === 0) return reviews;
  await tx.query(`select pg_advisory_xact_lock(k) from (select distinct hashtextextended('review:' || key, 0) as k from unnest($1::text[]) as key order by k) as sorted`, [keys]);
  const visitIds = keys.filter((k) => k.startsWith('visit:')).map((k) => k.slice('visit:'.length));
  const steps = keys.filter((k) => k.startsWith('step:')).map((k) => k.split(':'));
  const visits: Array<Omit<Review, 'key'> & { visitId: string }> = await tx.query(
    `select visit_id as "visitId", household_id as "subjectId", commune_code as "communeCode", province_code as "provinceCode", village_id as "villageId", team_id as "teamId", member_id as "memberId",
            to_char(visited_at at time zone 'UTC', ${ISO}) as "happenedAt", verdict, to_char(reviewed_at at time zone 'UTC', ${ISO}) as "reviewedAt", '' as "serviceCode", '' as state, 0 as "stepNumber"
     from visit_reviews where visit_id = any($1::uuid[])`,
    [visitIds],
  );
  for (const v of visits) reviews.set(visitKey(v.visitId), { ...v, key: visitKey(v.visitId) });
  if (steps.length) {
    const stored: Array<Omit<Review, 'key'>> = await tx.query(
      `select r.enrollment_id as "subjectId", commune_code as "communeCode", province_code as "provinceCode", village_id as "villageId", team_id as "teamId", member_id as "memberId",
              to_char(step_occurred_at at time zone 'UTC', ${ISO}) as "happenedAt", verdict, to_char(reviewed_at at time zone 'UTC', ${ISO}) as "reviewedAt", service_code as "serviceCode", step_state as state, r.step_number as "stepNumber"
       from enrollment_step_reviews r join unnest($1::uuid[], $2::int[]) as wanted (enrollment_id, step_number) using (enrollment_id, step_number)`,
      [steps.map((s) => s[1]), steps.map((s) => Number(s[2]))],
    );
    for (const s of stored) reviews.set(stepKey(s.subjectId, s.stepNumber), { ...s, key: stepKey(s.subjectId, s.stepNumber) });
  }
  return reviews;
}

/** Enrollments opened and verified work per day, team, member and village; the current verdict of each reviewed visit and step. */
export async function applyWorkDaily(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const relevant = events.filter((event) => RELEVANT.has(event.type));
  if (relevant.length === 0) return;
  const { deltas, changed } = foldWork(relevant, await loadReviews(tx, reviewKeys(relevant)));
  await upsertRows(
    tx,
    {
      table: 'visit_reviews',
      columns: [['visit_id', 'uuid'], ['household_id', 'uuid'], ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['team_id', 'uuid'], ['member_id', 'uuid'], ['visited_at', 'timestamptz'], ['verdict', 'text'], ['reviewed_at', 'timestamptz']],
      conflict: ['visit_id'],
      update: 'village_id = excluded.village_id, team_id = excluded.team_id, member_id = excluded.member_id, visited_at = excluded.visited_at, verdict = excluded.verdict, reviewed_at = excluded.reviewed_at',
    },
    changed.filter((r) => r.stepNumber === 0).map((r) => [r.key.slice('visit:'.length), r.subjectId, r.communeCode, r.provinceCode, r.villageId, r.teamId, r.memberId, r.happenedAt, r.verdict, r.reviewedAt]),
  );
  await upsertRows(
    tx,
    {
      table: 'enrollment_step_reviews',
      columns: [
        ['enrollment_id', 'uuid'], ['step_number', 'int'], ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['service_code', 'text'], ['team_id', 'uuid'], ['member_id', 'uuid'],
        ['step_state', 'text'], ['step_occurred_at', 'timestamptz'], ['verdict', 'text'], ['reviewed_at', 'timestamptz'],
      ],
      conflict: ['enrollment_id', 'step_number'],
      update: `village_id = excluded.village_id, service_code = excluded.service_code, team_id = excluded.team_id, member_id = excluded.member_id, step_state = excluded.step_state,
               step_occurred_at = excluded.step_occurred_at, verdict = excluded.verdict, reviewed_at = excluded.reviewed_at`,
    },
    changed.filter((r) => r.stepNumber > 0).map((r) => [r.subjectId, r.stepNumber, r.communeCode, r.provinceCode, r.villageId, r.serviceCode, r.teamId, r.memberId, r.state, r.happenedAt, r.verdict, r.reviewedAt]),
  );
  await upsertRows(
    tx,
    {
      table: 'work_daily',
      columns: [['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['team_id', 'uuid'], ['member_id', 'uuid'], ['day', 'date'], ['measure', 'text'], ['service_code', 'text'], ['state', 'text'], ['value', 'int']],
      conflict: ['commune_code', 'village_id', 'team_id', 'member_id', 'day', 'measure', 'service_code', 'state'],
      update: 'value = work_daily.value + excluded.value',
    },
    sortedByKey(deltas)
      .filter((d) => d.value !== 0)
      .map((d) => [d.communeCode, d.provinceCode, d.villageId, d.teamId, d.memberId, d.day, d.measure, d.serviceCode, d.state, d.value]),
  );
}
