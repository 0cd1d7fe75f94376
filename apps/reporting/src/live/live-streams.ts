import { Injectable, type CanActivate, type ExecutionContext, type MessageEvent } from '@nestjs/common';
import type { Principal } from '@dtc/platform';
import { loadConfig, parsers, TooManyRequestsException } from '@dtc/platform';

export interface LiveStreamSettings {
  /** Open live streams one token subject may hold on one instance. */
  perSubject: number;
}

export function liveStreamSettings(env: NodeJS.ProcessEnv = process.env): LiveStreamSettings {
  return loadConfig(
    'reporting',
    {
      perSubject: {
        env: 'LIVE_STREAMS_PER_SUBJECT',
        description: 'concurrent live streams (GET /campaigns/{id}/live) one token subject may hold per reporting instance; the next gets 429',
        parse: parsers.integer(1, 1000),
        default: 5,
      },
    },
    env,
  );
}

/** Seconds a refused viewer should wait: streams end when a tab closes, which is quick. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Counts open live streams per token subject, so one leaked token (or a tab reopening in a loop)
 * cannot hold thousands of connections. Per instance: a subject spread over three instances may
 * hold three times the limit, which still bounds it.
 */
@Injectable()
export class LiveStreamLimiter {
  private readonly open = new Map<string, number>();
  readonly perSubject = liveStreamSettings().perSubject;

  /** Takes a slot or throws 429; the returned release may be called any number of times. */
  acquire(subject: string): () => void {
    const count = this.open.get(subject) ?? 0;
    if (count >= this.perSubject) {
      throw new TooManyRequestsException(
        RETRY_AFTER_SECONDS,
        `This token already has ${count} live streams open (at most ${this.perSubject} per user); close another dashboard tab or retry after ${RETRY_AFTER_SECONDS} s`,
      );
    }
    this.open.set(subject, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(subject) ?? 1) - 1;
      if (left > 0) this.open.set(subject, left);
      else this.open.delete(subject);
    };
  }

  openStreams(subject: string): number {
    return this.open.get(subject) ?? 0;
  }

  static readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
}

/** Where LiveStreamGuard leaves the slot's release for the handler. */
export const LIVE_STREAM_RELEASE = Symbol('liveStreamRelease');

interface LiveRequest {
  principal: Principal;
  [LIVE_STREAM_RELEASE]?: () => void;
}

/**
 * Takes the viewer's stream slot before the handler runs: once an event stream has started a
 * refusal could only be an error event, so the 429 must come from a guard. The handler releases
 * the slot when its stream ends; a closed connection releases it too (whichever comes first).
 */
@Injectable()
export class LiveStreamGuard implements CanActivate {
  constructor(private readonly limiter: LiveStreamLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<LiveRequest>();
    const response = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void; once(event: 'close', listener: () => void): void }>();
    let release: () => void;
    try {
      release = this.limiter.acquire(request.principal.subject);
    } catch (error) {
      response.setHeader('Retry-After', String(LiveStreamLimiter.retryAfterSeconds));
      throw error;
    }
    request[LIVE_STREAM_RELEASE] = release;
    response.once('close', release);
    return true;
  }
}

/** The slot LiveStreamGuard took for this request (a no-op if none). */
export function liveStreamRelease(request: object): () => void {
  return (request as LiveRequest)[LIVE_STREAM_RELEASE] ?? (() => undefined);
}

/**
 * The `exp` of the bearer token the AuthGuard has already verified (the principal does not carry
 * it). Undefined only if the header is unreadable, which the guard would have refused.
 */
export function bearerExpiry(authorization: string | undefined): Date | undefined {
  const token = (authorization ?? '').split(' ')[1] ?? '';
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** The last event of a stream whose token expired: the viewer must sign in again, not reconnect. */
export function expiredEvent(expiredAt: Date): MessageEvent {
  return { type: 'expired', data: { reason: 'token_expired', expiredAt: expiredAt.toISOString(), message: 'The access token expired; this stream is closed. Sign in again to keep following.' } };
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
