/**
 * JSON over HTTP to one of the platform's services, as an operator would call it: bearer token,
 * a timeout, a bounded wait when rate-limited (429 + Retry-After), and failures turned into
 * one-line messages that name the service, the request and the problem the service answered.
 */
export interface ServiceResponse<T> {
  status: number;
  body: T;
}

interface Problem {
  message?: string | string[];
  fields?: Array<{ field: string; reason: string }>;
}

const TIMEOUT_MS = 15000;
const RATE_LIMIT_RETRIES = 3;
const LONGEST_RATE_LIMIT_WAIT_S = 60;

export class ServiceClient {
  constructor(
    /** How messages name the service: "the household registry". */
    readonly service: string,
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Answers with the status when it is one of `expected`; anything else is an Error. */
  async request<T>(method: string, path: string, expected: number[], body?: unknown): Promise<ServiceResponse<T>> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.send(method, path, body);
      const text = await response.text();
      const parsed = text ? parseJson(text) : undefined;
      if (expected.includes(response.status)) return { status: response.status, body: parsed as T };
      if (response.status === 429 && attempt < RATE_LIMIT_RETRIES) {
        const seconds = Math.min(Number(response.headers.get('retry-after')) || 1, LONGEST_RATE_LIMIT_WAIT_S);
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        continue;
      }
      throw new Error(this.failure(method, path, response.status, parsed ?? text));
    }
  }

  private async send(method: string, path: string, body: unknown): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new Error(`cannot reach ${this.service} at ${this.baseUrl} (${reason}); is it running? (set its URL in the environment)`);
    }
  }

  private failure(method: string, path: string, status: number, body: unknown): string {
    const problem = describeProblem(body);
    if (status === 401) return `${this.service} refused the operations token (401${problem ? `: ${problem}` : ''}); set JWT_SECRET to the services' secret, or OPS_TOKEN to an operations token`;
    return `${this.service} answered ${status} to ${method} ${path}${problem ? `: ${problem}` : ''}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeProblem(body: unknown): string {
  if (typeof body === 'string') return body.replace(/\s+/g, ' ').slice(0, 200);
  if (!body || typeof body !== 'object') return '';
  const { message, fields } = body as Problem;
  const text = Array.isArray(message) ? message.join('; ') : (message ?? '');
  const details = (fields ?? []).map((f) => `${f.field}: ${f.reason}`).join('; ');
  return [text, details && `(${details})`].filter(Boolean).join(' ');
}
