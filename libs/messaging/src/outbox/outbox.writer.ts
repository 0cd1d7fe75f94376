import { assertValidEvent, findEventDefinition, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
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
}
