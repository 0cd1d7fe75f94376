const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '40001', '40P01', '53300']);

/**
 * Errors that say "the database is unavailable or busy", not "this event is bad". They are
 * retried without limit (the offset is not committed) instead of dead-lettering good events.
 */
export function isTransientError(error: unknown): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string }; message?: string };
  const code = candidate?.driverError?.code ?? candidate?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(candidate?.message ?? '');
}
