import type { DataSource, EntityManager } from 'typeorm';

/**
 * A per-process cache of facts that never change once written (a commune's province), kept per
 * database connection so that services, tests and the bench talking to several schemas in one
 * process never see each other's entries. Returns the map of the manager's DataSource.
 */
export function cachePerDatabase<Value>(): (tx: EntityManager) => Map<string, Value> {
  const maps = new WeakMap<DataSource, Map<string, Value>>();
  return (tx) => {
    let map = maps.get(tx.connection);
    if (!map) maps.set(tx.connection, (map = new Map()));
    return map;
  };
}
