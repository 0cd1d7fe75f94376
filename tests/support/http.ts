import { contractProblems } from './openapi-contract';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

/** A JSON exchange with a service; it throws when the exchange contradicts the service's OpenAPI document. */
export async function request<T = Record<string, unknown>>(method: string, url: string, token?: string, body?: unknown): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics, HTML docs)
  }
  const problems = await contractProblems({ method, url, requestHeaders: headers, requestBody: typeof body === 'string' ? parsed : body, status: response.status, contentType: response.headers.get('content-type'), responseBody: parsed });
  if (problems.length > 0) throw new Error(`Not as the OpenAPI document says:\n${problems.join('\n')}`);
  return { status: response.status, body: parsed as T };
}
