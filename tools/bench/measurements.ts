import { Pool } from 'pg';
import { httpRequest, keptAliveAgent } from './http';
import { percentile } from './stats';

/** Figures read from the services' own tables (exact, not sampled), over one connection. */
export class Ledger {
  private readonly pool: Pool;

  constructor(
    databaseUrl: string,
    private readonly producerSchemas: string[],
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 1 });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  private union(select: string): string {
    return this.producerSchemas.map((schema) => select.replaceAll('OUTBOX', `"${schema}".outbox`)).join(' union all ');
  }

  /** Events the services committed between two moments (every write appends its events to an outbox). */
  async eventsWritten(from: Date, to: Date): Promise<number> {
    const rows = await this.query<{ n: string }>(`select sum(n)::bigint as n from (${this.union('select count(*) as n from OUTBOX where created_at >= $1 and created_at < $2')}) counts`, [from, to]);
    return Number(rows[0]?.n ?? 0);
  }

  async databaseActivity(): Promise<DatabaseActivity> {
    const [row] = await this.query<{ commits: string; rows_written: string }>(
      'select xact_commit as commits, tup_inserted + tup_updated + tup_deleted as rows_written from pg_stat_database where datname = current_database()',
    );
    const tables = await this.query<{ schema: string; table: string; rows_written: string }>(
      'select schemaname as schema, relname as table, n_tup_ins + n_tup_upd + n_tup_del as rows_written from pg_stat_user_tables',
    );
    const rowsByTable: Record<string, number> = {};
    for (const table of tables) {
      const name = tableKind(table.schema, table.table);
      rowsByTable[name] = (rowsByTable[name] ?? 0) + Number(table.rows_written);
    }
    return { commits: Number(row.commits), rowsWritten: Number(row.rows_written), rowsByTable };
  }

  async unpublished(): Promise<number> {
    const rows = await this.query<{ n: string }>(`select sum(n)::bigint as n from (${this.union('select count(*) as n from OUTBOX where published_at is null')}) counts`);
    return Number(rows[0]?.n ?? 0);
  }

  /** Commit-to-Kafka delay of the events written in the window: p50/p99 in ms. */
  async relayLag(from: Date, to: Date): Promise<{ p50: number; p99: number; events: number }> {
    const rows = await this.query<{ p50: number; p99: number; n: string }>(
      `select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99, count(*) as n
       from (${this.union('select extract(epoch from published_at - created_at) * 1000 as ms from OUTBOX where created_at >= $1 and created_at < $2 and published_at is not null')}) lags`,
      [from, to],
    );
    return { p50: Number(rows[0]?.p50 ?? Number.NaN), p99: Number(rows[0]?.p99 ?? Number.NaN), events: Number(rows[0]?.n ?? 0) };
  }
}

/**
 * Cumulative work of the whole database (every service's schema): commits and rows written, and
 * rows written per kind of table (`tableKind`), to see which tables take them.
 */
export interface DatabaseActivity {
  commits: number;
  rowsWritten: number;
  rowsByTable?: Record<string, number>;
}

/**
 * One name per table whatever the run: the service its schema belongs to (a run's schemas end in
 * the service, a projection generation's in `_g<n>`) and the table without its monthly partition.
 */
export function tableKind(schema: string, table: string): string {
  const suffix = /_([a-z]+|g\d+)$/.exec(schema)?.[1] ?? schema;
  return `${/^g\d+$/.test(suffix) ? 'projections' : suffix}.${table.replace(/_p\d{6}$/, '')}`;
}

/** How many tables the per-event breakdown names (the rest are summed under "other"). */
const TABLES_SHOWN = 10;

/**
 * What the database did between two readings, per event of the phase, and the tables that took
 * the most rows. pg_stat_database is approximate at the edges: a busy backend reports its counts
 * at most once a second.
 */
