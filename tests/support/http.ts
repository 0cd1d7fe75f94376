export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

export async function request<T = Record<string, unknown>>(method: string, url: string, token?: string, body?: unknown): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics, HTML docs)
  }
  return { status: response.status, body: parsed as T };
}
