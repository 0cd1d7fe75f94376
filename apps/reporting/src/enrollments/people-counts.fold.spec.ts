import { createEvent, EnrollmentOpenedV1, EnrollmentTransitionedV1 } from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { streamHeadsOf } from '../freshness/stream-heads.projection';
import { foldPeopleCounts } from './people-counts.fold';

const village = randomUUID();
const base = { tenant: '16279', province: '38' };

function opened(enrollmentId: string, residentId: string | undefined, serviceCode: string, occurredAt: string, detail?: string) {
  return createEvent(
    EnrollmentOpenedV1,
    { ...base, subject: enrollmentId, time: occurredAt },
    { enrollmentId, serviceCode, subjectType: residentId ? 'resident' : 'organisation', ...(residentId ? { residentId } : { organisationId: randomUUID() }), villageId: village, state: 'registered', occurredAt, recordedAt: occurredAt, ...(detail ? { detail } : {}) },
  );
}

function moved(enrollmentId: string, residentId: string, serviceCode: string, from: string, to: string, occurredAt: string, detail?: string) {
  return createEvent(
    EnrollmentTransitionedV1,
    { ...base, subject: enrollmentId, time: occurredAt },
    { enrollmentId, serviceCode, subjectType: 'resident', residentId, villageId: village, from, to, occurredAt, recordedAt: occurredAt, ...(detail ? { detail } : {}) },
  );
}

describe('people counts folding', () => {
  it('keeps each detail of a service apart, and steps without a detail out of the detail table', () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const { details } = foldPeopleCounts([
      opened(a, randomUUID(), 'public_service_app', '2026-07-22T02:00:00.000Z', 'iHanoi'),
      opened(b, randomUUID(), 'public_service_app', '2026-07-22T03:00:00.000Z', 'eTax Mobile'),
      opened(c, randomUUID(), 'public_service_app', '2026-07-22T04:00:00.000Z'),
      moved(a, randomUUID(), 'public_service_app', 'registered', 'set_up', '2026-07-22T05:00:00.000Z', 'iHanoi'),
    ]);
    expect(details.map((d) => [d.detail, d.state, d.entered]).sort()).toEqual([
      ['eTax Mobile', 'registered', 1],
      ['iHanoi', 'registered', 1],
      ['iHanoi', 'set_up', 1],
    ]);
  });

  it('records a resident once per Vietnam day with the number of steps, and never an organisation', () => {
    const resident = randomUUID();
    const [x, y] = [randomUUID(), randomUUID()];
    const { supportDays } = foldPeopleCounts([
      opened(x, resident, 'cccd', '2026-07-21T16:30:00.000Z'),
      // 17:30Z is already the next day in Vietnam.
      opened(y, resident, 'vneid_level2', '2026-07-21T17:30:00.000Z'),
      moved(y, resident, 'vneid_level2', 'registered', 'issued', '2026-07-22T08:00:00.000Z'),
      opened(randomUUID(), undefined, 'digital_signature', '2026-07-22T08:00:00.000Z'),
    ]);
    expect(supportDays.map((s) => [s.residentId, s.day, s.steps])).toEqual([
      [resident, '2026-07-21', 1],
      [resident, '2026-07-22', 2],
    ]);
  });

  it('keeps the latest state of each enrollment and its opening day, even when a step syncs late', () => {
    const resident = randomUUID();
    const id = randomUUID();
    const { enrollments } = foldPeopleCounts([
      opened(id, resident, 'vneid_level2', '2026-07-20T02:00:00.000Z'),
      moved(id, resident, 'vneid_level2', 'issued', 'activated', '2026-07-24T02:00:00.000Z'),
      // Dated before the activation: arrives later, changes nothing.
      moved(id, resident, 'vneid_level2', 'registered', 'issued', '2026-07-22T02:00:00.000Z'),
    ]);
    expect(enrollments).toEqual([
      { enrollmentId: id, residentId: resident, communeCode: '16279', provinceCode: '38', serviceCode: 'vneid_level2', openedDay: '2026-07-20', state: 'activated', stateDay: '2026-07-24', stateAt: '2026-07-24T02:00:00.000Z' },
    ]);
    // A transition met without its opening (opened in an earlier batch) leaves the opening day to the table.
    expect(foldPeopleCounts([moved(id, resident, 'vneid_level2', 'activated', 'cancelled', '2026-07-25T02:00:00.000Z')]).enrollments[0]).toMatchObject({ openedDay: null, state: 'cancelled', stateDay: '2026-07-25' });
  });
});

describe('stream heads', () => {
  it('takes the newest event time and the count per source stream', () => {
    const heads = streamHeadsOf([
      opened(randomUUID(), randomUUID(), 'cccd', '2026-07-22T05:00:00.000Z'),
      opened(randomUUID(), randomUUID(), 'cccd', '2026-07-22T09:00:00.000Z'),
      opened(randomUUID(), randomUUID(), 'cccd', '2026-07-22T07:00:00.000Z'),
    ]);
    expect(heads).toEqual([{ stream: 'enrollment.events', newestEventAt: '2026-07-22T09:00:00.000Z', events: 3 }]);
  });
});
