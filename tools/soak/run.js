#!/usr/bin/env node
'use strict';
// npm run soak -- --minutes N [...]: brings up the infrastructure, builds the services and runs
// the soak (tools/soak/soak.ts). Not part of npm test: it stops the machine's Kafka, Postgres
// and Redis at random times, so nothing else may use them while it runs.
const { runOnPlatform } = require('../runtime/run-on-platform');

runOnPlatform('soak', 'tools/soak/soak.ts', process.argv.slice(2));
