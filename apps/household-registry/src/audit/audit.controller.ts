import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, PageQuery, pageOf } from '@dtc/platform';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { communeForRead } from '../common/commune-scope';

class AuditQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

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
}

class AuditEntryView {
  @ApiProperty({ example: 'demo-field-agent' }) actor!: string;
  @ApiProperty({ example: 'update' }) action!: string;
  @ApiProperty({ example: 'household' }) entity!: string;
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) entityId!: string;
  @ApiProperty({ example: ['hasElectricity', 'mobileSignal'] }) fields!: string[];
  @ApiProperty({ example: '2026-07-22T09:15:03.120Z' }) at!: string;
}

class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 12 }) total!: number;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Who changed what and when in a commune (newest first)' })
  @ApiOkResponse({ type: AuditPage })
  async list(@Query() query: AuditQuery, @CurrentPrincipal() principal: Principal): Promise<AuditPage> {
    await communeForRead(this.dataSource.manager, query.communeCode, principal);
    const values = [query.communeCode, query.entity ?? null, query.entityId ?? null];
    const where = 'commune_code = $1 and ($2::text is null or entity = $2) and ($3::text is null or entity_id = $3)';
    const [{ total }] = await this.dataSource.query(`select count(*)::int as total from audit_log where ${where}`, values);
    const rows: Array<{ actor: string; action: string; entity: string; entity_id: string; fields: string[]; at: Date }> = await this.dataSource.query(
      `select actor, action, entity, entity_id, fields, at from audit_log where ${where} order by at desc, id desc limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`,
      values,
    );
    return pageOf(
      rows.map((row) => ({ actor: row.actor, action: row.action, entity: row.entity, entityId: row.entity_id, fields: row.fields, at: new Date(row.at).toISOString() })),
      total,
      query,
    );
  }
}
