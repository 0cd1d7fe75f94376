/**
 * Follows a campaign's server-sent events (GET /campaigns/{id}/live) through fetch, because
 * EventSource cannot send the Authorization header. "changed" means new figures are ready; the
 * server ends the stream with "expired" when the token runs out (reconnecting is pointless then).
 * A dropped stream is reopened after a short pause.
 */
export interface LiveHandlers {
  changed(): void;
  expired(): void;
  /** true while the stream is open */
  connected(open: boolean): void;
}

const RECONNECT_MS = 2000;

/** Splits what arrived so far into complete event blocks; returns the event names and the unfinished rest. */
export function eventNames(buffer: string): { names: string[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const names = blocks.map((block) => /^event: ?(.*)$/m.exec(block)?.[1]?.trim() ?? 'message');
  return { names, rest };
}

export function followCampaign(url: string, token: string, handlers: LiveHandlers): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function open(): Promise<void> {
    controller = new AbortController();
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
      if (response.status === 401) return handlers.expired();
      if (!response.ok || !response.body) throw new Error(`live ${response.status}`);
      handlers.connected(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const { names, rest } = eventNames(buffer + value);
        buffer = rest;
        if (names.includes('expired')) return handlers.expired();
        if (names.includes('changed')) handlers.changed();
      }
    } catch {
      if (stopped) return;
    }
    if (stopped) return;
    handlers.connected(false);
    // Figures may have changed while the stream was down: refetch once it is back.
    timer = setTimeout(() => {
      handlers.changed();
      void open();
    }, RECONNECT_MS);
  }

  void open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    controller?.abort();
  };
}
