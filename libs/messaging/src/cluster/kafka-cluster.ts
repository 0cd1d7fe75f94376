import type { Admin } from 'kafkajs';
import { Client } from 'pg';

/** Why a schema was attached to a cluster: the first start, a recovery, or an operator's explicit acceptance. */
export type ClusterRecordReason = 'first_start' | 'republished' | 'accepted';

export interface KafkaClusterRecord {
  clusterId: string;
  topicPrefix: string;
  recordedAt: Date;
  reason: ClusterRecordReason;
}

export interface ClusterIdentity {
  clusterId: string;
  topicPrefix: string;
}

/** The environment variable that accepts a new cluster as it is (value: its cluster id). */
export const ACCEPT_CLUSTER_SETTING = 'KAFKA_ACCEPT_CLUSTER_ID';

export async function currentClusterId(admin: Admin): Promise<string> {
  const { clusterId } = await admin.describeCluster();
  if (!clusterId) throw new Error('The Kafka cluster did not tell its cluster id');
  return clusterId;
}

/**
 * The schema's events are in another cluster (or under another topic prefix) than the one the
 * service connects to: consumers would start from empty topics and rebuilds would lose figures.
 */
export class KafkaClusterMismatchError extends Error {
  constructor(
    readonly schema: string,
    readonly recorded: KafkaClusterRecord,
    readonly current: ClusterIdentity,
  ) {
    const since = recorded.recordedAt.toISOString().slice(0, 19);
    const where = (identity: ClusterIdentity) => `cluster ${identity.clusterId} with topic prefix "${identity.topicPrefix}"`;
    super(
      `Kafka cluster mismatch: schema "${schema}" holds the history of ${where(recorded)} (recorded ${since}Z), ` +
        `but this service is connected to ${where(current)}, whose topics do not hold that history. Refusing to start. ` +
        'Recover with `npm run ops -- republish` (re-publishes the retained outbox history of every service to this cluster and records it) ' +
        'or restore a backup (`npm run ops -- restore`, then republish); see docs/operations.md "Kafka cluster lost". ' +
        `To accept this cluster as it is (events missing from it stay missing), set ${ACCEPT_CLUSTER_SETTING}=${current.clusterId}.`,
    );
    this.name = 'KafkaClusterMismatchError';
  }
}

/** The latest record of the schema, or undefined before the first start. */
export async function latestClusterRecord(client: Client, schema: string): Promise<KafkaClusterRecord | undefined> {
  const { rows } = await client.query<{ cluster_id: string; topic_prefix: string; recorded_at: Date; reason: ClusterRecordReason }>(
    `select cluster_id, topic_prefix, recorded_at, reason from "${schema}".kafka_cluster order by recorded_at desc limit 1`,
  );
  const [row] = rows;
  return row && { clusterId: row.cluster_id, topicPrefix: row.topic_prefix, recordedAt: row.recorded_at, reason: row.reason };
}

/** Attaches the schema to a cluster (again): the newest record is the one checked at start. */
export async function recordCluster(client: Client, schema: string, identity: ClusterIdentity, reason: ClusterRecordReason): Promise<void> {
  await client.query(
    `insert into "${schema}".kafka_cluster (cluster_id, topic_prefix, reason) values ($1, $2, $3)
     on conflict (cluster_id, topic_prefix) do update set recorded_at = clock_timestamp(), reason = excluded.reason`,
    [identity.clusterId, identity.topicPrefix, reason],
  );
}

export interface VerifyClusterOptions {
  databaseUrl: string;
  schema: string;
  current: ClusterIdentity;
  /** KAFKA_ACCEPT_CLUSTER_ID: a cluster id the operator accepts even though the schema recorded another. */
  acceptedClusterId?: string;
}

/**
 * At start: the first start records the cluster; later starts must find the same one, unless the
 * operator accepted this very cluster id. Instances starting together take turns (advisory lock),
 * so the first record is written once.
 */
export async function verifyKafkaCluster(options: VerifyClusterOptions): Promise<'recorded' | 'same' | 'accepted'> {
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`kafka-cluster:${options.schema}`]);
    const recorded = await latestClusterRecord(client, options.schema);
    let outcome: 'recorded' | 'same' | 'accepted';
    if (!recorded) {
      await recordCluster(client, options.schema, options.current, 'first_start');
      outcome = 'recorded';
    } else if (recorded.clusterId === options.current.clusterId && recorded.topicPrefix === options.current.topicPrefix) {
      outcome = 'same';
    } else if (options.acceptedClusterId === options.current.clusterId) {
      await recordCluster(client, options.schema, options.current, 'accepted');
      outcome = 'accepted';
    } else {
      throw new KafkaClusterMismatchError(options.schema, recorded, options.current);
    }
    await client.query('commit');
    return outcome;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
