import { AttendanceRecordedV1, SessionHeldV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { NO_ID, vietnamDay } from '../projections/buckets';
import { upsertRows } from '../projections/upsert';

export interface TrainingDelta {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  topicCode: string;
  audience: string;
  day: string;
  sessionsHeld: number;
  attendees: number;
  completed: number;
  passed: number;
}

/**
 * Folds training events: a held session counts once; every attendance counts as an attendee,
 * "completed" also for those who passed the skill check, "passed" only for them.
 */
export function trainingDeltas(events: EventEnvelope[]): TrainingDelta[] {
  const deltas = new Map<string, TrainingDelta>();
  const bucket = (event: EventEnvelope, data: { villageId?: string; topicCode: string; audience: string; occurredAt: string }) => {
    const delta: TrainingDelta = {
      communeCode: event.tenant,
      provinceCode: event.province,
      villageId: data.villageId ?? NO_ID,
      topicCode: data.topicCode,
      audience: data.audience,
      day: vietnamDay(data.occurredAt),
      sessionsHeld: 0,
      attendees: 0,
      completed: 0,
      passed: 0,
    };
    const key = [delta.communeCode, delta.villageId, delta.topicCode, delta.audience, delta.day].join('|');
    const existing = deltas.get(key) ?? delta;
    deltas.set(key, existing);
    return existing;
  };
  for (const event of events) {
    if (event.type === SessionHeldV1.type) {
      bucket(event, event.data as EventData<typeof SessionHeldV1>).sessionsHeld += 1;
    } else if (event.type === AttendanceRecordedV1.type) {
      const data = event.data as EventData<typeof AttendanceRecordedV1>;
      const delta = bucket(event, data);
      delta.attendees += 1;
      if (data.outcome !== 'attended') delta.completed += 1;
      if (data.outcome === 'skill_check_passed') delta.passed += 1;
    }
  }
  const key = (d: TrainingDelta) => [d.communeCode, d.villageId, d.topicCode, d.audience, d.day].join('|');
  return [...deltas.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

export async function applyTraining(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await upsertRows(
    tx,
    {
      table: 'training_daily',
      columns: [
        ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['topic_code', 'text'], ['audience', 'text'], ['day', 'date'],
        ['sessions_held', 'int'], ['attendees', 'int'], ['completed', 'int'], ['passed', 'int'],
      ],
      conflict: ['commune_code', 'village_id', 'topic_code', 'audience', 'day'],
      update: `sessions_held = training_daily.sessions_held + excluded.sessions_held,
               attendees = training_daily.attendees + excluded.attendees,
               completed = training_daily.completed + excluded.completed,
               passed = training_daily.passed + excluded.passed`,
    },
    trainingDeltas(events).map((d) => [d.communeCode, d.provinceCode, d.villageId, d.topicCode, d.audience, d.day, d.sessionsHeld, d.attendees, d.completed, d.passed]),
  );
}
