import { pageOf, type Page, assertVersion, notFound, resolveOccurredAt, unprocessable } from '@dtc/platform';
import { Injectable } from '@nestjs/common';
import { createEvent, HouseholdDigitalCoreSetV1, HouseholdMovedV1, HouseholdRegisteredV1, HouseholdUpdatedV1, type EventEnvelope } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '@dtc/persistence';
import { assertVisible, communeForRead, communeForWrite, villageOfCommune, type CommuneScope, type VillageOfCommune } from '../common/commune-scope';
import { originOf } from '../common/event-origin';
import { inTransaction, type RanItem, type SyncItemToRun, type WriteContext } from '@dtc/offline-sync';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from './household.entity';
import type { HouseholdConditionsDto, HouseholdListQuery, HouseholdView, MoveHouseholdDto, RegisterHouseholdDto, SetDigitalCoreDto, UpdateHouseholdDto } from './households.dto';
import { holdInserted } from './households-held';

const CONDITION_FIELDS = ['ethnicMinority', 'hasElectricity', 'mobileSignal', 'hasInternet', 'smartDevices', 'distanceToCentreKm'] as const;
const EDITABLE_FIELDS = ['address', 'headName', 'latitude', 'longitude', ...CONDITION_FIELDS] as const;

@Injectable()
export class HouseholdsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  /** Writes the household, its first village stay, the audit row and its event in one transaction. */
  async register(input: RegisterHouseholdDto, principal: Principal, context: WriteContext = {}): Promise<HouseholdView> {
    return inTransaction(this.dataSource, context, async (tx) => {
      const registration = await newRegistration(tx, input, principal, context);
      await insertHouseholds(tx, principal, [registration]);
      await this.recordRegistered(tx, principal, registration);
      return toView(registration.household, registration.village.code);
    });
  }

  /**
   * An upload's run of household registrations (sync runMany): the same checks per household as
   * register, and one insert for all of them; each item's audit row and event come with its finish.
   */
  async registerMany(items: ReadonlyArray<SyncItemToRun<RegisterHouseholdDto>>, principal: Principal, tx: EntityManager): Promise<RanItem[]> {
    const registrations: HouseholdRegistration[] = [];
    for (const { payload, context } of items) registrations.push(await newRegistration(tx, payload, principal, context));
    await insertHouseholds(tx, principal, registrations);
    return registrations.map((registration) => ({ body: toView(registration.household, registration.village.code), finish: () => this.recordRegistered(tx, principal, registration) }));
  }

  /** The registration's audit row and its event. */
  private async recordRegistered(tx: EntityManager, principal: Principal, { household, village, commune, input, context }: HouseholdRegistration): Promise<void> {
    await recordAudit(tx, principal, { communeCode: commune.code, action: 'register', entity: 'household', entityId: household.id, fields: definedKeys(input) });
    const event = createEvent(
      HouseholdRegisteredV1,
      originOf(commune, household.id, household.registeredAt, context),
      { householdId: household.id, villageId: village.id, villageCode: village.code, villageName: village.name, occurredAt: household.registeredAt.toISOString(), ...conditionsOf(input) },
    );
    await this.messaging.outbox.append(tx, [event]);
  }

  async update(id: string, input: UpdateHouseholdDto, principal: Principal, context: WriteContext = {}): Promise<HouseholdView> {
    const changedAt = resolveOccurredAt('changedAt', input.changedAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { household, commune } = await this.lockForWrite(tx, id, principal, input.version);
      const changes = pick(input, EDITABLE_FIELDS);
      assertCoordinates({ latitude: changes.latitude ?? household.latitude ?? undefined, longitude: changes.longitude ?? household.longitude ?? undefined });
      if (Object.keys(changes).length === 0) throw unprocessable('body', 'nothing to change');
      const reportable = conditionsOf(changes);
      await this.saveChange(tx, household, principal, {
        patch: changes,
        action: 'update',
        fields: Object.keys(changes),
        event:
          Object.keys(reportable).length > 0
            ? (version) => createEvent(HouseholdUpdatedV1, originOf(commune, id, changedAt, context), { householdId: id, villageId: household.villageId, occurredAt: changedAt.toISOString(), version, ...reportable })
            : undefined,
      });
      return toView(household, await this.villageCode(tx, household.villageId));
    });
  }

  async move(id: string, input: MoveHouseholdDto, principal: Principal, context: WriteContext = {}): Promise<HouseholdView> {
    const movedAt = resolveOccurredAt('movedAt', input.movedAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { household, commune } = await this.lockForWrite(tx, id, principal, input.version);
      const target = await villageOfCommune(tx, commune.code, input.villageCode);
      if (target.id === household.villageId) throw unprocessable('villageCode', 'the household already lives in this village');
      const fromVillageId = household.villageId;
      await tx.query('update household_village_history set to_at = $2 where household_id = $1 and to_at is null', [id, movedAt]);
      await tx.query('insert into household_village_history (household_id, village_id, from_at, recorded_by) values ($1, $2, $3, $4)', [id, target.id, movedAt, principal.subject]);
      await this.saveChange(tx, household, principal, {
        patch: { villageId: target.id },
        action: 'move',
        fields: ['villageId'],
        event: (version) =>
          createEvent(HouseholdMovedV1, originOf(commune, id, movedAt, context), { householdId: id, fromVillageId, toVillageId: target.id, toVillageCode: target.code, toVillageName: target.name, occurredAt: movedAt.toISOString(), version }),
      });
      return toView(household, target.code);
    });
  }

  async setDigitalCore(id: string, input: SetDigitalCoreDto, principal: Principal, context: WriteContext = {}): Promise<HouseholdView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { household, commune } = await this.lockForWrite(tx, id, principal, input.version);
      if (input.residentId !== null) {
        const [member] = await tx.query('select status, owns_smartphone from residents where id = $1 and household_id = $2', [input.residentId, id]);
        if (!member) throw unprocessable('residentId', 'not a member of this household');
        if (member.status !== 'living') throw unprocessable('residentId', `the resident is ${member.status.replace('_', ' ')}`);
      }
      await this.saveChange(tx, household, principal, {
        patch: { digitalCoreResidentId: input.residentId },
        action: 'set-digital-core',
        fields: ['digitalCoreResidentId'],
        event: (version) => createEvent(HouseholdDigitalCoreSetV1, originOf(commune, id, at, context), { householdId: id, villageId: household.villageId, residentId: input.residentId, occurredAt: at.toISOString(), version }),
      });
      return toView(household, await this.villageCode(tx, household.villageId));
    });
  }

  async get(id: string, principal: Principal): Promise<HouseholdView> {
    const tx = this.dataSource.manager;
    const household = await tx.getRepository(HouseholdEntity).findOneBy({ id });
    if (!household) throw notFound('Household', id);
    await assertVisible(tx, household.communeCode, principal, 'Household', id);
    const history: Array<{ village_id: string; code: string; from_at: Date; to_at: Date | null }> = await tx.query(
      `select h.village_id, v.code, h.from_at, h.to_at from household_village_history h join villages v on v.id = h.village_id
       where h.household_id = $1 order by h.from_at, h.id`,
      [id],
    );
    return {
      ...toView(household, await this.villageCode(tx, household.villageId)),
      villageHistory: history.map((h) => ({ villageId: h.village_id, villageCode: h.code, from: h.from_at.toISOString(), to: h.to_at?.toISOString() ?? null })),
    };
  }

  async list(query: HouseholdListQuery, principal: Principal): Promise<Page<HouseholdView>> {
    const tx = this.dataSource.manager;
    await communeForRead(tx, query.communeCode, principal);
    const builder = tx
      .getRepository(HouseholdEntity)
      .createQueryBuilder('h')
      .innerJoin(VillageEntity, 'v', 'v.id = h.village_id')
      .addSelect('v.code', 'village_code')
      .where('h.commune_code = :commune', { commune: query.communeCode });
    if (query.villageCode) builder.andWhere('v.code = :village', { village: query.villageCode });
    if (query.withoutDigitalCore === true) builder.andWhere('h.digital_core_resident_id is null');
    if (query.withoutDigitalCore === false) builder.andWhere('h.digital_core_resident_id is not null');
    const total = await builder.getCount();
    const { entities, raw } = await builder
      .orderBy('v.code')
      .addOrderBy('h.registered_at')
      .addOrderBy('h.id')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawAndEntities();
    return pageOf(
      entities.map((household, index) => toView(household, (raw[index] as { village_code: string }).village_code)),
      total,
      query,
    );
  }

  /** Saves a change with a new version, its audit row and (when reportable) its event, atomically. */
  private async saveChange(tx: EntityManager, household: HouseholdEntity, principal: Principal, change: { patch: Partial<HouseholdEntity>; action: string; fields: string[]; event?: (version: number) => EventEnvelope }): Promise<void> {
    Object.assign(household, change.patch, { version: household.version + 1, updatedAt: new Date(), updatedBy: principal.subject });
    await tx.getRepository(HouseholdEntity).save(household);
    await recordAudit(tx, principal, { communeCode: household.communeCode, action: change.action, entity: 'household', entityId: household.id, fields: change.fields });
    if (change.event) await this.messaging.outbox.append(tx, [change.event(household.version)]);
  }

  /** Loads and row-locks the household, checks scope (404 outside it) and the version read (409). */
  private async lockForWrite(tx: EntityManager, id: string, principal: Principal, expectedVersion: number) {
    const household = await tx.getRepository(HouseholdEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!household) throw notFound('Household', id);
    const commune = await assertVisible(tx, household.communeCode, principal, 'Household', id);
    assertVersion('Household', expectedVersion, household.version);
    return { household, commune };
  }

  private async villageCode(tx: EntityManager, villageId: string): Promise<string> {
    return (await tx.getRepository(VillageEntity).findOneByOrFail({ id: villageId })).code;
  }
}

