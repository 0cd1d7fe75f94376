import { existsSync, readFileSync } from 'node:fs';
import { parsers, UsageError } from '@dtc/platform';
import { Client } from 'pg';
import { databaseName, existingSchemas, maintenanceUrl, MANIFEST_FORMAT, manifestPath, retireProjectionGenerations, runTool, type BackupManifest } from '../backup/backup-files';
import { defineCommand, print } from '../command';
import { OPS } from './help';

export const restoreCommand = defineCommand({
  name: 'restore',
  summary: 'Restore a backup into a fresh database (created if missing); reporting then rebuilds its projections from Kafka',
  environment: [],
  spec: {
    options: {
      from: { value: 'FILE', required: true, description: 'archive written by backup (its manifest FILE.json must be next to it)' },
      into: { value: 'URL', required: true, description: 'PostgreSQL URL of the database to restore into: new, or without any of the backed-up schemas' },
    },
  },
  async run({ options }) {
    let target: string;
    try {
      target = parsers.url('postgres', 'postgresql')(options.into);
    } catch (error) {
      throw new UsageError(`--into ${(error as Error).message}`);
    }
    const manifest = readManifest(options.from);
    const name = databaseName(target);
    await createDatabaseIfMissing(target, name);
    const client = new Client({ connectionString: target });
    await client.connect();
    try {
      const schemas = manifest.schemas.map((s) => s.schema);
      const present = await existingSchemas(client, schemas);
      if (present.length) throw new UsageError(`--into: database ${name} already has schema(s) ${present.join(', ')}; restore into a fresh database (nothing was changed)`);
      await runTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${target}`, options.from]);
      const rebuilt = await retireProjectionGenerations(client, schemas);
      print(`restored ${schemas.join(', ')} as of ${manifest.snapshotAt} into database ${name}${rebuilt.length ? `; ${rebuilt.join(', ')} will build new projections from the topics at start` : ''}`);
    } finally {
      await client.end();
    }
    const prefixes = [...new Set(manifest.schemas.flatMap((s) => (s.kafkaCluster ? [s.kafkaCluster.topicPrefix] : [])))];
    print(
      [
        '',
        'Before starting the services: the topics of the old prefix also hold events written after the backup, which this',
        "database does not have. Re-publish the restored outbox history under a NEW topic prefix (or to a new cluster's empty topics)",
        'and start every service with it:',
        `  DATABASE_URL=${redacted(target)} TOPIC_PREFIX=<new prefix> ${OPS} republish${manifest.schemas.length ? ` --schemas ${manifest.schemas.map((s) => s.schema).join(',')}` : ''}`,
        `(backup's prefix: ${prefixes.join(', ') || 'not recorded'}). Then have the phones re-send what they uploaded after ${manifest.snapshotAt}: items the backup`,
        'holds are answered from their stored results, the others are written again (docs/operations.md "Backup and restore").',
      ].join('\n'),
    );
  },
});

function readManifest(archive: string): BackupManifest {
  if (!existsSync(archive)) throw new UsageError(`--from: no file ${archive}`);
  const file = manifestPath(archive);
  if (!existsSync(file)) throw new UsageError(`--from: no manifest ${file} next to the archive (written by ${OPS} backup)`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT) throw new UsageError(`--from: ${file} is not a ${MANIFEST_FORMAT} manifest`);
  return manifest;
}

async function createDatabaseIfMissing(url: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: maintenanceUrl(url) });
  await admin.connect();
  try {
    const { rows } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rows.length === 0) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
}

/** The URL without its password, for printed commands. */
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
