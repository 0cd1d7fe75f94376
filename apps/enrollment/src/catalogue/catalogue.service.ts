import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { cachePerDatabase, recordAudit, writtenFields } from '@dtc/persistence';
import { assertProvinceAccess, type Principal } from '@dtc/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { CreateServiceDto, ServiceView } from './catalogue.dto';

export interface ServiceRow {
  code: string;
  name_vi: string;
  name_en: string;
  subject: 'resident' | 'organisation';
  min_age: number | null;
  detail_label: string | null;
  states: string[];
  province_code: string | null;
}

/** Services of the catalogue read by this process: a service is added once and never changed or removed. */
const servicesRead = cachePerDatabase<ServiceRow>();

/** The service catalogue is data: national services plus those a province adds for its communes. */
@Injectable()
export class CatalogueService {
  constructor(private readonly dataSource: DataSource) {}

  async list(provinceCode?: string): Promise<ServiceView[]> {
    const rows: ServiceRow[] = await this.dataSource.query('select * from services where province_code is null or province_code = $1 order by province_code nulls first, code', [provinceCode ?? null]);
    return rows.map(toView);
  }

  async create(input: CreateServiceDto, principal: Principal): Promise<ServiceView> {
    if (input.provinceCode) assertProvinceAccess(principal, input.provinceCode);
    else assertProvinceAccess(principal, '__national__');
    return this.dataSource.transaction(async (tx) => {
      const [existing] = await tx.query('select 1 from services where code = $1', [input.code]);
      if (existing) throw new ConflictException({ message: `Service ${input.code} already exists`, fields: [{ field: 'code', reason: 'already exists' }] });
      await tx.query('insert into services (code, name_vi, name_en, subject, min_age, detail_label, states, province_code, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        input.code,
        input.nameVi,
        input.nameEn,
        input.subject,
        input.minAge ?? null,
        input.detailLabel ?? null,
        input.states,
        input.provinceCode ?? null,
        principal.subject,
      ]);
      // A province's own service is a province-wide write; a national one (operations) has no tenant.
      await recordAudit(tx, principal, { provinceCode: input.provinceCode ?? null, action: 'add', entity: 'service', entityId: input.code, fields: writtenFields(input) });
      return toView(await this.find(tx, input.code));
    });
  }

  async find(tx: EntityManager, code: string): Promise<ServiceRow> {
    const known = servicesRead(tx).get(code);
    if (known) return known;
    const [row]: ServiceRow[] = await tx.query('select * from services where code = $1', [code]);
    if (!row) throw new NotFoundException(`Service ${code} not found`);
    servicesRead(tx).set(code, row);
    return row;
  }
}

function toView(row: ServiceRow): ServiceView {
  return { code: row.code, nameVi: row.name_vi, nameEn: row.name_en, subject: row.subject, minAge: row.min_age, detailLabel: row.detail_label, states: row.states, provinceCode: row.province_code };
}
