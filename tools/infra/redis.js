'use strict';
// Redis: use the configured server when it answers PING, otherwise start a local
// redis-server binary (no persistence), otherwise say exactly what to install.
const { spawnSync } = require('node:child_process');
const Redis = require('ioredis');
const { waitUntil, commandExists } = require('./probe');

async function ping(redisUrl) {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1500, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function redisUp(settings, log) {
  const url = new URL(settings.redisUrl);
  const port = Number(url.port || 6379);
  let how = 'configured server';
  if (!(await ping(settings.redisUrl))) {
    if (!commandExists('redis-server')) {
      throw new Error(
        `Redis is not reachable at ${url.host} and redis-server is not installed.\n` +
          '  Install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_URL to a reachable server.',
      );
    }
    spawnSync('redis-server', ['--daemonize', 'yes', '--bind', url.hostname, '--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    how = 'started local redis-server';
    await waitUntil(() => ping(settings.redisUrl), { timeoutMs: 15000, what: 'Redis' });
  }
  log(`redis     ready   ${url.host}  (${how})`);
}

async function redisStatus(settings) {
  const url = new URL(settings.redisUrl);
  return `redis     ${(await ping(settings.redisUrl)) ? 'up     ' : 'DOWN   '} ${url.host}`;
}

module.exports = { redisUp, redisStatus, ping };
