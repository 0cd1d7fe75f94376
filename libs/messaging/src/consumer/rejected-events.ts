import { findEventDefinition, type EventEnvelope } from '@dtc/contracts';

/** Why a consumer refused an event it could parse (the `reason` label of events_rejected_total). */
export const REJECTION_REASONS = ['province_mismatch', 'wrong_stream'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Thrown by a handler for events it must never apply, whatever the retry: the runner dead-letters
 * exactly these events at once (no retries, they would fail the same way), counts them by reason
 * and applies the rest of the batch. The verdict must depend only on the event and on state the
 * stream itself fixes (see rememberCommunes), so a rebuild refuses the same events.
 */
export class RejectedEventsError extends Error {
  constructor(
    readonly reason: RejectionReason,
    /** Event id -> why, in words an operator can act on. */
    readonly rejected: Map<string, string>,
  ) {
    super(`${rejected.size} event(s) refused (${reason}): ${[...rejected.values()].slice(0, 3).join('; ')}`);
    this.name = 'RejectedEventsError';
  }
}

export function isRejectedEventsError(error: unknown): error is RejectedEventsError {
  if (error instanceof RejectedEventsError) return true;
  const candidate = error as Partial<RejectedEventsError> | undefined;
  return candidate?.name === 'RejectedEventsError' && candidate.rejected instanceof Map;
}

/**
 * An event is trusted only on its own stream's topic and from its own producer: with per-service
 * broker ACLs, the topic is what proves who wrote it (a CommuneOnboardedV1 on the training topic
 * was not written by the registry). Returns why the event does not belong, or undefined.
 */
export function foreignStreamReason(event: EventEnvelope, topic: string): string | undefined {
  const definition = findEventDefinition(event.type);
  if (!definition) return undefined;
  if (!topic.endsWith(definition.stream)) return `${event.type} belongs to ${definition.stream}, not to topic ${topic}`;
  const source = `/dtc/${definition.producer}`;
  if (event.source !== source) return `${event.type} must come from ${source}, not ${event.source}`;
  return undefined;
}
