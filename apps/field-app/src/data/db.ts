import Dexie, { type EntityTable } from 'dexie';
import type { EnrollmentSchemas, RegistrySchemas, TrainingSchemas } from '@dtc/api-client';

/** Which service's POST /sync takes a command. */
export type SyncService = 'registry' | 'enrollment' | 'training';

/**
 * One command recorded on the phone, kept until the server has answered it for good. The client id
 * is drawn once, when the member saves, and sent unchanged on every retry: the server answers a
 * repeat with the stored result and writes nothing twice.
 */
export interface QueuedCommand {
  seq?: number;
  clientId: string;
  service: SyncService;
  command: string;
  /** device time of the work, the event time on the server */
  occurredAt: string;
  target?: string;
  /** field -> clientId of an earlier command of the same service (the server fills in the id) */
  refs?: Record<string, string>;
  /** field -> clientId of an earlier command of another service (the phone fills in the id before sending) */
  crossRefs?: Record<string, string>;
  payload: Record<string, unknown>;
  state: 'queued' | 'done' | 'attention' | 'discarded';
  /** the server's answer once final: 2xx, or the 4xx the member must look at */
  result?: { status: number; body: unknown };
  attempts: number;
  /** earliest time of the next try after a 5xx or network failure (ms since epoch) */
  retryAt?: number;
  /** what the member sees in the queue ("Đăng ký hộ Lê Văn Bình") */
  label: string;
  /** a status the command moves to, shown after the label in the member's language */
  labelStatus?: { kind: 'enrollmentState' | 'eIdStatus'; code: string };
  /** the local record this command created or changed (household/resident/enrollment id) */
  localId?: string;
  /** client ids this command had before the member fixed and resent it */
  previousClientIds?: string[];
}

export type WorkListHousehold = RegistrySchemas['schemas']['WorkListHousehold'];
export type WorkListVisit = RegistrySchemas['schemas']['WorkListVisit'];
export type ServiceView = EnrollmentSchemas['schemas']['ServiceView'];
export type OrganisationView = RegistrySchemas['schemas']['OrganisationView'];
export type SessionView = TrainingSchemas['schemas']['SessionView'];

/** An organisation as the phone shows it (from the commune's list, or registered here). */
export interface LocalOrganisation extends OrganisationView {
  pendingClientId?: string;
}

/** A training session the member may record attendance for, with what was recorded on this phone. */
export interface LocalSession extends SessionView {
  recordedHere?: number;
}

/** A household as the phone shows it: from the work list, or created here and not yet synced. */
export interface LocalHousehold extends WorkListHousehold {
  todos: string[];
  visit?: WorkListVisit;
  /** set while the household exists only on this phone (its id is then `local:<clientId>`) */
  pendingClientId?: string;
}

export interface LocalEnrollment {
  id: string;
  serviceCode: string;
  state: string;
  open: boolean;
  returnedReason?: string | null;
  pendingClientId?: string;
}

export interface LocalResident {
  id: string;
  householdId: string;
  fullName: string;
  /** the registry's version (1 for one registered on this phone); sent back with a change */
  version: number;
  dateOfBirth: string;
  idNumber?: string | null;
  /** as the registry decided it; unknown (null) until a new resident has synced */
  eligible14: boolean | null;
  todos: string[];
  enrollments: LocalEnrollment[];
  pendingClientId?: string;
}

export interface Village {
  id: string;
  code: string;
  name: string;
}

export interface MetaEntry {
  key: string;
  value: unknown;
}

export class FieldDatabase extends Dexie {
  queue!: EntityTable<QueuedCommand, 'seq'>;
  households!: EntityTable<LocalHousehold, 'id'>;
  residents!: EntityTable<LocalResident, 'id'>;
  villages!: EntityTable<Village, 'id'>;
  services!: EntityTable<ServiceView, 'code'>;
  meta!: EntityTable<MetaEntry, 'key'>;
  organisations!: EntityTable<LocalOrganisation, 'id'>;
  sessions!: EntityTable<LocalSession, 'id'>;

  constructor(name = 'dtc-field') {
    super(name);
    this.version(1).stores({
      queue: '++seq, &clientId, state, service',
      households: 'id, villageId, pendingClientId',
      residents: 'id, householdId, pendingClientId',
      villages: 'id, code',
      services: 'code',
      meta: 'key',
    });
    this.version(2).stores({ organisations: 'id, villageCode, pendingClientId', sessions: 'id, state' });
    // A service's queued commands in queue order, so a sync reads one batch's worth at a time
    // instead of the whole queue for every batch.
    this.version(3).stores({ queue: '++seq, &clientId, state, service, [service+state+seq]' });
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key))?.value as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.meta.put({ key, value });
  }
}

/** Local ids of records created offline: the server's id replaces them once the work list is refreshed. */
export const localId = (clientId: string) => `local:${clientId}`;
export const isLocalId = (id: string) => id.startsWith('local:');
export const clientIdOf = (id: string) => id.slice('local:'.length);

/** Records written per IndexedDB call in bulk writes. */
export const WRITE_CHUNK = 50;

/**
 * Writes in chunks, one after another. The browser serializes every record of a put in the task
 * that makes the call, so 2,000 records in one call were a half-second task on a slow phone; each
 * chunk's write starts in the task where the previous one finished, and the member's taps get in
 * between. Inside a transaction this keeps it open (every await is an IndexedDB request).
 */
export async function inChunks<T>(records: T[], write: (chunk: T[]) => Promise<unknown>, size = WRITE_CHUNK): Promise<void> {
  for (let start = 0; start < records.length; start += size) await write(records.slice(start, start + size));
}
