import { randomUUID } from 'node:crypto';
import { HouseholdRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { OutboxWriter, type MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { countStatements, migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from './household.entity';
import type { HouseholdView, RegisterHouseholdDto } from './households.dto';
import { HouseholdsService } from './households.service';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';

// Service level (real Postgres): an upload's household registrations applied at once answer, store
// and publish what registering them one by one does, with one insert for all of them.
const runId = newRunId();
const COMMUNE = '16279';
const OTHER_COMMUNE = '16280';
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };

describe('registry: households registered at once (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let households: HouseholdsService;

  beforeAll(async () => {
    database = await migratedDataSource(`t_${runId}_households_many`, REGISTRY_MIGRATIONS, [CommuneEntity, VillageEntity, HouseholdEntity]);
    households = new HouseholdsService(database.dataSource, { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService);
    for (const code of [COMMUNE, OTHER_COMMUNE]) {
      await database.dataSource.query(`insert into communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Thử', '38', 'Tỉnh Thử', 'test')`, [code]);
    }
    for (const village of ['THON-1', 'THON-2']) {
      await database.dataSource.query(`insert into villages (id, commune_code, code, name, created_by) values ($1, $2, $3, $4, 'test')`, [randomUUID(), COMMUNE, village, `Thôn ${village}`]);
    }
  });

  afterAll(() => database?.drop());

  /** Registrations in two villages, with and without coordinates, conditions and their own time; addresses carry `tag`. */
  const registrations = (tag: string): RegisterHouseholdDto[] => [
    { communeCode: COMMUNE, villageCode: 'THON-1', address: `Xóm 1 ${tag}`, headName: 'Nguyễn Văn An' },
    { communeCode: COMMUNE, villageCode: 'THON-2', address: `Xóm 2 ${tag}`, headName: 'Lê Thị Bình', latitude: 19.807123, longitude: 105.776543, registeredAt: '2026-11-30T01:00:00.000Z' },
    { communeCode: COMMUNE, villageCode: 'THON-1', address: `Xóm 3 ${tag}`, headName: 'Trần Văn Cường', ethnicMinority: true, hasElectricity: false, mobileSignal: 'weak', hasInternet: false, smartDevices: 0, distanceToCentreKm: 12.5 },
    { communeCode: COMMUNE, villageCode: 'THON-2', address: `Xóm 4 ${tag}`, headName: 'Phạm Thị Dung', hasInternet: true, smartDevices: 3 },
  ] as RegisterHouseholdDto[];

  /** What the registrations answered, stored and published, without their ids (the two sides differ in those and in `tag`). */
  async function shapeOf(views: HouseholdView[], tag: string) {
    const ids = views.map((view) => view.id);
    const rows = await query<Record<string, unknown>>(
      `select h.id, h.commune_code, h.village_id, h.address, h.head_name, h.latitude::float8, h.longitude::float8, h.ethnic_minority, h.has_electricity, h.mobile_signal,
              h.has_internet, h.smart_devices, h.distance_to_centre_km::float8, h.registered_at, h.version, h.created_by, h.updated_by,
              h.created_at = h.updated_at as same_times, (select count(*)::int from "${database.schema}".household_village_history v
                where v.household_id = h.id and v.village_id = h.village_id and v.from_at = h.registered_at and v.recorded_by = $2) as history
       from "${database.schema}".households h where h.id = any($1::uuid[])`,
      [ids, agent.subject],
    );
    const events = await query<{ payload: string }>(`select payload from "${database.schema}".outbox where message_key = any($1::text[]) order by seq`, [ids]);
    const untagged = (address: unknown) => String(address).replace(` ${tag}`, '');
    return {
      views: views.map(({ id: _id, address, ...rest }) => ({ ...rest, address: untagged(address) })),
      rows: ids.map((id) => rows.find((row) => row['id'] === id)).map((row): Record<string, unknown> => ({ ...row, id: undefined, address: untagged(row?.['address']) })),
      events: events.map(({ payload }) => {
        const { type, subject, tenant, province, time, data } = JSON.parse(payload) as EventEnvelope<Record<string, unknown>>;
        return { type, subject: ids.indexOf(subject), tenant, province, time, data: { ...data, householdId: ids.indexOf(String(data['householdId'])) } };
      }),
    };
  }

  it('answers, stores and publishes what one by one does, with one insert for the run', async () => {
    const occurredAt = new Date('2026-11-30T02:00:00.000Z');
    const alone: HouseholdView[] = [];
    for (const registration of registrations('#A')) alone.push(await households.register(registration, agent, { occurredAt }));

    let statements: string[] = [];
    const together = await database.dataSource.transaction(async (tx) => {
      const counted = countStatements(tx, (sql) => statements.push(sql));
      const ran = await households.registerMany(registrations('#B').map((payload) => ({ payload, target: '', context: { tx: counted, occurredAt } })), agent, counted);
      for (const one of ran) await one.finish?.();
      return ran.map((one) => one.body as HouseholdView);
    });
    statements = statements.filter((sql) => /insert into households/.test(sql));
    expect(statements).toHaveLength(1);

    const expected = await shapeOf(alone, '#A');
    const actual = await shapeOf(together, '#B');
    expect(actual).toEqual(expected);
    expect(actual.rows.map((row) => row['history'])).toEqual([1, 1, 1, 1]);
    // What is stored is what was asked (both sides share the insert, so compare with the input too).
    expect(actual.rows.map((row) => [row['head_name'], row['latitude'], row['longitude'], row['ethnic_minority'], row['has_electricity'], row['mobile_signal'], row['has_internet'], row['smart_devices'], row['distance_to_centre_km']])).toEqual(
      registrations('#B').map((input) => [input.headName, input.latitude ?? null, input.longitude ?? null, input.ethnicMinority ?? null, input.hasElectricity ?? null, input.mobileSignal ?? null, input.hasInternet ?? null, input.smartDevices ?? null, input.distanceToCentreKm ?? null]),
    );
    // The sync item's occurredAt is the registration's time (resolveOccurredAt), whatever the payload says.
    expect(actual.rows.map((row) => (row['registered_at'] as Date).toISOString())).toEqual(Array(4).fill(occurredAt.toISOString()));
    expect(actual.events.map((event) => [event.type, event.subject])).toEqual([0, 1, 2, 3].map((n) => [HouseholdRegisteredV1.type, n]));
  });

  it('refuses the whole run when one registration names an unknown village or a commune outside the caller scope, writing nothing', async () => {
    const count = async () => (await query<{ n: number }>(`select count(*)::int as n from "${database.schema}".households`))[0].n;
    const before = await count();
    const run = (payloads: RegisterHouseholdDto[]) => database.dataSource.transaction((tx) => households.registerMany(payloads.map((payload) => ({ payload, target: '', context: { tx } })), agent, tx));
    const [first, second] = registrations('#C');
    await expect(run([first, { ...second, villageCode: 'NO-SUCH' }])).rejects.toMatchObject({ status: 422 });
    await expect(run([first, { ...second, communeCode: OTHER_COMMUNE }])).rejects.toMatchObject({ status: 403 });
    expect(await count()).toBe(before);
  });
});
