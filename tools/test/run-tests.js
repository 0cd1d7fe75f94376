#!/usr/bin/env node
'use strict';
// npm test: brings up the real infrastructure, type-checks, lints, builds the services, runs
// every unit, integration and end-to-end suite in parallel, then the fault suite serially
// (it stops and restarts the shared Kafka broker), then the end-to-end suites that read the
// calendar and the fault suite again with the process clock on the evening when the Vietnam day
// is already the next day, month and year. `--faults` runs only the fault suite.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { fixedClockEnv } = require('./fixed-clock');

const repoRoot = path.resolve(__dirname, '..', '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const jest = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

// `--faults` (npm run faults): only what the fault suite needs, then the suite and its table.
const faultsOnly = process.argv[2] === '--faults';
const extraArgs = process.argv.slice(faultsOnly ? 3 : 2);
const faultCommand = [process.execPath, jest, '--ci', '--runInBand', ...(faultsOnly && extraArgs.length ? extraArgs : ['tests/faults']), '--reporters=default', '--reporters=./tools/test/fault-table-reporter.js'];
const faultStep = ['fault tests (serial)', faultCommand];
// 23:30 UTC on 31 December is already New Year's Day in Vietnam (UTC+7): the day, the month and
// the year all differ from UTC's, so one run covers every boundary a UTC slip would cross (an
// end-of-month evening such as 30 Nov 17:30 UTC is the same case without the year; the calendar
// helper's unit tests cover such instants directly). Nothing may depend on that.
const CLOCKS = [['2026-12-31T23:30:00Z', 'already 1 January 2027 in Vietnam']];
// End-to-end suites that read no calendar (transport security, broker loss, scaling, backup,
// tokens and rate limits, configuration, the OpenAPI documents, sign-in, the integrator example):
// the parallel step runs them once; running them again under the fixed clock proves nothing more
// and took about a third of that step. Every other suite, including any new one, runs again.
const CALENDAR_FREE_SUITES = [
  'tests/e2e/config-fail-fast.e2e-spec.ts',
  'tests/e2e/openapi-lint.e2e-spec.ts',
  'tests/e2e/field-app/field-app-oidc.e2e-spec.ts',
  'tests/e2e/integrators/example-integrator.e2e-spec.ts',
  'tests/e2e/operations/backup-restore.e2e-spec.ts',
  'tests/e2e/operations/kafka-cluster-lost.e2e-spec.ts',
  'tests/e2e/operations/multi-instance.e2e-spec.ts',
  'tests/e2e/security/kafka-sasl-ssl.e2e-spec.ts',
  'tests/e2e/security/streams-and-pages.e2e-spec.ts',
  'tests/e2e/security/tokens-and-rate-limits.e2e-spec.ts',
];
const missingSuites = CALENDAR_FREE_SUITES.filter((suite) => !existsSync(path.join(repoRoot, suite)));
if (missingSuites.length) {
  process.stderr.write(`npm test: CALENDAR_FREE_SUITES names suites that do not exist: ${missingSuites.join(', ')}\n`);
  process.exit(1);
}
const calendarE2eCommand = [process.execPath, jest, '--ci', '--testPathIgnorePatterns', '/node_modules/', '/dist/', ...CALENDAR_FREE_SUITES.map((suite) => `/${suite.replace(/\./g, '\\.')}$`), '--', 'tests/e2e'];
const clockSteps = CLOCKS.flatMap(([instant, vietnam]) => [
  [`end-to-end tests that read the calendar, with the clock at ${instant} (${vietnam})`, calendarE2eCommand, { clock: instant }],
  [`fault tests with the clock at ${instant} (${vietnam})`, faultCommand, { clock: instant }],
]);
const steps = [
  ['infrastructure up', [process.execPath, 'tools/infra/cli.js', 'up']],
  ...(faultsOnly
    ? [['build services', [process.execPath, tsc, '-p', 'tsconfig.build.json']], faultStep]
    : [
        ['browser for the dashboard, field app and console tests, libfaketime for the fixed-clock runs', [process.execPath, 'tools/test/ensure-chromium.js']],
        ['', [process.execPath, '-e', "require('./tools/test/fixed-clock').ensureLibfaketime()"]],
        ['type-check (services, libraries, tools, tests; then the field app and the console)', [process.execPath, tsc, '-p', 'tsconfig.json', '--noEmit']],
        ['', [process.execPath, tsc, '-p', 'apps/field-app/tsconfig.json']],
        ['', [process.execPath, tsc, '-p', 'apps/console/tsconfig.json']],
        ['lint (incl. Nx module boundaries)', [process.execPath, path.join(repoRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { quiet: true }],
        ['', [process.execPath, path.join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']],
        ['build services', [process.execPath, tsc, '-p', 'tsconfig.build.json']],
        ['build web apps (the field app and the console the browser tests open)', [process.execPath, path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/field-app/vite.config.ts', '--logLevel', 'warn']],
        ['', [process.execPath, path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'warn']],
        ['unit, integration and end-to-end tests', [process.execPath, jest, '--ci', '--testPathIgnorePatterns', '/node_modules/', '/dist/', '/tests/faults/', ...extraArgs]],
        faultStep,
        ...clockSteps,
      ]),
];

const total = steps.filter(([title]) => title).length;
let index = 0;
const started = Date.now();
for (const [title, command, options = {}] of steps) {
  if (title) {
    index += 1;
    process.stdout.write(`\n[${index}/${total}] ${title} (${Math.round((Date.now() - started) / 1000)} s elapsed)\n`);
  }
  // A fixed-clock step's offset is taken as it starts, so its clock reads the instant then.
  const stepEnv = options.clock ? fixedClockEnv(env, options.clock) : env;
  const result = spawnSync(command[0], command.slice(1), { cwd: repoRoot, env: stepEnv, stdio: options.quiet ? 'ignore' : 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\nnpm test: step "${title || command.join(' ')}" failed (exit ${result.status}).\n`);
    process.exit(result.status || 1);
  }
}
process.stdout.write(`\nnpm test: all steps passed in ${Math.round((Date.now() - started) / 1000)} s\n`);
