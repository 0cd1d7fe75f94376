import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import { databaseUrl, newRunId, query } from '@dtc/testkit';
import { KafkaClusterRecord1764900000100 } from './kafka-cluster.migration';
import { ACCEPT_CLUSTER_SETTING, KafkaClusterMismatchError, verifyKafkaCluster } from './kafka-cluster';

// Integration: the real Postgres; cluster ids are given, as describeCluster would answer them.
const schema = `t_${newRunId()}_cluster`;
const options = { url: databaseUrl(), schema, migrations: [KafkaClusterRecord1764900000100] };
const verify = (clusterId: string, topicPrefix = 'dtc.', acceptedClusterId?: string) => verifyKafkaCluster({ databaseUrl: databaseUrl(), schema, current: { clusterId, topicPrefix }, acceptedClusterId });

describe('Kafka cluster record (Postgres)', () => {
  beforeAll(async () => {
    const dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.destroy();
  });

  afterAll(() => dropSchema(databaseUrl(), schema));

  it('records the first cluster once when instances start together, then accepts the same cluster', async () => {
    expect((await Promise.all([verify('cluster-A'), verify('cluster-A'), verify('cluster-A')])).sort()).toEqual(['recorded', 'same', 'same']);
    expect(await verify('cluster-A')).toBe('same');
    expect(await query(`select cluster_id, topic_prefix, reason from "${schema}".kafka_cluster`)).toEqual([{ cluster_id: 'cluster-A', topic_prefix: 'dtc.', reason: 'first_start' }]);
  });

  it('refuses another cluster or another topic prefix, naming both and the recovery, and records nothing', async () => {
    const error = await verify('cluster-B').catch((refused: unknown) => refused);
    expect(error).toBeInstanceOf(KafkaClusterMismatchError);
    expect((error as Error).message).toContain(`schema "${schema}" holds the history of cluster cluster-A with topic prefix "dtc."`);
    expect((error as Error).message).toContain('connected to cluster cluster-B with topic prefix "dtc."');
    expect((error as Error).message).toContain('npm run ops -- republish');
    expect((error as Error).message).toContain(`${ACCEPT_CLUSTER_SETTING}=cluster-B`);
    await expect(verify('cluster-A', 'other.')).rejects.toThrow('connected to cluster cluster-A with topic prefix "other."');
    // Accepting some other id does not accept this one.
    await expect(verify('cluster-B', 'dtc.', 'cluster-C')).rejects.toBeInstanceOf(KafkaClusterMismatchError);
    expect(await query(`select cluster_id from "${schema}".kafka_cluster`)).toEqual([{ cluster_id: 'cluster-A' }]);
  });

  it('accepts exactly the cluster id the operator names, and from then on that cluster is the recorded one', async () => {
    expect(await verify('cluster-B', 'dtc.', 'cluster-B')).toBe('accepted');
    expect(await verify('cluster-B')).toBe('same');
    await expect(verify('cluster-A')).rejects.toThrow('holds the history of cluster cluster-B');
    const rows = await query<{ cluster_id: string; reason: string }>(`select cluster_id, reason from "${schema}".kafka_cluster order by recorded_at`);
    expect(rows).toEqual([
      { cluster_id: 'cluster-A', reason: 'first_start' },
      { cluster_id: 'cluster-B', reason: 'accepted' },
    ]);
  });
});
