'use strict';
// Test tools the suite needs from Debian (a browser, libfaketime): installed with apt-get when
// missing, since a fresh machine or CI clone may not have them. CI machines run as root.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

/** Installs `pkg` unless `path` exists; exits with a clear message when that is not possible. */
function ensureDebianPackage({ pkg, path, what, hint }) {
  if (fs.existsSync(path)) {
    process.stdout.write(`${what}: ${path}\n`);
    return;
  }
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync(prefix.length ? prefix[0] : args[0], prefix.length ? [...prefix.slice(1), ...args] : args.slice(1), { stdio: 'inherit', env }).status === 0;

  process.stdout.write(`${what}: ${path} is missing; installing Debian's ${pkg} package (apt-get)\n`);
  const install = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', pkg];
  if (!run(install) && !(run(['apt-get', 'update', '-q']) && run(install))) {
    process.stderr.write(`Could not install ${pkg}. ${hint}\n`);
    process.exit(1);
  }
  if (!fs.existsSync(path)) {
    process.stderr.write(`${pkg} was installed but ${path} does not exist. ${hint}\n`);
    process.exit(1);
  }
}

module.exports = { ensureDebianPackage };
