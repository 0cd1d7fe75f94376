import { parsePublishedEvent, type EventEnvelope, type PublishedAs } from '@dtc/contracts';
import { isTransientDatabaseError } from '@dtc/platform';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { failpoint } from '../faults/failpoints';
import { claimNewEvents } from '../inbox/inbox';
import { newEventsByOffsets, RecentBatches, recordAppliedBatch, RESENT_HEADERS, type OffsetItem, type PartitionBatch } from '../offsets/applied-batches';
import { headerText } from '../kafka/headers';
import { sendToDeadLetter } from './dead-letter';
import { foreignStreamReason, isRejectedEventsError, RejectedEventsError, type RejectionReason } from './rejected-events';
import { RECORDED_AT_HEADER } from '../outbox/outbox.relay';

/**
 * Applies a batch inside the consumer's transaction. A handler that finds events it applied
 * before on its own (`deduplicates: 'handler'`) answers their ids: they count as duplicates.
 */
export type EventBatchHandler = (events: EventEnvelope[], tx: EntityManager) => Promise<void | { alreadyApplied: ReadonlySet<string> }>;

export interface ConsumerRunnerOptions {
  /** Stable consumer name: inbox and applied-batches key and (with the prefix) the consumer group. */
  name: string;
  groupId: string;
  topics: string[];
  deadLetterTopic: string;
  kafka: Kafka;
  producer: Producer;
  dataSource: DataSource;
  handle: EventBatchHandler;
  /**
   * Who drops events applied before (redeliveries, a relay publishing twice): the inbox (default,
   * one row per event in the batch's transaction); offsets (one row per batch: the partition's
   * position plus the batch's ids, see applied-batches.ts; needs clusterId); or the handler
   * itself, when its own writes are keyed by event id so a second apply would fail or change
   * nothing (it answers the ids it skipped).
   */
  deduplicates?: 'inbox' | 'offsets' | 'handler';
  /** The Kafka cluster the topics live on: offsets are positions on one cluster's topics. */
  clusterId?: string;
  /** Runs first in every batch transaction, before deduplication (e.g. to pick the tables to write). */
  prepare?: (tx: EntityManager) => Promise<void>;
  /** Runs after a batch committed, with the events it applied (e.g. to invalidate caches). */
  afterCommit?: (events: EventEnvelope[]) => Promise<void> | void;
  maxRetries: number;
  /** How long the group waits for a crashed member before rebalancing (default 30 s). */
  sessionTimeoutMs?: number;
  fromBeginning?: boolean;
  /**
   * Partitions whose batches are applied at the same time (default 1), each in its own
   * transaction. Handlers must then be safe under concurrent batches (as they already must be
   * when several instances share the group).
   */
  partitionsConsumedConcurrently?: number;
  /** Largest batch fetched from one partition (default 1 MiB); bigger batches mean fewer transactions. */
  maxBytesPerPartition?: number;
  onApplied?: (applied: number, duplicates: number) => void;
  /** Seconds from each applied event's original write to this consumer's commit (events that carry the time). */
  onVisible?: (lagsSeconds: number[]) => void;
  onDeadLetter?: (error: Error) => void;
  /** Events refused on purpose (wrong stream, province mismatch): dead-lettered at once, counted by reason. */
  onRejected?: (reason: RejectionReason, error: Error) => void;
  /** Every failed attempt at a batch or event (and crashes): the service counts them (error metric). */
  onError?: (error: Error) => void;
  /**
   * Backoff while the database is in transient trouble (lock/statement timeouts, deadlocks, lost
   * connection, read-only, out of disk, shutdown): jittered, doubling from initial up to max
   * (default 250 ms to 5 s). Such failures are retried for as long as they last, never dead-lettered.
   */
  transientBackoffMs?: { initial?: number; max?: number };
}

interface Parsed {
  message: KafkaMessage;
  event: EventEnvelope;
}

