import { pageOf, type Page, assertVersion, notFound, resolveOccurredAt, unprocessable, vietnamToday } from '@dtc/platform';
import { ConflictException, Injectable } from '@nestjs/common';
import { createEvent, HouseholdDigitalCoreSetV1, ResidentDeceasedV1, ResidentMovedOutV1, ResidentRegisteredV1, ResidentUpdatedV1, type EventEnvelope } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '@dtc/persistence';
import { assertVisible, communeForRead, type CommuneScope } from '../common/commune-scope';
import { originOf } from '../common/event-origin';
import { inTransaction, type RanItem, type SyncItemToRun, type WriteContext } from '@dtc/offline-sync';
import { normalizeName } from './normalize-name';
import { isValidIsoDate, personalIdProblems } from './personal-id';
import type { EligibleQuery, EligibleReport, RegisterResidentDto, ResidentSearchQuery, ResidentStatusChangeDto, ResidentView, UpdateResidentDto } from './residents.dto';
import { holdHousehold } from '../households/households-held';

interface ResidentRow {
  id: string;
  commune_code: string;
  household_id: string;
  village_id: string;
  village_code: string;
  ethnic_minority: boolean | null;
  full_name: string;
  date_of_birth: string;
  sex: 'male' | 'female';
  ethnicity: string;
  id_number: string | null;
  phone: string | null;
  owns_smartphone: boolean;
  relationship_to_head: string;
  status: 'living' | 'moved_out' | 'deceased';
  version: number;
}

const RESIDENT_COLUMNS = `
  r.id, r.commune_code, r.household_id, h.village_id, v.code as village_code, h.ethnic_minority,
  r.full_name, to_char(r.date_of_birth, 'YYYY-MM-DD') as date_of_birth, r.sex, r.ethnicity, r.id_number, r.phone,
  r.owns_smartphone, r.relationship_to_head, r.status, r.version`;
const WITH_HOUSEHOLD_AND_VILLAGE = 'join households h on h.id = r.household_id join villages v on v.id = h.village_id';
const SELECT_RESIDENT = `select ${RESIDENT_COLUMNS} from residents r ${WITH_HOUSEHOLD_AND_VILLAGE}`;

const EDITABLE = ['fullName', 'dateOfBirth', 'sex', 'ethnicity', 'idNumber', 'phone', 'ownsSmartphone', 'relationshipToHead'] as const;
const COLUMNS: Record<(typeof EDITABLE)[number], string> = {
  fullName: 'full_name',
  dateOfBirth: 'date_of_birth',
  sex: 'sex',
  ethnicity: 'ethnicity',
  idNumber: 'id_number',
  phone: 'phone',
  ownsSmartphone: 'owns_smartphone',
  relationshipToHead: 'relationship_to_head',
};

