import { DAY_MS } from '@dtc/platform';
import type { RetentionSettings } from './retention-settings';

/** Anything that runs SQL in the service schema: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** What one run did to one table (or would do, in a dry run). */
export interface PruneOutcome {
  table: string;
  /** deleted: rows removed; stripped: personal data removed, rows kept; dropped: rows of whole partitions dropped. */
  action: 'deleted' | 'stripped' | 'dropped';
  rows: number;
  /** Age of the oldest row left that the next run could remove (null: none). */
  oldestAgeSeconds: number | null;
}

export interface PruneContext {
  settings: RetentionSettings;
  now: Date;
  /** Rows per statement: pruning never holds locks on many rows at once. */
  batchSize: number;
  /** Count what would go, change nothing. */
  dryRun: boolean;
  /** Called after every batch with the rows done so far for this task. */
  onProgress?: (done: number) => void;
}

/**
 * One kind of pruning, the same function for the scheduled run in a service and for
 * `npm run ops -- prune`. A task whose table is not in the schema is skipped by the caller.
 */
export interface RetentionTask {
  /** Table (metric label and the ops command's row). */
  table: string;
  action: PruneOutcome['action'];
  /** How many rows a run at `now` would touch (for the progress bar and dry runs). */
  pending(db: Queryable, context: PruneContext): Promise<number>;
  /** Does the work in batches and returns how many rows it touched. */
  prune(db: Queryable, context: PruneContext): Promise<number>;
  oldestAgeSeconds(db: Queryable, context: PruneContext): Promise<number | null>;
}

export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** Runs a batched statement (it must return `n`, the rows it touched) until a batch touches fewer than batchSize. */
export async function inBatches(context: PruneContext, batch: () => Promise<number>): Promise<number> {
  let done = 0;
  for (;;) {
    const touched = await batch();
    done += touched;
    context.onProgress?.(done);
    if (touched < context.batchSize) return done;
  }
}

/** Seconds between `now` and a timestamp column value (null when there is none). */
export function ageSeconds(now: Date, at: Date | string | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  return Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
}

export async function tableExists(db: Queryable, table: string): Promise<boolean> {
  // In the service schema itself, never a same-named table further along the search_path.
  const [row] = await db.query('select to_regclass(format($$%I.%I$$, current_schema(), $1::text)) is not null as present', [table]);
  return Boolean(row?.present);
}

/** Runs every task whose table the schema has; dry runs only count. */
export async function runRetention(db: Queryable, tasks: readonly RetentionTask[], context: Omit<PruneContext, 'onProgress'>, progress?: (task: RetentionTask, total: number) => ((done: number) => void) | undefined): Promise<PruneOutcome[]> {
  const outcomes: PruneOutcome[] = [];
  for (const task of tasks) {
    if (!(await tableExists(db, task.table))) continue;
    const total = await task.pending(db, context);
    const onProgress = total > 0 ? progress?.(task, total) : undefined;
    // prune runs even with nothing pending: it may have upkeep to do (the audit log's next months).
    const rows = context.dryRun ? total : await task.prune(db, { ...context, onProgress });
    outcomes.push({ table: task.table, action: task.action, rows, oldestAgeSeconds: await task.oldestAgeSeconds(db, context) });
  }
  return outcomes;
}

/**
 * The database's clock: every column retention judges (published_at, created_at, appended_at, at)
 * is stamped by the database, so cutoffs are taken from the same clock, never the process's.
 */
export async function databaseNow(db: Queryable): Promise<Date> {
  const [{ now }] = await db.query('select now() as now');
  return new Date(now);
}
