import type { Principal } from '@dtc/platform';
import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  communeCode: string;
  action: string;
  entity: string;
  entityId: string;
  /** Names of the fields written; values are not copied (they may be personal data). */
  fields?: string[];
}

/** Who changed what and when, in the same transaction as the change. */
export async function recordAudit(tx: EntityManager, principal: Principal, entry: AuditEntry): Promise<void> {
  await tx.query('insert into audit_log (commune_code, actor, action, entity, entity_id, fields) values ($1, $2, $3, $4, $5, $6)', [
    entry.communeCode,
    principal.subject,
    entry.action,
    entry.entity,
    entry.entityId,
    entry.fields ?? [],
  ]);
}
