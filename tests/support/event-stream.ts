export interface OpenStream {
  status: number;
  contentType: string | null;
  /** everything read so far */
  text: () => string;
  /** the server ended the stream (or it was refused, or closed here) */
  done: () => boolean;
  close: () => void;
}

/** Opens a Server-Sent Events stream and keeps reading it in the background. */
export async function openStream(url: string, token: string): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
  let text = '';
  let finished = false;
  if (response.status === 200 && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
      } catch {
        // aborted by close()
      }
      finished = true;
    })();
  } else {
    text = await response.text();
    finished = true;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text: () => text, done: () => finished, close: () => controller.abort() };
}
