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
      const saved = await repository.save(repository.create({ ...input, createdBy: actor.subject }));
      await recordAudit(tx, actor, { communeCode: saved.code, action: 'onboard', entity: 'commune', entityId: saved.code, fields: Object.keys(input) });
      // Other services learn the commune's province from the registry, never from a request body.
      const onboardedAt = new Date();
      await this.messaging.outbox.append(tx, [
        createEvent(
          CommuneOnboardedV1,
          { tenant: saved.code, province: saved.provinceCode, subject: saved.code, time: onboardedAt },
          { communeCode: saved.code, communeName: saved.name, provinceCode: saved.provinceCode, provinceName: saved.provinceName, occurredAt: onboardedAt.toISOString() },
        ),
      ]);
      return toCommuneView(saved);
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

function toCommuneView(commune: CommuneEntity): CommuneView {
  return { code: commune.code, name: commune.name, provinceCode: commune.provinceCode, provinceName: commune.provinceName };
}

function toVillageView(village: VillageEntity): VillageView {
  return { id: village.id, communeCode: village.communeCode, code: village.code, name: village.name };
}
