import { randomUUID } from 'node:crypto';
import { createEvent, EnrollmentOpenedV1, EnrollmentStepReviewedV1, EnrollmentTransitionedV1, type EventEnvelope } from '@dtc/contracts';
import { BatchAgainstOneByOne, newRunId } from '@dtc/testkit';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';
import { applyFieldEvents } from './field-read-model';

// Service level (real Postgres, no HTTP or Kafka): openings and transitions of residents'
// enrollments in one batch leave field_enrollments exactly as the same events one by one, in two
// statements, whatever rows were there before, with ties, late and redelivered events.
const COMMUNE = '16279';
const ENROLLMENTS = Array.from({ length: 3 }, () => randomUUID());
const RESIDENT = randomUUID();
const VILLAGE = randomUUID();
/** Few distinct times, so that ties and events older than the stored row are common. */
const at = (minute: number) => `2026-11-20T0${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}:00.000Z`;

/** A small deterministic generator: the same cases on every run, and a failing case can be rerun. */
function generator(seed: number) {
  let state = seed >>> 0;
  return (below: number) => {
    // mulberry32: 32-bit integer steps only (a float LCG loses its low bits).
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) % below;
  };
}

const context = (enrollmentId: string, minute: number) => ({
  enrollmentId,
  serviceCode: 'vneid_level2',
  subjectType: 'resident' as const,
  residentId: RESIDENT,
  villageId: VILLAGE,
  occurredAt: at(minute),
  recordedAt: at(minute),
});
const origin = (enrollmentId: string, minute: number) => ({ tenant: COMMUNE, province: '38', subject: enrollmentId, time: at(minute) });
const opened = (enrollmentId: string, minute: number, state: string) => createEvent(EnrollmentOpenedV1, origin(enrollmentId, minute), { ...context(enrollmentId, minute), state });
const transitioned = (enrollmentId: string, minute: number, to: string) => createEvent(EnrollmentTransitionedV1, origin(enrollmentId, minute), { ...context(enrollmentId, minute), from: 'before', to });
const reviewed = (enrollmentId: string, minute: number, verdict: 'verified' | 'returned') =>
  createEvent(EnrollmentStepReviewedV1, origin(enrollmentId, minute), { ...context(enrollmentId, minute), stepNumber: 2, stepState: 'submitted', stepOccurredAt: at(minute - 1), verdict, ...(verdict === 'returned' ? { reason: 'photo unreadable' } : {}) });

const ROWS = { enrollments: 'select enrollment_id, commune_code, resident_id, service_code, state, state_at, returned_reason, reviewed_at from field_enrollments order by enrollment_id' };

describe("the registry's field enrollments, a batch against one by one (real Postgres)", () => {
  let sides: BatchAgainstOneByOne;

  beforeAll(async () => {
    sides = await BatchAgainstOneByOne.start(`t_${newRunId()}_field_rm`, REGISTRY_MIGRATIONS);
  });

  afterAll(() => sides?.stop());

  /** Both sides start from the same rows: some enrollments known already, some with a return on review. */
  async function seed(random: (below: number) => number): Promise<void> {
    const rows = ENROLLMENTS.filter(() => random(2) === 0).map((id) => {
      const stored = random(8);
      const review = random(3);
      return `('${id}', '${COMMUNE}', '${RESIDENT}', 'vneid_level2', 'stored', '${at(stored)}', ${review === 0 ? "'returned before'" : 'null'}, ${review === 2 ? 'null' : `'${at(random(8))}'`})`;
    });
    const sql = ['delete from field_enrollments', ...(rows.length ? [`insert into field_enrollments (enrollment_id, commune_code, resident_id, service_code, state, state_at, returned_reason, reviewed_at) values ${rows.join(', ')}`] : [])];
    await sides.seed(sql);
  }

  it('leaves the rows one by one leaves, for 100 generated batches of openings and transitions', async () => {
    const random = generator(20261204);
    let changed = 0;
    for (let trial = 0; trial < 100; trial += 1) {
      await seed(random);
      const events: EventEnvelope[] = Array.from({ length: 2 + random(10) }, () => {
        const id = ENROLLMENTS[random(ENROLLMENTS.length)];
        const minute = random(8);
        return random(3) === 0 ? opened(id, minute, `opened-${minute}`) : transitioned(id, minute, `state-${minute}-${random(2)}`);
      });
      const { batch } = await sides.apply(events, applyFieldEvents);
      const rows = await sides.read(ROWS);
      expect({ trial, rows: rows.batch }).toEqual({ trial, rows: rows.oneByOne });
      // The commune check, at most two statements for the enrollments, the work-list mark.
      expect(batch.statements).toBeLessThanOrEqual(4);
      if (JSON.stringify(rows.batch.enrollments).includes('state-')) changed += 1;
    }
    // The cases did move states (not only "nothing applies").
    expect(changed).toBeGreaterThan(50);
  });

  it('applies a review between transitions in its place: the return it records stays through an older step, a later one clears it', async () => {
    await sides.seed(['delete from field_enrollments']);
    const [id] = ENROLLMENTS;
    const events = [opened(id, 1, 'registered'), transitioned(id, 5, 'submitted'), reviewed(id, 7, 'returned'), transitioned(id, 6, 'late'), transitioned(id, 9, 'resubmitted')];
    const { batch } = await sides.apply(events.slice(0, 4), applyFieldEvents);
    const afterReturn = await sides.read(ROWS);
    expect(afterReturn.batch).toEqual(afterReturn.oneByOne);
    expect(afterReturn.batch.enrollments).toMatchObject([{ state: 'late', returned_reason: 'photo unreadable' }]);
    expect(batch.statements).toBeLessThanOrEqual(7);
    await sides.apply(events.slice(4), applyFieldEvents);
    const afterStep = await sides.read(ROWS);
    expect(afterStep.batch).toEqual(afterStep.oneByOne);
    expect(afterStep.batch.enrollments).toMatchObject([{ state: 'resubmitted', returned_reason: null }]);
  });
});
