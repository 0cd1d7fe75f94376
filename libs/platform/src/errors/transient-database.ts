/**
 * The one classifier of "the database is in trouble, not the request/event": used by the HTTP
 * problem mapping (503), the offline sync engine (retry inside the server, then 503, never a
 * stored answer) and the Kafka consumers (retry until healthy, never dead-letter).
 *
 * - `busy`: this attempt lost to other work (deadlock, serialization failure, lock or statement
 *   timeout, a cancelled statement); the same work usually succeeds when tried again at once.
 * - `unavailable`: the database cannot serve now (connection lost or refused, shutting down or
 *   starting, read-only after a failover, out of disk/memory/connections, I/O or system errors).
 *
 * Classified by SQLSTATE class where the class means it (08, 53, 57, 58), by code otherwise.
 * Anything else (constraint violations, bad input, bugs) is the content's own problem: undefined.
 */
export type DatabaseTrouble = 'busy' | 'unavailable';

/** Whole SQLSTATE classes that never say anything about the statement's content. */
const UNAVAILABLE_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources: disk full (53100), out of memory, too many connections
  '57', // operator intervention: admin/crash shutdown, cannot connect now (57014 is `busy`, below)
  '58', // system error: I/O error, undefined/duplicate file
]);

const BUSY_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout, NOWAIT)
  '57014', // query_canceled (statement_timeout, pg_cancel_backend)
]);

const UNAVAILABLE_CODES = new Set([
  '25006', // read_only_sql_transaction: a standby after failover
  '25P03', // idle_in_transaction_session_timeout: the server closed the session
]);

/** Network errors of the driver's socket (Node's error codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

// pg reports a connection lost mid-query, or a pool that cannot connect, by message only.
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

const SQLSTATE = /^[0-9A-Z]{5}$/;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** The SQLSTATE or Node error code of an error, a TypeORM QueryFailedError (driverError) or a wrapper (cause). */
export function databaseErrorCode(error: unknown): string | undefined {
  for (let current = error as ErrorLike | undefined, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    const driver = current.driverError as ErrorLike | undefined;
    const code = driver?.code ?? current.code;
    if (typeof code === 'string' && code.length > 0) return code;
    current = (driver?.cause ?? current.cause) as ErrorLike | undefined;
  }
  return undefined;
}

/** Whether (and how) an error is transient database trouble rather than a problem of the work itself. */
export function databaseTrouble(error: unknown): DatabaseTrouble | undefined {
  const code = databaseErrorCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) return 'unavailable';
  if (code !== undefined && SQLSTATE.test(code)) {
    // The server said what happened: that decides.
    if (BUSY_CODES.has(code)) return 'busy';
    if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.has(code.slice(0, 2))) return 'unavailable';
    return undefined;
  }
  const message = (error as ErrorLike | undefined)?.message;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message) ? 'unavailable' : undefined;
}

export function isTransientDatabaseError(error: unknown): boolean {
  return databaseTrouble(error) !== undefined;
}
