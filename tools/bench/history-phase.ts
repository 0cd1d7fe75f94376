import { publishWith } from '@dtc/testkit';
import { Partitioners, type Kafka } from 'kafkajs';
import { communeHistory, type HistoryCommune } from './history';

export interface SeedFigures {
  events: number;
  bytes: number;
  seconds: number;
}

/** Publishes every commune's history to the run's topics, commune by commune (bounded memory). */
export async function seedHistory(kafka: Kafka, topicPrefix: string, communes: HistoryCommune[], totalEvents: number, onProgress: (done: number) => void): Promise<SeedFigures> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  let events = 0;
  let bytes = 0;
  try {
    const perCommune = totalEvents / communes.length;
    // A few communes in flight at once keeps the broker busy without holding the whole history.
    const inFlight = 4;
    for (let i = 0; i < communes.length; i += inFlight) {
      await Promise.all(
        communes.slice(i, i + inFlight).map(async (commune) => {
          const history = communeHistory(commune, perCommune);
          for (const event of history) bytes += Buffer.byteLength(JSON.stringify(event));
          await publishWith(producer, topicPrefix, history, 5000);
          events += history.length;
          onProgress(events);
        }),
      );
    }
  } finally {
    await producer.disconnect();
  }
  return { events, bytes, seconds: (Date.now() - started) / 1000 };
}
