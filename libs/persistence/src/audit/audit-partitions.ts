import { vietnamDayStart, vietnamMonth } from '@dtc/platform';
import { ageSeconds, type PruneContext, type Queryable, type RetentionTask } from '../retention/retention-task';

/**
 * The audit log is range-partitioned by Vietnam calendar month (UTC+7, no daylight saving):
 * partition audit_log_pYYYYMM holds that month's entries, audit_log_default anything no monthly
 * partition covers (it stays empty while upkeep runs). Retention drops whole months, which costs
 * nothing however big they are; the audit log is kept longest of all tables.
 */
export const AUDIT_MONTHS_AHEAD = 3;
const PARTITION = /^audit_log_p([0-9]{4})([0-9]{2})$/;

export interface Month {
  year: number;
  month: number; // 1-12
}

export function monthOf(at: Date): Month {
  const [year, month] = vietnamMonth(at).split('-').map(Number);
  return { year, month };
}

export function addMonths({ year, month }: Month, count: number): Month {
  const index = year * 12 + (month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The instant a Vietnam calendar month starts. */
export function monthStart({ year, month }: Month): Date {
  return vietnamDayStart(`${year}-${String(month).padStart(2, '0')}-01`);
}

export function partitionName({ year, month }: Month): string {
  return `audit_log_p${year}${String(month).padStart(2, '0')}`;
}

const compare = (a: Month, b: Month) => a.year * 12 + a.month - (b.year * 12 + b.month);

export async function monthlyPartitions(db: Queryable): Promise<Array<{ name: string; month: Month }>> {
  const rows: Array<{ name: string }> = await db.query(
    `select c.relname as name from pg_inherits i
       join pg_class c on c.oid = i.inhrelid
       join pg_class p on p.oid = i.inhparent
       join pg_namespace n on n.oid = p.relnamespace
     where p.relname = 'audit_log' and n.nspname = current_schema()`,
  );
  return rows
    .map((row) => ({ name: row.name, match: PARTITION.exec(row.name) }))
    .filter((row) => row.match)
    .map((row) => ({ name: row.name, month: { year: Number(row.match![1]), month: Number(row.match![2]) } }))
    .sort((a, b) => compare(a.month, b.month));
}

/**
 * Creates the monthly partition if missing, in the caller's transaction. Entries of that month
 * that went to the default partition meanwhile (upkeep did not run) are moved into it first:
 * attaching a partition whose range the default still holds rows of would fail.
 */
export async function createMonthPartition(db: Queryable, month: Month): Promise<boolean> {
  const name = partitionName(month);
  const [{ present }] = await db.query('select to_regclass($1) is not null as present', [name]);
  if (present) return false;
  const from = monthStart(month).toISOString();
  const to = monthStart(addMonths(month, 1)).toISOString();
  await db.query(`create table ${name} (like audit_log including defaults)`);
  if (await defaultPartitionExists(db)) {
    await db.query(`with moved as (delete from audit_log_default where at >= $1 and at < $2 returning *) insert into ${name} select * from moved`, [from, to]);
  }
  await db.query(`alter table audit_log attach partition ${name} for values from ('${from}') to ('${to}')`);
  return true;
}

/** createMonthPartition in a transaction of its own (db must be one connection, e.g. a QueryRunner). */
export async function ensureMonthPartition(db: Queryable, month: Month): Promise<void> {
  await db.query('begin');
  try {
    await createMonthPartition(db, month);
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
}

/** This month's and the next AUDIT_MONTHS_AHEAD months' partitions exist. */
export async function ensureUpcomingPartitions(db: Queryable, now: Date): Promise<void> {
  const current = monthOf(now);
  for (let ahead = 0; ahead <= AUDIT_MONTHS_AHEAD; ahead += 1) await ensureMonthPartition(db, addMonths(current, ahead));
}

/** The first month kept: the current month and the AUDIT_RETENTION_MONTHS - 1 before it. */
export function firstKeptMonth(context: PruneContext): Month {
  return addMonths(monthOf(context.now), -(context.settings.auditRetentionMonths - 1));
}

async function expiredPartitions(db: Queryable, context: PruneContext) {
  const keepFrom = firstKeptMonth(context);
  return (await monthlyPartitions(db)).filter((partition) => compare(partition.month, keepFrom) < 0);
}

async function countRows(db: Queryable, table: string, where = '', parameters: unknown[] = []): Promise<number> {
  const [{ n }] = await db.query(`select count(*)::int as n from ${table} ${where}`, parameters);
  return n;
}

export const auditLogRetention: RetentionTask = {
  table: 'audit_log',
  action: 'dropped',
  async pending(db, context) {
    const cutoff = monthStart(firstKeptMonth(context)).toISOString();
    let total = 0;
    for (const partition of await expiredPartitions(db, context)) total += await countRows(db, partition.name);
    if (await defaultPartitionExists(db)) total += await countRows(db, 'audit_log_default', 'where at < $1', [cutoff]);
    return total;
  },
  async prune(db, context) {
    await ensureUpcomingPartitions(db, context.now);
    const cutoff = monthStart(firstKeptMonth(context)).toISOString();
    let done = 0;
    for (const partition of await expiredPartitions(db, context)) {
      done += await countRows(db, partition.name);
      // Detach first so readers of audit_log never wait on the drop's lock of the whole table.
      await db.query(`alter table audit_log detach partition ${partition.name}`);
      await db.query(`drop table ${partition.name}`);
      context.onProgress?.(done);
    }
    if (await defaultPartitionExists(db)) {
      const [{ n }] = await db.query('with gone as (delete from audit_log_default where at < $1 returning 1) select count(*)::int as n from gone', [cutoff]);
      done += n;
      context.onProgress?.(done);
    }
    return done;
  },
  async oldestAgeSeconds(db, context) {
    const [row] = await db.query('select min(at) as oldest from audit_log');
    return ageSeconds(context.now, row?.oldest);
  },
};

async function defaultPartitionExists(db: Queryable): Promise<boolean> {
  const [{ present }] = await db.query(`select to_regclass('audit_log_default') is not null as present`);
  return present;
}
