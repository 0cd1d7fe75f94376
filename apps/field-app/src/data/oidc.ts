import type { UserManager } from 'oidc-client-ts';
import type { TokenSession } from './session';

/** What the installation serves at /field/config.json (the gateway, or the web server's file). */
export interface FieldAppConfig {
  /** the province's OpenID Connect provider: authorization code flow with PKCE */
  oidc?: { authority: string; clientId: string; scope?: string; resource?: string };
  /** the development token picker (services running with the development secret) */
  devSignIn?: boolean;
}

export async function loadConfig(): Promise<FieldAppConfig> {
  const response = await fetch('/field/config.json', { cache: 'no-store' });
  if (!response.ok) return {};
  return (await response.json()) as FieldAppConfig;
}

/** The OpenID Connect client is loaded only to sign in (most app starts never need it). */
async function manager(oidc: NonNullable<FieldAppConfig['oidc']>): Promise<UserManager> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const resource = oidc.resource ? { resource: oidc.resource } : undefined;
  return new UserManager({
    authority: oidc.authority,
    client_id: oidc.clientId,
    redirect_uri: `${location.origin}/field/`,
    response_type: 'code',
    scope: oidc.scope ?? 'openid',
    // Tokens and the PKCE verifier live in this tab's session storage only.
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    extraQueryParams: resource,
    extraTokenParams: resource,
    loadUserInfo: false,
    automaticSilentRenew: false,
  });
}

const CONFIG_KEY = 'dtc-field-oidc';

/** Leaves for the provider's sign-in page; it comes back to /field/ with a code. */
export async function startOidcSignIn(config: FieldAppConfig): Promise<void> {
  if (!config.oidc) throw new Error('no OpenID Connect provider configured');
  sessionStorage.setItem(CONFIG_KEY, JSON.stringify(config.oidc));
  await (await manager(config.oidc)).signinRedirect();
}

/** True when this page load is the provider's redirect back (code and state in the query). */
export function isOidcCallback(): boolean {
  const query = new URLSearchParams(location.search);
  return query.has('state') && (query.has('code') || query.has('error'));
}

/**
 * Exchanges the code (with the PKCE verifier) for tokens, then takes the code and state out of
 * the address bar: nothing of the sign-in stays in the URL or the history.
 */
export async function completeOidcSignIn(): Promise<{ session: TokenSession; claims: AccessClaims }> {
  const stored = sessionStorage.getItem(CONFIG_KEY);
  try {
    if (!stored) throw new Error('sign-in was not started in this tab');
    const user = await (await manager(JSON.parse(stored))).signinRedirectCallback();
    const expiresAt = new Date((user.expires_at ?? Date.now() / 1000 + 300) * 1000).toISOString();
    return { session: { token: user.access_token, expiresAt }, claims: accessClaims(user.access_token) };
  } finally {
    history.replaceState(null, '', '/field/');
  }
}

export interface AccessClaims {
  sub: string;
  role?: string;
  communes?: string[];
}

/** The access token's claims, read (not verified: the services verify it) to know the member and commune. */
export function accessClaims(token: string): AccessClaims {
  const [, payload] = token.split('.');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (char) => char.charCodeAt(0)))) as AccessClaims;
}
