import { TeamRenamedV1, type EventEnvelope } from '@dtc/contracts';
import { CreateInbox1763900000001, CreateOutbox1763900000000, KNOWN_COMMUNES_MIGRATIONS, OutboxWriter, type MessagingService } from '@dtc/messaging';
import { CreateSyncResults1763900000002, SyncResultsDevice1764500000550 } from '@dtc/offline-sync';
import { CreateAuditLog1763900000600, createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { databaseUrl, newRunId, query } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { CreateTraining1763900000500 } from '../migrations/1763900000500-create-training';
import { CreatePlans1764500000400 } from '../migrations/1764500000400-plans-and-names';
import { TeamsService } from './teams.service';

// Integration (real Postgres): teams formed before TeamFormedV1 carried the name are named once by
// TeamRenamedV1, however many instances start together; teams formed now are not announced again.
const runId = newRunId();
const schema = `t_${runId}_training`;
const migrations = [
  CreateOutbox1763900000000,
  CreateInbox1763900000001,
  CreateSyncResults1763900000002,
  ...KNOWN_COMMUNES_MIGRATIONS,
  CreateTraining1763900000500,
  CreateAuditLog1763900000600,
  CreatePlans1764500000400,
  SyncResultsDevice1764500000550,
];
const options = { url: databaseUrl(), schema, entities: [], migrations };
const operator: Principal = { subject: 'ops', role: 'operations', communes: [] };

describe('training: team names announced once (real Postgres, outbox)', () => {
  const dataSources: DataSource[] = [];
  const services: TeamsService[] = [];

  beforeAll(async () => {
    for (let instance = 0; instance < 3; instance += 1) {
      const dataSource = createServiceDataSource(options);
      if (instance === 0) await migrateSchema(options, dataSource);
      if (!dataSource.isInitialized) await dataSource.initialize();
      dataSources.push(dataSource);
      services.push(new TeamsService(dataSource, { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService));
    }
    await query(`insert into "${schema}".known_communes (code, province_code) values ('16279', '38')`);
  });

  afterAll(async () => {
    for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  const renamedEvents = async () =>
    (await query<{ payload: string }>(`select payload from "${schema}".outbox where event_type = $1 order by seq`, [TeamRenamedV1.type])).map((row) => JSON.parse(row.payload) as EventEnvelope);

  it('names every team formed before the name was carried exactly once; teams of a commune not known yet wait', async () => {
    const formed = await services[0].form({ communeCode: '16279', name: 'Tổ mới', kind: 'mobile_working_group', activeFrom: '2026-07-01' }, operator);
    const legacy = ['Tổ cũ 1', 'Tổ cũ 2', 'Tổ cũ 3'];
    for (const name of legacy) {
      await query(`insert into "${schema}".teams (id, commune_code, name, kind, active_from, created_by) values (gen_random_uuid(), '16279', $1, 'mobile_working_group', '2026-07-01', 'legacy')`, [name]);
    }
    await query(`insert into "${schema}".teams (id, commune_code, name, kind, active_from, created_by) values (gen_random_uuid(), '99999', 'Tổ chưa rõ xã', 'mobile_working_group', '2026-07-01', 'legacy')`);

    const announced = await Promise.all(services.map((service) => service.announceUnannouncedNames()));
    expect(announced.reduce((sum, n) => sum + n, 0)).toBe(3);
    const events = await renamedEvents();
    expect(events.map((e) => (e.data as { teamName: string }).teamName).sort()).toEqual(legacy);
    expect(events.every((e) => e.tenant === '16279' && e.province === '38')).toBe(true);
    expect(events.map((e) => e.subject)).not.toContain(formed.id);
    expect(await services[1].announceUnannouncedNames()).toBe(0);
    const [{ waiting }] = await query<{ waiting: number }>(`select count(*)::int as waiting from "${schema}".teams where name_announced_at is null`);
    expect(waiting).toBe(1);
  });
});