interface Source {
  topic: string;
  partition: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MEMBERSHIP_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP']);

/** kafkajs wraps protocol errors from commitOffsets; the runner only recognises the bare ones. */
export function membershipError(error: unknown): Error | undefined {
  for (let current = error as { type?: string; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (current.type && MEMBERSHIP_ERRORS.has(current.type)) return current as unknown as Error;
  }
  return undefined;
}

/** Commit-to-visible delay of the applied events whose messages carry the write's commit time. */
function visibleLags(items: Parsed[], applied: Set<string>): number[] {
  const now = Date.now();
  const lags: number[] = [];
  for (const { message, event } of items) {
    const header = message.headers?.[RECORDED_AT_HEADER];
    if (!header || !applied.has(event.id)) continue;
    const recordedAt = Date.parse(header.toString());
    if (Number.isFinite(recordedAt)) lags.push(Math.max(0, now - recordedAt) / 1000);
  }
  return lags;
}

/**
 * The id and type the relay's headers name, which spare the envelope a second schema check; a
 * message re-sent by hand (republished, a dead letter replayed) is validated in full.
 */
function publishedAs(message: KafkaMessage): PublishedAs | undefined {
  if (isResent(message)) return undefined;
  const id = headerText(message.headers, 'ce_id');
  const type = headerText(message.headers, 'ce_type');
  return id && type ? { id, type } : undefined;
}

/** A message sent again on purpose (outbox republish, dead-letter replay). */
function isResent(message: KafkaMessage): boolean {
  return RESENT_HEADERS.some((header) => message.headers?.[header] !== undefined);
}

/**
 * Applies events batch by batch: the handler's writes and what deduplicates them (inbox rows, or
 * the batch's applied-batches row) commit in one transaction, and the Kafka offset is committed
 * only after that commit. Events failing their schema (checked in full only in messages the relay
 * did not publish: see parsePublishedEvent), or failing the handler after bounded retries, go to
 * the dead-letter topic and the partition moves on. Events the handler refuses on purpose
 * (RejectedEventsError) and events on another stream's topic are dead-lettered at once with their
 * reason. Transient database trouble (isTransientDatabaseError: outages, lock and statement
 * timeouts, deadlocks, read-only, out of disk...) is retried until the database is healthy: the
 * partition waits, its lag grows, every failure reaches onError; nothing is dead-lettered.
 */
export class ConsumerRunner {
  private consumer?: Consumer;
  private stopping = false;
  /** Deduplicating by offsets: the batches this consumer applied lately, per partition. */
  private readonly recentBatches = new RecentBatches();

  constructor(private readonly options: ConsumerRunnerOptions) {
    if (options.deduplicates === 'offsets' && !options.clusterId) throw new Error(`consumer ${options.name}: deduplicating by offsets needs the Kafka cluster id`);
  }

  async start(): Promise<void> {
    this.stopping = false;
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: Math.min(3000, Math.floor((this.options.sessionTimeoutMs ?? 30000) / 3)),
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1048576,
      // Bounds what one fetch holds in memory while a consumer catches up (services stay < 300 MB).
      maxBytes: Math.max(4194304, this.options.maxBytesPerPartition ?? 0),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    // kafkajs restarts a crashed consumer only after retriable errors; after any other it just
    // stops, and projections would silently freeze. Start again instead (deduplication makes it safe).
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping || this.consumer !== consumer) return;
      this.options.onError?.(payload.error);
      void this.restartAfterCrash(consumer);
    });
    await consumer.connect();
    for (const topic of this.options.topics) await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  private async restartAfterCrash(crashed: Consumer): Promise<void> {
    await crashed.disconnect().catch(() => undefined);
    for (let attempt = 0; !this.stopping && this.consumer === crashed; attempt += 1) {
      await sleep(Math.min(10000, 500 * 2 ** Math.min(attempt, 5)));
      if (this.stopping || this.consumer !== crashed) return;
      try {
        await this.start();
        return;
      } catch (error) {
        this.options.onError?.(error as Error);
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = crashed;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const valid: Parsed[] = [];
    for (const message of batch.messages) {
      let event: EventEnvelope;
      try {
        event = parsePublishedEvent(message.value, publishedAs(message));
      } catch (error) {
        await this.deadLetter(message, batch.topic, batch.partition, error as Error, 1);
        continue;
      }
      const foreign = foreignStreamReason(event, batch.topic);
      if (foreign) await this.refuse({ message, event }, batch.topic, batch.partition, 'wrong_stream', foreign);
      else valid.push({ message, event });
    }
    await this.applyWithRetries(valid, batch.topic, batch.partition, heartbeat, () => isRunning() && !isStale() && !this.stopping);
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    try {
      await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    } catch (error) {
      // The batch is safe in the database. If the group moved on without us (say the broker
      // restarted), give kafkajs the membership error itself so it rejoins rather than crashing;
      // whoever owns the partition next gets the batch again and skips it (inbox or position).
      throw membershipError(error) ?? error;
    }
    await heartbeat();
  }

  private async applyWithRetries(items: Parsed[], topic: string, partition: number, heartbeat: () => Promise<void>, active: () => boolean): Promise<void> {
    if (items.length === 0) return;
    let attempt = 0;
    let transient = 0;
    // Refused events leave the batch for good: retries after a refusal do not judge them again.
    const pending = { items };
    for (;;) {
      try {
        await this.applyRefusing(pending, topic, partition);
        return;
      } catch (error) {
        if (!active()) throw error;
        this.options.onError?.(error as Error);
        if (isTransientDatabaseError(error)) {
          // The database is in trouble, not the events: keep the offset, wait, and try again.
          await this.waitOutTransient(transient++, heartbeat);
          continue;
        }
        if (attempt < this.options.maxRetries) {
          attempt += 1;
          await sleep(100 * attempt);
          await heartbeat().catch(() => undefined);
          continue;
        }
        break;
      }
    }
    // The batch keeps failing: apply events one by one so only the poison ones are set aside.
    for (const item of pending.items) {
      let lastError: Error | undefined;
      for (let tries = 0, transientTries = 0; tries <= this.options.maxRetries; ) {
        try {
          await this.applyRefusing({ items: [item] }, topic, partition);
          lastError = undefined;
          break;
        } catch (error) {
          if (!active()) throw error;
          this.options.onError?.(error as Error);
          if (isTransientDatabaseError(error)) {
            // Not this event's fault either: wait for the database without using up its tries.
            await this.waitOutTransient(transientTries++, heartbeat);
            continue;
          }
          lastError = error as Error;
          tries += 1;
        }
      }
      if (lastError) await this.deadLetter(item.message, topic, partition, lastError, this.options.maxRetries + 1);
      await heartbeat().catch(() => undefined);
    }
  }

  private async waitOutTransient(attempt: number, heartbeat: () => Promise<void>): Promise<void> {
    const initial = this.options.transientBackoffMs?.initial ?? 250;
    const max = this.options.transientBackoffMs?.max ?? 5000;
    const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 16));
    // Jittered (half fixed, half random) so instances sharing a recovering database do not retry in step.
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    await heartbeat().catch(() => undefined);
  }

