#!/usr/bin/env node
'use strict';
// The dashboard tests drive a real browser: Debian's Chromium (playwright-core brings no
// browser of its own).
const { ensureDebianPackage } = require('./debian-package');

ensureDebianPackage({ pkg: 'chromium', path: process.env.CHROMIUM_PATH || '/usr/bin/chromium', what: 'chromium', hint: 'Install it yourself (apt-get install chromium) or set CHROMIUM_PATH.' });
