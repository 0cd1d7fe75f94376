import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { CommuneOnboardedV1, createEvent } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { recordAudit } from '@dtc/persistence';
import { assertCommuneAccess, type Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CommuneEntity } from './commune.entity';
import type { CommuneView, CreateCommuneDto, CreateVillageDto, VillageView } from './communes.dto';
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
    return this.dataSource.transaction(async (tx) => {
      // An update's query answers [rows, rowCount].
      const [claimed]: [Array<{ code: string; name: string; province_code: string; province_name: string; announced_at: Date }>, number] = await tx.query(
        `update communes set announced_at = now() where code in (select code from communes where announced_at is null order by code for update skip locked)
         returning code, name, province_code, province_name, announced_at`,
      );
      if (claimed.length === 0) return 0;
      await this.messaging.outbox.append(
        tx,
        claimed.map((row) => communeOnboarded({ code: row.code, name: row.name, provinceCode: row.province_code, provinceName: row.province_name }, row.announced_at)),
      );
      return claimed.length;
    });
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
    await this.findVisible(communeCode, principal);
    return this.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(VillageEntity);
      if (await repository.existsBy({ communeCode, code: input.code })) {
        throw new ConflictException({ message: `Village ${input.code} already exists in commune ${communeCode}`, fields: [{ field: 'code', reason: 'already exists' }] });
      }
      const saved = await repository.save(repository.create({ id: randomUUID(), communeCode, ...input, createdBy: principal.subject }));
      await recordAudit(tx, principal, { communeCode, action: 'add', entity: 'village', entityId: saved.id, fields: Object.keys(input) });
      return toVillageView(saved);
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

function toCommuneView(commune: CommuneEntity): CommuneView {
  return { code: commune.code, name: commune.name, provinceCode: commune.provinceCode, provinceName: commune.provinceName };
}

function toVillageView(village: VillageEntity): VillageView {
  return { id: village.id, communeCode: village.communeCode, code: village.code, name: village.name };
}
