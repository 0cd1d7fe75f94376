import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EventStream } from '@dtc/contracts';
import { HealthRegistry, MetricsService, SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { currentClusterId, verifyKafkaCluster } from './cluster/kafka-cluster';
import { ConsumerRunner, type ConsumerRunnerOptions, type EventBatchHandler } from './consumer/consumer.runner';
import { REJECTION_REASONS } from './consumer/rejected-events';
import { createKafka } from './kafka/kafka.factory';
import { groupPositions, lagOf, type PartitionPosition } from './kafka/group-positions';
import { consumerGroup, deadLetterTopic, ensureTopics, topicFor } from './kafka/topics';
import { OutboxRelay } from './outbox/outbox.relay';
import { readOutboxBacklog } from './outbox/outbox.status';
import { OutboxWriter } from './outbox/outbox.writer';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  /** Streams this service publishes through its outbox (starts a relay when non-empty). */
  produces: EventStream[];
}

export interface ConsumerRegistration {
  name: string;
  streams: EventStream[];
  handle: EventBatchHandler;
  deduplicates?: ConsumerRunnerOptions['deduplicates'];
  prepare?: ConsumerRunnerOptions['prepare'];
  afterCommit?: ConsumerRunnerOptions['afterCommit'];
  /** Partitions applied at once in this instance (default 1); the handler must be safe under concurrent batches. */
  partitionsConsumedConcurrently?: ConsumerRunnerOptions['partitionsConsumedConcurrently'];
  maxBytesPerPartition?: ConsumerRunnerOptions['maxBytesPerPartition'];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A consumer group's positions are asked of the broker at most this often (scrapes and reports share them). */
const POSITIONS_TTL_MS = 5000;

export interface ConsumerPositions {
  positions: PartitionPosition[];
  measuredAt: Date;
}

/**
 * The service's Kafka side: one producer, the outbox writer and relay, and the consumers that
 * feature modules register in onModuleInit. Everything starts at application bootstrap and
 * stops before the database closes.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly outbox: OutboxWriter;
  private readonly admin: Admin;
  private readonly logger = new Logger('messaging');
  private readonly registrations: ConsumerRegistration[] = [];
  private readonly runners: ConsumerRunner[] = [];
  /** The cluster this instance verified at start (consumers deduplicating by offsets key their positions by it). */
  private clusterId?: string;
  private relay?: OutboxRelay;
  private producerConnected = false;
  private readonly positions = new Map<string, { reading: Promise<ConsumerPositions>; at: number }>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    health: HealthRegistry,
  ) {
    this.kafka = createKafka({ clientId: `${config.topicPrefix}${config.serviceName}`, brokers: config.kafkaBrokers, security: config }, (level, message, extra) =>
      level === 'error' || level === 'warn' ? this.logger.warn({ ...extra, level }, message) : this.logger.debug(extra, message),
    );
    // One request in flight keeps per-key order through retries; the Java-compatible partitioner
    // puts a key on the same partition as Java/librdkafka integrators would compute. Duplicates
    // from retries are removed by consumers' inboxes, so idempotence is not relied upon.
    this.producer = this.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.producer.on('producer.connect', () => (this.producerConnected = true));
    this.producer.on('producer.disconnect', () => (this.producerConnected = false));
    this.admin = this.kafka.admin();
    this.outbox = new OutboxWriter(config.topicPrefix);
    health.register('kafka', async () => {
      await this.admin.connect();
      const cluster = await this.admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers');
    });
    this.registerMetrics();
  }

  topic(stream: EventStream): string {
    return topicFor(this.config.topicPrefix, stream);
  }

  deadLetterTopic(consumerName: string): string {
    return deadLetterTopic(this.config.topicPrefix, consumerName);
  }

  /** The consumers this service runs, by name (the operations page reports on each). */
  get consumers(): ReadonlyArray<Pick<ConsumerRegistration, 'name' | 'streams'>> {
    return this.registrations;
  }

  /** Whether this service publishes events through an outbox. */
  get publishes(): boolean {
    return this.options.produces.length > 0;
  }

  /** Called by feature modules (onModuleInit); consumers start at application bootstrap. */
  registerConsumer(registration: ConsumerRegistration): void {
    this.registrations.push(registration);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connectWithRetry();
    // Before creating topics: on a cluster that lacks this schema's history, create nothing and stop.
    await this.verifyCluster();
    const topics = [
      ...this.options.produces.map((stream) => this.topic(stream)),
      ...this.registrations.flatMap((r) => [...r.streams.map((stream) => this.topic(stream)), this.deadLetterTopic(r.name)]),
    ];
    await ensureTopics(this.admin, topics, this.config.topicPartitions, { replicationFactor: this.config.kafkaReplicationFactor, minInsyncReplicas: this.config.kafkaMinInsyncReplicas });
    if (this.options.produces.length > 0) await this.startRelay();
    if (this.config.kafkaConsumers === 'off') {
      this.logger.warn(`KAFKA_CONSUMERS=off: this instance applies no events (${this.registrations.map((r) => r.name).join(', ') || 'none registered'})`);
      return;
    }
    for (const registration of this.registrations) await this.startConsumer(registration);
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  private async verifyCluster(): Promise<void> {
    const current = { clusterId: await currentClusterId(this.admin), topicPrefix: this.config.topicPrefix };
    this.clusterId = current.clusterId;
    const outcome = await verifyKafkaCluster({ databaseUrl: this.config.databaseUrl, schema: this.config.databaseSchema, current, acceptedClusterId: this.config.kafkaAcceptClusterId });
    if (outcome === 'recorded') this.logger.log(`recorded Kafka cluster ${current.clusterId} (topic prefix "${current.topicPrefix}") for schema ${this.config.databaseSchema}`);
    if (outcome === 'accepted') this.logger.warn(`accepted a new Kafka cluster ${current.clusterId} (KAFKA_ACCEPT_CLUSTER_ID) for schema ${this.config.databaseSchema}`);
  }

  private async connectWithRetry(timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.admin.connect();
        await this.producer.connect();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`Kafka at ${this.config.kafkaBrokers.join(',')} is unreachable: ${(error as Error).message}`);
        this.logger.warn(`waiting for Kafka at ${this.config.kafkaBrokers.join(',')}`);
        await sleep(1000);
      }
    }
  }

  private async startRelay(): Promise<void> {
    const published = this.metrics.counter('outbox_published_total', 'Outbox rows published to Kafka', []);
    const lag = this.metrics.histogram('outbox_relay_lag_seconds', 'Commit-to-Kafka delay of published events', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
    this.relay = new OutboxRelay({
      dataSource: this.dataSource,
      databaseUrl: this.config.databaseUrl,
      schema: this.config.databaseSchema,
      producer: this.producer,
      batchSize: this.config.relayBatchSize,
      pollIntervalMs: this.config.relayPollMs,
      onPublished: (count, lagsMs) => {
        published.inc(count);
        for (const ms of lagsMs) lag.observe(ms / 1000);
      },
      onError: (error) => this.logger.warn({ err: error.message }, 'outbox relay round failed; will retry'),
    });
    await this.relay.start();
    this.outbox.onCommitted(() => this.relay?.nudge());
  }

  private async startConsumer(registration: ConsumerRegistration): Promise<void> {
    const applied = this.metrics.counter('events_applied_total', 'Events applied by a consumer', ['consumer']);
    const duplicates = this.metrics.counter('events_duplicates_total', 'Redelivered events skipped (by the inbox, the offsets or the handler)', ['consumer']);
    const deadLettered = this.metrics.counter('events_dead_lettered_total', 'Events sent to the dead-letter topic', ['consumer']);
    const rejected = this.metrics.counter('events_rejected_total', 'Events refused on purpose and dead-lettered (province_mismatch, wrong_stream)', ['consumer', 'reason']);
    // Zero from the start, so "no forged events" is a visible 0 and increase() alerts see the first one.
    for (const reason of REJECTION_REASONS) rejected.inc({ consumer: registration.name, reason }, 0);
    const visible = this.metrics.histogram('events_visible_lag_seconds', 'From the producing write to this consumer having applied the event (freshness)', ['consumer'], [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30, 60]);
    const runner = new ConsumerRunner({
      name: registration.name,
      groupId: consumerGroup(this.config.topicPrefix, registration.name),
      topics: registration.streams.map((stream) => this.topic(stream)),
      deadLetterTopic: this.deadLetterTopic(registration.name),
      kafka: this.kafka,
      producer: this.producer,
      dataSource: this.dataSource,
      handle: registration.handle,
      deduplicates: registration.deduplicates,
      clusterId: this.clusterId,
      prepare: registration.prepare,
      afterCommit: registration.afterCommit,
      partitionsConsumedConcurrently: registration.partitionsConsumedConcurrently,
      maxBytesPerPartition: registration.maxBytesPerPartition,
      maxRetries: this.config.consumerMaxRetries,
      sessionTimeoutMs: this.config.consumerSessionTimeoutMs,
      onApplied: (count, dupes) => {
        applied.inc({ consumer: registration.name }, count);
        duplicates.inc({ consumer: registration.name }, dupes);
      },
      onVisible: (lags) => {
        for (const lag of lags) visible.observe({ consumer: registration.name }, lag);
      },
      onDeadLetter: (error) => {
        deadLettered.inc({ consumer: registration.name });
        this.logger.warn({ consumer: registration.name, err: error.message }, 'event dead-lettered');
      },
      onRejected: (reason, error) => {
        rejected.inc({ consumer: registration.name, reason });
        this.logger.error({ consumer: registration.name, reason, err: error.message }, 'event refused and dead-lettered');
      },
      onError: (error) => this.logger.warn({ consumer: registration.name, err: error.message }, 'consumer batch failed; retrying'),
    });
    await runner.start();
    this.runners.push(runner);
  }

  /**
   * Where one of this service's consumer groups stands on its streams' partitions, asked of the
   * broker at most every few seconds and shared by /metrics and reports (never a Kafka round trip
   * per request). A failed reading is not kept: the next caller asks again.
   */
  consumerPositions(name: string, streams: readonly EventStream[]): Promise<ConsumerPositions> {
    return this.positionsOf(consumerGroup(this.config.topicPrefix, name), streams.map((stream) => this.topic(stream)));
  }

  /** Where any group stands on the topics (a consumer's, or the replay group of its dead letters), cached the same way. */
  positionsOf(groupId: string, topics: string[]): Promise<ConsumerPositions> {
    const key = `${groupId} ${topics.join(',')}`;
    const cached = this.positions.get(key);
    if (cached && Date.now() - cached.at < POSITIONS_TTL_MS) return cached.reading;
    const reading = groupPositions(this.admin, groupId, topics).then((positions) => ({ positions, measuredAt: new Date() }));
    this.positions.set(key, { reading, at: Date.now() });
    reading.catch(() => this.positions.delete(key));
    return reading;
  }

  private registerMetrics(): void {
    this.metrics.gauge('outbox_backlog', 'Outbox rows not yet published', [], async (gauge) => {
      if (this.options.produces.length === 0 || !this.dataSource.isInitialized) return;
      const outbox = await readOutboxBacklog((sql) => this.dataSource.query(sql));
      gauge.set(outbox.backlog);
      oldest.set(outbox.oldestUnpublishedSeconds ?? 0);
    });
    const oldest = this.metrics.gauge('outbox_oldest_unpublished_age_seconds', 'Age of the oldest unpublished outbox row', []);
    this.metrics.gauge('kafka_consumer_lag', 'Messages behind the end of each partition', ['group', 'topic', 'partition'], async (gauge) => {
      gauge.reset();
      for (const registration of this.registrations) {
        const groupId = consumerGroup(this.config.topicPrefix, registration.name);
        for (const position of (await this.consumerPositions(registration.name, registration.streams)).positions) {
          gauge.set({ group: groupId, topic: position.topic, partition: String(position.partition) }, lagOf(position));
        }
      }
    });
  }
}
