import { CommuneOnboardedV1, type EventEnvelope } from '@dtc/contracts';
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

// Integration (real Postgres): every commune's onboarded event is in the registry's outbox exactly
// once, whether it was onboarded now or before the event existed (announced when the registry
// starts, by however many instances start at once).
const runId = newRunId();
const schema = `t_${runId}_registry`;
const options = { url: databaseUrl(), schema, entities: [CommuneEntity, VillageEntity, HouseholdEntity], migrations: REGISTRY_MIGRATIONS };
const operator: Principal = { subject: 'ops', role: 'operations', communes: [] };

describe('registry: commune onboarded events (real Postgres, outbox)', () => {
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

  const onboardedEvents = async () =>
    (await query<{ payload: string }>(`select payload from "${schema}".outbox where event_type = $1 order by seq`, [CommuneOnboardedV1.type])).map((row) => JSON.parse(row.payload) as EventEnvelope);

  it('publishes the onboarded event with the commune, in the onboarding transaction', async () => {
    await services[0].onboard({ code: '16279', name: 'Xã Đông Tiến', provinceCode: '38', provinceName: 'Thanh Hóa' }, operator);
    const [event] = await onboardedEvents();
    expect(event).toMatchObject({ type: CommuneOnboardedV1.type, tenant: '16279', province: '38', subject: '16279', data: { communeCode: '16279', communeName: 'Xã Đông Tiến', provinceCode: '38', provinceName: 'Thanh Hóa' } });
    expect(await services[0].announceUnannounced()).toBe(0);
  });

  it('announces communes onboarded before the event existed exactly once, however many instances start together', async () => {
    for (const code of ['01001', '01002', '01003']) {
      await query(`insert into "${schema}".communes (code, name, province_code, province_name, created_by) values ($1, $2, '01', 'Hà Nội', 'legacy')`, [code, `Xã ${code}`]);
    }
    const announced = await Promise.all(services.map((service) => service.announceUnannounced()));
    expect(announced.reduce((sum, n) => sum + n, 0)).toBe(3);
    const events = await onboardedEvents();
    expect(events.map((event) => [event.tenant, event.province]).sort()).toEqual([['01001', '01'], ['01002', '01'], ['01003', '01'], ['16279', '38']]);
    expect(await services[1].announceUnannounced()).toBe(0);
  });
});
