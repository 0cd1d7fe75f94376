import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_JWT_SECRET } from '@dtc/testkit';
import { ConfigError } from './config-loader';
import { PUBLISHED_JWT_SECRETS, productionProblems } from './production-guards';
import { loadServiceConfig } from './service-config';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
// npm start's development secret, read from its file (tools/ is outside the libraries' import graph).
const DEV_JWT_SECRET = /DEV_JWT_SECRET = '([^']+)'/.exec(fs.readFileSync(path.join(repoRoot, 'tools/start/dev-env.ts'), 'utf8'))![1];
const defaults = { serviceName: 'reporting', port: 3004, databaseSchema: 'reporting' };
const STRONG = 'b3c1f0e29a7d4c58e6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadServiceConfig(defaults, env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('production guards', () => {
  it('knows every secret the repository publishes', () => {
    expect(PUBLISHED_JWT_SECRETS).toEqual(expect.arrayContaining([DEV_JWT_SECRET, TEST_JWT_SECRET]));
    const started = /DEV_JWT_SECRET = '([^']+)'/.exec(fs.readFileSync(path.join(repoRoot, 'tools/start/start.js'), 'utf8'))![1];
    const example = /JWT_SECRET:\s*(\S+)/.exec(fs.readFileSync(path.join(repoRoot, 'deploy/kubernetes/secret.example.yaml'), 'utf8'))![1];
    expect(PUBLISHED_JWT_SECRETS).toEqual(expect.arrayContaining([started, example]));
  });

  it.each(PUBLISHED_JWT_SECRETS)('refuses the published secret %s in production only', (secret) => {
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: secret })).toEqual([expect.stringMatching(/^JWT_SECRET is a secret published in the repository/)]);
    expect(problemsOf({ NODE_ENV: 'development', JWT_SECRET: secret })).toEqual(secret.length >= 16 ? [] : [expect.stringContaining('JWT_SECRET')]);
  });

  it('refuses a secret shorter than 32 bytes in production, counting bytes not characters', () => {
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(31) })).toEqual([expect.stringMatching(/^JWT_SECRET must be at least 32 bytes in production \(got 31\)/)]);
    // 16 Vietnamese letters of 2 bytes each: 32 bytes.
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'đ'.repeat(16) })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: STRONG })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'test', JWT_SECRET: 'a'.repeat(16) })).toEqual([]);
  });

  it('refuses an http JWKS URL in production and never echoes the secret', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_JWKS_URL: 'http://keycloak.internal/realms/dtc/protocol/openid-connect/certs' });
    expect(problems).toEqual([expect.stringMatching(/^JWT_JWKS_URL must use https in production/)]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://keycloak.internal/realms/dtc/protocol/openid-connect/certs' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'development', JWT_JWKS_URL: 'http://127.0.0.1:8080/certs' })).toEqual([]);
    expect(productionProblems({ NODE_ENV: 'production', JWT_SECRET: 'short-secret-value' }).join('\n')).not.toContain('short-secret-value');
  });

  it('reports every production problem together with the other configuration problems', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET, JWT_JWKS_URL: 'http://idp/certs', PORT: 'eighty' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['JWT_JWKS_URL', 'JWT_SECRET', 'PORT']);
  });
});
