export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls an assertion until it passes or the deadline is reached, then rethrows the last
 * failure: the way to wait for asynchronous effects without fixed sleeps.
 */
export async function eventually<T>(assertion: () => Promise<T> | T, { timeoutMs = 20000, intervalMs = 50 }: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
