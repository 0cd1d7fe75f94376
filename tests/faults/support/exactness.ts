import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { collectTopic, eventually, query } from '@dtc/testkit';
import { activeProjectionSchema } from '../../support/services';
import { repoRoot, type FaultPlatform } from './platform';

/** One line of the fault table. */
export interface FaultFigures {
  fault: string;
  /** Events the source services committed (their outboxes). */
  written: number;
  /** Messages on the topics, copies included (at-least-once delivery). */
  delivered: number;
  /** Distinct events the reporting projections applied. */
  inProjection: number;
  /** Counts the projections hold beyond a from-scratch recount of the source data. */
  duplicates: number;
  /** Events or counts missing from the projections. */
  lost: number;
}

export const PROJECTED = ['household-registry.events', 'enrollment.events'];

export type Counts = Record<string, number>;

/** What the projections hold beyond the recount (duplicates) and short of it (lost). */
export function compareCounts(source: Counts, projected: Counts): { duplicates: number; lost: number } {
  let duplicates = 0;
  let lost = 0;
  for (const key of new Set([...Object.keys(source), ...Object.keys(projected)])) {
    const difference = (projected[key] ?? 0) - (source[key] ?? 0);
    if (difference > 0) duplicates += difference;
    else lost -= difference;
  }
  return { duplicates, lost };
}

/**
 * Waits until the platform has caught up, then checks the promises the platform makes under
 * faults: every committed event published and applied once, per-aggregate order kept on the
 * topics, and every projection total equal to a recount of the source services' own tables.
 */
export async function settleAndCheck(platform: FaultPlatform, fault: string, timeoutMs = 120000, { record = true }: { record?: boolean } = {}): Promise<FaultFigures> {
  const registry = `t_${platform.runId}_registry`;
  const enrollment = `t_${platform.runId}_enrollment`;
  const reporting = platform.live('reporting')[0] ?? platform.instances.get('reporting')![0];

  // 0. Enrollments waiting for their resident to reach enrollment's read model (it lags after a
  //    fault) are validated, and only then publish their events: wait for that first, or the
  //    recount below would see enrollments whose events were not yet written.
  await eventually(
    async () => {
      const [{ waiting }] = await query<{ waiting: number }>(`select count(*)::int as waiting from "${enrollment}".enrollments where validation = 'pending_subject'`);
      expect({ waiting }).toEqual({ waiting: 0 });
    },
    { timeoutMs, intervalMs: 200 },
  );

  // 1. Every committed event leaves the outboxes.
  await eventually(
    async () => {
      for (const schema of [registry, enrollment]) {
        const [{ left }] = await query<{ left: number }>(`select count(*)::int as left from "${schema}".outbox where published_at is null`);
        expect({ schema, left }).toEqual({ schema, left: 0 });
      }
    },
    { timeoutMs, intervalMs: 200 },
  );
  const outbox = await query<{ event_id: string; seq: string; topic: string; message_key: string }>(
    `select event_id, seq::text, topic, message_key from "${registry}".outbox union all select event_id, seq::text, topic, message_key from "${enrollment}".outbox`,
  );
  const written = outbox.filter((row) => PROJECTED.some((stream) => row.topic.endsWith(stream)));

  // 2. Every one of them is applied by the projections, once: each applied batch records its ids,
  //    so an event applied twice would appear twice.
  const projection = await activeProjectionSchema(reporting);
  const applied = await eventually(
    async () => {
      const rows = await query<{ event_id: string }>(`select unnest(event_ids) as event_id from "${projection}".applied_batches where consumer = 'reporting-projections'`);
      const ids = new Set(rows.map((row) => row.event_id));
      const missing = written.filter((row) => !ids.has(row.event_id));
      expect({ missing: missing.length, sample: missing.slice(0, 3) }).toEqual({ missing: 0, sample: [] });
      expect({ appliedTwice: rows.length - ids.size }).toEqual({ appliedTwice: 0 });
      return ids;
    },
    { timeoutMs, intervalMs: 250 },
  );

  // 3. Per-aggregate order on the topics: first copies appear in commit order for each key.
  const seqOf = new Map(outbox.map((row) => [row.event_id, BigInt(row.seq)]));
  let delivered = 0;
  for (const stream of PROJECTED) {
    const topic = `t-${platform.runId}.${stream}`;
    const expected = written.filter((row) => row.topic === topic).length;
    const reader = await collectTopic(topic, `t-${platform.runId}.fault-check-${randomUUID()}`);
    try {
      await eventually(() => expect(new Set(reader.messages.map((m) => m.message.headers?.ce_id?.toString())).size).toBeGreaterThanOrEqual(expected), { timeoutMs: 30000 });
      delivered += reader.messages.length;
      const lastSeq = new Map<string, bigint>();
      const seen = new Set<string>();
      const outOfOrder: string[] = [];
      for (const { message } of reader.messages) {
        const id = message.headers?.ce_id?.toString() ?? '';
        if (seen.has(id)) continue;
        seen.add(id);
        const key = message.key?.toString() ?? '';
        const seq = seqOf.get(id);
        if (seq === undefined) continue;
        if ((lastSeq.get(key) ?? -1n) > seq) outOfOrder.push(`${key}: ${id}`);
        lastSeq.set(key, seq);
      }
      expect({ topic, outOfOrder }).toEqual({ topic, outOfOrder: [] });
    } finally {
      await reader.stop();
    }
  }

  // 4. Projection totals against a from-scratch recount of the source services' tables.
  const [source, projected] = await Promise.all([sourceCounts(registry, enrollment), projectionCounts(projection)]);
  const { duplicates, lost: lostCounts } = compareCounts(source, projected);
  const figures: FaultFigures = {
    fault,
    written: written.length,
    delivered,
    inProjection: written.filter((row) => applied.has(row.event_id)).length,
    duplicates,
    lost: written.length - written.filter((row) => applied.has(row.event_id)).length + lostCounts,
  };
  if (record) recordFaultFigures(figures);
  expect(projected).toEqual(source);
  expect(figures).toMatchObject({ duplicates: 0, lost: 0 });
  return figures;
}

