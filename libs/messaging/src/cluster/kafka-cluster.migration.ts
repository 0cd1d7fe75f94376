import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Kafka cluster (and topic prefix) this schema's events live in, one row per cluster the
 * schema has been attached to. A service compares it with the cluster it connects to at start:
 * Postgres and Kafka must hold the same history (see libs/messaging/src/cluster/kafka-cluster.ts).
 */
export class KafkaClusterRecord1764900000100 implements MigrationInterface {
  name = 'KafkaClusterRecord1764900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table kafka_cluster (
        cluster_id text not null,
        topic_prefix text not null,
        recorded_at timestamptz not null default clock_timestamp(),
        reason text not null check (reason in ('first_start', 'republished', 'accepted')),
        primary key (cluster_id, topic_prefix)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table kafka_cluster');
  }
}
