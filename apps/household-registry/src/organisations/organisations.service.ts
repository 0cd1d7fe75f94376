import { pageOf, type Page, assertVersion, notFound, resolveOccurredAt } from '@dtc/platform';
import { ConflictException, Injectable } from '@nestjs/common';
import { createEvent, OrganisationEIdentifiedV1, OrganisationRegisteredV1 } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import type { Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '@dtc/persistence';
import { assertVisible, communeForRead, communeForWrite, villageOfCommune } from '../common/commune-scope';
import { originOf } from '../common/event-origin';
import { inTransaction, type WriteContext } from '@dtc/offline-sync';
import type { OrganisationQuery, OrganisationView, RegisterOrganisationDto, SetEIdStatusDto } from './organisations.dto';

interface OrganisationRow {
  id: string;
  commune_code: string;
  village_id: string;
  village_code: string;
  name: string;
  tax_code: string;
  kind: string;
  e_id_status: string;
  version: number;
}

const SELECT = 'select o.*, v.code as village_code from organisations o join villages v on v.id = o.village_id';

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async register(input: RegisterOrganisationDto, principal: Principal, context: WriteContext = {}): Promise<OrganisationView> {
    const at = resolveOccurredAt('registeredAt', input.registeredAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const commune = await communeForWrite(tx, input.communeCode, principal);
      const village = await villageOfCommune(tx, commune.code, input.villageCode);
      const [existing] = await tx.query('select 1 from organisations where commune_code = $1 and tax_code = $2', [commune.code, input.taxCode]);
      if (existing) throw new ConflictException({ message: 'An organisation with this tax code is already registered in the commune', fields: [{ field: 'taxCode', reason: 'already registered' }] });
      const id = randomUUID();
      const eIdStatus = input.eIdStatus ?? 'none';
      await tx.query(
        'insert into organisations (id, commune_code, village_id, name, tax_code, kind, e_id_status, created_by, updated_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)',
        [id, commune.code, village.id, input.name, input.taxCode, input.kind, eIdStatus, principal.subject],
      );
      await recordAudit(tx, principal, { communeCode: commune.code, action: 'register', entity: 'organisation', entityId: id, fields: Object.keys(input) });
      const event = createEvent(
        OrganisationRegisteredV1,
        originOf(commune, id, at, context),
        { organisationId: id, villageId: village.id, kind: input.kind, eIdStatus, occurredAt: at.toISOString() },
      );
      await this.messaging.outbox.append(tx, [event]);
      return toView(await this.load(tx, id));
    });
  }

  async setEIdStatus(id: string, input: SetEIdStatusDto, principal: Principal, context: WriteContext = {}): Promise<OrganisationView> {
    const at = resolveOccurredAt('occurredAt', input.occurredAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const [locked] = await tx.query('select id from organisations where id = $1 for update', [id]);
      if (!locked) throw notFound('Organisation', id);
      const organisation = await this.load(tx, id);
      const commune = await assertVisible(tx, organisation.commune_code, principal, 'Organisation', id);
      assertVersion('Organisation', input.version, organisation.version);
      if (organisation.e_id_status === 'identified' && input.eIdStatus !== 'identified') {
        throw new ConflictException({ message: 'An e-identified organisation cannot go back', currentStatus: organisation.e_id_status });
      }
      await tx.query('update organisations set e_id_status = $2, version = version + 1, updated_at = now(), updated_by = $3 where id = $1', [id, input.eIdStatus, principal.subject]);
      await recordAudit(tx, principal, { communeCode: commune.code, action: 'set-e-id-status', entity: 'organisation', entityId: id, fields: ['eIdStatus'] });
      const updated = await this.load(tx, id);
      if (input.eIdStatus === 'identified' && organisation.e_id_status !== 'identified') {
        const event = createEvent(
          OrganisationEIdentifiedV1,
          originOf(commune, id, at, context),
          { organisationId: id, villageId: updated.village_id, occurredAt: at.toISOString(), version: updated.version },
        );
        await this.messaging.outbox.append(tx, [event]);
      }
      return toView(updated);
    });
  }

  async list(query: OrganisationQuery, principal: Principal): Promise<Page<OrganisationView>> {
    await communeForRead(this.dataSource.manager, query.communeCode, principal);
    const values: unknown[] = [query.communeCode, query.eIdStatus ?? null];
    const where = 'o.commune_code = $1 and ($2::text is null or o.e_id_status = $2)';
    const [{ total }] = await this.dataSource.query(`select count(*)::int as total from organisations o where ${where}`, values);
    const rows: OrganisationRow[] = await this.dataSource.query(`${SELECT} where ${where} order by o.name, o.id limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`, values);
    return pageOf(rows.map(toView), total, query);
  }

  private async load(tx: EntityManager, id: string): Promise<OrganisationRow> {
    const [row] = await tx.query(`${SELECT} where o.id = $1`, [id]);
    if (!row) throw notFound('Organisation', id);
    return row;
  }
}

function toView(row: OrganisationRow): OrganisationView {
  return { id: row.id, communeCode: row.commune_code, villageCode: row.village_code, name: row.name, taxCode: row.tax_code, kind: row.kind, eIdStatus: row.e_id_status, version: row.version };
}
