import { createServer } from 'node:net';

/** Ports each Jest worker hands out, from 20000 up: below Linux's ephemeral range (32768-60999). */
const PORTS_PER_WORKER = 400;
const FIRST_WORKER_PORT = 20000;
/**
 * Next port of this worker's range to try. Module state starts again with each test file, so it
 * starts at a random place: a file seldom gets the ports the worker's previous file just closed.
 */
let nextInRange = Math.floor(Math.random() * PORTS_PER_WORKER);

/**
 * A TCP port free on 127.0.0.1 right now (for services a test or the benchmark starts). Under
 * Jest each worker takes its ports from a range of its own: a port the OS picked is free for any
 * process once probed, so two workers starting services at the same moment could both be given
 * it, and a health check then reached the other worker's service while this one failed to listen.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID);
  const base = FIRST_WORKER_PORT + (worker - 1) * PORTS_PER_WORKER;
  if (!Number.isInteger(worker) || worker < 1 || base + PORTS_PER_WORKER > 32768) return listenOn(0);
  for (let tried = 0; tried < PORTS_PER_WORKER; tried += 1) {
    const port = base + (nextInRange++ % PORTS_PER_WORKER);
    // Still held (a service of an earlier test file stopping, or anything else): the next one.
    const free = await listenOn(port).catch(() => undefined);
    if (free) return free;
  }
  return listenOn(0);
}

/** Listens on the port (0: one the OS picks) and closes again; answers the port. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}
