/**
 * npm run bench:round-trips [-- --transactions N]: what one small writing transaction costs in CPU,
 * Node's and its Postgres backend's, sent by plain pg and by the services' client (BEGIN sent with
 * the first statement, a statement held for the COMMIT). A command that prints figures, never a
 * test. Needs the infrastructure's Postgres (`node tools/infra/cli.js up`).
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { holdUntilNext, serviceClientClass } from '@dtc/persistence';
import { parseProcStat } from './cpu';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dtc';
const at = process.argv.indexOf('--transactions');
const TRANSACTIONS = at > 0 ? Number(process.argv[at + 1]) : 3000;
const WARM_UP = 300;

type Transaction = (client: Client, n: number) => Promise<unknown>;

/** CPU milliseconds a process has used so far (user + system, from /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  return (parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.own ?? Number.NaN) * 10;
}

async function measure(label: string, ClientClass: typeof Client, transaction: Transaction) {
  const client = new ClientClass({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query('create temp table item (id int primary key, label text not null)');
    const backend = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
    for (let n = 0; n < WARM_UP; n += 1) await transaction(client, -1 - n);
    const backendBefore = cpuMsOf(backend);
    const nodeBefore = process.cpuUsage();
    const started = performance.now();
    for (let n = 0; n < TRANSACTIONS; n += 1) await transaction(client, n);
    const wallUs = ((performance.now() - started) * 1000) / TRANSACTIONS;
    const node = process.cpuUsage(nodeBefore);
    const nodeUs = (node.user + node.system) / TRANSACTIONS;
    const backendUs = ((cpuMsOf(backend) - backendBefore) * 1000) / TRANSACTIONS;
    return { label, wallUs, nodeUs, backendUs };
  } finally {
    await client.end();
  }
}

const insert = 'insert into item (id, label) values ($1, $2)';
/** BEGIN, two inserts, COMMIT: four round trips with plain pg. */
const twoInserts: Transaction = async (client, n) => {
  await client.query('BEGIN');
  await client.query(insert, [2 * n, 'first']);
  await client.query(insert, [2 * n + 1, 'second']);
  await client.query('COMMIT');
};
/** The same with the second insert held for the COMMIT, as the sync groups, consumers and relay send it. */
const secondHeld: Transaction = async (client, n) => {
  await client.query('BEGIN');
  await client.query(insert, [2 * n, 'first']);
  await client.query(insert, holdUntilNext([2 * n + 1, 'second']));
  await client.query('COMMIT');
};

async function main(): Promise<void> {
  const ServiceClient = serviceClientClass();
  const cases: Array<[string, typeof Client, Transaction]> = [
    ['plain pg: BEGIN, insert, insert, COMMIT (4 round trips)', Client, twoInserts],
    ['service client: BEGIN with the first insert (3 round trips)', ServiceClient, twoInserts],
    ['service client: and the second insert with the COMMIT (2 round trips)', ServiceClient, secondHeld],
  ];
  const rows = [];
  // Twice through, alternating, so a slow spell of the machine shows as disagreement between rounds.
  for (let round = 1; round <= 2; round += 1) for (const [label, ClientClass, transaction] of cases) rows.push({ round, ...(await measure(label, ClientClass, transaction)) });
  console.log(`${TRANSACTIONS} transactions per case, after ${WARM_UP} to warm up; microseconds per transaction`);
  console.table(rows.map((row) => ({ round: row.round, case: row.label, wall: Math.round(row.wallUs), 'node CPU': Math.round(row.nodeUs), 'postgres CPU': Math.round(row.backendUs), 'CPU together': Math.round(row.nodeUs + row.backendUs) })));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
