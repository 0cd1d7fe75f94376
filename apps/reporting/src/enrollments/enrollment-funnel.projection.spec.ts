import { createEvent, EnrollmentOpenedV1, EnrollmentTransitionedV1 } from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { NO_ID, vietnamDay } from '../projections/buckets';
import { enrollmentDeltas } from './enrollment-funnel.projection';

const village = randomUUID();
const team = randomUUID();

function opened(id: string, occurredAt: string) {
  return createEvent(
    EnrollmentOpenedV1,
    { tenant: '16279', province: '38', subject: id, time: occurredAt },
    { enrollmentId: id, serviceCode: 'vneid_level2', subjectType: 'resident', residentId: randomUUID(), villageId: village, teamId: team, state: 'registered', occurredAt, recordedAt: occurredAt },
  );
}

function moved(id: string, from: string, to: string, occurredAt: string) {
  return createEvent(
    EnrollmentTransitionedV1,
    { tenant: '16279', province: '38', subject: id, time: occurredAt },
    { enrollmentId: id, serviceCode: 'vneid_level2', subjectType: 'resident', villageId: village, from, to, occurredAt, recordedAt: '2026-08-09T10:00:00.000Z' },
  );
}

describe('enrollment funnel folding', () => {
  it('buckets by the day it happened in Vietnam, not when it arrived', () => {
    expect(vietnamDay('2026-07-21T16:59:59.000Z')).toBe('2026-07-21');
    expect(vietnamDay('2026-07-21T17:00:00.000Z')).toBe('2026-07-22');
    const a = randomUUID();
    const { entries } = enrollmentDeltas([opened(a, '2026-07-21T17:30:00.000Z'), moved(a, 'registered', 'issued', '2026-07-23T02:00:00.000Z')]);
    expect(entries.map((e) => [e.day, e.state, e.entered, e.teamId]).sort()).toEqual(
      [
        ['2026-07-22', 'registered', 1, team],
        ['2026-07-23', 'issued', 1, NO_ID],
      ].sort(),
    );
  });

  it('adds up a batch per key and orders the states along the lifecycle', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const { entries, positions } = enrollmentDeltas([
      opened(a, '2026-07-21T02:00:00.000Z'),
      opened(b, '2026-07-21T03:00:00.000Z'),
      moved(a, 'registered', 'issued', '2026-07-22T02:00:00.000Z'),
      moved(a, 'issued', 'activated', '2026-07-23T02:00:00.000Z'),
      moved(b, 'registered', 'rejected', '2026-07-23T02:00:00.000Z'),
    ]);
    expect(entries.find((e) => e.state === 'registered')!.entered).toBe(2);
    expect(Object.fromEntries(positions.map((p) => [p.state, p.position]))).toEqual({ registered: 0, issued: 1, activated: 2, rejected: 100 });
  });

  it('places a state after one known from earlier batches', () => {
    const { positions } = enrollmentDeltas([moved(randomUUID(), 'issued', 'activated', '2026-07-23T02:00:00.000Z')], [{ serviceCode: 'vneid_level2', state: 'issued', position: 1 }]);
    expect(positions.find((p) => p.state === 'activated')!.position).toBe(2);
  });
});
