import type { EntityManager } from 'typeorm';
import { deferredInsertsOf } from '../transaction/deferred-inserts';

/**
 * One row of the audit log: who wrote what and when, in the tenant it belongs to. Only the names
 * of the fields written are kept, never their values (they may be personal data).
 */
export interface AuditEntry {
  /** Tenant of a commune write. */
  communeCode?: string | null;
  /** Tenant of a province-wide write (a province campaign, a province's indicator or service); leave both empty for national catalogue writes. */
  provinceCode?: string | null;
  /** What was done, e.g. register, update, transition, record. */
  action: string;
  /** Kind of record, e.g. household, enrollment, attendance. */
  entity: string;
  entityId: string;
  /** Names of the fields written (never values). */
  fields?: readonly string[];
}

/** Who wrote: a caller's token subject, or a `system:<component>` name for automatic changes. */
export interface AuditActor {
  subject: string;
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.[\]-]{0,99}$/;
const SYNC_ITEM_SETTING = 'dtc.sync_client_id';

/**
 * Records a write in the same transaction as the write itself (it commits or rolls back with it).
 * Rows written inside an offline-sync item's transaction also carry the item's client id.
 */
export async function recordAudit(tx: EntityManager, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const fields = [...new Set(entry.fields ?? [])];
  // Field names only: anything that does not look like a name could be a value, so it is refused.
  const suspicious = fields.find((field) => !FIELD_NAME.test(field) || (field.match(/[0-9]/g)?.length ?? 0) > 6);
  if (suspicious !== undefined) throw new Error(`audit fields must be field names, got a value-like entry for ${entry.entity}`);
  const row = [entry.communeCode ?? null, entry.provinceCode ?? null, actor.subject, entry.action, entry.entity, entry.entityId, fields];
  const deferred = deferredInsertsOf(tx);
  if (deferred) {
    // Many offline items in one transaction: the row names its item, and goes in with the others.
    deferred.add(AUDIT_INSERT, [...row, deferred.syncItem]);
    return;
  }
  await tx.query(`${AUDIT_INSERT} values ($1, $2, $3, $4, $5, $6, $7, nullif(current_setting('${SYNC_ITEM_SETTING}', true), '')::uuid)`, row);
}

const AUDIT_INSERT = 'insert into audit_log (commune_code, province_code, actor, action, entity, entity_id, fields, sync_client_id)';

/** Marks a transaction as applying one offline-sync item: its audit rows carry the phone's client id. */
export async function markSyncItem(tx: EntityManager, clientId: string): Promise<void> {
  await tx.query(`select ${syncItemMarker('$1')}`, [clientId]);
}

/** The SQL expression markSyncItem runs, for a statement that marks the item as it claims it (one round trip less). */
export function syncItemMarker(clientIdExpression: string): string {
  return `set_config('${SYNC_ITEM_SETTING}', ${clientIdExpression}, true)`;
}

/** Names of the fields a request set (undefined ones left out): what an audit entry lists. */
export function writtenFields(input: object): string[] {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

/**
 * Tenant of a catalogue write that is not tied to a commune (topics, indicators): the writer's
 * province for a province officer, none (national) for operations.
 */
export function provinceWideTenant(principal: { role: string; province?: string }): Pick<AuditEntry, 'provinceCode'> {
  return { provinceCode: principal.role === 'operations' ? null : (principal.province ?? null) };
}
