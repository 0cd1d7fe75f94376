import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';

/** Phones may run a few minutes ahead; anything beyond that is "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export function unprocessable(field: string, reason: string): UnprocessableEntityException {
  return new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field, reason }] });
}

export function notFound(what: string, id: string): NotFoundException {
  return new NotFoundException(`${what} ${id} not found`);
}

/** Optimistic concurrency: a stale version gets 409 with the current one, never an overwrite. */
export function assertVersion(entity: string, expected: number, current: number): void {
  if (expected !== current) {
    throw new ConflictException({ message: `${entity} was changed by someone else (you sent version ${expected}, current is ${current}); reload and retry`, currentVersion: current });
  }
}

/** `now` is the clock the instant is compared with: this process's, or e.g. the database's for times the database stamped. */
export function assertNotFuture(field: string, at: Date, now: number = Date.now()): void {
  if (at.getTime() > now + FUTURE_TOLERANCE_MS) throw unprocessable(field, 'must not be in the future');
}

/** When a command happened: the offline device time when given, else the payload's time, else now; never in the future. */
export function resolveOccurredAt(field: string, explicit: string | undefined, override: Date | undefined): Date {
  const at = override ?? (explicit ? new Date(explicit) : new Date());
  assertNotFuture(field, at);
  return at;
}
