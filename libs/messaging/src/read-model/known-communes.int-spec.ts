import { CommuneOnboardedV1, createEvent, HouseholdRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import { databaseUrl, newRunId } from '@dtc/testkit';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RejectedEventsError } from '../consumer/rejected-events';
import { KNOWN_COMMUNES_MIGRATIONS, rememberCommunes } from './known-communes';

const runId = newRunId();
const options = { url: databaseUrl(), schema: `t_${runId}_known_communes`, migrations: KNOWN_COMMUNES_MIGRATIONS };

const onboarding = (commune: string, province: string, envelopeProvince = province) =>
  createEvent(CommuneOnboardedV1, { tenant: commune, province: envelopeProvince, subject: commune, time: new Date() }, { ...CommuneOnboardedV1.example, communeCode: commune, provinceCode: province });
const household = (commune: string, province: string) => {
  const householdId = randomUUID();
  return createEvent(HouseholdRegisteredV1, { tenant: commune, province, subject: householdId, time: new Date() }, { ...HouseholdRegisteredV1.example, householdId });
};

describe('rememberCommunes (Postgres)', () => {
  let dataSource: DataSource;
  let next = 50000;
  const newCommune = () => String(next++);

  const remember = (events: EventEnvelope[]) => dataSource.transaction((tx) => rememberCommunes(tx, events));
  const refusedBy = async (events: EventEnvelope[]): Promise<string[]> => {
    try {
      await remember(events);
      return [];
    } catch (error) {
      if (!(error instanceof RejectedEventsError)) throw error;
      expect(error.reason).toBe('province_mismatch');
      return [...error.rejected.keys()];
    }
  };
  const row = async (code: string) => (await dataSource.query('select province_code as province, onboarded from known_communes where code = $1', [code]))[0];

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), options.schema);
  });

  it("refuses an event naming another province than the commune's onboarding, and writes nothing of its batch", async () => {
    const commune = newCommune();
    await remember([onboarding(commune, '38')]);
    const forged = household(commune, '39');
    const other = newCommune();
    expect(await refusedBy([household(other, '40'), forged, household(commune, '38')])).toEqual([forged.id]);
    expect(await row(commune)).toEqual({ province: '38', onboarded: true });
    expect(await row(other)).toBeUndefined();
    expect(await refusedBy([household(commune, '38'), household(other, '40')])).toEqual([]);
    expect(await row(other)).toEqual({ province: '40', onboarded: false });
  });

  it('judges against an onboarding in the same batch whatever their order', async () => {
    const commune = newCommune();
    const forged = household(commune, '39');
    expect(await refusedBy([forged, onboarding(commune, '38')])).toEqual([forged.id]);
    expect(await row(commune)).toBeUndefined();
  });

  it('keeps a commune not onboarded yet provisionally (last province wins), then lets the onboarding correct it for good', async () => {
    const commune = newCommune();
    await remember([household(commune, '38')]);
    await remember([household(commune, '39')]);
    expect(await row(commune)).toEqual({ province: '39', onboarded: false });
    await remember([onboarding(commune, '38')]);
    expect(await row(commune)).toEqual({ province: '38', onboarded: true });
    expect(await refusedBy([household(commune, '39')])).toHaveLength(1);
    // A repeated onboarding (the registry's announcement) changes nothing.
    await remember([onboarding(commune, '38'), household(commune, '38')]);
    expect(await row(commune)).toEqual({ province: '38', onboarded: true });
  });

  it("refuses an onboarding whose envelope disagrees with its data", async () => {
    const commune = newCommune();
    const odd = onboarding(commune, '38', '39');
    expect(await refusedBy([odd])).toEqual([odd.id]);
    expect(await row(commune)).toBeUndefined();
  });
});
