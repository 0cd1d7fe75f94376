import { randomUUID } from 'node:crypto';
import { CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateKnownCommunes1763900000003, CreateOutbox1763900000000, KnownCommunesOnboarded1764600000003, OutboxWriter, type MessagingService } from '@dtc/messaging';
import { CreateSyncResults1763900000002 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, CreateAuditLog1763900000600 } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { countStatements, migratedDataSource, newRunId, type MigratedSchema } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { CreateEnrollment1763900000300 } from '../migrations/1763900000300-create-enrollment';
import { StepReviews1764500000500 } from '../migrations/1764500000500-step-reviews';
import { EnrollmentsService } from './enrollments.service';

// Service level (real Postgres): enrollments held until their residents are known are released
// together when the residents arrive, in a number of statements that does not grow with them, each
// publishing its own history in order; a resident too young for the service rejects its enrollment.
const runId = newRunId();
const schema = `t_${runId}_pending`;
const COMMUNE = '16279';
const VILLAGE = randomUUID();
const MIGRATIONS = [CreateOutbox1763900000000, CreateInbox1763900000001, CreateSyncResults1763900000002, CreateKnownCommunes1763900000003, CreateEnrollment1763900000300, CreateAuditLog1763900000600, StepReviews1764500000500, KnownCommunesOnboarded1764600000003, AuditLogByMonth1764700000600, CreateAppliedBatches1765100000001];
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };

describe('enrollment: releasing held enrollments (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let dataSource: DataSource;
  let enrollments: EnrollmentsService;

  beforeAll(async () => {
    database = await migratedDataSource(schema, MIGRATIONS);
    dataSource = database.dataSource;
    enrollments = new EnrollmentsService(dataSource, { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService, new CatalogueService(dataSource));
    await dataSource.query("insert into known_communes (code, province_code, onboarded) values ($1, '38', true)", [COMMUNE]);
  });

  afterAll(() => database?.drop());

  it('validates 30 held enrollments in a few statements, and publishes each history in order', async () => {
    const adults = Array.from({ length: 30 }, () => randomUUID());
    const child = randomUUID();
    const held: string[] = [];
    for (const [index, residentId] of [...adults, child].entries()) {
      const opened = await enrollments.apply({ communeCode: COMMUNE, serviceCode: 'vneid_level2', residentId, occurredAt: `2026-11-0${1 + (index % 9)}T08:00:00.000Z` } as never, agent);
      expect(opened.validation).toBe('pending_subject');
      held.push(opened.id);
      if (index % 2 === 0) await enrollments.transition(opened.id, { to: 'issued', occurredAt: `2026-11-1${index % 9}T08:00:00.000Z` } as never, agent);
    }
    const residents = [...adults.map((id, index) => [id, 'female', 1960 + index]), [child, 'male', 2020]];
    await dataSource.query(
      `insert into known_residents (id, commune_code, household_id, village_id, sex, birth_year, birth_month)
       select id, $2, gen_random_uuid(), $3, sex, year, 1 from unnest($1::uuid[], $4::text[], $5::int[]) as r (id, sex, year)`,
      [residents.map(([id]) => id), COMMUNE, VILLAGE, residents.map(([, sex]) => sex), residents.map(([, , year]) => year)],
    );

    let statements = 0;
    const released = await dataSource.transaction((tx) => enrollments.validatePending(countStatements(tx, () => (statements += 1)), [...adults, child]));
    expect(released).toBe(31);
    // The held rows, the subjects, the rejection (three for the one child), the validation, the steps, the audit and outbox rows.
    expect(statements).toBeLessThanOrEqual(10);

    const rows: Array<{ id: string; validation: string; state: string; village_id: string; sex: string; birth_year: number }> = await dataSource.query('select id, validation, state, village_id, sex, birth_year from enrollments where id = any($1::uuid[])', [held]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    adults.forEach((_, index) => expect(byId.get(held[index])).toMatchObject({ validation: 'valid', state: index % 2 === 0 ? 'issued' : 'registered', village_id: VILLAGE, sex: 'female', birth_year: 1960 + index }));
    expect(byId.get(held[30])).toMatchObject({ validation: 'ineligible', state: 'rejected' });

    const outbox: Array<{ message_key: string; event_type: string; payload: string }> = await dataSource.query('select message_key, event_type, payload from outbox order by seq');
    adults.forEach((_, index) => {
      const mine = outbox.filter((row) => row.message_key === held[index]).map((row) => JSON.parse(row.payload).data);
      expect(mine.map((data) => data.to ?? data.state)).toEqual(index % 2 === 0 ? ['registered', 'issued'] : ['registered']);
      expect(mine[0]).toMatchObject({ residentId: adults[index], villageId: VILLAGE, sex: 'female', birthYear: 1960 + index });
    });
    expect(outbox.filter((row) => row.message_key === held[30])).toHaveLength(0);
    const audit: Array<{ action: string; n: number }> = await dataSource.query("select action, count(*)::int as n from audit_log where actor = 'system:eligibility' group by action order by action");
    expect(audit).toEqual([
      { action: 'reject-ineligible', n: 1 },
      { action: 'validate', n: 30 },
    ]);
  });
});
