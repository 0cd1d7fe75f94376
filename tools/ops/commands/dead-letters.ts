import { deadLetterTopics, listDeadLetters, replayDeadLetters, type DeadLetter } from '@dtc/messaging';
import { formatTable, ProgressBar } from '@dtc/platform';
import type { Kafka } from 'kafkajs';
import { defineCommand, print } from '../command';
import { ENVIRONMENT, opsKafka } from '../environment';

export const deadLettersCommand = defineCommand({
  name: 'dead-letters',
  summary: 'List what consumers set aside and why, or replay them to their original topics after a fix',
  environment: [ENVIRONMENT.kafka],
  spec: {
    positionals: [{ name: 'action', description: 'list: show each dead letter and its reason; replay: send the not-yet-replayed ones back (progress bar)', choices: ['list', 'replay'] }],
    options: {
      consumer: { value: 'NAME', description: 'only this consumer, e.g. reporting-projections (default: every consumer)' },
    },
  },
  async run({ positionals: [action], options }) {
    const { kafka, prefix } = opsKafka();
    const topics = await deadLetterTopics(kafka, prefix, options.consumer);
    if (topics.length === 0) {
      return print(options.consumer ? `No dead letters for consumer ${options.consumer} (no topic ${prefix}dead-letter.${options.consumer}).` : `No dead-letter topics under prefix "${prefix}".`);
    }
    for (const topic of topics) {
      if (action === 'list') await list(kafka, prefix, topic);
      else await replay(kafka, prefix, topic);
    }
  },
});

async function list(kafka: Kafka, prefix: string, topic: string): Promise<void> {
  const letters = await listDeadLetters(kafka, prefix, topic);
  const waiting = letters.filter((l) => !l.replayed).length;
  print(`\n${topic}: ${letters.length} dead letter(s), ${waiting} not replayed`);
  if (letters.length > 0) print(describe(letters));
}

async function replay(kafka: Kafka, prefix: string, topic: string): Promise<void> {
  const bar = new ProgressBar(`replaying ${topic}`, 0);
  const replayed = await replayDeadLetters(kafka, prefix, topic, (done, total) => {
    bar.setTotal(total);
    bar.update(done);
  });
  if (replayed.length > 0) bar.finish();
  print(`${topic}: replayed ${replayed.length} dead letter(s) to their original topics${replayed.length ? '; any that fail again return here' : ''}`);
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
  return formatTable(['dead letter', 'failed at (UTC)', 'from', 'event type', 'key', 'replayed', 'reason'], rows);
}
