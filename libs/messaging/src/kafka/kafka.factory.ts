import { kafkaSecurityOptions, type KafkaClientConfig } from '@dtc/platform';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

export interface KafkaSettings {
  clientId: string;
  brokers: string[];
  /** TLS and SASL (from loadServiceConfig or loadKafkaClientConfig); unset: PLAINTEXT, as in development. */
  security?: Partial<KafkaClientConfig>;
}

type Log = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The only place that constructs the kafkajs client. kafkajs is in maintenance mode: keeping
 * it behind this factory and the relay/consumer classes lets us swap in a compatible client.
 */
export function createKafka(settings: KafkaSettings, log?: Log): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(kafkaSecurityOptions(settings.security) as Pick<KafkaConfig, 'ssl' | 'sasl'>),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        log?.(LEVELS[level] ?? 'info', `kafka: ${message}`, extra);
      },
  });
}
