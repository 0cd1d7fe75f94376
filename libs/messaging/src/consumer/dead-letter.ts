import type { KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetterContext {
  consumer: string;
  topic: string;
  partition: number;
  error: Error;
  attempts: number;
  /** Set when the consumer refused the event on purpose (e.g. province_mismatch): operators filter on it. */
  reason?: string;
}

/**
 * Copies a message that cannot be applied to the consumer's dead-letter topic, keeping key,
 * value and headers, and adding why and where it failed so an operator can fix and replay it.
 */
export async function sendToDeadLetter(producer: Producer, deadLetterTopicName: string, message: KafkaMessage, context: DeadLetterContext): Promise<void> {
  await producer.send({
    topic: deadLetterTopicName,
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'dlt-error': context.error.message.slice(0, 1000),
          'dlt-error-type': context.error.name,
          'dlt-consumer': context.consumer,
          'dlt-original-topic': context.topic,
          'dlt-original-partition': String(context.partition),
          'dlt-original-offset': message.offset,
          'dlt-attempts': String(context.attempts),
          'dlt-failed-at': new Date().toISOString(),
          ...(context.reason ? { 'dlt-reason': context.reason } : {}),
        },
      },
    ],
  });
}
