#!/usr/bin/env node
'use strict';
// npm run infra -- up|down|status|reset
// Idempotent: `up` leaves running parts alone and waits until every part answers.
const { spawnSync } = require('node:child_process');
const { dropTestClock, hasTestClock } = require('./real-clock');

// Whatever clock the caller runs on, this command and all it starts run on the real one: started
// under a test clock, it runs itself again without it (see real-clock.js for why not in place).
if (hasTestClock(process.env)) {
  const again = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: dropTestClock({ ...process.env }) });
  process.exit(again.status ?? 1);
}

const { infraSettings } = require('./settings');
const { postgresUp, postgresStatus, postgresDropDatabase } = require('./postgres');
const { redisUp, redisStatus } = require('./redis');
const { kafkaUp, kafkaDown, kafkaStatus, kafkaWipe } = require('./kafka');

const log = (line) => process.stdout.write(`${line}\n`);
// Piped into `head` or a closed pager: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function up(settings) {
  await postgresUp(settings, log);
  await redisUp(settings, log);
  await kafkaUp(settings, log);
}

async function status(settings) {
  for (const line of await Promise.all([postgresStatus(settings), redisStatus(settings), kafkaStatus(settings)])) log(line);
}

async function down(settings) {
  await kafkaDown(settings, log);
  log('postgres  left running (shared server, not owned by this project)');
  log('redis     left running (shared server, not owned by this project)');
}

async function reset(settings) {
  await kafkaDown(settings, log);
  kafkaWipe(settings);
  await postgresDropDatabase(settings);
  log('reset     Kafka data wiped and platform database dropped; starting fresh');
  await up(settings);
}

const commands = { up, down, status, reset };

async function main() {
  const name = process.argv[2] || 'status';
  const command = commands[name];
  if (!command) {
    process.stderr.write(`usage: npm run infra -- ${Object.keys(commands).join('|')}\n`);
    process.exit(2);
  }
  await command(infraSettings());
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`infra: ${error.message}\n`);
    process.exit(1);
  });
}

module.exports = { up, down, status, reset };
