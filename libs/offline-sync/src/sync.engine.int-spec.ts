import { randomUUID } from 'node:crypto';
import { createServiceDataSource, migrateSchema } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { databaseUrl, dropTestSchemas, newRunId, query } from '@dtc/testkit';
import { IsOptional, IsString } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CreateSyncResults1763900000002 } from './sync-results.migration';
import { OfflineSyncEngine, syncHandler } from './sync.engine';

class NoteDto {
  @IsOptional()
  @IsString()
  note?: string;
}

const runId = newRunId();
const schema = `t_${runId}_sync`;
const agent: Principal = { subject: 'agent-1', role: 'field_agent', communes: ['16279'] } as Principal;

describe('OfflineSyncEngine (real Postgres)', () => {
  let dataSource: DataSource;
  let createFails = true;
  let engine: OfflineSyncEngine;

  beforeAll(async () => {
    const options = { url: databaseUrl(), schema, migrations: [CreateSyncResults1763900000002] };
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    if (!dataSource.isInitialized) await dataSource.initialize();
    engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: async () => '38',
      handlers: {
        'thing.create': syncHandler(NoteDto, 201, false, async () => {
          // A server-side failure (the database went away mid-item): answered 5xx, not stored.
          if (createFails) throw new Error('connection terminated unexpectedly');
          return { id: randomUUID() };
        }),
        'thing.change': syncHandler(NoteDto, 200, true, async (_payload, target) => ({ id: target, changed: true })),
      },
    });
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  it('answers an item that refers to a failed item of the same upload "retry", and applies both on the retry', async () => {
    const [create, change] = [randomUUID(), randomUUID()];
    const batch = {
      items: [
        { clientId: create, command: 'thing.create', occurredAt: new Date().toISOString(), payload: {} },
        { clientId: change, command: 'thing.change', occurredAt: new Date().toISOString(), refs: { target: create }, payload: { note: 'x' } },
      ],
    };
    const first = await engine.upload(batch as never, agent);
    expect(first[0].status).toBeGreaterThanOrEqual(500);
    expect(first[1]).toMatchObject({ status: 503, body: { message: expect.stringContaining(create) } });
    expect(await query(`select client_id from "${schema}".sync_results`)).toEqual([]);

    createFails = false;
    const retried = await engine.upload(batch as never, agent);
    expect(retried.map((r) => [r.status, r.replayed])).toEqual([
      [201, false],
      [200, false],
    ]);
    expect((retried[1].body as { id: string }).id).toBe((retried[0].body as { id: string }).id);
    // And a third upload replays both stored answers.
    expect((await engine.upload(batch as never, agent)).map((r) => [r.status, r.replayed])).toEqual([
      [201, true],
      [200, true],
    ]);
  });
});
