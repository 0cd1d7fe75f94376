#!/usr/bin/env node
'use strict';
// npm run faults: only the fault-injection suite (real outages of Kafka, Postgres and Redis,
// crashed relays and consumers, poison events, rebalances), then its table. npm test runs the
// same suite last; this is for working on reliability without the rest.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const env = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const steps = [
  ['infrastructure up', [process.execPath, 'tools/infra/cli.js', 'up']],
  ['build services', [process.execPath, path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']],
  [
    'fault tests (serial)',
    [process.execPath, path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--runInBand', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['tests/faults']), '--reporters=default', '--reporters=./tools/test/fault-table-reporter.js'],
  ],
];
for (const [index, [title, command]] of steps.entries()) {
  process.stdout.write(`\n[${index + 1}/${steps.length}] ${title}\n`);
  const result = spawnSync(command[0], command.slice(1), { cwd: repoRoot, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status || 1);
}
