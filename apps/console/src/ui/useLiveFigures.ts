import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../data/api';
import { followCampaign } from '../data/live';

export interface LiveFigures<T> {
  figures?: T;
  error?: ApiError;
  /** the live stream is open */
  live: boolean;
  refreshedAt?: Date;
}

/**
 * Loads a page's figures, then reloads them whenever the campaign's live stream says they changed
 * (one reload at a time; changes during a reload cause one more). `liveUrl` undefined: no stream.
 */
export function useLiveFigures<T>(load: () => Promise<T>, key: string, liveUrl: string | undefined, token: string, onExpired: () => void): LiveFigures<T> {
  const [state, setState] = useState<LiveFigures<T>>({ live: false });
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    let running = false;
    let again = false;
    setState({ live: false });

    async function refresh(): Promise<void> {
      if (running) return void (again = true);
      running = true;
      try {
        const figures = await loadRef.current();
        if (!cancelled) setState((previous) => ({ ...previous, figures, error: undefined, refreshedAt: new Date() }));
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.expired) return onExpired();
        setState((previous) => ({ ...previous, error: error instanceof ApiError ? error : new ApiError(0, String(error)) }));
      } finally {
        running = false;
        if (again && !cancelled) {
          again = false;
          void refresh();
        }
      }
    }

    void refresh();
    const stop = liveUrl
      ? followCampaign(liveUrl, token, {
          changed: () => void refresh(),
          expired: onExpired,
          connected: (open) => !cancelled && setState((previous) => ({ ...previous, live: open })),
        })
      : undefined;
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [key, liveUrl, token, onExpired]);

  return state;
}
