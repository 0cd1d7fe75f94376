import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DRAIN_MS, KEEP_ALIVE_MS, keepConnectionsLongerThanClients } from './bootstrap';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  keepConnectionsLongerThanClients(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** One keep-alive request; resolves with the response (body not read) and its socket. */
function get(port: number, path = '/'): Promise<{ response: IncomingMessage; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'keep-alive' } }, (response) => resolve({ response, socket: req.socket! }));
    req.on('error', reject);
    req.end();
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
/** Rejects if the promise has not settled by the deadline (a bound, not a wait). */
const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms).unref())]);
const stop = (server: Server) => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));

describe('keepConnectionsLongerThanClients', () => {
  it('tells clients it keeps idle connections for 65 s, longer than Node 5 s default', async () => {
    const { server, port } = await serve((_req, res) => res.end('ok'));
    const { response, socket } = await get(port);
    response.resume();
    expect(response.headers['keep-alive']).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
    expect(server.headersTimeout).toBeGreaterThan(KEEP_ALIVE_MS);
    await stop(server);
    await closed(socket);
  });

  it('lets a request in flight finish when the stop begins, then closes its connection at once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const { server, port } = await serve((_req, res) => {
      arrived();
      void held.then(() => res.end('finished'));
    });
    const answer = get(port);
    await inFlight;
    const stopped = stop(server);
    release();
    const { response, socket } = await answer;
    const body = await new Promise<string>((resolve) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve(text));
    });
    expect({ status: response.statusCode, body }).toEqual({ status: 200, body: 'finished' });
    // Without the stop closing connections as they fall idle, this one would stay open until DRAIN_MS.
    await within(closed(socket), DRAIN_MS / 2, 'the connection closed');
    await stopped;
  });

  it('closes idle connections when the stop begins', async () => {
    const { server, port } = await serve((_req, res) => res.end('ok'));
    const { response, socket } = await get(port);
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(socket.destroyed).toBe(false);
    await stop(server);
    await closed(socket);
  });

  it('closes connections still busy once the drain is over, so a stop ends within the grace period', async () => {
    const { server, port } = await serve(() => undefined);
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const unanswered = get(port).catch((error: Error) => error);
    const serverSide = await accepted;
    const started = Date.now();
    await stop(server);
    await closed(serverSide);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAIN_MS - 100);
    expect(await unanswered).toMatchObject({ message: 'socket hang up' });
  }, 3 * DRAIN_MS);
});
