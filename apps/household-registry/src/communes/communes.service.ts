import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { CommuneOnboardedV1, CommuneRenamedV1, createEvent, VillageRegisteredV1, VillageRenamedV1 } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { recordAudit } from '@dtc/persistence';
import { assertCommuneAccess, canAccessCommune, notFound, type Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CommuneEntity } from './commune.entity';
import type { CommuneView, CreateCommuneDto, CreateVillageDto, RenameCommuneDto, RenameVillageDto, VillageView } from './communes.dto';
import { VillageEntity } from './village.entity';

@Injectable()
export class CommunesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async onboard(input: CreateCommuneDto, actor: Principal): Promise<CommuneView> {
    return this.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(CommuneEntity);
      if (await repository.existsBy({ code: input.code })) throw new ConflictException({ message: `Commune ${input.code} already exists`, fields: [{ field: 'code', reason: 'already exists' }] });
      const onboardedAt = new Date();
      const saved = await repository.save(repository.create({ ...input, createdBy: actor.subject, announcedAt: onboardedAt }));
      await recordAudit(tx, actor, { communeCode: saved.code, action: 'onboard', entity: 'commune', entityId: saved.code, fields: Object.keys(input) });
      // Other services learn the commune's province from the registry, never from a request body.
      await this.messaging.outbox.append(tx, [communeOnboarded(saved, onboardedAt)]);
      return toCommuneView(saved);
    });
  }

  /**
   * Publishes the onboarded event of communes onboarded before it existed, once: claiming them and
   * appending their events is one transaction, so concurrent instances announce each commune once.
   */
  async announceUnannounced(): Promise<number> {
    return this.messaging.outbox.announceClaimed<{ code: string; name: string; province_code: string; province_name: string; announced_at: Date }>(
      this.dataSource,
      `update communes set announced_at = now() where code in (select code from communes where announced_at is null order by code for update skip locked)
       returning code, name, province_code, province_name, announced_at`,
      (claimed) => claimed.map((row) => communeOnboarded({ code: row.code, name: row.name, provinceCode: row.province_code, provinceName: row.province_name }, row.announced_at)),
    );
  }

  /**
   * Publishes the registered event of villages added before it existed, once, like
   * announceUnannounced. Only villages whose commune's onboarded event is already in the outbox
   * (committed, or claimed earlier in this start) are claimed, so on the commune's key its
   * onboarding always comes first; a commune another instance is announcing right now is left to
   * that instance, which announces its villages next.
   */
  async announceUnannouncedVillages(): Promise<number> {
    return this.messaging.outbox.announceClaimed<{ id: string; commune_code: string; code: string; name: string; created_at: Date; province_code: string }>(
      this.dataSource,
      `update villages v set announced_at = now() from communes c
       where c.code = v.commune_code
         and v.id in (select village.id from villages village join communes commune on commune.code = village.commune_code
                      where village.announced_at is null and commune.announced_at is not null
                      for update of village skip locked)
       returning v.id, v.commune_code, v.code, v.name, v.created_at, c.province_code`,
      (claimed) =>
        // Oldest first within a commune: the order the villages were added in.
        [...claimed]
          .sort((a, b) => a.commune_code.localeCompare(b.commune_code) || new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.code.localeCompare(b.code))
          .map((row) => villageRegistered({ id: row.id, communeCode: row.commune_code, code: row.code, name: row.name }, row.province_code, new Date(row.created_at))),
    );
  }

  /** The commune if the caller may see it; 404 hides communes outside the caller's scope. */
  async findVisible(code: string, principal: Principal): Promise<CommuneEntity> {
    const commune = await this.dataSource.getRepository(CommuneEntity).findOneBy({ code });
    if (!commune) throw new NotFoundException(`Commune ${code} not found`);
    assertCommuneAccess(principal, commune.code, commune.provinceCode);
    return commune;
  }

  async get(code: string, principal: Principal): Promise<CommuneView> {
    return toCommuneView(await this.findVisible(code, principal));
  }

  async addVillage(communeCode: string, input: CreateVillageDto, principal: Principal): Promise<VillageView> {
    const commune = await this.findVisible(communeCode, principal);
    return this.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(VillageEntity);
      if (await repository.existsBy({ communeCode, code: input.code })) {
        throw new ConflictException({ message: `Village ${input.code} already exists in commune ${communeCode}`, fields: [{ field: 'code', reason: 'already exists' }] });
      }
      const addedAt = new Date();
      const saved = await repository.save(repository.create({ id: randomUUID(), communeCode, ...input, createdBy: principal.subject, announcedAt: addedAt }));
      await recordAudit(tx, principal, { communeCode, action: 'add', entity: 'village', entityId: saved.id, fields: Object.keys(input) });
      await this.messaging.outbox.append(tx, [villageRegistered(saved, commune.provinceCode, addedAt)]);
      return toVillageView(saved);
    });
  }

  async rename(code: string, input: RenameCommuneDto, principal: Principal): Promise<CommuneView> {
    return this.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(CommuneEntity);
      const commune = await repository.findOne({ where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!commune || !canAccessCommune(principal, commune.code, commune.provinceCode)) throw notFound('Commune', code);
      if (commune.name === input.name) throw nothingToChange('commune');
      commune.name = input.name;
      await repository.update({ code }, { name: input.name });
      await recordAudit(tx, principal, { communeCode: code, action: 'rename', entity: 'commune', entityId: code, fields: ['name'] });
      const renamedAt = new Date();
      await this.messaging.outbox.append(tx, [
        createEvent(CommuneRenamedV1, { tenant: code, province: commune.provinceCode, subject: code, time: renamedAt }, { communeCode: code, communeName: input.name, occurredAt: renamedAt.toISOString() }),
      ]);
      return toCommuneView(commune);
    });
  }

  async renameVillage(communeCode: string, villageId: string, input: RenameVillageDto, principal: Principal): Promise<VillageView> {
    return this.dataSource.transaction(async (tx) => {
      const commune = await tx.getRepository(CommuneEntity).findOneBy({ code: communeCode });
      if (!commune || !canAccessCommune(principal, commune.code, commune.provinceCode)) throw notFound('Commune', communeCode);
      const repository = tx.getRepository(VillageEntity);
      const village = await repository.findOne({ where: { id: villageId, communeCode }, lock: { mode: 'pessimistic_write' } });
      if (!village) throw notFound('Village', villageId);
      if (village.name === input.name) throw nothingToChange('village');
      village.name = input.name;
      await repository.update({ id: villageId }, { name: input.name });
      await recordAudit(tx, principal, { communeCode, action: 'rename', entity: 'village', entityId: villageId, fields: ['name'] });
      const renamedAt = new Date();
      await this.messaging.outbox.append(tx, [
        createEvent(
          VillageRenamedV1,
          // Keyed by the commune like the village's registration, so a rename never overtakes it.
          { tenant: communeCode, province: commune.provinceCode, subject: communeCode, time: renamedAt },
          { villageId, communeCode, villageName: input.name, occurredAt: renamedAt.toISOString() },
        ),
      ]);
      return toVillageView(village);
    });
  }

  async listVillages(communeCode: string, principal: Principal): Promise<VillageView[]> {
    await this.findVisible(communeCode, principal);
    const villages = await this.dataSource.getRepository(VillageEntity).find({ where: { communeCode }, order: { code: 'ASC' } });
    return villages.map(toVillageView);
  }
}

