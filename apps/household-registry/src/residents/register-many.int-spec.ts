import { randomUUID } from 'node:crypto';
import { ResidentRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { OutboxWriter, type MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { countStatements, migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from '../households/household.entity';
import { HouseholdsService } from '../households/households.service';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';
import type { RegisterResidentDto, ResidentView } from './residents.dto';
import { ResidentsService } from './residents.service';

// Service level (real Postgres): an upload's consecutive residents registered at once answer,
// store, flag and publish what registering them one by one does, with one insert for all of them.
const runId = newRunId();
const COMMUNE = '16279';
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };

describe('registry: residents registered at once (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let households: HouseholdsService;
  let residents: ResidentsService;

  beforeAll(async () => {
    database = await migratedDataSource(`t_${runId}_register_many`, REGISTRY_MIGRATIONS, [CommuneEntity, VillageEntity, HouseholdEntity]);
    const messaging = { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService;
    households = new HouseholdsService(database.dataSource, messaging);
    residents = new ResidentsService(database.dataSource, messaging);
    await database.dataSource.query(`insert into communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Thử', '38', 'Tỉnh Thử', 'test')`, [COMMUNE]);
    await database.dataSource.query(`insert into villages (id, commune_code, code, name, created_by) values ($1, $2, 'THON-1', 'Thôn 1', 'test')`, [randomUUID(), COMMUNE]);
  });

  afterAll(() => database?.drop());

  /** A household with one resident already living there, and the registrations to make in it (names carry `tag`). */
  async function household(tag: string, idNumber: string) {
    const registered = await households.register({ communeCode: COMMUNE, villageCode: 'THON-1', address: `Xóm ${tag}`, headName: `Chủ Hộ ${tag}` } as never, agent);
    const person = (fullName: string, dateOfBirth: string, sex: 'male' | 'female', extra: Partial<RegisterResidentDto> = {}) =>
      ({ householdId: registered.id, fullName: `${fullName} ${tag}`, dateOfBirth, sex, ethnicity: 'Kinh', relationshipToHead: 'child', ownsSmartphone: sex === 'male', ...extra }) as RegisterResidentDto;
    const living = await residents.register(person('Lê Thị Hoa', '1990-01-01', 'female'), agent);
    const registrations = [
      person('Lê Thị Hoa', '1990-01-01', 'female', { relationshipToHead: 'head' }), // likely duplicate of the one living there
      person('Trần Văn Nam', '2000-02-02', 'male', { idNumber, registeredAt: '2026-11-30T01:00:00.000Z' }),
      person('Tran Van Nam', '2000-02-02', 'male'), // of the one just before (diacritics ignored)
      person('TRẦN VĂN NAM', '2000-02-02', 'male', { phone: '0912345678' }), // of both
      person('Phạm Bé', '2019-06-30', 'female'),
    ];
    return { living, registrations };
  }

  /** What a registration answered and published, with ids replaced by their place among `known` (the two sides have different ids and names). */
  async function shapeOf(views: Array<ResidentView & { duplicateFlags?: Array<{ duplicateOfId: string }> }>, known: string[], tag: string) {
    const place = (id: string) => known.indexOf(id);
    const events = await query<{ payload: string }>(`select payload from "${database.schema}".outbox where message_key = any($1::text[]) order by seq`, [views.map((view) => view.id)]);
    return {
      views: views.map(({ id, householdId: _household, fullName, idNumber, duplicateFlags, ...rest }) => ({ ...rest, id: place(id), fullName: fullName.replace(` ${tag}`, ''), idNumber: idNumber ? 'given' : null, duplicates: (duplicateFlags ?? []).map((flag) => place(flag.duplicateOfId)) })),
      events: events.map(({ payload }) => {
        const { type, subject, tenant, province, time, data } = JSON.parse(payload) as EventEnvelope<Record<string, unknown>>;
        return { type, subject: place(subject), tenant, province, time, data: { ...data, residentId: place(String(data['residentId'])), householdId: undefined, villageId: undefined } };
      }),
    };
  }

  it('answers, flags and publishes what one by one does, with one insert for the run', async () => {
    const occurredAt = new Date('2026-11-30T02:00:00.000Z');
    const oneByOne = await household('#A', '038200012345');
    const alone: ResidentView[] = [];
    for (const registration of oneByOne.registrations) alone.push(await residents.register(registration, agent, { occurredAt }));

    const atOnce = await household('#B', '038200054321');
    let statements: string[] = [];
    const together = await database.dataSource.transaction(async (tx) => {
      const counted = countStatements(tx, (sql) => statements.push(sql));
      const ran = await residents.registerMany(atOnce.registrations.map((payload) => ({ payload, target: '', context: { tx: counted, occurredAt } })), agent, counted);
      for (const one of ran) await one.finish?.();
      return ran.map((one) => one.body as ResidentView);
    });
    statements = statements.filter((sql) => /insert into residents/.test(sql));
    expect(statements).toHaveLength(1);

    const expected = await shapeOf(alone, [oneByOne.living.id, ...alone.map((view) => view.id)], '#A');
    const actual = await shapeOf(together, [atOnce.living.id, ...together.map((view) => view.id)], '#B');
    expect(actual).toEqual(expected);
    // The run's own likely duplicates are found too, not only those already living there.
    expect(actual.views.map((view) => view.duplicates)).toEqual([[0], [], [2], [2, 3], []]);
    expect(actual.events.map((event) => event.type)).toEqual(Array(5).fill(ResidentRegisteredV1.type));
    const flags = await query<{ n: number }>(`select count(*)::int as n from "${database.schema}".resident_duplicate_flags where resident_id = any($1::uuid[])`, [together.map((view) => view.id)]);
    expect(flags).toEqual([{ n: 4 }]);
  });

  it('refuses the whole run when an ID number is taken or repeated, writing nothing (the engine then answers each item alone)', async () => {
    const { registrations } = await household('#C', '038200011111');
    const [first] = registrations;
    const run = async (payloads: RegisterResidentDto[]) =>
      database.dataSource.transaction((tx) => residents.registerMany(payloads.map((payload) => ({ payload, target: '', context: { tx } })), agent, tx));
    const count = async () => (await query<{ n: number }>(`select count(*)::int as n from "${database.schema}".residents where household_id = $1`, [first.householdId]))[0].n;
    const before = await count();
    await residents.register({ ...registrations[1] }, agent);
    await expect(run([first, { ...registrations[2], idNumber: registrations[1].idNumber }])).rejects.toMatchObject({ status: 409 });
    await expect(run([{ ...first, idNumber: '038090022222', sex: 'male', dateOfBirth: '1990-01-01' }, { ...registrations[4], fullName: 'Khác', idNumber: '038090022222', sex: 'male', dateOfBirth: '1990-01-01' }])).rejects.toMatchObject({ status: 409 });
    expect(await count()).toBe(before + 1);
  });
});
