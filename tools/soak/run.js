#!/usr/bin/env node
'use strict';
// npm run soak -- --minutes N [...]: brings up the infrastructure, builds the services and runs
// the soak (tools/soak/soak.ts). Not part of npm test: it stops the machine's Kafka, Postgres
// and Redis at random times, so nothing else may use them while it runs.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const env = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const steps = [
  ['infrastructure up', [process.execPath, 'tools/infra/cli.js', 'up']],
  ['build services', [process.execPath, path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']],
  ['soak', [process.execPath, '-r', './tools/runtime/register.js', 'tools/soak/soak.ts', ...process.argv.slice(2)]],
];
for (const [title, command] of steps) {
  process.stderr.write(`\n== ${title}\n`);
  const result = spawnSync(command[0], command.slice(1), { cwd: repoRoot, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status || 1);
}
