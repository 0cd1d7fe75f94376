import { randomUUID } from 'node:crypto';
import { OutboxWriter, type MessagingService } from '@dtc/messaging';
import type { MetricsService, Principal } from '@dtc/platform';
import { migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from '../households/household.entity';
import { HouseholdsService } from '../households/households.service';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';
import { OrganisationsService } from '../organisations/organisations.service';
import { ResidentsService } from '../residents/residents.service';
import { VisitsService } from '../visits/visits.service';
import { SyncService } from './sync.service';

// Integration (real Postgres): a phone uploads each household's items in the order they were done
// (household, residents, visit). The registry applies a group's households, then its residents,
// then its visits, each kind in one run, and answers and publishes as in the upload's order.
const runId = newRunId();
const COMMUNE = '16279';
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };

describe('registry: an upload group applied in runs of each command (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let sync: SyncService;
  /** The size of each run each service's runMany was given, by command. */
  const runs: Record<string, number[]> = { households: [], residents: [], visits: [] };
  const outcomes: string[] = [];

  beforeAll(async () => {
    database = await migratedDataSource(`t_${runId}_upload_runs`, REGISTRY_MIGRATIONS, [CommuneEntity, VillageEntity, HouseholdEntity]);
    const messaging = { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService;
    const households = new HouseholdsService(database.dataSource, messaging);
    const residents = new ResidentsService(database.dataSource, messaging);
    const visits = new VisitsService(database.dataSource, messaging);
    const counted = <T extends object, K extends keyof T>(service: T, method: K, into: number[]) => {
      const original = (service[method] as (...args: unknown[]) => unknown).bind(service);
      service[method] = ((items: unknown[], ...rest: unknown[]) => (into.push(items.length), original(items, ...rest))) as T[K];
    };
    counted(households, 'registerMany', runs.households);
    counted(residents, 'registerMany', runs.residents);
    counted(visits, 'recordMany', runs.visits);
    const metrics = { counter: () => ({ inc: ({ outcome }: { outcome: string }) => outcomes.push(outcome) }) } as unknown as MetricsService;
    sync = new SyncService(database.dataSource, households, residents, visits, new OrganisationsService(database.dataSource, messaging), metrics);
    await database.dataSource.query(`insert into communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Thử', '38', 'Tỉnh Thử', 'test')`, [COMMUNE]);
    await database.dataSource.query(`insert into villages (id, commune_code, code, name, created_by) values ($1, $2, 'THON-1', 'Thôn 1', 'test')`, [randomUUID(), COMMUNE]);
  });

  afterAll(() => database?.drop());

  /** One household's items as a phone queues them: the household, its residents, the visit. */
  function householdItems(n: number, residents: number) {
    const household = { clientId: randomUUID(), command: 'household.register', occurredAt: '2026-11-30T02:00:00.000Z', payload: { communeCode: COMMUNE, villageCode: 'THON-1', address: `Xóm ${n}`, headName: `Chủ Hộ ${n}` } };
    const members = Array.from({ length: residents }, (_, m) => ({
      clientId: randomUUID(),
      command: 'resident.register',
      occurredAt: '2026-11-30T02:01:00.000Z',
      refs: { householdId: household.clientId },
      payload: { fullName: `Người ${n}-${m}`, dateOfBirth: `19${70 + m}-01-0${n + 1}`, sex: m % 2 ? 'female' : 'male', ethnicity: 'Kinh', relationshipToHead: m === 0 ? 'head' : 'child' },
    }));
    const visit = { clientId: randomUUID(), command: 'visit.record', occurredAt: '2026-11-30T02:02:00.000Z', refs: { target: household.clientId }, payload: { outcome: 'done', obstacles: [] } };
    return [household, ...members, visit];
  }

  it('applies the households, the residents and the visits of a group each in one run, answering in upload order', async () => {
    const items = [...householdItems(0, 3), ...householdItems(1, 1), ...householdItems(2, 2)];
    const results = await sync.upload({ items } as never, agent);
    expect(outcomes).toEqual(['together']);
    expect(runs).toEqual({ households: [3], residents: [6], visits: [3] });
    expect(results.map((result) => [result.clientId, result.status])).toEqual(items.map((item) => [item.clientId, 201]));

    // Each resident and visit answers with the household its item referred to.
    const householdOf = new Map<string, string>(items.flatMap((item, n) => (item.command === 'household.register' ? [[item.clientId, (results[n].body as { id: string }).id]] : [])));
    items.forEach((item, n) => {
      const ref = (item as { refs?: Record<string, string> }).refs;
      if (ref) expect((results[n].body as { householdId: string }).householdId).toBe(householdOf.get(ref['householdId'] ?? ref['target']));
    });

    // Per household, its own event comes first; the audit rows name their items.
    const events = await query<{ key: string; type: string }>(`select message_key as key, event_type as type from "${database.schema}".outbox order by seq`);
    for (const id of householdOf.values()) {
      const ofHousehold = events.filter((event) => event.key === id).map((event) => event.type);
      expect(ofHousehold[0]).toMatch(/household\.registered/);
      expect(ofHousehold).toHaveLength(2);
    }
    const audited = await query<{ sync_client_id: string }>(`select sync_client_id from "${database.schema}".audit_log where sync_client_id is not null`);
    expect(audited.map((row) => row.sync_client_id).sort()).toEqual(items.map((item) => item.clientId).sort());

    // The retried upload's first try runs the items again and is rolled back on their stored
    // results; the second replays every answer, and nothing is written twice.
    const again = await sync.upload({ items } as never, agent);
    expect(again).toEqual(results.map((result) => ({ ...result, replayed: true })));
    expect(outcomes).toEqual(['together', 'retried']);
    expect(runs).toEqual({ households: [3, 3], residents: [6, 6], visits: [3, 3] });
    const auditedAgain = await query<{ sync_client_id: string }>(`select sync_client_id from "${database.schema}".audit_log where sync_client_id is not null`);
    expect(auditedAgain).toHaveLength(items.length);
    expect(await query(`select id from "${database.schema}".households`)).toHaveLength(3);
  });
});
