// A real OpenID Connect provider (the `oidc-provider` package) for the field app's sign-in tests,
// run as its own process because the package is ECMAScript-module only (Jest loads CommonJS).
// Configured by the test through the environment; prints {"issuer": ...} once it listens.
//
//   OIDC_PORT          port to listen on (127.0.0.1)
//   OIDC_PRIVATE_JWK   the RS256 signing key (private JWK with kid); the test keeps it to sign setup tokens
//   OIDC_REDIRECT_URI  the field app's redirect URI (http://127.0.0.1:<gateway>/field/)
//   OIDC_ACCOUNTS_FILE a JSON file {"<login>": {"role": "field_agent", "communes": ["50491"]}}, read at
//                      each sign-in (the test adds members once the services created them); the login is the subject
//   OIDC_RESOURCE      the APIs' resource indicator; access tokens are JWTs for audience OIDC_AUDIENCE
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const env = process.env;
const issuer = `http://127.0.0.1:${env.OIDC_PORT}`;
const accounts = () => JSON.parse(fs.readFileSync(env.OIDC_ACCOUNTS_FILE, 'utf8'));
const resource = env.OIDC_RESOURCE;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'dtc-field',
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      redirect_uris: [env.OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [JSON.parse(env.OIDC_PRIVATE_JWK)] },
  cookies: { keys: [env.OIDC_COOKIE_KEY ?? 'field-app-test-cookie-key'] },
  pkce: { required: () => true },
  // The app exchanges the code from its own origin.
  clientBasedCORS: () => true,
  findAccount: async (_ctx, id) => (accounts()[id] ? { accountId: id, claims: async () => ({ sub: id }) } : undefined),
  // First-party app: the grant is implicit, no consent screen.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid');
    grant.addResourceScope(resource, 'openid');
    await grant.save();
    return grant;
  },
  extraTokenClaims: async (_ctx, token) => {
    const account = accounts()[token.accountId];
    return account ? { role: account.role, communes: account.communes } : undefined;
  },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'openid',
        audience: env.OIDC_AUDIENCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});

http.createServer(provider.callback()).listen(Number(env.OIDC_PORT), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
