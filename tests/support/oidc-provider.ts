import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { TokenClaims } from '@dtc/platform';
import { freePort } from '@dtc/testkit';

export interface OidcProvider {
  issuer: string;
  jwksUrl: string;
  audience: string;
  resource: string;
  /** A token as the provider would issue it (same key and issuer), for the test's own set-up calls. */
  sign(claims: TokenClaims): string;
  /** Lets `login` sign in, as this role and communes (the login is the token subject). */
  addAccount(login: string, account: Account): void;
  stop(): Promise<void>;
}

/**
 * Starts a real OpenID Connect provider (oidc-provider, in its own process) for the field app's
 * client `dtc-field`: authorization code flow with PKCE, JWT access tokens (RS256) for the APIs'
 * audience carrying each account's role and communes. Logins are the accounts' subjects.
 */
export interface Account {
  role: TokenClaims['role'];
  communes?: string[];
}

export async function startOidcProvider(options: { redirectUri: string }): Promise<OidcProvider> {
  const port = await freePort();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-${port}`;
  const audience = 'dtc-api';
  const resource = 'https://dtc.example/api';
  const accountsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dtc-oidc-')), 'accounts.json');
  const accounts: Record<string, Account> = {};
  fs.writeFileSync(accountsFile, '{}');
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-provider-process.mjs')], {
    env: {
      ...process.env,
      OIDC_PORT: String(port),
      OIDC_PRIVATE_JWK: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }),
      OIDC_REDIRECT_URI: options.redirectUri,
      OIDC_ACCOUNTS_FILE: accountsFile,
      OIDC_RESOURCE: resource,
      OIDC_AUDIENCE: audience,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const issuer = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const line = output.join('').split('\n').find((entry) => entry.startsWith('{"issuer"'));
      if (line) resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`OIDC provider exited (${code}):\n${output.join('')}`)));
  });
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    audience,
    resource,
    sign: (claims) => signWith(privateKey, kid, issuer, audience, claims),
    addAccount: (login, account) => {
      accounts[login] = account;
      fs.writeFileSync(accountsFile, JSON.stringify(accounts));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        fs.rmSync(path.dirname(accountsFile), { recursive: true, force: true });
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function signWith(key: KeyObject, kid: string, issuer: string, audience: string, claims: TokenClaims): string {
  return jwt.sign({ ...claims }, key, { algorithm: 'RS256', keyid: kid, issuer, audience, expiresIn: 3600 });
}
