import { eventually, newRunId, query, testKafka } from '@dtc/testkit';
import { activeProjectionSchema } from '../support/services';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { consumerCounter, FaultPlatform, ops as runOps } from './support/platform';

// Fault 7: poison events. Unparsable messages, and good events that the projection code cannot
// apply (a "bug", simulated by a trigger that fails for one village), go to the dead-letter
// topic with their reason while the partitions keep flowing; after the fix an operator lists
// and replays them with `npm run ops -- dead-letters ...` and the totals become exact.
const platform = new FaultPlatform(newRunId(), '21007');

const ops = (...args: string[]) => runOps(platform.runId, ...args);

describe('poison events', () => {
  let projection: string;
  let buggyVillage: string;

  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
    projection = await activeProjectionSchema(platform.live('reporting')[0]);
    [{ id: buggyVillage }] = await query<{ id: string }>(`select id from "t_${platform.runId}_registry".villages where code = 'THON-3'`);
    // The "bug": the projection cannot store facts about households of one village.
    await query(`create function "${projection}".projection_bug() returns trigger language plpgsql as $$ begin raise exception 'projection bug: cannot file household % of village %', new.household_id, new.village_id; end $$`);
    await query(`create trigger projection_bug before insert or update on "${projection}".household_facts for each row when (new.village_id = '${buggyVillage}') execute function "${projection}".projection_bug()`);
  });

  afterAll(() => platform.cleanup());

  it('sets poison aside with its reason, keeps the partitions flowing, and replays after the fix', async () => {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: `t-${platform.runId}.household-registry.events`,
      messages: [
        { key: 'poison-unparsable', value: '{"specversion": "1.0", "id": ' },
        { key: 'poison-wrong-shape', value: JSON.stringify({ specversion: '1.0', id: 'x', type: 'registry.household.registered.v1', data: { villageId: 42 } }) },
      ],
    });
    await producer.disconnect();
    await new FieldLoad(platform, { households: 30, phones: 3 }).run();

    const reporting = platform.url('reporting');
    const registry = `t_${platform.runId}_registry`;
    const [{ buggy }] = await query<{ buggy: number }>(`select count(*)::int as buggy from "${registry}".households where village_id = $1`, [buggyVillage]);
    expect(buggy).toBe(10);
    // Everything outside the buggy village arrives although poison sits on the same partitions.
    await eventually(
      async () => {
        const [{ projected }] = await query<{ projected: number }>(`select count(*)::int as projected from "${projection}".household_facts`);
        expect(projected).toBe(20);
        const [{ visits }] = await query<{ visits: number }>(`select coalesce(sum(visits), 0)::int as visits from "${projection}".household_facts`);
        expect(visits).toBe(40);
      },
      { timeoutMs: 60000, intervalMs: 250 },
    );
    // 2 unparsable + per buggy household its registration, two residents and two visits
    // (each of them updates the household's facts).
    const poison = 2 + 5 * buggy;
    await eventually(async () => expect(await consumerCounter(reporting, 'events_dead_lettered_total')).toBe(poison), { timeoutMs: 60000, intervalMs: 250 });

    const listed = ops('dead-letters', 'list', '--consumer', 'reporting-projections');
    expect(listed).toContain(`t-${platform.runId}.dead-letter.reporting-projections: ${poison} dead letter(s), ${poison} not replayed`);
    expect(listed).toContain('projection bug: cannot file household');
    expect(listed).toMatch(/\(unparsable\).*poison-unparsable/);
    expect(listed.split('\n').filter((line) => line.includes('projection bug: cannot file household'))).toHaveLength(5 * buggy);

    // The fix ships; the operator replays what was set aside.
    await query(`drop trigger projection_bug on "${projection}".household_facts`);
    const replayed = ops('dead-letters', 'replay', '--consumer', 'reporting-projections');
    expect(replayed).toContain(`replayed ${poison} dead letter(s)`);
    await settleAndCheck(platform, 'poison events dead-lettered, replayed after the fix');

    // The unparsable ones failed again and are back, waiting; nothing else is.
    await eventually(async () => expect(await consumerCounter(reporting, 'events_dead_lettered_total')).toBe(poison + 2), { timeoutMs: 60000, intervalMs: 250 });
    expect(ops('dead-letters', 'list', '--consumer', 'reporting-projections')).toContain(`${poison + 2} dead letter(s), 2 not replayed`);
    expect(ops('dead-letters', 'replay', '--consumer', 'reporting-projections')).toContain('replayed 2 dead letter(s)');
  });
});
