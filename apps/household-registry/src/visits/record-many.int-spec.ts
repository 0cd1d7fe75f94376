import { randomUUID } from 'node:crypto';
import { VisitRecordedV1, type EventEnvelope } from '@dtc/contracts';
import { OutboxWriter, type MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { countStatements, migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from '../households/household.entity';
import { HouseholdsService } from '../households/households.service';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';
import type { RecordVisitDto, VisitView } from './visits.dto';
import { VisitsService } from './visits.service';

// Service level (real Postgres): an upload's visits recorded at once answer, store and publish what
// recording them one by one does, with one read of their households and one insert.
const runId = newRunId();
const COMMUNE = '16279';
const OTHER_COMMUNE = '16280';
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };
const TEAM = randomUUID();
const MEMBER = randomUUID();

describe('registry: visits recorded at once (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let households: HouseholdsService;
  let visits: VisitsService;
  let otherCommuneHousehold: string;

  beforeAll(async () => {
    database = await migratedDataSource(`t_${runId}_visits_many`, REGISTRY_MIGRATIONS, [CommuneEntity, VillageEntity, HouseholdEntity]);
    const messaging = { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService;
    households = new HouseholdsService(database.dataSource, messaging);
    visits = new VisitsService(database.dataSource, messaging);
    for (const code of [COMMUNE, OTHER_COMMUNE]) {
      await database.dataSource.query(`insert into communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Thử', '38', 'Tỉnh Thử', 'test')`, [code]);
      await database.dataSource.query(`insert into villages (id, commune_code, code, name, created_by) values ($1, $2, 'THON-1', 'Thôn 1', 'test')`, [randomUUID(), code]);
    }
    const otherAgent: Principal = { subject: 'agent-16280', role: 'field_agent', communes: [OTHER_COMMUNE] };
    otherCommuneHousehold = (await households.register({ communeCode: OTHER_COMMUNE, villageCode: 'THON-1', address: 'Xóm khác', headName: 'Người Khác' } as never, otherAgent)).id;
  });

  afterAll(() => database?.drop());

  /** Two households and the visits to record in them (the second household twice). */
  async function plan(): Promise<Array<{ householdId: string; input: RecordVisitDto }>> {
    const [first, second] = await Promise.all(
      ['Xóm 1', 'Xóm 2'].map((address) => households.register({ communeCode: COMMUNE, villageCode: 'THON-1', address, headName: 'Chủ Hộ' } as never, agent)),
    );
    return [
      { householdId: first.id, input: { outcome: 'done', obstacles: [] } as RecordVisitDto },
      { householdId: second.id, input: { outcome: 'partly_done', obstacles: ['no_smartphone', 'missing_documents'], followUpDate: '2026-12-20', note: 'Hẹn quay lại', teamId: TEAM } as RecordVisitDto },
      { householdId: second.id, input: { outcome: 'nobody_home', obstacles: [], memberId: MEMBER } as RecordVisitDto },
    ];
  }

  /** What the visits answered, stored and published, with ids replaced by their place (the two sides differ in ids). */
  async function shapeOf(views: VisitView[], planned: Array<{ householdId: string; input: RecordVisitDto }>) {
    const ids = views.map((view) => view.id);
    const households = planned.map((one) => one.householdId);
    const rows = await query<Record<string, unknown>>(
      `select id, household_id, commune_code, team_id, member_id, visited_at, outcome, obstacles, to_char(follow_up_date, 'YYYY-MM-DD') as follow_up_date, note, created_by,
              village_id = (select village_id from "${database.schema}".households h where h.id = household_id) as in_household_village
       from "${database.schema}".visits where id = any($1::uuid[])`,
      [ids],
    );
    const events = await query<{ payload: string }>(`select payload from "${database.schema}".outbox where payload::jsonb #>> '{data,visitId}' = any($1::text[]) order by seq`, [ids]);
    return {
      views: views.map(({ id, householdId, ...rest }) => ({ ...rest, id: ids.indexOf(id), householdId: households.indexOf(householdId) })),
      rows: ids.map((id) => rows.find((row) => row['id'] === id)).map((row): Record<string, unknown> => ({ ...row, id: undefined, household_id: households.indexOf(String(row?.['household_id'])) })),
      events: events.map(({ payload }) => {
        const { type, subject, tenant, province, time, data } = JSON.parse(payload) as EventEnvelope<Record<string, unknown>>;
        return { type, subject: households.indexOf(subject), tenant, province, time, data: { ...data, visitId: ids.indexOf(String(data['visitId'])), householdId: households.indexOf(String(data['householdId'])), villageId: undefined } };
      }),
    };
  }

  it('answers, stores and publishes what one by one does, with one household read and one insert for the run', async () => {
    const occurredAt = new Date('2026-11-30T02:00:00.000Z');
    const planned = await plan();
    const alone: VisitView[] = [];
    for (const { householdId, input } of planned) alone.push(await visits.record(householdId, input, agent, { occurredAt }));

    const plannedAtOnce = await plan();
    const statements: string[] = [];
    const together = await database.dataSource.transaction(async (tx) => {
      const counted = countStatements(tx, (sql) => statements.push(sql));
      const ran = await visits.recordMany(plannedAtOnce.map(({ householdId, input }) => ({ payload: input, target: householdId, context: { tx: counted, occurredAt } })), agent, counted);
      for (const one of ran) await one.finish?.();
      return ran.map((one) => one.body as VisitView);
    });
    expect(statements.filter((sql) => /insert into visits/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /from households/.test(sql))).toHaveLength(1);

    const expected = await shapeOf(alone, planned);
    const actual = await shapeOf(together, plannedAtOnce);
    expect(actual).toEqual(expected);
    // What is stored is what was asked (both sides share the insert, so compare with the input too).
    expect(actual.rows.map((row) => [row['household_id'], row['outcome'], row['obstacles'], row['follow_up_date'], row['note'], row['team_id'], row['member_id'], (row['visited_at'] as Date).toISOString(), row['in_household_village']])).toEqual(
      plannedAtOnce.map(({ input }, n) => [n === 0 ? 0 : 1, input.outcome, input.obstacles, input.followUpDate ?? null, input.note ?? null, input.teamId ?? null, input.memberId ?? null, occurredAt.toISOString(), true]),
    );
    expect(actual.events.map((event) => [event.type, event.subject, event.data.visitId])).toEqual([
      [VisitRecordedV1.type, 0, 0],
      [VisitRecordedV1.type, 1, 1],
      [VisitRecordedV1.type, 1, 2],
    ]);
  });

  it('refuses the whole run when one visit is to a missing household or one outside the caller scope, writing nothing', async () => {
    const [first] = await plan();
    const count = async () => (await query<{ n: number }>(`select count(*)::int as n from "${database.schema}".visits`))[0].n;
    const before = await count();
    const run = (targets: string[]) =>
      database.dataSource.transaction((tx) => visits.recordMany(targets.map((target) => ({ payload: first.input, target, context: { tx } })), agent, tx));
    await expect(run([first.householdId, randomUUID()])).rejects.toMatchObject({ status: 404 });
    await expect(run([first.householdId, otherCommuneHousehold])).rejects.toMatchObject({ status: 404 });
    expect(await count()).toBe(before);
  });
});
