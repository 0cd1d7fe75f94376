import type { EventEnvelope } from '@dtc/contracts';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { sendWithCommit } from '@dtc/persistence';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { failpoint } from '../faults/failpoints';
import { outboxChannel } from './outbox.writer';

/** Commits within this window share one NOTIFY to the other instances' relays. */
const PEERS_NOTICE_DEBOUNCE_MS = 10;
/**
 * While rows keep coming, the relay waits this long between rounds so that one round (four
 * statements: begin, turn and claim, mark, commit) publishes what several commits wrote. A relay
 * woken from idle starts at once.
 */
const BUSY_LINGER_MS = 25;

/** Kafka header carrying the commit time of the write that produced the event (ISO 8601). */
export const RECORDED_AT_HEADER = 'dtc_recorded_at';

export interface RelayOptions {
  dataSource: DataSource;
  databaseUrl: string;
  schema: string;
  producer: Producer;
  batchSize: number;
  pollIntervalMs: number;
  onPublished?: (count: number, lagsMs: number[]) => void;
  onError?: (error: Error) => void;
}

interface OutboxRow {
  seq: string;
  topic: string;
  message_key: string;
  payload: string;
  created_at: Date;
}

/**
 * Publishes outbox rows to Kafka. A round claims unpublished rows with FOR UPDATE SKIP LOCKED
 * (never an "id > last seen" cursor: sequence order is not commit order), sends them with the
 * aggregate id as key, and marks them published in the same transaction. One relay per schema
 * publishes at a time (transaction-level advisory lock), so per-aggregate order holds when
 * several instances run; the others take over if it dies. A crash after Kafka acknowledged but
 * before the commit republishes the rows: consumers dedupe by event id.
 */
export class OutboxRelay {
  private running = false;
  private listener?: Client;
  private wake?: () => void;
  private loop?: Promise<void>;
  private failures = 0;
  /** Rows committed since the relay last looked: the next round starts without waiting. */
  private nudged = false;
  /** This process committed rows since the last round began (peers' notices do not count). */
  private ownRows = false;
  /** Whether the last round held the publishing turn (another instance's relay may hold it). */
  private hadTurn = false;
  private peersNotice?: NodeJS.Timeout;
  /** Sent as the notice's payload, so this relay ignores its own notices. */
  private readonly instanceId = randomUUID();

  constructor(private readonly options: RelayOptions) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen().catch((error: Error) => this.options.onError?.(error));
    this.loop = this.run();
  }

  /**
   * A transaction of this process committed outbox rows: wake this relay, and soon (debounced,
   * outside any writing transaction) the other instances', one of which may hold the publishing turn.
   */
  nudge(): void {
    if (!this.running) return;
    this.nudged = true;
    this.ownRows = true;
    if (this.failures === 0) this.wake?.();
    // While this relay holds the publishing turn its own round takes the rows; should a peer hold
    // it by then, that round finds out and tells the peers (see run).
    if (!this.hadTurn) this.noticePeers();
  }

  private noticePeers(): void {
    this.peersNotice ??= setTimeout(() => {
      this.peersNotice = undefined;
      this.options.dataSource.query('select pg_notify($1, $2)', [outboxChannel(this.options.schema), this.instanceId]).catch(() => undefined);
    }, PEERS_NOTICE_DEBOUNCE_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.peersNotice);
    this.peersNotice = undefined;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Publishes one batch; returns how many rows were published (exposed for tests and tools). */
  async publishBatch(): Promise<number> {
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The turn and the claim in one statement. Its snapshot predates the turn, so rows the
      // previous holder published meanwhile still look unpublished: the row lock rechecks them
      // (READ COMMITTED re-reads a row updated since) and skips them.
      const claimed: Array<OutboxRow & { leader: boolean }> = await runner.query(
        `with turn as (select pg_try_advisory_xact_lock(hashtext($2)) as leader)
         select turn.leader, o.seq, o.topic, o.message_key, o.payload, o.created_at
         from turn left join lateral (
           select seq, topic, message_key, payload, created_at from outbox
           where turn.leader and published_at is null order by seq limit $1 for update skip locked
         ) o on true`,
        [this.options.batchSize, `outbox-relay:${this.options.schema}`],
      );
      this.hadTurn = claimed[0].leader;
      const rows = claimed.filter((row) => row.seq !== null);
      if (rows.length === 0) {
        await runner.commitTransaction();
        return 0;
      }
      await this.send(rows);
      failpoint('outbox.after-send');
      await sendWithCommit(runner.manager, 'update outbox set published_at = clock_timestamp() where seq = any($1::bigint[])', [rows.map((row) => row.seq)]);
      await runner.commitTransaction();
      const now = Date.now();
      this.options.onPublished?.(
        rows.length,
        rows.map((row) => now - new Date(row.created_at).getTime()),
      );
      return rows.length;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const topicRows = byTopic.get(row.topic);
      if (topicRows) topicRows.push(row);
      else byTopic.set(row.topic, [row]);
    }
    await this.options.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicRows]) => ({
        topic,
        messages: topicRows.map(outboxMessage),
      })),
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      // This round sees every row committed before it starts; a nudge from now on asks for another.
      const ownRows = this.ownRows;
      this.nudged = false;
      this.ownRows = false;
      try {
        published = await this.publishBatch();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 20 === 0) this.options.onError?.(error as Error);
      }
      if (!this.running) break;
      // This process committed rows but a peer holds the turn: the peer is told to look again
      // (only for its own rows, so two waiting relays never keep notifying each other).
      if ((ownRows || this.ownRows) && !this.hadTurn && this.failures === 0) this.noticePeers();
      if (published >= this.options.batchSize) continue;
      // Rows committed while this round ran (the wake-up found no one waiting): after a short
      // linger, so the next round takes several commits' rows. Without the turn, the relay
      // holding it gets the peers' notice instead of this one spinning on the lock.
      if (this.nudged && this.hadTurn && this.failures === 0) {
        if (published > 0) await new Promise((resolve) => setTimeout(resolve, BUSY_LINGER_MS));
        continue;
      }
      const backoff = this.failures > 0 ? Math.min(5000, 200 * 2 ** Math.min(this.failures, 5)) : this.options.pollIntervalMs;
      if (!this.listener && this.failures === 0) await this.listen().catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** LISTEN on a dedicated connection so a commit wakes the relay at once. */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl });
    client.on('error', () => {
      this.listener = undefined;
    });
    client.on('notification', (notice) => {
      if (notice.payload === this.instanceId) return;
      this.nudged = true;
      if (this.failures === 0) this.wake?.();
    });
    await client.connect();
    await client.query(`listen "${outboxChannel(this.options.schema)}"`);
    this.listener = client;
  }
}

/**
 * The Kafka message of an outbox row: the envelope as written, keyed by aggregate, with the
 * CloudEvents headers. The relay and the re-publish to a new cluster send exactly this.
 */
export function outboxMessage(row: { message_key: string; payload: string; created_at: Date | string }) {
  const event = JSON.parse(row.payload) as EventEnvelope;
  return {
    key: row.message_key,
    value: row.payload,
    headers: {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: event.type,
      ce_source: event.source,
      ce_tenant: event.tenant,
      ce_province: event.province,
      // When the write committed (near enough: the outbox row's insert time), so consumers
      // can measure how long a change takes to become visible downstream.
      [RECORDED_AT_HEADER]: new Date(row.created_at).toISOString(),
    },
  };
}
