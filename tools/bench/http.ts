/**
 * The bench's HTTP client for its load (phones uploading, province officers reading): node:http
 * over kept-alive connections. The global fetch cost the load generator about 0.7 ms of CPU per
 * event written, a tenth of the machine the services are measured on.
 */
import { Agent, request } from 'node:http';

/** Connections kept between requests, as a phone's or an officer's browser would keep them. */
export const keptAliveAgent = (connectionsPerHost: number) => new Agent({ keepAlive: true, maxSockets: connectionsPerHost });

/** Sends one request (a JSON body when given) and answers the status and the body's text. */
export function httpRequest(agent: Agent, url: string, token: string, body?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: body === undefined ? 'GET' : 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
