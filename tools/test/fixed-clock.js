'use strict';
// Runs the platform's processes with their clock set to a chosen instant (Debian's libfaketime,
// preloaded), to prove that nothing depends on the hour: between 17:00 and 24:00 UTC the Vietnam
// day, month and even year are already the next ones. The offset is computed once, so every
// process of a run (Jest, the services it spawns, the demo loader) shares one clock that keeps
// ticking from the chosen instant. Monotonic time (timers, timeouts) stays real. The shared
// infrastructure (Kafka, Postgres, Redis) always runs on the real clock: tools/infra drops these
// variables before starting any of it.
const { dropTestClock } = require('../infra/real-clock');
const { ensureDebianPackage } = require('./debian-package');

const LIBFAKETIME = process.env.LIBFAKETIME_PATH || '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

function ensureLibfaketime() {
  ensureDebianPackage({ pkg: 'libfaketime', path: LIBFAKETIME, what: 'libfaketime', hint: 'Install it yourself (apt-get install faketime) or set LIBFAKETIME_PATH.' });
}

/** Environment for child processes whose clock reads `instant` now and runs on from there. */
function fixedClockEnv(baseEnv, instant) {
  const target = Date.parse(instant);
  if (!Number.isFinite(target)) throw new Error(`not an instant: ${instant}`);
  const offsetSeconds = Math.round((target - Date.now()) / 1000);
  const real = dropTestClock({ ...baseEnv });
  const preload = [LIBFAKETIME, ...(real.LD_PRELOAD ? real.LD_PRELOAD.split(/[: ]/).filter(Boolean) : [])].join(':');
  return {
    ...real,
    LD_PRELOAD: preload,
    FAKETIME: `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    FAKETIME_DONT_RESET: '1',
    DTC_TEST_CLOCK: instant,
  };
}

module.exports = { ensureLibfaketime, fixedClockEnv };
