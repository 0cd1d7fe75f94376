import { formatTable } from '@dtc/platform';
import { defineCommand, print } from '../command';
import { databaseSettings, ENVIRONMENT } from '../environment';
import { outboxStatus } from '../status';

const SERVICE_SCHEMAS = ['registry', 'enrollment', 'training', 'reporting'];

export const outboxCommand = defineCommand({
  name: 'outbox',
  summary: "Events waiting in each service's outbox for Kafka, and for how long",
  environment: [ENVIRONMENT.database],
  spec: {
    options: {
      schemas: { value: 'A,B', description: `service schemas to look at (default ${SERVICE_SCHEMAS.join(',')})` },
    },
  },
  async run({ options }) {
    const schemas = options.schemas?.split(',').map((schema) => schema.trim()) ?? SERVICE_SCHEMAS;
    const rows = await outboxStatus(databaseSettings().databaseUrl, schemas);
    if (rows.length === 0) return print(`No outbox in schemas ${schemas.join(', ')}.`);
    const cells = rows.map((r) => [r.schema, String(r.total), String(r.backlog), r.oldestUnpublishedSeconds === null ? '-' : `${r.oldestUnpublishedSeconds} s`, r.lastPublishedAt?.slice(0, 19) ?? '-']);
    print(formatTable(['schema', 'events', 'waiting', 'oldest waiting', 'last published (UTC)'], cells, { alignRight: [1, 2] }));
  },
});