function communeOnboarded(commune: Pick<CommuneEntity, 'code' | 'name' | 'provinceCode' | 'provinceName'>, at: Date) {
  return createEvent(
    CommuneOnboardedV1,
    { tenant: commune.code, province: commune.provinceCode, subject: commune.code, time: at },
    { communeCode: commune.code, communeName: commune.name, provinceCode: commune.provinceCode, provinceName: commune.provinceName, occurredAt: at.toISOString() },
  );
}

function villageRegistered(village: Pick<VillageEntity, 'id' | 'communeCode' | 'code' | 'name'>, provinceCode: string, at: Date) {
  return createEvent(
    VillageRegisteredV1,
    // Keyed by the commune: after the commune's onboarding and before the village's renames.
    { tenant: village.communeCode, province: provinceCode, subject: village.communeCode, time: at },
    { villageId: village.id, communeCode: village.communeCode, villageCode: village.code, villageName: village.name, occurredAt: at.toISOString() },
  );
}

function nothingToChange(what: string): ConflictException {
  return new ConflictException({ message: `The ${what} already has this name; nothing to change`, fields: [{ field: 'name', reason: 'is the current name' }] });
}

function toCommuneView(commune: CommuneEntity): CommuneView {
  return { code: commune.code, name: commune.name, provinceCode: commune.provinceCode, provinceName: commune.provinceName };
}

function toVillageView(village: VillageEntity): VillageView {
  return { id: village.id, communeCode: village.communeCode, code: village.code, name: village.name };
}
