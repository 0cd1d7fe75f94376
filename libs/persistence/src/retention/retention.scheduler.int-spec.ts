import { MetricsService, type ServiceConfig } from '@dtc/platform';
import { databaseUrl, dropTestSchemas, newRunId, query } from '@dtc/testkit';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { AuditLogByMonth1764700000600 } from '../audit/audit-partitioning.migration';
import { auditLogRetention } from '../audit/audit-partitions';
import { CreateAuditLog1763900000600 } from '../audit/audit.migration';
import { createServiceDataSource, migrateSchema } from '../data-source';
import { RetentionScheduler } from './retention.scheduler';

// The scheduled pruning: one instance per schema at a time, metrics per table, and a
// configuration that breaks a guarantee refused when the service starts.
const runId = newRunId();
const schema = `t_${runId}_retention_schedule`;
const options = { url: databaseUrl(), schema, migrations: [CreateAuditLog1763900000600, AuditLogByMonth1764700000600] };
const config = { serviceName: 'test-service', databaseSchema: schema } as ServiceConfig;

describe('RetentionScheduler (Postgres)', () => {
  let dataSource: DataSource;
  const saved = process.env['SYNC_RESULT_PERSONAL_DATA_DAYS'];

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env['SYNC_RESULT_PERSONAL_DATA_DAYS'];
    else process.env['SYNC_RESULT_PERSONAL_DATA_DAYS'] = saved;
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  it('skips a round while another instance prunes the schema, then prunes and reports per table', async () => {
    await query(`insert into "${schema}".audit_log (actor, action, entity, entity_id, at) values ('old', 'update', 'household', 'h', now() - interval '8 years')`);
    const metrics = new MetricsService(config);
    const scheduler = new RetentionScheduler(dataSource, metrics, config, [auditLogRetention]);
    const other = new Client({ connectionString: databaseUrl() });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(hashtext($1))', [`retention:${schema}`]);
      expect(await scheduler.runOnce()).toBeUndefined();
      await other.query('select pg_advisory_unlock(hashtext($1))', [`retention:${schema}`]);
    } finally {
      await other.end();
    }
    expect(await scheduler.runOnce()).toEqual([{ table: 'audit_log', action: 'dropped', rows: 1, oldestAgeSeconds: null }]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('dtc_pruned_rows_total{table="audit_log",action="dropped",service="test-service"} 1');
    expect(text).toContain('dtc_retention_oldest_age_seconds{table="audit_log",service="test-service"} 0');
  });

  it('refuses to start with personal data kept shorter than the phones’ retry window', () => {
    process.env['SYNC_RESULT_PERSONAL_DATA_DAYS'] = '2';
    expect(() => new RetentionScheduler(dataSource, new MetricsService(config), config, [])).toThrow(/retry window of 7 days/);
  });
});
