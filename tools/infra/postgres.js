'use strict';
// PostgreSQL: use the configured server when it answers, otherwise start a locally
// installed one, otherwise say exactly what to install.
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { Client } = require('pg');
const { portOpen, waitUntil, commandExists } = require('./probe');

function serverUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  url.pathname = '/postgres';
  return { adminUrl: url.toString(), database, host: url.hostname, port: Number(url.port || 5432) };
}

async function canQuery(adminUrl) {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function startLocalCluster() {
  if (commandExists('pg_ctlcluster') && fs.existsSync('/etc/postgresql')) {
    const versions = fs.readdirSync('/etc/postgresql');
    for (const version of versions) {
      const result = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { encoding: 'utf8' });
      if (result.status === 0 || /already running/.test(result.stderr)) return `pg_ctlcluster ${version} main`;
    }
  }
  return undefined;
}

async function ensureDatabase(adminUrl, database) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function postgresUp(settings, log) {
  const { adminUrl, database, host, port } = serverUrl(settings.databaseUrl);
  let how = 'configured server';
  if (!(await canQuery(adminUrl))) {
    const started = startLocalCluster();
    if (!started) {
      throw new Error(
        `PostgreSQL is not reachable at ${host}:${port} and no local installation was found.\n` +
          '  Install it (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL to a reachable server.',
      );
    }
    how = `started local cluster (${started})`;
    await waitUntil(() => canQuery(adminUrl), { timeoutMs: 30000, what: 'PostgreSQL' });
  }
  await ensureDatabase(adminUrl, database);
  log(`postgres  ready   ${host}:${port}/${database}  (${how})`);
}

async function postgresStatus(settings) {
  const { adminUrl, database, host, port } = serverUrl(settings.databaseUrl);
  const up = (await portOpen(host, port)) && (await canQuery(adminUrl));
  return `postgres  ${up ? 'up     ' : 'DOWN   '} ${host}:${port}/${database}`;
}

async function postgresDropDatabase(settings) {
  const { adminUrl, database } = serverUrl(settings.databaseUrl);
  if (!(await canQuery(adminUrl))) return;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${database.replace(/"/g, '""')}" with (force)`);
  } finally {
    await client.end();
  }
}

module.exports = { postgresUp, postgresStatus, postgresDropDatabase };
