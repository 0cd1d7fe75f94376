import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { createEvent, HouseholdRegisteredV1 } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { assertCommuneAccess, type Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';
import { HouseholdEntity } from './household.entity';
import type { HouseholdView, RegisterHouseholdDto } from './households.dto';

/** Allowed clock skew of field phones when checking "not in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

@Injectable()
export class HouseholdsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  /** Writes the household and its event in one transaction (transactional outbox). */
  async register(input: RegisterHouseholdDto, principal: Principal, correlationId?: string): Promise<HouseholdView> {
    const registeredAt = input.registeredAt ? new Date(input.registeredAt) : new Date();
    if (registeredAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
      throw new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field: 'registeredAt', reason: 'must not be in the future' }] });
    }
    return this.dataSource.transaction(async (tx) => {
      const commune = await tx.getRepository(CommuneEntity).findOneBy({ code: input.communeCode });
      if (!commune) throw new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field: 'communeCode', reason: 'unknown commune' }] });
      assertCommuneAccess(principal, commune.code, commune.provinceCode);
      const village = await tx.getRepository(VillageEntity).findOneBy({ communeCode: commune.code, code: input.villageCode });
      if (!village) throw new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field: 'villageCode', reason: `no such village in commune ${commune.code}` }] });

      const household = tx.getRepository(HouseholdEntity).create({
        id: randomUUID(),
        communeCode: commune.code,
        villageId: village.id,
        address: input.address,
        headName: input.headName,
        ethnicMinority: input.ethnicMinority ?? null,
        hasElectricity: input.hasElectricity ?? null,
        mobileSignal: input.mobileSignal ?? null,
        hasInternet: input.hasInternet ?? null,
        smartDevices: input.smartDevices ?? null,
        distanceToCentreKm: input.distanceToCentreKm ?? null,
        registeredAt,
        createdBy: principal.subject,
      });
      await tx.getRepository(HouseholdEntity).insert(household);

      const event = createEvent(
        HouseholdRegisteredV1,
        { tenant: commune.code, province: commune.provinceCode, subject: household.id, time: registeredAt, correlationId },
        {
          householdId: household.id,
          villageId: village.id,
          villageCode: village.code,
          villageName: village.name,
          occurredAt: registeredAt.toISOString(),
          ...definedOnly({
            ethnicMinority: input.ethnicMinority,
            hasElectricity: input.hasElectricity,
            mobileSignal: input.mobileSignal,
            hasInternet: input.hasInternet,
            smartDevices: input.smartDevices,
            distanceToCentreKm: input.distanceToCentreKm,
          }),
        },
      );
      await this.messaging.outbox.append(tx, [event]);
      return toView(household, village.code, 1);
    });
  }

  async get(id: string, principal: Principal): Promise<HouseholdView> {
    const household = await this.dataSource.getRepository(HouseholdEntity).findOneBy({ id });
    if (!household) throw new NotFoundException(`Household ${id} not found`);
    const commune = await this.dataSource.getRepository(CommuneEntity).findOneByOrFail({ code: household.communeCode });
    // Outside the caller's scope it does not exist for them.
    try {
      assertCommuneAccess(principal, commune.code, commune.provinceCode);
    } catch {
      throw new NotFoundException(`Household ${id} not found`);
    }
    const village = await this.dataSource.getRepository(VillageEntity).findOneByOrFail({ id: household.villageId });
    return toView(household, village.code, household.version);
  }
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toView(household: HouseholdEntity, villageCode: string, version: number): HouseholdView {
  return {
    id: household.id,
    communeCode: household.communeCode,
    villageId: household.villageId,
    villageCode,
    address: household.address,
    headName: household.headName,
    registeredAt: household.registeredAt.toISOString(),
    ethnicMinority: household.ethnicMinority,
    hasElectricity: household.hasElectricity,
    mobileSignal: household.mobileSignal,
    hasInternet: household.hasInternet,
    smartDevices: household.smartDevices,
    distanceToCentreKm: household.distanceToCentreKm,
    version,
  };
}
