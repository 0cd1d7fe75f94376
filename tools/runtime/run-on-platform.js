'use strict';
// The launcher of commands that need the whole platform built and its infrastructure up (the
// benchmark, the soak): infrastructure up, build the services, then run one TypeScript tool.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

/** Runs the steps in order and exits with the first failing step's status. */
function runOnPlatform(title, script, args) {
  const env = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  const steps = [
    ['infrastructure up', [process.execPath, 'tools/infra/cli.js', 'up']],
    ['build services', [process.execPath, path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']],
    [title, [process.execPath, '-r', './tools/runtime/register.js', script, ...args]],
  ];
  for (const [name, command] of steps) {
    process.stderr.write(`\n== ${name}\n`);
    const result = spawnSync(command[0], command.slice(1), { cwd: repoRoot, env, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status || 1);
  }
}

module.exports = { runOnPlatform };
