import { AttendanceRecordedV1, createEvent, SessionHeldV1 } from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { trainingDeltas } from './training.projection';

const village = randomUUID();
const session = randomUUID();
const facts = { sessionId: session, topicCode: 'vneid', audience: 'residents' as const, venueType: 'village_cultural_house' as const, villageId: village };
const origin = { tenant: '16279', province: '38', subject: session, time: '2026-07-25T12:00:00.000Z' };

describe('training projection folding', () => {
  it('counts held sessions, attendees, completions (passes included) and passes per day', () => {
    const attendance = (outcome: 'attended' | 'completed' | 'skill_check_passed') =>
      createEvent(AttendanceRecordedV1, origin, { attendanceId: randomUUID(), ...facts, residentId: randomUUID(), outcome, occurredAt: '2026-07-25T14:00:00.000Z' });
    const deltas = trainingDeltas([
      createEvent(SessionHeldV1, origin, { ...facts, occurredAt: '2026-07-25T12:00:00.000Z' }),
      attendance('attended'),
      attendance('completed'),
      attendance('skill_check_passed'),
      attendance('skill_check_passed'),
    ]);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({ day: '2026-07-25', topicCode: 'vneid', audience: 'residents', sessionsHeld: 1, attendees: 4, completed: 3, passed: 2 });
  });
});
