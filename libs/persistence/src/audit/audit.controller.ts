import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { assertCommuneAccess, assertProvinceAccess, CurrentPrincipal, PageQuery, pageOf, Roles, unprocessable, type Principal } from '@dtc/platform';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';

/** How a service knows its communes (the registry owns them; the others learn them from events). */
export interface AuditTenants {
  provinceOf(tx: EntityManager, communeCode: string): Promise<string | undefined>;
  communesOf(tx: EntityManager, provinceCode: string): Promise<string[]>;
}

export const AUDIT_TENANTS = Symbol('AUDIT_TENANTS');

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: '16279', description: "A commune's entries (commune admins: one of their communes)" })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode?: string;

  @ApiPropertyOptional({ example: '38', description: "A province's entries: its communes' and its province-wide ones (province officers, operations)" })
  @IsOptional()
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be the 2-digit official province code' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: 'household' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  entity?: string;

  @ApiPropertyOptional({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  entityId?: string;

  @ApiPropertyOptional({ example: 'demo-field-agent', description: 'Only what this token subject wrote' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  actor?: string;
}

export class AuditEntryView {
  @ApiProperty({ example: 'demo-field-agent', description: 'Token subject of the caller, or system:<component> for automatic changes' }) actor!: string;
  @ApiProperty({ example: 'update' }) action!: string;
  @ApiProperty({ example: 'household' }) entity!: string;
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) entityId!: string;
  @ApiProperty({ example: '16279', nullable: true, type: String, description: 'Tenant of a commune write' }) communeCode!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Tenant of a province-wide write (null for commune writes and national catalogue writes)' })
  provinceCode!: string | null;
  @ApiProperty({ example: ['hasElectricity', 'mobileSignal'], description: 'Names of the fields written; values are never recorded' }) fields!: string[];
  @ApiProperty({ example: '8c0f3a1e-2b4d-4e6f-9a8b-7c6d5e4f3a2b', nullable: true, type: String, description: 'Client id of the offline-sync item that made the write, if any' })
  syncClientId!: string | null;
  @ApiProperty({ example: '2026-07-22T09:15:03.120Z' }) at!: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 12 }) total!: number;
}

interface AuditRow {
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  commune_code: string | null;
  province_code: string | null;
  fields: string[];
  sync_client_id: string | null;
  at: Date;
}

/**
 * GET /audit, the same in every service. Commune admins read their communes' entries, province
 * officers their province's (its communes' and its province-wide entries), operations everything.
 * Field agents and integrators have no access: the log is for oversight of their writes.
 */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUDIT_TENANTS) private readonly tenants: AuditTenants,
  ) {}

  @Get()
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiOperation({
    summary: 'Who wrote what and when, per commune or province (newest first)',
    description: 'Every write of this service: actor, tenant, time, action, entity and the names of the fields written (never their values). Give communeCode or provinceCode; operations may give neither to read every tenant.',
  })
  @ApiOkResponse({ type: AuditPage })
  @ApiForbiddenResponse({ description: 'The commune or province is outside the token’s scope' })
  @ApiUnprocessableEntityResponse({ description: 'Neither or both of communeCode and provinceCode' })
  async list(@Query() query: AuditQuery, @CurrentPrincipal() principal: Principal): Promise<AuditPage> {
    const manager = this.dataSource.manager;
    const conditions: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (query.communeCode && query.provinceCode) throw unprocessable('provinceCode', 'give communeCode or provinceCode, not both');
    if (query.communeCode) {
      assertCommuneAccess(principal, query.communeCode, await this.tenants.provinceOf(manager, query.communeCode));
      conditions.push(`commune_code = ${param(query.communeCode)}`);
    } else if (query.provinceCode) {
      assertProvinceAccess(principal, query.provinceCode);
      const communes = await this.tenants.communesOf(manager, query.provinceCode);
      conditions.push(`(province_code = ${param(query.provinceCode)} or commune_code = any(${param(communes)}::bpchar[]))`);
    } else if (principal.role !== 'operations') {
      throw unprocessable('communeCode', 'give communeCode or provinceCode (only operations may read every tenant at once)');
    }
    if (query.entity) conditions.push(`entity = ${param(query.entity)}`);
    if (query.entityId) conditions.push(`entity_id = ${param(query.entityId)}`);
    if (query.actor) conditions.push(`actor = ${param(query.actor)}`);
    const filter = conditions.length ? `where ${conditions.join(' and ')}` : '';
    const [{ total }] = await this.dataSource.query(`select count(*)::int as total from audit_log ${filter}`, values);
    const rows: AuditRow[] = await this.dataSource.query(
      `select actor, action, entity, entity_id, commune_code, province_code, fields, sync_client_id, at from audit_log ${filter}
       order by at desc, id desc limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`,
      values,
    );
    return pageOf(rows.map(toView), total, query);
  }
}

function toView(row: AuditRow): AuditEntryView {
  return {
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    communeCode: row.commune_code,
    provinceCode: row.province_code,
    fields: row.fields,
    syncClientId: row.sync_client_id,
    at: new Date(row.at).toISOString(),
  };
}
