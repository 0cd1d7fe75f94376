import { memoPerTransaction } from '@dtc/persistence';
import type { EntityManager } from 'typeorm';

export interface HeldHousehold {
  id: string;
  commune_code: string;
}

/**
 * Households a transaction inserted or share-locked, with their commune (which never changes):
 * either way no other transaction can change them before this one commits, so a sync group's
 * residents of one household look it up once, and not at all when the group registered it.
 */
const householdsHeld = memoPerTransaction<HeldHousehold>('registry.households');

/** The household, share-locked until the commit; undefined when there is none. */
export async function holdHousehold(tx: EntityManager, id: string): Promise<HeldHousehold | undefined> {
  const held = householdsHeld(tx);
  const known = held.get(id);
  if (known) return known;
  const [household]: HeldHousehold[] = await tx.query('select id, commune_code from households where id = $1 for share', [id]);
  if (household) held.set(id, household);
  return household;
}

/** A household this transaction just inserted. */
export function holdInserted(tx: EntityManager, household: HeldHousehold): void {
  householdsHeld(tx).set(household.id, household);
}
