import { assertValidEvent, findEventDefinition, type EventEnvelope } from '@dtc/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { topicFor } from '../kafka/topics';

export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}

/**
 * Appends events to the outbox inside the caller's transaction (the same one that changes
 * state). Call it after the state change so that, per aggregate, outbox order follows the
 * order in which the aggregate row was locked. The NOTIFY is delivered only on commit.
 */
export class OutboxWriter {
  constructor(
    private readonly topicPrefix: string,
    private readonly schema: string,
  ) {}

  async append(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((event, index) => {
      assertValidEvent(event);
      const definition = findEventDefinition(event.type);
      if (!definition) throw new Error(`Unknown event type ${event.type}`);
      values.push(event.id, topicFor(this.topicPrefix, definition.stream), event.subject, event.type, event.tenant, JSON.stringify(event));
      const base = index * 6;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });
    // One round trip: the rows and the NOTIFY that wakes the relay (delivered only on commit).
    await tx.query(
      `with appended as (insert into outbox (event_id, topic, message_key, event_type, tenant, payload) values ${rows.join(', ')} returning 1)
       select pg_notify($${values.length + 1}, count(*)::text) from appended`,
      [...values, outboxChannel(this.schema)],
    );
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
