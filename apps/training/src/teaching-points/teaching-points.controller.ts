import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { recordAudit, writtenFields } from '@dtc/persistence';
import { CurrentPrincipal, Roles, type Principal, unprocessable } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { assertCommune, assertVillagesOfCommune } from '../common/scope';
import { TeachingPointDto, TeachingPointView } from '../sessions/sessions.dto';
import { CommuneQuery } from '../teams/teams.dto';

/** Mobile teaching points: a place with a recurring weekly schedule where sessions happen. */
@ApiTags('teaching points')
@Controller('teaching-points')
export class TeachingPointsController {
  constructor(private readonly dataSource: DataSource) {}

  @Post()
  @Roles('commune_admin', 'operations')
  @ApiOperation({ summary: 'Open a mobile teaching point with its weekly schedule' })
  @ApiCreatedResponse({ type: TeachingPointView })
  async create(@Body() body: TeachingPointDto, @CurrentPrincipal() principal: Principal): Promise<TeachingPointView> {
    if (body.activeTo && body.activeTo < body.activeFrom) throw unprocessable('activeTo', 'must not be before activeFrom');
    return this.dataSource.transaction(async (tx) => {
      await assertCommune(tx, principal, body.communeCode);
      if (body.villageId) await assertVillagesOfCommune(tx, body.communeCode, [body.villageId], 'villageId');
      const id = randomUUID();
      await tx.query(
        'insert into teaching_points (id, commune_code, name, village_id, address, weekdays, start_time, duration_minutes, active_from, active_to, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
        [id, body.communeCode, body.name, body.villageId ?? null, body.address, body.weekdays, body.startTime, body.durationMinutes, body.activeFrom, body.activeTo ?? null, principal.subject],
      );
      await recordAudit(tx, principal, { communeCode: body.communeCode, action: 'open', entity: 'teaching-point', entityId: id, fields: writtenFields(body) });
      return { ...body, id };
    });
  }

  @Get()
  @Roles('field_agent', 'commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Teaching points of a commune' })
  @ApiOkResponse({ type: [TeachingPointView] })
  async list(@Query() query: CommuneQuery, @CurrentPrincipal() principal: Principal): Promise<TeachingPointView[]> {
    await assertCommune(this.dataSource.manager, principal, query.communeCode);
    const rows = await this.dataSource.query(
      `select id, commune_code, name, village_id, address, weekdays, to_char(start_time, 'HH24:MI') as start_time, duration_minutes,
              to_char(active_from, 'YYYY-MM-DD') as active_from, to_char(active_to, 'YYYY-MM-DD') as active_to
       from teaching_points where commune_code = $1 order by name`,
      [query.communeCode],
    );
    return rows.map((r: Record<string, never>) => ({
      id: r['id'],
      communeCode: r['commune_code'],
      name: r['name'],
      villageId: r['village_id'] ?? undefined,
      address: r['address'],
      weekdays: r['weekdays'],
      startTime: r['start_time'],
      durationMinutes: r['duration_minutes'],
      activeFrom: r['active_from'],
      activeTo: r['active_to'] ?? undefined,
    }));
  }
}
