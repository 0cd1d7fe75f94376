/**
 * The viewer's bearer token. A sign-in link carries it as `#token=…` (never a query string: the
 * fragment is not sent to servers or written to their logs); it is moved to this tab's
 * sessionStorage and removed from the address bar at once. Closing the tab forgets it.
 */
export const TOKEN_KEY = 'dtc-console-token';

export type Role = 'field_agent' | 'commune_admin' | 'province_officer' | 'integrator' | 'operations';

export interface Viewer {
  token: string;
  subject: string;
  role: Role;
  /** commune codes of a commune admin or field agent */
  communes: string[];
  /** province code of a province officer or integrator */
  province?: string;
}

/**
 * What the token says about its holder, read without verifying it: only to choose what to show.
 * Every API checks the token itself and refuses what the role may not do.
 */
export function viewerOf(token: string): Viewer | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    if (typeof claims.role !== 'string') return undefined;
    return {
      token,
      subject: String(claims.sub ?? ''),
      role: claims.role as Role,
      communes: Array.isArray(claims.communes) ? claims.communes.map(String) : [],
      province: typeof claims.province === 'string' ? claims.province : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Takes a token out of the address bar (if one is there) and returns the tab's token. */
export function takeToken(): string | undefined {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = fragment.get('token');
  if (fromLink) {
    sessionStorage.setItem(TOKEN_KEY, fromLink);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function keepToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Roles that see a province's ranking of communes. */
export const seesProvince = (viewer: Viewer) => viewer.role === 'province_officer' || viewer.role === 'integrator' || viewer.role === 'operations';