  /**
   * Applies the batch; when the handler refuses events (RejectedEventsError), dead-letters exactly
   * those at once and applies the rest in a new transaction. Any other error is the caller's.
   */
  private async applyRefusing(batch: { items: Parsed[] }, topic: string, partition: number): Promise<void> {
    while (batch.items.length > 0) {
      try {
        await this.apply(batch.items, { topic, partition });
        return;
      } catch (error) {
        if (!isRejectedEventsError(error)) throw error;
        const refused = batch.items.filter((item) => error.rejected.has(item.event.id));
        // A refusal naming none of these events would loop forever: treat it as a plain failure.
        if (refused.length === 0) throw error;
        for (const item of refused) await this.refuse(item, topic, partition, error.reason, error.rejected.get(item.event.id)!);
        batch.items = batch.items.filter((item) => !error.rejected.has(item.event.id));
      }
    }
  }

  private async apply(items: Parsed[], source: Source): Promise<void> {
    let remember: (() => void) | undefined;
    const applied = await this.options.dataSource.transaction(async (tx) => {
      await this.options.prepare?.(tx);
      const positions = this.options.deduplicates === 'offsets' ? this.offsetsOf(items, source) : undefined;
      const decision = positions ? await newEventsByOffsets(tx, positions.batch, positions.items, this.recentBatches) : undefined;
      const fresh = decision?.fresh ?? (await this.newEvents(tx, items));
      const seen = new Set<string>();
      const events: EventEnvelope[] = [];
      for (const { event } of items) {
        if (fresh.has(event.id) && !seen.has(event.id)) {
          seen.add(event.id);
          events.push(event);
        }
      }
      const handled = events.length > 0 ? await this.options.handle(events, tx) : undefined;
      const done = handled ? events.filter((event) => !handled.alreadyApplied.has(event.id)) : events;
      if (positions && decision) {
        // Also a batch of copies only: the position then says how far the consumer has read.
        const ids = done.map((event) => event.id);
        const next = await recordAppliedBatch(tx, positions.batch, positions.items, ids, decision.position);
        if (next !== undefined) remember = () => this.recentBatches.remember(positions.batch, decision, next, ids);
      }
      if (events.length > 0) failpoint('consumer.before-commit', this.options.name);
      return done;
    });
    // Only a committed batch is remembered.
    remember?.();
    if (applied.length > 0) failpoint('consumer.after-commit', this.options.name);
    this.options.onApplied?.(applied.length, items.length - applied.length);
    if (applied.length > 0 && this.options.onVisible) this.options.onVisible(visibleLags(items, new Set(applied.map((event) => event.id))));
    if (applied.length === 0 || !this.options.afterCommit) return;
    try {
      await this.options.afterCommit(applied);
    } catch (error) {
      // Committed already: a failing notification must not make the batch look unapplied.
      this.options.onError?.(error as Error);
    }
  }

  private offsetsOf(items: Parsed[], { topic, partition }: Source): { batch: PartitionBatch; items: OffsetItem[] } {
    return {
      batch: { consumer: this.options.name, clusterId: this.options.clusterId!, topic, partition },
      items: items.map(({ message, event }) => ({ offset: message.offset, eventId: event.id, resent: isResent(message) })),
    };
  }

  /** The batch's events not applied before, by the inbox or (deduplicates: 'handler') all of them. */
  private async newEvents(tx: EntityManager, items: Parsed[]): Promise<Set<string>> {
    const ids = items.map((item) => item.event.id);
    if (this.options.deduplicates === 'handler') return new Set(ids);
    return claimNewEvents(tx, this.options.name, ids);
  }

  private async deadLetter(message: KafkaMessage, topic: string, partition: number, error: Error, attempts: number, reason?: RejectionReason): Promise<void> {
    await sendToDeadLetter(this.options.producer, this.options.deadLetterTopic, message, { consumer: this.options.name, topic, partition, error, attempts, reason });
    this.options.onDeadLetter?.(error);
  }

  private async refuse(item: Parsed, topic: string, partition: number, reason: RejectionReason, why: string): Promise<void> {
    const error = new RejectedEventsError(reason, new Map([[item.event.id, why]]));
    await this.deadLetter(item.message, topic, partition, error, 1, reason);
    this.options.onRejected?.(reason, error);
  }
}