function assertCoordinates(input: { latitude?: number; longitude?: number }): void {
  if ((input.latitude === undefined) !== (input.longitude === undefined)) throw unprocessable(input.latitude === undefined ? 'latitude' : 'longitude', 'give latitude and longitude together');
}

function pick<T extends object, K extends keyof T>(input: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]])) as Partial<Pick<T, K>>;
}

/** A household about to be registered, with what its checks found. */
interface HouseholdRegistration {
  household: HouseholdEntity;
  village: VillageOfCommune;
  commune: CommuneScope;
  input: RegisterHouseholdDto;
  context: WriteContext;
}

/** The checks of a registration (its time, coordinates, commune scope, village) and the row it will write. */
async function newRegistration(tx: EntityManager, input: RegisterHouseholdDto, principal: Principal, context: WriteContext): Promise<HouseholdRegistration> {
  const registeredAt = resolveOccurredAt('registeredAt', input.registeredAt, context.occurredAt);
  assertCoordinates(input);
  const commune = await communeForWrite(tx, input.communeCode, principal);
  const village = await villageOfCommune(tx, commune.code, input.villageCode);
  const now = new Date();
  const household: HouseholdEntity = {
    id: randomUUID(),
    communeCode: commune.code,
    villageId: village.id,
    address: input.address,
    headName: input.headName,
    latitude: input.latitude ?? null,
    longitude: input.longitude ?? null,
    ethnicMinority: input.ethnicMinority ?? null,
    hasElectricity: input.hasElectricity ?? null,
    mobileSignal: input.mobileSignal ?? null,
    hasInternet: input.hasInternet ?? null,
    smartDevices: input.smartDevices ?? null,
    distanceToCentreKm: input.distanceToCentreKm ?? null,
    digitalCoreResidentId: null,
    registeredAt,
    version: 1,
    createdAt: now,
    createdBy: principal.subject,
    updatedAt: now,
    updatedBy: principal.subject,
  };
  return { household, village, commune, input, context };
}

