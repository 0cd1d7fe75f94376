import { KNOWN_COMMUNES_MIGRATIONS } from '@dtc/messaging';
import { BatchAgainstOneByOne, newRunId, registryChanges } from '@dtc/testkit';
import { CreateEnrollment1763900000300 } from '../migrations/1763900000300-create-enrollment';
import { applyRegistryEvents } from './registry-read-model';

// Service level (real Postgres, no HTTP or Kafka): a batch of registry events leaves enrollment's
// read model exactly as the same events applied one by one, in a few statements.
describe("enrollment's read model of the registry (real Postgres)", () => {
  let sides: BatchAgainstOneByOne;

  beforeAll(async () => {
    sides = await BatchAgainstOneByOne.start(`t_${newRunId()}_enrollment_rm`, [...KNOWN_COMMUNES_MIGRATIONS, CreateEnrollment1763900000300], [
      "insert into known_communes (code, province_code, onboarded) values ('16279', '38', true)",
    ]);
  });

  afterAll(() => sides?.stop());

  it('applies a batch as the events one by one would, and names the same subjects', async () => {
    const events = registryChanges('16279', '38');
    const { batch, oneByOne } = await sides.apply(events, applyRegistryEvents);
    const rows = await sides.read({
      residents: 'select id, commune_code, household_id, village_id, sex, birth_year, birth_month, status from known_residents order by id',
      organisations: 'select id, commune_code, village_id from known_organisations order by id',
    });
    expect(rows.batch).toEqual(rows.oneByOne);
    expect(batch.result).toEqual(oneByOne.results.flat());
    expect(rows.batch.residents).toHaveLength(30);
    expect(rows.batch.organisations).toHaveLength(1);
    expect(rows.batch.residents.filter((resident) => (resident as { status: string }).status !== 'living')).toHaveLength(2);
    // One at a time, every row written is a statement; in one batch the registrations take a few
    // (and one for their subjects' locks), and each later change at most three.
    expect(oneByOne.statements).toBeGreaterThan(events.length * 2);
    expect(batch.statements).toBeLessThanOrEqual(16);
  });
});
