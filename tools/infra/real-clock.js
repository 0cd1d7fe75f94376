'use strict';
// The shared infrastructure (Kafka, Postgres, Redis) always runs on the real clock, even when a
// test run gives the platform's processes another one (tools/test/fixed-clock.js, libfaketime):
// a broker or database started with a shifted clock would age or expire everyone's data.
const path = require('node:path');

const CLOCK_VARIABLES = ['FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC', 'FAKETIME_DONT_RESET', 'DTC_TEST_CLOCK'];

/** Whether `env` carries a test clock. */
function hasTestClock(env) {
  return CLOCK_VARIABLES.some((name) => env[name] !== undefined) || /libfaketime/.test(env.LD_PRELOAD ?? '');
}

/**
 * Removes a test clock from `env` (in place) so that children started with it run on real time.
 * Never apply it to `process.env` of a process that runs under libfaketime: the library re-reads
 * FAKETIME every few seconds, so its own clock would jump by the offset mid-run.
 */
function dropTestClock(env) {
  for (const name of CLOCK_VARIABLES) delete env[name];
  if (env.LD_PRELOAD) {
    const rest = env.LD_PRELOAD.split(/[: ]/).filter((entry) => entry && !path.basename(entry).startsWith('libfaketime'));
    if (rest.length > 0) env.LD_PRELOAD = rest.join(':');
    else delete env.LD_PRELOAD;
  }
  return env;
}

module.exports = { dropTestClock, hasTestClock };
