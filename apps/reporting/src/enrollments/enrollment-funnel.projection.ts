import { EnrollmentOpenedV1, EnrollmentTransitionedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { NO_ID, vietnamDay } from '../projections/buckets';
import { upsertRows } from '../projections/upsert';

const TERMINAL_POSITION = 100;

export interface StateEntry {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  serviceCode: string;
  teamId: string;
  memberId: string;
  day: string;
  state: string;
  entered: number;
}

export interface StatePosition {
  serviceCode: string;
  state: string;
  position: number;
}

/**
 * Folds a batch of enrollment events into per-key "entered state" counts, and places each state
 * of a service after the state it was entered from (known positions come from earlier batches).
 */
export function enrollmentDeltas(events: EventEnvelope[], known: StatePosition[] = []): { entries: StateEntry[]; positions: StatePosition[] } {
  const entries = new Map<string, StateEntry>();
  const positions = new Map<string, StatePosition>(known.map((p) => [`${p.serviceCode}|${p.state}`, p]));
  const add = (event: EventEnvelope, data: { villageId: string; serviceCode: string; teamId?: string; memberId?: string; occurredAt: string }, state: string) => {
    const entry: StateEntry = {
      communeCode: event.tenant,
      provinceCode: event.province,
      villageId: data.villageId,
      serviceCode: data.serviceCode,
      teamId: data.teamId ?? NO_ID,
      memberId: data.memberId ?? NO_ID,
      day: vietnamDay(data.occurredAt),
      state,
      entered: 0,
    };
    const key = [entry.communeCode, entry.villageId, entry.serviceCode, entry.teamId, entry.memberId, entry.day, entry.state].join('|');
    const existing = entries.get(key) ?? entry;
    existing.entered += 1;
    entries.set(key, existing);
  };
  for (const event of events) {
    if (event.type === EnrollmentOpenedV1.type) {
      const data = event.data as EventData<typeof EnrollmentOpenedV1>;
      add(event, data, data.state);
      if (!positions.has(`${data.serviceCode}|${data.state}`)) positions.set(`${data.serviceCode}|${data.state}`, { serviceCode: data.serviceCode, state: data.state, position: 0 });
    } else if (event.type === EnrollmentTransitionedV1.type) {
      const data = event.data as EventData<typeof EnrollmentTransitionedV1>;
      add(event, data, data.to);
      const terminal = data.to === 'rejected' || data.to === 'cancelled';
      const from = positions.get(`${data.serviceCode}|${data.from}`)?.position ?? 0;
      const current = positions.get(`${data.serviceCode}|${data.to}`)?.position ?? -1;
      positions.set(`${data.serviceCode}|${data.to}`, { serviceCode: data.serviceCode, state: data.to, position: terminal ? TERMINAL_POSITION : Math.max(current, from + 1) });
    }
  }
  const byKey = (e: StateEntry) => [e.communeCode, e.villageId, e.serviceCode, e.teamId, e.memberId, e.day, e.state].join('|');
  return { entries: [...entries.values()].sort((a, b) => byKey(a).localeCompare(byKey(b))), positions: [...positions.values()] };
}

export async function applyEnrollmentFunnel(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const services = [...new Set(events.map((event) => (event.data as { serviceCode?: string }).serviceCode).filter((code): code is string => Boolean(code)))];
  if (services.length === 0) return;
  const known: Array<{ service_code: string; state: string; position: number }> = await tx.query('select * from service_states where service_code = any($1)', [services]);
  const { entries, positions } = enrollmentDeltas(
    events,
    known.map((k) => ({ serviceCode: k.service_code, state: k.state, position: k.position })),
  );
  await upsertRows(
    tx,
    {
      table: 'enrollment_state_daily',
      columns: [['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['service_code', 'text'], ['team_id', 'uuid'], ['member_id', 'uuid'], ['day', 'date'], ['state', 'text'], ['entered', 'int']],
      conflict: ['commune_code', 'village_id', 'service_code', 'team_id', 'member_id', 'day', 'state'],
      update: 'entered = enrollment_state_daily.entered + excluded.entered',
    },
    entries.map((e) => [e.communeCode, e.provinceCode, e.villageId, e.serviceCode, e.teamId, e.memberId, e.day, e.state, e.entered]),
  );
  const sorted = positions.sort((a, b) => (a.serviceCode + a.state).localeCompare(b.serviceCode + b.state));
  const unchanged = new Set(known.map((k) => `${k.service_code}|${k.state}|${k.position}`));
  const moved = sorted.filter((p) => !unchanged.has(`${p.serviceCode}|${p.state}|${p.position}`));
  if (moved.length === 0) return;
  // A state's position is its distance from the first state; the largest seen wins.
  await tx.query(
    `insert into service_states (service_code, state, position)
     select * from unnest($1::text[], $2::text[], $3::int[])
     on conflict (service_code, state) do update set position = greatest(service_states.position, excluded.position)`,
    [moved.map((p) => p.serviceCode), moved.map((p) => p.state), moved.map((p) => p.position)],
  );
}
