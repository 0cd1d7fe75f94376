// Reads pages of a province feed over HTTP with a bearer token. Server errors and network
// failures are retried with back-off; refusals (401, 403, 4xx) are not: they need a person.

export class FeedRequestError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'FeedRequestError';
    this.status = status;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ baseUrl: string, province: string, token: string, retries?: number, onRetry?: (error: Error, attempt: number) => void }} options
 */
export function createFeedClient({ baseUrl, province, token, retries = 8, onRetry = () => undefined }) {
  const url = (params) => {
    const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined && value !== null).map(([name, value]) => [name, String(value)]));
    return `${baseUrl.replace(/\/+$/, '')}/feeds/provinces/${encodeURIComponent(province)}/events?${search}`;
  };

  async function once(params) {
    const response = await fetch(url(params), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const text = await response.text();
    if (response.ok) return JSON.parse(text);
    let detail = text.slice(0, 300);
    try {
      const problem = JSON.parse(text);
      detail = [problem.message, ...(problem.fields ?? []).map((f) => `${f.field}: ${f.reason}`)].filter(Boolean).join('; ');
    } catch {
      // not a JSON problem
    }
    throw new FeedRequestError(`the feed answered ${response.status}: ${detail}`, response.status);
  }

  /** One page: `{ events, next, hasMore }`. Pass `after` (a cursor) or `since` (an ISO date-time), or neither. */
  async function page({ after, since, limit }) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once({ after, since, limit });
      } catch (error) {
        const retriable = !(error instanceof FeedRequestError) || error.status >= 500 || error.status === 429;
        if (!retriable || attempt > retries) throw error;
        onRetry(error, attempt);
        await sleep(Math.min(10000, 250 * 2 ** attempt));
      }
    }
  }

  return { page };
}
