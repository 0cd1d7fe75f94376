#!/usr/bin/env node
'use strict';
// npm start: infrastructure up, build (services, and the web apps when there are any), start the
// four services (each runs its migrations), load the demo commune when the registry is empty,
// start the one-origin gateway (tools/start/gateway.ts: web apps + the four APIs on one port),
// print the URLs. Ctrl-C stops everything the script started except the shared infrastructure
// (stop Kafka with `npm run infra -- down`).
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { SERVICE_MALLOC_ARENA_MAX, SERVICE_NODE_OPTIONS } = require('../runtime/service-heap');

const repoRoot = path.resolve(__dirname, '..', '..');
const logsDir = path.join(repoRoot, '.data', 'logs');
const DEV_JWT_SECRET = 'local-development-secret-not-for-production';
const services = [
  { name: 'household-registry', port: Number(process.env.REGISTRY_PORT || 3001) },
  { name: 'enrollment', port: Number(process.env.ENROLLMENT_PORT || 3002) },
  { name: 'training', port: Number(process.env.TRAINING_PORT || 3003) },
  { name: 'reporting', port: Number(process.env.REPORTING_PORT || 3004) },
];
const gatewayPort = Number(process.env.GATEWAY_PORT || 3000);
const env = { ...process.env, JWT_SECRET: process.env.JWT_SECRET || DEV_JWT_SECRET, NX_DAEMON: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
// The token picker (/dev/roster, /dev/token) mints field agent tokens for whoever asks: only
// with the development secret, never with a secret someone set for real use.
const devTokens = env.JWT_SECRET === DEV_JWT_SECRET;

function step(title, command, args) {
  process.stdout.write(`\n==> ${title}\n`);
  const result = spawnSync(command, args, { cwd: repoRoot, env, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm start: ${title} failed\n`);
    process.exit(result.status || 1);
  }
}

async function waitHealthy(service, child, deadline, probe = '/health') {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service.name} exited; see ${path.join(logsDir, `${service.name}.log`)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}${probe}`, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} did not become healthy; see ${path.join(logsDir, `${service.name}.log`)}`);
}

async function main() {
  step('infrastructure (Postgres, Redis, Kafka)', process.execPath, ['tools/infra/cli.js', 'up']);
  step('build services', process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  // The web apps (Vite) into dist/web/<app>, served by the gateway under one origin with the APIs.
  if (fs.existsSync(path.join(repoRoot, 'apps', 'field-app'))) step('build web apps', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build:web']);

  fs.mkdirSync(logsDir, { recursive: true });
  process.stdout.write(`\n==> starting services (logs in ${path.relative(repoRoot, logsDir)}/)\n`);
  const children = services.map((service) => {
    const log = fs.openSync(path.join(logsDir, `${service.name}.log`), 'a');
    const child = spawn(process.execPath, ['-r', './tools/runtime/register.js', `dist/apps/${service.name}/src/main.js`], {
      cwd: repoRoot,
      // The heap cap and malloc arenas production uses: services stay under ~300 MB resident.
      // CONSOLE_URL: the old dashboard address (reporting's GET /dashboard) redirects to the console
      // on the gateway, also when the service's own port is opened.
      env: { NODE_OPTIONS: SERVICE_NODE_OPTIONS, MALLOC_ARENA_MAX: SERVICE_MALLOC_ARENA_MAX, CONSOLE_URL: `http://localhost:${gatewayPort}/console/`, ...env, PORT: String(service.port) },
      stdio: ['ignore', log, log],
    });
    return { service, child };
  });

  let stopping = false;
  const stopAll = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping services...\n`);
    let alive = children.filter(({ child }) => child.exitCode === null).length;
    if (alive === 0) process.exit(0);
    for (const { child } of children) {
      child.once('exit', () => {
        alive -= 1;
        if (alive === 0) {
          process.stdout.write('services stopped (infrastructure left running: npm run infra -- down stops Kafka)\n');
          process.exit(0);
        }
      });
      child.kill('SIGTERM');
    }
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  const deadline = Date.now() + 120000;
  for (const { service, child } of children) {
    await waitHealthy(service, child, deadline);
    process.stdout.write(`    ${service.name.padEnd(20)} healthy\n`);
  }

  step('demo data', process.execPath, ['-r', './tools/runtime/register.js', 'tools/start/demo-data.ts', `http://127.0.0.1:${services[0].port}`, `http://127.0.0.1:${services[1].port}`, `http://127.0.0.1:${services[2].port}`, `http://127.0.0.1:${services[3].port}`, `http://localhost:${gatewayPort}/console/`]);

  if (stopping) return; // Ctrl-C during the demo load: the services are already stopping
  // One origin for phones: the field app and the four APIs behind one port (no CORS).
  const gatewayLog = fs.openSync(path.join(logsDir, 'gateway.log'), 'a');
  const gateway = spawn(process.execPath, ['-r', './tools/runtime/register.js', 'tools/start/gateway.ts', ...(devTokens ? ['--dev-tokens'] : [])], {
    cwd: repoRoot,
    env: {
      ...env,
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_WEB_ROOT: path.join(repoRoot, 'dist', 'web'),
      REGISTRY_URL: `http://127.0.0.1:${services[0].port}`,
      ENROLLMENT_URL: `http://127.0.0.1:${services[1].port}`,
      TRAINING_URL: `http://127.0.0.1:${services[2].port}`,
      REPORTING_URL: `http://127.0.0.1:${services[3].port}`,
    },
    stdio: ['ignore', gatewayLog, gatewayLog],
  });
  const gatewayEntry = { service: { name: 'gateway', port: gatewayPort }, child: gateway };
  children.push(gatewayEntry);
  await waitHealthy(gatewayEntry.service, gateway, Date.now() + 30000, '/');

  process.stdout.write('\nThe platform is running:\n');
  process.stdout.write(`  Field app (phones): http://localhost:${gatewayPort}/field/\n`);
  process.stdout.write(`  Console (officials, province, operations): http://localhost:${gatewayPort}/console/   (sign-in links per role printed by the demo data above)\n`);
  process.stdout.write(`  APIs, same origin:  http://localhost:${gatewayPort}/api/registry/  /api/enrollment/  /api/training/  /api/reporting/\n`);
  if (devTokens) process.stdout.write(`  Dev token picker:   http://localhost:${gatewayPort}/dev/roster?communeCode=16279   (development secret only)\n`);
  for (const { name, port } of services) {
    process.stdout.write(`  ${name.padEnd(20)} http://localhost:${port}   docs http://localhost:${port}/docs   health /health   metrics /metrics\n`);
  }
  process.stdout.write(
    [
      '',
      'Try it:',
      '  TOKEN=$(npm run -s token -- --role commune_admin --commune 16279)',
      `  curl -s -X POST localhost:${services[0].port}/households -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
      `       -d '{"communeCode":"16279","villageCode":"DONG-HOA","address":"Xóm 2","headName":"Lê Văn Bình"}'`,
      `  curl -s localhost:${services[3].port}/communes/16279/households-by-village -H "authorization: Bearer $TOKEN"`,
      `  curl -s localhost:${services[3].port}/campaigns -H "authorization: Bearer $TOKEN"     # then /campaigns/<id>/progress, /report.xlsx`,
      `  curl -s localhost:${gatewayPort}/api/reporting/campaigns -H "authorization: Bearer $TOKEN"   # the same API through the one origin`,
      `  open the console sign-in links printed above (or http://localhost:${gatewayPort}/console/#token=$TOKEN)`,
      '  npm run rebuild    # replay every topic into new projection tables and switch over (while serving)',
      '',
      'Press Ctrl-C to stop the services.',
      '',
    ].join('\n'),
  );

  for (const { service, child } of children) {
    child.on('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`${service.name} exited with code ${code}; see ${path.join(logsDir, `${service.name}.log`)}\n`);
        stopAll('service exit');
      }
    });
  }
}

main().catch((error) => {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
});
