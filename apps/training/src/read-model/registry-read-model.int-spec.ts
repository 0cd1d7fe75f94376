import { KNOWN_COMMUNES_MIGRATIONS } from '@dtc/messaging';
import { BatchAgainstOneByOne, newRunId, registryChanges } from '@dtc/testkit';
import { CreateTraining1763900000500 } from '../migrations/1763900000500-create-training';
import { CreatePlans1764500000400 } from '../migrations/1764500000400-plans-and-names';
import { applyRegistryEvents } from './registry-read-model';

// Service level (real Postgres, no HTTP or Kafka): a batch of registry events leaves training's
// read model exactly as the same events applied one by one, in a few statements.
describe("training's read model of the registry (real Postgres)", () => {
  let sides: BatchAgainstOneByOne;

  beforeAll(async () => {
    sides = await BatchAgainstOneByOne.start(`t_${newRunId()}_training_rm`, [...KNOWN_COMMUNES_MIGRATIONS, CreateTraining1763900000500, CreatePlans1764500000400], [
      "insert into known_communes (code, province_code, onboarded) values ('16279', '38', true)",
    ]);
  });

  afterAll(() => sides?.stop());

  it('applies a batch as the events one by one would, with one statement per table where order allows', async () => {
    const events = registryChanges('16279', '38');
    const { batch, oneByOne } = await sides.apply(events, applyRegistryEvents);
    const rows = await sides.read({
      villages: 'select id, commune_code, code, name from known_villages order by id',
      households: 'select id, commune_code, village_id from known_households order by id',
      residents: 'select id, commune_code, village_id, status from known_residents order by id',
    });
    expect(rows.batch).toEqual(rows.oneByOne);
    expect(rows.batch.residents).toHaveLength(30);
    expect(rows.batch.households).toHaveLength(10);
    expect(rows.batch.villages.map((village) => (village as { name: string }).name).sort()).toEqual(['Thôn 2', 'Thôn Đông']);
    expect(rows.batch.residents.filter((resident) => (resident as { status: string }).status !== 'living')).toHaveLength(2);
    // One at a time, every row written is a statement; in one batch the 41 registrations take a
    // few, and each later change at most three (what is pending, itself).
    expect(oneByOne.statements).toBeGreaterThan(events.length * 2);
    expect(batch.statements).toBeLessThanOrEqual(16);
  });
});
