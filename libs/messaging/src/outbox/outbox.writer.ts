import { assertValidEvent, findEventDefinition, wasValidatedWhenCreated, type EventEnvelope } from '@dtc/contracts';
import { afterCommit, appendRows } from '@dtc/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { topicFor } from '../kafka/topics';

const OUTBOX_INSERT = 'insert into outbox (event_id, topic, message_key, event_type, tenant, payload)';

export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}

/**
 * Appends events to the outbox inside the caller's transaction (the same one that changes
 * state). Call it after the state change so that, per aggregate, outbox order follows the
 * order in which the aggregate row was locked. Once that transaction commits, the listeners
 * given to `onCommitted` run (the relay wakes); nothing is signalled inside the transaction.
 */
export class OutboxWriter {
  private readonly listeners = new Set<() => void>();
  private readonly committed = () => {
    for (const listener of this.listeners) listener();
  };

  constructor(private readonly topicPrefix: string) {}

  /** Called after every commit that appended rows through this writer (in this process). */
  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async append(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((event) => {
      // An event is validated once, when written: createEvent's envelopes were validated as they were built.
      if (!wasValidatedWhenCreated(event)) assertValidEvent(event);
      const definition = findEventDefinition(event.type);
      if (!definition) throw new Error(`Unknown event type ${event.type}`);
      return [event.id, topicFor(this.topicPrefix, definition.stream), event.subject, event.type, event.tenant, JSON.stringify(event)];
    });
    // Many offline items in one transaction: their events go in together just before the commit.
    await appendRows(tx, OUTBOX_INSERT, rows);
    // No NOTIFY here: inside the transaction it would hold the cluster-wide notify lock across the
    // commit (every service's commits in single file). The relay is woken after the commit.
    afterCommit(tx, this.committed);
  }

  /**
   * Publishes, once, the events of rows written before their event existed (communes, villages,
   * team names). `claimSql` is an UPDATE that marks unannounced rows as announced (chosen with
   * `for update skip locked`) and returns them; claiming and appending commit together, so
   * instances starting at the same time announce each row once. Returns how many were announced.
   */
  async announceClaimed<Row>(dataSource: DataSource, claimSql: string, toEvents: (claimed: Row[]) => EventEnvelope[]): Promise<number> {
    return dataSource.transaction(async (tx) => {
      // An update's query answers [rows, rowCount].
      const [claimed]: [Row[], number] = await tx.query(claimSql);
      if (claimed.length === 0) return 0;
      await this.append(tx, toEvents(claimed));
      return claimed.length;
    });
  }
}
