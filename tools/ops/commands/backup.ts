import { writeFileSync } from 'node:fs';
import { formatTable, UsageError } from '@dtc/platform';
import { Client } from 'pg';
import { describeSchema, existingSchemas, generationSchemas, MANIFEST_FORMAT, manifestPath, runTool, SERVICE_SCHEMAS, type BackupManifest } from '../backup/backup-files';
import { defineCommand, print } from '../command';
import { databaseSettings, ENVIRONMENT } from '../environment';

export const backupCommand = defineCommand({
  name: 'backup',
  summary: "Back up the services' source-of-truth schemas in one consistent snapshot while they keep running (pg_dump archive + manifest)",
  environment: [ENVIRONMENT.database],
  spec: {
    options: {
      out: { value: 'FILE', required: true, description: 'archive to write (pg_dump custom format); the manifest goes to FILE.json' },
      schemas: { value: 'A,B', description: `schemas to back up (default ${SERVICE_SCHEMAS.join(',')}); reporting's generation schemas are left out (rebuilt from Kafka)` },
    },
  },
  async run({ options }) {
    const { databaseUrl } = databaseSettings();
    const wanted = options.schemas?.split(',').map((schema) => schema.trim()).filter(Boolean) ?? SERVICE_SCHEMAS;
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const schemas = await existingSchemas(client, wanted);
      const missing = wanted.filter((schema) => !schemas.includes(schema));
      if (missing.length) throw new UsageError(`--schemas: no schema ${missing.join(', ')} in this database`);
      // One snapshot for every schema and for the manifest: a write committed while the dump runs
      // is either in all of them or in none (phones keep uploading during the backup).
      await client.query('begin isolation level repeatable read read only');
      const [{ snapshot, at }] = (await client.query<{ snapshot: string; at: Date }>('select pg_export_snapshot() as snapshot, now() as at')).rows;
      const described = await Promise.all(schemas.map((schema) => describeSchema(client, schema)));
      const leftOut = await generationSchemas(client, schemas);
      await runTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--file=${options.out}`, ...schemas.map((schema) => `--schema=${schema}`), `--dbname=${databaseUrl}`]);
      await client.query('commit');
      const manifest: BackupManifest = { format: MANIFEST_FORMAT, snapshotAt: at.toISOString(), database: new URL(databaseUrl).pathname.slice(1), schemas: described, leftOut };
      writeFileSync(manifestPath(options.out), `${JSON.stringify(manifest, null, 2)}\n`);
      const count = (value: number | null) => (value === null ? '-' : String(value));
      print(
        formatTable(
          ['schema', 'outbox published', 'outbox waiting', 'kafka cluster (topic prefix)'],
          described.map((s) => [s.schema, count(s.outboxPublished), count(s.outboxWaiting), s.kafkaCluster ? `${s.kafkaCluster.clusterId} (${s.kafkaCluster.topicPrefix})` : '-']),
          { alignRight: [1, 2] },
        ),
      );
      print(`backed up ${schemas.length} schema(s) as of ${manifest.snapshotAt} to ${options.out} (manifest ${manifestPath(options.out)})${leftOut.length ? `; left out ${leftOut.join(', ')} (rebuilt from Kafka)` : ''}`);
    } finally {
      await client.end();
    }
  },
});