export function activityPerEvent(
  before: DatabaseActivity,
  after: DatabaseActivity,
  events: number,
): { commitsPerEvent: number; rowsWrittenPerEvent: number; rowsPerEventByTable?: Array<[string, number]> } {
  const perEvent = (count: number) => (events > 0 ? count / events : Number.NaN);
  const cost = { commitsPerEvent: perEvent(after.commits - before.commits), rowsWrittenPerEvent: perEvent(after.rowsWritten - before.rowsWritten) };
  if (!after.rowsByTable || events <= 0) return cost;
  const moved = Object.entries(after.rowsByTable)
    .map(([table, rows]): [string, number] => [table, rows - (before.rowsByTable?.[table] ?? 0)])
    .filter(([, rows]) => rows > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = moved.slice(0, TABLES_SHOWN).map(([table, rows]): [string, number] => [table, perEvent(rows)]);
  const other = moved.slice(TABLES_SHOWN).reduce((sum, [, rows]) => sum + rows, 0);
  return { ...cost, rowsPerEventByTable: other > 0 ? [...shown, ['other', perEvent(other)]] : shown };
}

/** The services' statements and round trips between two readings, per event (NaN without events). */
export function exchangesPerEvent(before: { statements: number; roundTrips: number }, after: { statements: number; roundTrips: number }, events: number): { statementsPerEvent: number; roundTripsPerEvent: number } {
  const perEvent = (count: number) => (events > 0 ? count / events : Number.NaN);
  return { statementsPerEvent: perEvent(after.statements - before.statements), roundTripsPerEvent: perEvent(after.roundTrips - before.roundTrips) };
}

/**
 * Province officers refreshing the province ranking: `readers` loops of GET, latency of each.
 * With `intervalMs` 0 each reader asks again as soon as it has an answer (closed loop: the most
 * load readers can put on reporting); otherwise each starts a request every `intervalMs`, as a
 * screen polling at a fixed rate would, so the readers' own load stays the same however fast the answers are.
 */
export async function provinceReaders(
  url: () => string,
  token: string,
  readers: number,
  until: () => boolean,
  intervalMs = 0,
): Promise<{ queries: number; failures: number; p50: number; p99: number; communes: number; refreshingShare: number; ageP99: number }> {
  const samples: number[] = [];
  /** How old the served figures were (answer time minus computedAt), when the answer says. */
  const ages: number[] = [];
  let refreshing = 0;
  let failures = 0;
  let communes = 0;
  const agent = keptAliveAgent(readers);
  const readOnce = async () => {
    const started = performance.now();
    const { status, text: body } = await httpRequest(agent, url(), token).catch(() => ({ status: 0, text: '' }));
    samples.push(performance.now() - started);
    if (status !== 200) {
      failures += 1;
      return;
    }
    const answer = JSON.parse(body) as { communes: unknown[]; computedAt?: string; refreshing?: boolean };
    communes = answer.communes.length;
    if (answer.computedAt) ages.push(Date.now() - Date.parse(answer.computedAt));
    if (answer.refreshing) refreshing += 1;
  };
  const reader = async () => {
    while (!until()) {
      const started = performance.now();
      await readOnce();
      // Failed answers are paced too: a reader never hammers a struggling service faster than its rate.
      const wait = started + intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  await Promise.all(Array.from({ length: readers }, reader));
  agent.destroy();
  const answered = samples.length - failures;
  return { queries: samples.length, failures, p50: percentile(samples, 50), p99: percentile(samples, 99), communes, refreshingShare: answered ? refreshing / answered : 0, ageP99: ages.length ? percentile(ages, 99) : Number.NaN };
}

/** How much each labelled counter moved between two readings (labels new in the second count from 0). */
export function countersDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([label, value]) => [label, value - (before[label] ?? 0)]).filter(([, moved]) => (moved as number) > 0));
}

/** A counter in Prometheus text from several services, summed by the value of one of its labels. */
export function sumCounterByLabel(texts: readonly string[], name: string, label: string): Record<string, number> {
  const totals: Record<string, number> = {};
  const line = new RegExp(`^${name}\\{(?:[^}]*,)?${label}="([^"]+)"[^}]*\\} (\\S+)$`, 'gm');
  for (const text of texts) for (const [, value, count] of text.matchAll(line)) totals[value] = (totals[value] ?? 0) + Number(count);
  return totals;
}

/** A counter without labels of its own (db_statements_total, db_round_trips_total) summed over services' Prometheus texts. */
export function counterTotal(texts: readonly string[], name: 'db_statements_total' | 'db_round_trips_total'): number {
  const line = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm');
  return texts.reduce((total, text) => total + Number(line.exec(text)?.[1] ?? 0), 0);
}
