import { CommuneOnboardedV1, VillageRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { OutboxWriter, type MessagingService } from '@dtc/messaging';
import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { databaseUrl, newRunId, query } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';
import { CommuneEntity } from './commune.entity';
import { CommunesService } from './communes.service';
import { VillageEntity } from './village.entity';
import { HouseholdEntity } from '../households/household.entity';

// Integration (real Postgres): every village's registered event is in the registry's outbox exactly
// once and after its commune's onboarded event, whether the village was added now or before the
// event existed (announced at start by however many instances start at once).
const runId = newRunId();
const schema = `t_${runId}_registry`;
const options = { url: databaseUrl(), schema, entities: [CommuneEntity, VillageEntity, HouseholdEntity], migrations: REGISTRY_MIGRATIONS };
const operator: Principal = { subject: 'ops', role: 'operations', communes: [] };

describe('registry: village registered events (real Postgres, outbox)', () => {
  const dataSources: DataSource[] = [];
  const services: CommunesService[] = [];

  beforeAll(async () => {
    for (let instance = 0; instance < 3; instance += 1) {
      const dataSource = createServiceDataSource(options);
      if (instance === 0) await migrateSchema(options, dataSource);
      if (!dataSource.isInitialized) await dataSource.initialize();
      dataSources.push(dataSource);
      services.push(new CommunesService(dataSource, { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService));
    }
  });

  afterAll(async () => {
    for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  const outbox = async () => (await query<{ payload: string }>(`select payload from "${schema}".outbox order by seq`)).map((row) => JSON.parse(row.payload) as EventEnvelope);
  const villageEvents = async () => (await outbox()).filter((event) => event.type === VillageRegisteredV1.type);

  it('publishes a new village’s registered event keyed by its commune, in the same transaction', async () => {
    await services[0].onboard({ code: '16279', name: 'Xã Đông Tiến', provinceCode: '38', provinceName: 'Thanh Hóa' }, operator);
    const village = await services[0].addVillage('16279', { code: 'THON-1', name: 'Thôn Đông' }, operator);
    const [event] = await villageEvents();
    expect(event).toMatchObject({ tenant: '16279', province: '38', subject: '16279', data: { villageId: village.id, communeCode: '16279', villageCode: 'THON-1', villageName: 'Thôn Đông' } });
    expect(await services[0].announceUnannouncedVillages()).toBe(0);
  });

  it('announces villages added before the event existed once, after their commune, however many instances start together', async () => {
    const legacy = { '01001': ['THON-A', 'THON-B'], '01002': ['THON-C'] } as Record<string, string[]>;
    for (const [code, villages] of Object.entries(legacy)) {
      await query(`insert into "${schema}".communes (code, name, province_code, province_name, created_by) values ($1, $2, '01', 'Hà Nội', 'legacy')`, [code, `Xã ${code}`]);
      for (const village of villages) {
        await query(`insert into "${schema}".villages (id, commune_code, code, name, created_by) values (gen_random_uuid(), $1, $2, $3, 'legacy')`, [code, village, `Thôn ${village}`]);
      }
    }
    // A village of an already announced commune, added before village events existed.
    await query(`insert into "${schema}".villages (id, commune_code, code, name, created_by) values (gen_random_uuid(), '16279', 'THON-OLD', 'Thôn Cũ', 'legacy')`);

    // Each instance starts as CommunesModule does: communes, then villages.
    const announced = await Promise.all(services.map(async (service) => [await service.announceUnannounced(), await service.announceUnannouncedVillages()]));
    expect(announced.reduce((sum, [communes]) => sum + communes, 0)).toBe(2);
    expect(announced.reduce((sum, [, villages]) => sum + villages, 0)).toBe(4);

    const events = await outbox();
    const villages = events.filter((event) => event.type === VillageRegisteredV1.type);
    expect(villages.map((event) => [event.subject, event.province, (event.data as { villageCode: string }).villageCode]).sort()).toEqual([
      ['01001', '01', 'THON-A'],
      ['01001', '01', 'THON-B'],
      ['01002', '01', 'THON-C'],
      ['16279', '38', 'THON-1'],
      ['16279', '38', 'THON-OLD'],
    ]);
    // On each commune's key its onboarding comes first.
    for (const code of ['01001', '01002', '16279']) {
      const ofCommune = events.filter((event) => event.subject === code).map((event) => event.type);
      expect(ofCommune[0]).toBe(CommuneOnboardedV1.type);
      expect(ofCommune.slice(1).every((type) => type === VillageRegisteredV1.type)).toBe(true);
    }
    expect(await services[1].announceUnannouncedVillages()).toBe(0);
  });
});
