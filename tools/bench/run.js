#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick | --seconds N | --events N | ...]: brings up the infrastructure,
// builds the services and runs the benchmark (tools/bench/bench.ts). A command that prints
// figures, never a test: it does not fail on a slow machine.
const { runOnPlatform } = require('../runtime/run-on-platform');

runOnPlatform('benchmark', 'tools/bench/bench.ts', process.argv.slice(2));
