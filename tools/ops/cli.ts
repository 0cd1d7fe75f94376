/**
 * npm run ops -- <command>: the operator's commands for a running installation.
 *   outbox [--schemas a,b]                  events waiting in each service's outbox, and for how long
 *   consumers                               every consumer group: state, members, lag per partition
 *   dead-letters list   [--consumer NAME]   what each consumer set aside, and why
 *   dead-letters replay [--consumer NAME]   send the not-yet-replayed ones back (after a fix)
 * Reads KAFKA_BROKERS (default 127.0.0.1:9092), TOPIC_PREFIX (default dtc.) and DATABASE_URL.
 */
import { createKafka, deadLetterTopics, listDeadLetters, replayDeadLetters, type DeadLetter } from '@dtc/messaging';
import { ProgressBar } from '@dtc/platform';
import { consumerStatus, outboxStatus } from './status';

const USAGE = 'usage: npm run ops -- outbox [--schemas registry,enrollment] | consumers | dead-letters list|replay [--consumer reporting-projections]';
const SERVICE_SCHEMAS = ['registry', 'enrollment', 'training', 'reporting'];

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

function describe(letters: DeadLetter[]): string {
  const rows = letters.map((l) => [
    `${l.partition}/${l.offset}`,
    l.failedAt.slice(0, 19),
    `${l.originalTopic}/${l.originalPartition}/${l.originalOffset}`,
    l.eventType ?? '(unparsable)',
    l.key ?? '',
    l.replayed ? 'yes' : 'no',
    l.error.replace(/\s+/g, ' ').slice(0, 100),
  ]);
  return table([['dead letter', 'failed at (UTC)', 'from', 'event type', 'key', 'replayed', 'reason'], ...rows]);
}

async function main(): Promise<void> {
  const [group, action] = process.argv.slice(2).filter((arg, index, all) => !arg.startsWith('--') && !all[index - 1]?.startsWith('--'));
  const prefix = process.env.TOPIC_PREFIX ?? 'dtc.';
  const kafka = createKafka({ clientId: `${prefix}ops`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',') });
  if (group === 'outbox') {
    const schemas = argument('schemas')?.split(',') ?? SERVICE_SCHEMAS;
    const rows = await outboxStatus(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dtc', schemas);
    if (rows.length === 0) return void process.stdout.write(`No outbox in schemas ${schemas.join(', ')}.\n`);
    const cells = rows.map((r) => [r.schema, String(r.total), String(r.backlog), r.oldestUnpublishedSeconds === null ? '-' : `${r.oldestUnpublishedSeconds} s`, r.lastPublishedAt?.slice(0, 19) ?? '-']);
    process.stdout.write(`${table([['schema', 'events', 'waiting', 'oldest waiting', 'last published (UTC)'], ...cells])}\n`);
    return;
  }
  if (group === 'consumers') {
    const rows = await consumerStatus(kafka, prefix);
    if (rows.length === 0) return void process.stdout.write(`No consumer groups under prefix ${prefix}.\n`);
    const cells = rows.map((r) => [r.group, r.state, String(r.members), r.topic, String(r.partition), r.committed, r.end, String(r.lag)]);
    process.stdout.write(`${table([['group', 'state', 'members', 'topic', 'partition', 'committed', 'end', 'lag'], ...cells])}\n`);
    process.stdout.write(`total lag: ${rows.reduce((sum, r) => sum + r.lag, 0)} event(s)\n`);
    return;
  }
  if (group !== 'dead-letters' || (action !== 'list' && action !== 'replay')) fail(group ? `unknown command: ${[group, action].filter(Boolean).join(' ')}` : 'no command given');
  const consumer = argument('consumer');
  const topics = await deadLetterTopics(kafka, prefix, consumer);
  if (topics.length === 0) {
    process.stdout.write(consumer ? `No dead letters for consumer ${consumer} (no topic ${prefix}dead-letter.${consumer}).\n` : `No dead-letter topics under prefix ${prefix}.\n`);
    return;
  }
  for (const topic of topics) {
    if (action === 'list') {
      const letters = await listDeadLetters(kafka, prefix, topic);
      const waiting = letters.filter((l) => !l.replayed).length;
      process.stdout.write(`\n${topic}: ${letters.length} dead letter(s), ${waiting} not replayed\n`);
      if (letters.length > 0) process.stdout.write(`${describe(letters)}\n`);
    } else {
      const bar = new ProgressBar(`replaying ${topic}`, 0);
      const replayed = await replayDeadLetters(kafka, prefix, topic, (done, total) => {
        bar.setTotal(total);
        bar.update(done);
      });
      if (replayed.length > 0) bar.finish();
      process.stdout.write(`${topic}: replayed ${replayed.length} dead letter(s) to their original topics${replayed.length ? '; any that fail again return here' : ''}\n`);
    }
  }
}

main().catch((error: Error) => {
  process.stderr.write(`ops failed: ${error.message}\n`);
  process.exit(1);
});