@Injectable()
export class ResidentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async register(input: RegisterResidentDto, principal: Principal, context: WriteContext = {}): Promise<ResidentView> {
    const registeredAt = resolveOccurredAt('registeredAt', input.registeredAt, context.occurredAt);
    assertPersonalData(input.dateOfBirth, input.sex, input.idNumber);
    return inTransaction(this.dataSource, context, async (tx) => {
      const commune = await householdCommune(tx, input.householdId, principal);
      await this.assertIdNumberFree(tx, commune.code, input.idNumber);
      const registration = newRegistration(input, context, registeredAt, commune);
      const [resident] = await this.insertResidents(tx, principal, [registration]);
      const duplicateFlags = await this.flagLikelyDuplicates(tx, commune.code, registration.id, resident.likely_duplicates);
      await this.recordRegistered(tx, principal, registration, resident);
      return { ...toView(resident), duplicateFlags };
    });
  }

  /**
   * Consecutive registrations of an offline upload (a household's residents, one after the other)
   * at once: the checks of `register` for each, then one statement inserts them all. Anything
   * `register` would refuse, or a duplicate ID number among them, throws: the sync engine then
   * registers each on its own, which answers every item as `register` does.
   */
  async registerMany(items: ReadonlyArray<SyncItemToRun<RegisterResidentDto>>, principal: Principal, tx: EntityManager): Promise<RanItem[]> {
    const registrations: Registration[] = [];
    for (const { payload: input, context } of items) {
      const registeredAt = resolveOccurredAt('registeredAt', input.registeredAt, context.occurredAt);
      assertPersonalData(input.dateOfBirth, input.sex, input.idNumber);
      registrations.push(newRegistration(input, context, registeredAt, await householdCommune(tx, input.householdId, principal)));
    }
    const withIdNumber = registrations.filter(({ input }) => input.idNumber);
    if (withIdNumber.length > 0) {
      const keys = withIdNumber.map(({ commune, input }) => `${commune.code}:${input.idNumber}`);
      const [taken] = await tx.query('select 1 from residents r join unnest($1::text[], $2::text[]) as n (commune_code, id_number) on r.commune_code = n.commune_code and r.id_number = n.id_number limit 1', [
        withIdNumber.map(({ commune }) => commune.code),
        withIdNumber.map(({ input }) => input.idNumber),
      ]);
      if (taken || new Set(keys).size < keys.length) throw new ConflictException({ message: 'An ID number is already registered in the commune; each resident is checked on its own' });
    }
    const rowOf = new Map((await this.insertResidents(tx, principal, registrations)).map((row) => [row.id, row]));
    // The insert's snapshot holds none of the run's own rows: their likely duplicates among each other are found here.
    const runSoFar = new Map<string, string[]>();
    const ran: RanItem[] = [];
    for (const registration of registrations) {
      const resident = rowOf.get(registration.id)!;
      const key = `${registration.commune.code}|${registration.nameNormalized}|${resident.date_of_birth}`;
      const earlierInRun = runSoFar.get(key) ?? [];
      const duplicateFlags = await this.flagLikelyDuplicates(tx, registration.commune.code, registration.id, [...resident.likely_duplicates, ...earlierInRun]);
      if (earlierInRun.length === 0) runSoFar.set(key, earlierInRun);
      earlierInRun.push(registration.id);
      ran.push({ body: { ...toView(resident), duplicateFlags }, finish: () => this.recordRegistered(tx, principal, registration, resident) });
    }
    return ran;
  }

  /**
   * One round trip for any number of new residents: the insert, each row as the event and the view
   * need it, and the living residents each may duplicate (the statement's snapshot does not hold
   * the new rows yet). Rows come back in no particular order.
   */
  private insertResidents(tx: EntityManager, principal: Principal, registrations: readonly Registration[]): Promise<Array<ResidentRow & { likely_duplicates: string[] }>> {
    const column = <T>(value: (registration: Registration) => T) => registrations.map(value);
    return tx.query(
      `with r as (
         insert into residents (id, commune_code, household_id, full_name, name_normalized, date_of_birth, sex, ethnicity, id_number, phone,
                                owns_smartphone, relationship_to_head, registered_at, created_by, updated_by)
         select n.*, $14::text, $14::text
         from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::boolean[], $12::text[], $13::timestamptz[]) as n
         returning *)
       select ${RESIDENT_COLUMNS},
         array(select d.id from residents d where d.commune_code = r.commune_code and d.name_normalized = r.name_normalized
                 and d.date_of_birth = r.date_of_birth and d.status = 'living' order by d.created_at) as likely_duplicates
       from r ${WITH_HOUSEHOLD_AND_VILLAGE}`,
      [
        column((r) => r.id),
        column((r) => r.commune.code),
        column((r) => r.input.householdId),
        column((r) => r.input.fullName),
        column((r) => r.nameNormalized),
        column((r) => r.input.dateOfBirth),
        column((r) => r.input.sex),
        column((r) => r.input.ethnicity),
        column((r) => r.input.idNumber ?? null),
        column((r) => r.input.phone ?? null),
        column((r) => r.input.ownsSmartphone ?? false),
        column((r) => r.input.relationshipToHead),
        column((r) => r.registeredAt),
        principal.subject,
      ],
    );
  }

  /** The registration's audit row and its event. */
  private async recordRegistered(tx: EntityManager, principal: Principal, registration: Registration, resident: ResidentRow): Promise<void> {
    const { input, context, registeredAt, commune, id } = registration;
    await recordAudit(tx, principal, { communeCode: commune.code, action: 'register', entity: 'resident', entityId: id, fields: Object.keys(input) });
    await this.messaging.outbox.append(tx, [createEvent(ResidentRegisteredV1, originOf(commune, id, registeredAt, context), { ...reportable(resident), occurredAt: registeredAt.toISOString() })]);
  }

  async update(id: string, input: UpdateResidentDto, principal: Principal, context: WriteContext = {}): Promise<ResidentView> {
    const changedAt = resolveOccurredAt('changedAt', input.changedAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { resident, commune } = await this.lockForWrite(tx, id, principal, input.version);
      const changes = EDITABLE.filter((field) => input[field] !== undefined);
      if (changes.length === 0) throw unprocessable('body', 'nothing to change');
      const dateOfBirth = input.dateOfBirth ?? resident.date_of_birth;
      const sex = input.sex ?? resident.sex;
      const idNumber = input.idNumber ?? resident.id_number ?? undefined;
      assertPersonalData(dateOfBirth, sex, idNumber);
      if (input.idNumber !== undefined && input.idNumber !== resident.id_number) await this.assertIdNumberFree(tx, commune.code, input.idNumber);
      const sets = changes.map((field, index) => `${COLUMNS[field]} = $${index + 2}`);
      const values: unknown[] = changes.map((field) => input[field]);
      if (input.fullName !== undefined) {
        sets.push(`name_normalized = $${values.length + 2}`);
        values.push(normalizeName(input.fullName));
      }
      await tx.query(`update residents set ${sets.join(', ')}, version = version + 1, updated_at = now(), updated_by = $${values.length + 2} where id = $1`, [id, ...values, principal.subject]);
      await recordAudit(tx, principal, { communeCode: commune.code, action: 'update', entity: 'resident', entityId: id, fields: [...changes] });
      const updated = await this.load(tx, id);
      if (changes.some((field) => ['dateOfBirth', 'sex', 'ownsSmartphone'].includes(field))) {
        const event = createEvent(
          ResidentUpdatedV1,
          originOf(commune, id, changedAt, context),
          { ...reportable(updated), occurredAt: changedAt.toISOString(), version: updated.version },
        );
        await this.messaging.outbox.append(tx, [event]);
      }
      return toView(updated);
    });
  }

  /** Moved out of the commune or deceased: kept for history, no longer counted. */
  async changeStatus(id: string, status: 'moved_out' | 'deceased', input: ResidentStatusChangeDto, principal: Principal, context: WriteContext = {}): Promise<ResidentView> {
    const at = resolveOccurredAt('occurredAt', input.occurredAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { resident, commune } = await this.lockForWrite(tx, id, principal, input.version);
      if (resident.status !== 'living') throw new ConflictException({ message: `The resident is already ${resident.status.replace('_', ' ')}`, currentStatus: resident.status });
      await tx.query('update residents set status = $2, status_changed_at = $3, version = version + 1, updated_at = now(), updated_by = $4 where id = $1', [id, status, at, principal.subject]);
      // A household whose digital core this resident was has none any more: published as the
      // household's digital core cleared (residentId null), like a clear through the API.
      // (An update's query answers [rows, rowCount].)
      const [cleared]: [Array<{ id: string; village_id: string; version: number }>, number] = await tx.query(
        'update households set digital_core_resident_id = null, version = version + 1, updated_at = now(), updated_by = $2 where digital_core_resident_id = $1 returning id, village_id, version',
        [id, principal.subject],
      );
      await recordAudit(tx, principal, { communeCode: commune.code, action: status === 'deceased' ? 'mark-deceased' : 'move-out', entity: 'resident', entityId: id, fields: ['status'] });
      const updated = await this.load(tx, id);
      const definition = status === 'deceased' ? ResidentDeceasedV1 : ResidentMovedOutV1;
      const events: EventEnvelope[] = [
        createEvent(
          definition,
          originOf(commune, id, at, context),
          { residentId: id, householdId: updated.household_id, villageId: updated.village_id, occurredAt: at.toISOString(), version: updated.version },
        ),
        ...cleared.map((household) =>
          createEvent(
            HouseholdDigitalCoreSetV1,
            originOf(commune, household.id, at, context),
            { householdId: household.id, villageId: household.village_id, residentId: null, occurredAt: at.toISOString(), version: household.version },
          ),
        ),
      ];
      await this.messaging.outbox.append(tx, events);
      return toView(updated);
    });
  }

  async get(id: string, principal: Principal): Promise<ResidentView> {
    const resident = await this.load(this.dataSource.manager, id).catch(() => undefined);
    if (!resident) throw notFound('Resident', id);
    await assertVisible(this.dataSource.manager, resident.commune_code, principal, 'Resident', id);
    return toView(resident);
  }

  async search(query: ResidentSearchQuery, principal: Principal): Promise<Page<ResidentView>> {
    await communeForRead(this.dataSource.manager, query.communeCode, principal);
    const conditions = ['r.commune_code = $1'];
    const values: unknown[] = [query.communeCode];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (query.q) add(`r.name_normalized like ? escape '\\'`, `%${normalizeName(query.q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (query.idNumber) add('r.id_number = ?', query.idNumber);
    if (query.villageCode) add('v.code = ?', query.villageCode);
    if (query.status) add('r.status = ?', query.status);
    const where = conditions.join(' and ');
    const [{ total }] = await this.dataSource.query(`select count(*)::int as total from residents r join households h on h.id = r.household_id join villages v on v.id = h.village_id where ${where}`, values);
    const rows: ResidentRow[] = await this.dataSource.query(
      `${SELECT_RESIDENT} where ${where} order by r.name_normalized, r.id limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`,
      values,
    );
    return pageOf(rows.map(toView), total, query);
  }

  /** Living residents of the current population aged minAge or more on the date, per village. */
  async eligible(query: EligibleQuery, principal: Principal): Promise<EligibleReport> {
    await communeForRead(this.dataSource.manager, query.communeCode, principal);
    const onDate = query.onDate ?? vietnamToday();
    if (!isValidIsoDate(onDate)) throw unprocessable('onDate', 'not a calendar date');
    const rows: Array<{ code: string; name: string; eligible: number }> = await this.dataSource.query(
      `select v.code, v.name, count(r.id)::int as eligible
       from villages v
       left join households h on h.village_id = v.id
       left join residents r on r.household_id = h.id
         and r.status = 'living'
         and r.date_of_birth <= ($2::date - make_interval(years => $3::int))::date
       where v.commune_code = $1 and ($4::text is null or v.code = $4)
       group by v.code, v.name order by v.code`,
      [query.communeCode, onDate, query.minAge, query.villageCode ?? null],
    );
    return {
      communeCode: query.communeCode,
      onDate,
      minAge: query.minAge,
      total: rows.reduce((sum, row) => sum + row.eligible, 0),
      villages: rows.map((row) => ({ villageCode: row.code, villageName: row.name, eligible: row.eligible })),
    };
  }

  private async assertIdNumberFree(tx: EntityManager, communeCode: string, idNumber: string | undefined): Promise<void> {
    if (!idNumber) return;
    const [existing] = await tx.query('select 1 from residents where commune_code = $1 and id_number = $2', [communeCode, idNumber]);
    if (existing) throw new ConflictException({ message: 'A resident with this personal identification number is already registered in the commune', fields: [{ field: 'idNumber', reason: 'already registered in this commune' }] });
  }

  /** Same normalised name and date of birth in the commune: flag for review, never merge. */
  private async flagLikelyDuplicates(tx: EntityManager, communeCode: string, residentId: string, duplicateOfIds: readonly string[]) {
    const flags = [];
    for (const duplicateOfId of duplicateOfIds) {
      const flagId = randomUUID();
      await tx.query('insert into resident_duplicate_flags (id, commune_code, resident_id, duplicate_of_id, reason) values ($1, $2, $3, $4, $5)', [
        flagId,
        communeCode,
        residentId,
        duplicateOfId,
        'same name (diacritics ignored) and date of birth',
      ]);
      flags.push({ flagId, duplicateOfId });
    }
    return flags;
  }

  private async lockForWrite(tx: EntityManager, id: string, principal: Principal, expectedVersion: number) {
    const [locked] = await tx.query('select id from residents where id = $1 for update', [id]);
    if (!locked) throw notFound('Resident', id);
    const resident = await this.load(tx, id);
    const commune = await assertVisible(tx, resident.commune_code, principal, 'Resident', id);
    assertVersion('Resident', expectedVersion, resident.version);
    return { resident, commune };
  }

  private async load(tx: EntityManager, id: string): Promise<ResidentRow> {
    const [row] = await tx.query(`${SELECT_RESIDENT} where r.id = $1`, [id]);
    if (!row) throw notFound('Resident', id);
    return row;
  }
}

/** A resident about to be inserted, with what its checks found. */
interface Registration {
  input: RegisterResidentDto;
  context: WriteContext;
  registeredAt: Date;
  commune: CommuneScope;
  id: string;
  nameNormalized: string;
}

function newRegistration(input: RegisterResidentDto, context: WriteContext, registeredAt: Date, commune: CommuneScope): Registration {
  return { input, context, registeredAt, commune, id: randomUUID(), nameNormalized: normalizeName(input.fullName) };
}

/** The commune of the household a new resident joins, share-locked until the commit; 422 when the caller cannot see it. */
async function householdCommune(tx: EntityManager, householdId: string, principal: Principal): Promise<CommuneScope> {
  const household = await holdHousehold(tx, householdId);
  if (!household) throw unprocessable('householdId', 'unknown household');
  return assertVisible(tx, household.commune_code, principal, 'Household', householdId).catch(() => {
    throw unprocessable('householdId', 'unknown household');
  });
}

function assertPersonalData(dateOfBirth: string, sex: 'male' | 'female', idNumber: string | undefined): void {
  if (!isValidIsoDate(dateOfBirth)) throw unprocessable('dateOfBirth', 'not a calendar date');
  if (dateOfBirth > vietnamToday()) throw unprocessable('dateOfBirth', 'must not be in the future');
  if (dateOfBirth < '1880-01-01') throw unprocessable('dateOfBirth', 'must be after 1880');
  if (idNumber !== undefined) {
    const problems = personalIdProblems(idNumber, dateOfBirth, sex);
    if (problems.length > 0) throw unprocessable('idNumber', problems[0].reason);
  }
}

function reportable(resident: ResidentRow) {
  const [year, month] = resident.date_of_birth.split('-').map(Number);
  return {
    residentId: resident.id,
    householdId: resident.household_id,
    villageId: resident.village_id,
    sex: resident.sex,
    birthYear: year,
    birthMonth: month,
    ...(resident.ethnic_minority === null ? {} : { ethnicMinority: resident.ethnic_minority }),
    ownsSmartphone: resident.owns_smartphone,
  };
}

function toView(row: ResidentRow): ResidentView {
  return {
    id: row.id,
    communeCode: row.commune_code,
    householdId: row.household_id,
    villageCode: row.village_code,
    fullName: row.full_name,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    ethnicity: row.ethnicity,
    idNumber: row.id_number,
    phone: row.phone,
    ownsSmartphone: row.owns_smartphone,
    relationshipToHead: row.relationship_to_head,
    status: row.status,
    version: row.version,
  };
}
