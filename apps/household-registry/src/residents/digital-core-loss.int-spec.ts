import { randomUUID } from 'node:crypto';
import { HouseholdDigitalCoreSetV1, ResidentDeceasedV1, ResidentMovedOutV1, type EventEnvelope } from '@dtc/contracts';
import { OutboxWriter, type MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from '../households/household.entity';
import { HouseholdsService } from '../households/households.service';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';
import { ResidentsService } from './residents.service';

// Integration (real Postgres): when the household's digital core dies or moves out, the registry
// clears the core and publishes that, in the same transaction as the resident's own event.
const runId = newRunId();
const schema = `t_${runId}_registry`;
const COMMUNE = '16279';
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };

interface OutboxRow {
  event_type: string;
  message_key: string;
  payload: string;
  xmin: string;
}

describe('registry: losing the digital core (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let dataSource: DataSource;
  let households: HouseholdsService;
  let residents: ResidentsService;

  beforeAll(async () => {
    database = await migratedDataSource(schema, REGISTRY_MIGRATIONS, [CommuneEntity, VillageEntity, HouseholdEntity]);
    dataSource = database.dataSource;
    const messaging = { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService;
    households = new HouseholdsService(dataSource, messaging);
    residents = new ResidentsService(dataSource, messaging);
    await query(`insert into "${schema}".communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Thử', '38', 'Tỉnh Thử', 'test')`, [COMMUNE]);
    await query(`insert into "${schema}".villages (id, commune_code, code, name, created_by) values ($1, $2, 'THON-1', 'Thôn 1', 'test')`, [randomUUID(), COMMUNE]);
  });

  afterAll(() => database?.drop());

  let births = 0;
  const member = async (householdId: string) => {
    births += 1;
    const dateOfBirth = `19${70 + births}-0${1 + (births % 9)}-1${births % 10}`;
    return residents.register({ householdId, fullName: `Thành Viên ${births}`, dateOfBirth, sex: 'female', ethnicity: 'Kinh', ownsSmartphone: true, relationshipToHead: 'child' } as never, agent);
  };

  /** A household with two living members, the first one its digital core. */
  const householdWithCore = async () => {
    const household = await households.register({ communeCode: COMMUNE, villageCode: 'THON-1', address: 'Xóm Bãi', headName: 'Nguyễn Văn An' } as never, agent);
    const core = await member(household.id);
    const other = await member(household.id);
    const withCore = await households.setDigitalCore(household.id, { version: 1, residentId: core.id } as never, agent);
    expect(withCore.digitalCoreResidentId).toBe(core.id);
    return { household: withCore, core, other };
  };

  const outboxFor = (keys: string[]) =>
    query<OutboxRow>(`select event_type, message_key, payload, xmin::text as xmin from "${schema}".outbox where message_key = any($1::text[]) order by seq`, [keys]);

  const householdRow = async (id: string) =>
    (await query<{ digital_core_resident_id: string | null; version: number; village_id: string; xmin: string }>(`select digital_core_resident_id, version, village_id, xmin::text as xmin from "${schema}".households where id = $1`, [id]))[0];

  it.each([
    ['deceased', ResidentDeceasedV1.type],
    ['moved_out', ResidentMovedOutV1.type],
  ] as const)('publishes the cleared digital core when the core resident is recorded %s, in the same transaction', async (status, residentEventType) => {
    const { household, core } = await householdWithCore();
    const occurredAt = '2026-07-25T03:00:00.000Z';
    const before = await outboxFor([household.id, core.id]);

    await residents.changeStatus(core.id, status, { version: core.version, occurredAt } as never, agent);

    const row = await householdRow(household.id);
    expect(row.digital_core_resident_id).toBeNull();
    expect(row.version).toBe(household.version + 1);
    const added = (await outboxFor([household.id, core.id])).slice(before.length);
    expect(added.map((r) => [r.event_type, r.message_key])).toEqual([
      [residentEventType, core.id],
      [HouseholdDigitalCoreSetV1.type, household.id],
    ]);
    const cleared = JSON.parse(added[1].payload) as EventEnvelope;
    expect(cleared).toMatchObject({ subject: household.id, tenant: COMMUNE, province: '38', time: occurredAt });
    expect(cleared.data).toEqual({ householdId: household.id, villageId: row.village_id, residentId: null, occurredAt, version: row.version });
    // One transaction: the household change and both outbox rows were written by the same one.
    expect(new Set([row.xmin, ...added.map((r) => r.xmin)]).size).toBe(1);
  });

  it('publishes nothing about the household when a member who is not its digital core dies or moves out', async () => {
    const { household, core, other } = await householdWithCore();
    await residents.changeStatus(other.id, 'deceased', { version: other.version } as never, agent);
    const row = await householdRow(household.id);
    expect(row.digital_core_resident_id).toBe(core.id);
    expect(row.version).toBe(household.version);
    const events = await outboxFor([household.id, other.id]);
    expect(events.filter((r) => r.message_key === household.id && r.event_type === HouseholdDigitalCoreSetV1.type).map((r) => (JSON.parse(r.payload) as EventEnvelope<{ residentId: string | null }>).data.residentId)).toEqual([core.id]);
    expect(events.filter((r) => r.message_key === other.id).map((r) => r.event_type)).toEqual(['vn.dtc.registry.resident.registered.v1', ResidentDeceasedV1.type]);
  });
});
