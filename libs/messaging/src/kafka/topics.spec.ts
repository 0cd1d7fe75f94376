import { chooseReplication } from './topics';

describe('chooseReplication', () => {
  it('keeps one copy on a single development broker', () => {
    expect(chooseReplication(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(chooseReplication(2)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('keeps three copies and needs two for a write on a cluster of three or more', () => {
    expect(chooseReplication(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(chooseReplication(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('follows explicit settings and refuses impossible ones', () => {
    expect(chooseReplication(5, { replicationFactor: 5, minInsyncReplicas: 3 })).toEqual({ replicationFactor: 5, minInsyncReplicas: 3 });
    expect(chooseReplication(2, { replicationFactor: 2 })).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
    expect(() => chooseReplication(1, { replicationFactor: 3 })).toThrow('Replication factor 3 needs at least 3 brokers; the cluster has 1');
    expect(() => chooseReplication(3, { minInsyncReplicas: 4 })).toThrow(/exceeds the replication factor 3/);
  });
});