/**
 * Any number of households and the first row of each one's village history in one round trip;
 * their times are the ones the views answer with (not the database's clock).
 */
async function insertHouseholds(tx: EntityManager, principal: Principal, registrations: readonly HouseholdRegistration[]): Promise<void> {
  const column = <T>(value: (household: HouseholdEntity) => T) => registrations.map(({ household }) => value(household));
  await tx.query(
    `with household as (
       insert into households (id, commune_code, village_id, address, head_name, latitude, longitude, ethnic_minority, has_electricity, mobile_signal,
                               has_internet, smart_devices, distance_to_centre_km, registered_at, version, created_at, created_by, updated_at, updated_by)
       select n.id, n.commune_code, n.village_id, n.address, n.head_name, n.latitude, n.longitude, n.ethnic_minority, n.has_electricity, n.mobile_signal,
              n.has_internet, n.smart_devices, n.distance_to_centre_km, n.registered_at, 1, n.created_at, $16, n.created_at, $16
       from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::boolean[], $9::boolean[], $10::text[],
                   $11::boolean[], $12::integer[], $13::numeric[], $14::timestamptz[], $15::timestamptz[])
         as n (id, commune_code, village_id, address, head_name, latitude, longitude, ethnic_minority, has_electricity, mobile_signal,
               has_internet, smart_devices, distance_to_centre_km, registered_at, created_at)
       returning id, village_id, registered_at)
     insert into household_village_history (household_id, village_id, from_at, recorded_by) select id, village_id, registered_at, $16 from household`,
    [
      column((h) => h.id),
      column((h) => h.communeCode),
      column((h) => h.villageId),
      column((h) => h.address),
      column((h) => h.headName),
      column((h) => h.latitude),
      column((h) => h.longitude),
      column((h) => h.ethnicMinority),
      column((h) => h.hasElectricity),
      column((h) => h.mobileSignal),
      column((h) => h.hasInternet),
      column((h) => h.smartDevices),
      column((h) => h.distanceToCentreKm),
      column((h) => h.registeredAt),
      column((h) => h.createdAt),
      principal.subject,
    ],
  );
  for (const { household } of registrations) holdInserted(tx, { id: household.id, commune_code: household.communeCode });
}

function conditionsOf(input: Partial<HouseholdConditionsDto>) {
  return pick(input as HouseholdConditionsDto, CONDITION_FIELDS);
}

function definedKeys(input: object): string[] {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

function toView(household: HouseholdEntity, villageCode: string): HouseholdView {
  return {
    id: household.id,
    communeCode: household.communeCode,
    villageId: household.villageId,
    villageCode,
    address: household.address,
    headName: household.headName,
    registeredAt: household.registeredAt.toISOString(),
    latitude: household.latitude,
    longitude: household.longitude,
    ethnicMinority: household.ethnicMinority,
    hasElectricity: household.hasElectricity,
    mobileSignal: household.mobileSignal,
    hasInternet: household.hasInternet,
    smartDevices: household.smartDevices,
    distanceToCentreKm: household.distanceToCentreKm,
    digitalCoreResidentId: household.digitalCoreResidentId,
    version: household.version,
  };
}
