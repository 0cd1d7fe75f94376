import { spawnSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

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
