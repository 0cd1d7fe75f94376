import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import { DataSource } from 'typeorm';
import { listDeadLetters, replayDeadLetters, replayGroup } from '../consumer/dead-letter-admin';
import { lagOf } from '../kafka/group-positions';
import { consumerGroup } from '../kafka/topics';
import { readOutboxBacklog } from '../outbox/outbox.status';
import { MessagingService } from '../messaging.service';
import { DEAD_LETTERS_SHOWN, type ConsumerStatusView, type DeadLettersView, type OpsStatusView, type OutboxStatusView, type ReplayView } from './ops.dto';

/**
 * What the operations page shows of one service: its outbox backlog, each consumer's lag and dead
 * letters, and the replay of those letters. Lags come from the broker through the positions the
 * metrics already read (cached a few seconds), so the page never adds load per viewer.
 */
@Injectable()
export class OpsService {
  private readonly logger = new Logger('ops');
  /** Consumers whose dead letters are being replayed now (a second replay waits for the first). */
  private readonly replaying = new Set<string>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly messaging: MessagingService,
    private readonly dataSource: DataSource,
  ) {}

  async status(): Promise<OpsStatusView> {
    const outbox = this.messaging.publishes ? await this.outbox() : undefined;
    let kafkaReachable = true;
    const consumers: ConsumerStatusView[] = [];
    for (const { name, streams } of this.messaging.consumers) {
      const status: ConsumerStatusView = { consumer: name, group: consumerGroup(this.config.topicPrefix, name), lag: null, partitions: [], deadLetters: null, deadLettersWaiting: null };
      consumers.push(status);
      if (!kafkaReachable) continue;
      try {
        const { positions } = await this.messaging.consumerPositions(name, streams);
        status.partitions = positions.map((p) => ({ topic: p.topic, partition: p.partition, committed: p.committed, end: p.high, lag: lagOf(p) }));
        status.lag = status.partitions.reduce((sum, p) => sum + p.lag, 0);
        const topic = this.messaging.deadLetterTopic(name);
        const { positions: letters } = await this.messaging.positionsOf(replayGroup(this.config.topicPrefix, topic), [topic]);
        status.deadLetters = letters.reduce((sum, p) => sum + (p.high - p.low), 0);
        status.deadLettersWaiting = letters.reduce((sum, p) => sum + lagOf(p), 0);
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'the broker did not answer for the operations status');
        kafkaReachable = false;
        Object.assign(status, { lag: null, partitions: [], deadLetters: null, deadLettersWaiting: null });
      }
    }
    return { service: this.config.serviceName, checkedAt: new Date().toISOString(), kafkaReachable, ...(outbox ? { outbox } : {}), consumers };
  }

  async deadLetters(consumer: string): Promise<DeadLettersView> {
    const topic = this.deadLetterTopicOf(consumer);
    const letters = await listDeadLetters(this.messaging.kafka, this.config.topicPrefix, topic);
    const newestFirst = letters.sort((a, b) => b.failedAt.localeCompare(a.failedAt) || b.partition - a.partition || Number(BigInt(b.offset) - BigInt(a.offset)));
    return {
      consumer,
      topic,
      total: letters.length,
      letters: newestFirst.slice(0, DEAD_LETTERS_SHOWN).map(({ message: _message, topic: _topic, consumer: _consumer, ...letter }) => letter),
    };
  }

  /** Sends the consumer's letters not yet replayed back to their topics; its inbox (or applied batches) drops any it already applied. */
  async replay(consumer: string, operator: string): Promise<ReplayView> {
    const topic = this.deadLetterTopicOf(consumer);
    if (this.replaying.has(consumer)) throw new ConflictException(`the dead letters of ${consumer} are being replayed already; look again when that ends`);
    this.replaying.add(consumer);
    try {
      const replayed = await replayDeadLetters(this.messaging.kafka, this.config.topicPrefix, topic);
      this.logger.log({ consumer, operator, replayed: replayed.length }, 'dead letters replayed');
      return { consumer, replayed: replayed.length };
    } finally {
      this.replaying.delete(consumer);
    }
  }

  private deadLetterTopicOf(consumer: string): string {
    if (!this.messaging.consumers.some((c) => c.name === consumer)) {
      const known = this.messaging.consumers.map((c) => c.name).join(', ') || 'none';
      throw new NotFoundException(`${this.config.serviceName} runs no consumer named ${consumer} (it runs: ${known})`);
    }
    return this.messaging.deadLetterTopic(consumer);
  }

  private async outbox(): Promise<OutboxStatusView> {
    const { backlog, oldestUnpublishedSeconds, lastPublishedAt } = await readOutboxBacklog((sql) => this.dataSource.query(sql));
    return { backlog, oldestUnpublishedSeconds: oldestUnpublishedSeconds === null ? null : Math.round(oldestUnpublishedSeconds), lastPublishedAt };
  }
}
