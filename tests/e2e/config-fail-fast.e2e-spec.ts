import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_JWT_SECRET } from '@dtc/testkit';

const repoRoot = path.resolve(__dirname, '..', '..');
// npm start's development secret, read from its file (tools/ is outside the tests' import graph).
const DEV_JWT_SECRET = /DEV_JWT_SECRET = '([^']+)'/.exec(fs.readFileSync(path.join(repoRoot, 'tools/start/dev-env.ts'), 'utf8'))![1];

describe('typed configuration validated at boot', () => {
  it.each(['household-registry', 'enrollment', 'training', 'reporting'])('%s refuses to start with bad settings and names every problem', (service) => {
    const result = spawnSync(process.execPath, ['-r', './tools/runtime/register.js', `dist/apps/${service}/src/main.js`], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, PORT: 'eighty', KAFKA_BROKERS: 'no-port', DATABASE_URL: 'mysql://x', JWT_SECRET: '' },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid configuration for ${service}`);
    for (const variable of ['PORT', 'KAFKA_BROKERS', 'DATABASE_URL', 'JWT_SECRET']) expect(result.stderr).toContain(variable);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('production guards at boot (NODE_ENV=production)', () => {
  const start = (service: string, env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['-r', './tools/runtime/register.js', `dist/apps/${service}/src/main.js`], {
      cwd: repoRoot,
      // A port nothing else uses: if the service listened, it would stay up and time out here.
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '39999', ...env },
      encoding: 'utf8',
      timeout: 30000,
    });

  it.each([
    ['the development secret of npm start', { JWT_SECRET: DEV_JWT_SECRET }, /JWT_SECRET is a secret published in the repository/],
    ['the test runs\' secret', { JWT_SECRET: TEST_JWT_SECRET }, /JWT_SECRET is a secret published in the repository/],
    ['a secret shorter than 32 bytes', { JWT_SECRET: 'a-random-but-short-secret-31byt' }, /JWT_SECRET must be at least 32 bytes in production \(got 31\)/],
    ['an http JWKS URL', { JWT_JWKS_URL: 'http://keycloak.internal/realms/dtc/protocol/openid-connect/certs' }, /JWT_JWKS_URL must use https in production/],
  ])('reporting refuses %s: one clear line, exit 1, nothing listens', (_what, env, message) => {
    const result = start('reporting', env);
    expect({ status: result.status, signal: result.signal }).toEqual({ status: 1, signal: null });
    expect(result.stderr).toContain('Invalid configuration for reporting');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const secret = (env as NodeJS.ProcessEnv).JWT_SECRET;
    if (secret) expect(result.stderr).not.toContain(secret);
  });

  it.each(['household-registry', 'enrollment', 'training'])('%s refuses the development secret in production too', (service) => {
    const result = start(service, { JWT_SECRET: DEV_JWT_SECRET });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/JWT_SECRET is a secret published in the repository/);
  });
});