async function keyed(sql: string): Promise<Counts> {
  const rows = await query<{ key: string; n: number }>(sql);
  return Object.fromEntries(rows.filter((row) => row.n !== 0).map((row) => [row.key, row.n]));
}

export async function sourceCounts(registry: string, enrollment: string): Promise<Counts> {
  const parts = await Promise.all([
    keyed(`select 'households|' || village_id as key, count(*)::int as n from "${registry}".households group by village_id`),
    keyed(`select 'residents|' || h.village_id as key, count(*)::int as n from "${registry}".residents r join "${registry}".households h on h.id = r.household_id where r.status = 'living' group by h.village_id`),
    keyed(`select 'visits|' || household_id as key, count(*)::int as n from "${registry}".visits group by household_id`),
    keyed(`select 'household|' || id as key, 1 as n from "${registry}".households`),
    keyed(`select 'resident|' || id as key, 1 as n from "${registry}".residents where status = 'living'`),
    keyed(
      `select 'entered|' || e.service_code || '|' || s.to_state as key, count(*)::int as n from "${enrollment}".enrollment_steps s
       join "${enrollment}".enrollments e on e.id = s.enrollment_id where e.validation = 'valid' and s.to_state is not null group by e.service_code, s.to_state`,
    ),
  ]);
  return Object.assign({}, ...parts);
}

export async function projectionCounts(schema: string): Promise<Counts> {
  const parts = await Promise.all([
    keyed(`select 'households|' || village_id as key, households as n from "${schema}".village_households`),
    keyed(`select 'residents|' || village_id as key, sum(residents)::int as n from "${schema}".village_population group by village_id`),
    keyed(`select 'visits|' || household_id as key, visits as n from "${schema}".household_facts`),
    keyed(`select 'household|' || household_id as key, 1 as n from "${schema}".household_facts`),
    keyed(`select 'resident|' || resident_id as key, 1 as n from "${schema}".resident_facts where living`),
    keyed(`select 'entered|' || service_code || '|' || state as key, sum(entered)::int as n from "${schema}".enrollment_state_daily group by service_code, state`),
  ]);
  return Object.assign({}, ...parts);
}

/** Rows for the table the fault suite prints at the end (tools/test/fault-table-reporter.js). */
export const FAULT_TABLE_FILE = path.join(repoRoot, '.data', 'fault-table.jsonl');

function recordFaultFigures(figures: FaultFigures): void {
  mkdirSync(path.dirname(FAULT_TABLE_FILE), { recursive: true });
  appendFileSync(FAULT_TABLE_FILE, `${JSON.stringify(figures)}\n`);
}
