#!/usr/bin/env node
'use strict';
// The dashboard tests drive a real browser: Debian's Chromium (playwright-core brings no
// browser of its own). Installs it with apt-get when it is missing; CI machines run as root.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (fs.existsSync(chromium)) {
  process.stdout.write(`chromium: ${chromium}\n`);
  process.exit(0);
}
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const prefix = asRoot ? [] : ['sudo', '-n'];
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync(prefix.length ? prefix[0] : args[0], prefix.length ? [...prefix.slice(1), ...args] : args.slice(1), { stdio: 'inherit', env }).status === 0;

process.stdout.write(`chromium: ${chromium} is missing; installing Debian's chromium package (apt-get)\n`);
const install = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium'];
if (!run(install) && !(run(['apt-get', 'update', '-q']) && run(install))) {
  process.stderr.write('Could not install chromium. Install it yourself (apt-get install chromium) or set CHROMIUM_PATH.\n');
  process.exit(1);
}
if (!fs.existsSync(chromium)) {
  process.stderr.write(`chromium was installed but ${chromium} does not exist; set CHROMIUM_PATH\n`);
  process.exit(1);
}
