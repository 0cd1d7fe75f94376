import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { provinceWideTenant, recordAudit, writtenFields } from '@dtc/persistence';
import { CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { ConflictException } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';
import { DataSource } from 'typeorm';

export class TopicDto {
  @ApiProperty({ example: 'digital_agriculture' })
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'code must be 2-40 lower-case letters, digits or underscores' })
  code!: string;

  @ApiProperty({ example: 'Nông nghiệp số' })
  @IsString()
  @Length(2, 200)
  nameVi!: string;

  @ApiProperty({ example: 'Digital agriculture' })
  @IsString()
  @Length(2, 200)
  nameEn!: string;
}

/** The training topic catalogue is data: seeded by migration, extended through the API. */
@ApiTags('training topics')
@Controller('topics')
export class TopicsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Training topics' })
  @ApiOkResponse({ type: [TopicDto] })
  async list(): Promise<TopicDto[]> {
    const rows: Array<{ code: string; name_vi: string; name_en: string }> = await this.dataSource.query('select code, name_vi, name_en from topics order by code');
    return rows.map((row) => ({ code: row.code, nameVi: row.name_vi, nameEn: row.name_en }));
  }

  @Post()
  @Roles('province_officer', 'operations')
  @ApiOperation({ summary: 'Add a training topic' })
  @ApiCreatedResponse({ type: TopicDto })
  @ApiConflictResponse({ description: 'The code exists' })
  async create(@Body() body: TopicDto, @CurrentPrincipal() principal: Principal): Promise<TopicDto> {
    return this.dataSource.transaction(async (tx) => {
      const inserted = await tx.query('insert into topics (code, name_vi, name_en, created_by) values ($1, $2, $3, $4) on conflict do nothing returning code', [body.code, body.nameVi, body.nameEn, principal.subject]);
      if (inserted.length === 0) throw new ConflictException({ message: `Topic ${body.code} already exists`, fields: [{ field: 'code', reason: 'already exists' }] });
      await recordAudit(tx, principal, { ...provinceWideTenant(principal), action: 'add', entity: 'topic', entityId: body.code, fields: writtenFields(body) });
      return body;
    });
  }
}
