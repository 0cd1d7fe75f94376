import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal';

/**
 * Per-token request budgets counted in Redis, shared by every instance of a service.
 *
 * Fixed window, anchored at a caller's first request: the first INCR of a counter gives it a TTL
 * of one window, later INCRs only count, and the counter disappears when the window ends. Why not
 * a sliding window: this is one INCR + PTTL per budget (O(1) memory per caller, one round trip,
 * atomic in one Lua script so concurrent instances never lose a count or leave a counter without
 * expiry), while a sliding log needs a sorted set entry per request. The cost is that a caller can
 * spend up to twice the budget across a window boundary, which is fine for what this is for:
 * stopping a runaway phone or a leaked token, not metering.
 *
 * Rejected requests count too (a client hammering while limited does not earn a new budget early,
 * but the window is never extended either: the budget comes back when the window ends).
 */
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
end
return out
`;

export interface RateLimitBudget {
  /** Part of the Redis key and of the metrics label: `requests` or `writes`. */
  name: string;
  limit: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The budget the headers describe: the exhausted one, or the one with the least left. */
  budget: string;
  limit: number;
  remaining: number;
  /** Seconds until that budget's window ends (at least 1). */
  resetSeconds: number;
}

/** The few Redis calls the limiter needs (ioredis' client fits). */
export interface RateLimitRedis {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export class RateLimitUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'error',
  ) {
    super(message);
  }
}

/**
 * Who is counted: a hash of subject and role, so Redis keys hold neither tokens nor user names
 * (a provider's subject may be an e-mail address), and a token re-issued to the same person
 * shares the budget.
 */
export function rateLimitIdentity(principal: Pick<Principal, 'subject' | 'role'>): string {
  return createHash('sha256').update(`${principal.role}\0${principal.subject}`).digest('hex').slice(0, 32);
}

export interface RateLimiterOptions {
  /** Namespaces the counters (deployment/test run and service), e.g. `dtc.rate-limit:household-registry:`. */
  keyPrefix: string;
  windowMs: number;
  /** Longest wait for Redis before giving up (the caller then fails open). */
  timeoutMs?: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: RateLimitRedis,
    private readonly options: RateLimiterOptions,
  ) {}

  /** Counts one request against every budget; throws RateLimitUnavailableError when Redis does not answer in time. */
  async consume(identity: string, budgets: RateLimitBudget[]): Promise<RateLimitDecision> {
    // The {hash tag} keeps one caller's counters in one Redis Cluster slot (a script's keys must share one).
    const keys = budgets.map((budget) => `${this.options.keyPrefix}{${identity}}:${budget.name}`);
    let timer: NodeJS.Timeout | undefined;
    let reply: unknown;
    try {
      reply = await Promise.race([
        this.redis.eval(SCRIPT, keys.length, ...keys, this.options.windowMs),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new RateLimitUnavailableError('Redis did not answer in time', 'timeout')), this.options.timeoutMs ?? 250);
        }),
      ]);
    } catch (error) {
      throw error instanceof RateLimitUnavailableError ? error : new RateLimitUnavailableError((error as Error)?.message ?? 'Redis failed', 'error');
    } finally {
      clearTimeout(timer);
    }
    if (!Array.isArray(reply) || reply.length !== budgets.length * 2) throw new RateLimitUnavailableError('unexpected reply from Redis', 'error');
    const states = budgets.map((budget, i) => {
      const count = Number(reply[i * 2]);
      const ttlMs = Number(reply[i * 2 + 1]);
      return { budget, exceeded: count > budget.limit, remaining: Math.max(0, budget.limit - count), resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    });
    const exceeded = states.filter((s) => s.exceeded);
    // Blocked: report the exhausted budget that frees up last (retrying earlier would fail again).
    // Allowed: report the budget closest to running out.
    const shown = exceeded.length > 0 ? exceeded.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a)) : states.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    return { allowed: exceeded.length === 0, budget: shown.budget.name, limit: shown.budget.limit, remaining: shown.remaining, resetSeconds: shown.resetSeconds };
  }
}
