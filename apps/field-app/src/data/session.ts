import type { FieldDatabase } from './db';

/** Who works on this phone and where: not secret, kept in IndexedDB so the app opens offline. */
export interface Assignment {
  communeCode: string;
  communeName?: string;
  memberId: string;
  memberName: string;
  teams: Array<{ id: string; name: string; villageIds: string[] }>;
  teamId?: string;
  villageId?: string;
}

/** The bearer token: only in this tab's session storage (never a URL, never IndexedDB). */
export interface TokenSession {
  token: string;
  expiresAt: string;
}

const TOKEN_KEY = 'dtc-field-token';

export function currentToken(now = Date.now()): TokenSession | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null') as TokenSession | null;
    return stored && Date.parse(stored.expiresAt) > now ? stored : undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(session: TokenSession): void {
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(session));
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export async function loadAssignment(db: FieldDatabase): Promise<Assignment | undefined> {
  return db.getMeta<Assignment>('assignment');
}

export async function saveAssignment(db: FieldDatabase, assignment: Assignment): Promise<void> {
  await db.setMeta('assignment', assignment);
}

/** The phone's id for sync health (x-device-id): drawn once per installation. */
export async function deviceId(db: FieldDatabase): Promise<string> {
  const existing = await db.getMeta<string>('deviceId');
  if (existing) return existing;
  const id = `phone-${crypto.randomUUID()}`;
  await db.setMeta('deviceId', id);
  return id;
}

/** Sign-out: the token and every resident's data leave the phone (the caller confirms unsynced work first). */
export async function signOut(db: FieldDatabase): Promise<void> {
  // The token, and the provider's user (tokens, profile) oidc-client-ts keeps beside it.
  sessionStorage.clear();
  await db.transaction('rw', db.tables, async () => {
    // The phone's installation id stays: it names the device, not a person.
    const device = await db.getMeta<string>('deviceId');
    await Promise.all(db.tables.map((table) => table.clear()));
    if (device) await db.setMeta('deviceId', device);
  });
}
