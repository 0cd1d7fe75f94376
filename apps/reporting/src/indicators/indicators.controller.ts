import { Body, ConflictException, Controller, ForbiddenException, Get, Param, Put, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse, OmitType } from '@nestjs/swagger';
import { knownProvinceOf } from '@dtc/messaging';
import { provinceWideTenant, recordAudit, writtenFields } from '@dtc/persistence';
import { assertCommuneAccess, CurrentPrincipal, notFound, Roles, unprocessable, type Principal, ParseCommuneCodePipe, vietnamMonth, IsDecimal } from '@dtc/platform';
import { IsIn, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { LiveUpdatesService } from '../live/live-updates.service';
import { ProjectionStore } from '../projections/projection-store';
import { FIELD_MEASURES } from '../households/field-facts.fold';
import { ENROLLMENT_MEASURES, TRAINING_MEASURES } from '../progress/achievements';
import { INDICATOR_COLUMNS, POPULATIONS, type Indicator, type Population } from '../progress/indicator';

const UNITS = ['people', 'households', 'organisations', 'sessions', 'percent'] as const;
const SOURCES = ['enrollment', 'field', 'training', 'external'] as const;

export class IndicatorDto {
  @ApiProperty({ example: 'etax_mobile_installs' })
  @Matches(/^[a-z0-9_]{2,60}$/, { message: 'code must be 2-60 lower-case letters, digits or underscores' })
  code!: string;

  @ApiProperty({ example: 'Cài đặt eTax Mobile' }) @IsString() @Length(2, 200) labelVi!: string;
  @ApiProperty({ example: 'eTax Mobile installs' }) @IsString() @Length(2, 200) labelEn!: string;
  @ApiProperty({ example: 'Residents helped to install and set up eTax Mobile' }) @IsString() @Length(2, 1000) definition!: string;
  @ApiProperty({ enum: UNITS, example: 'people' }) @IsIn(UNITS) unit!: Indicator['unit'];
  @ApiProperty({ enum: SOURCES, example: 'enrollment', description: 'enrollment (a service state), field (registry facts), training, or external (reported values)' })
  @IsIn(SOURCES)
  source!: Indicator['source'];

  @ApiPropertyOptional({ example: 'public_service_app', description: 'enrollment: the service' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'serviceCode must be a service code' })
  serviceCode?: string;

  @ApiPropertyOptional({ example: 'set_up', description: 'enrollment: the state counted when entered' })
  @IsOptional()
  @Matches(/^[a-z_]{2,40}$/, { message: 'state must be a state name' })
  state?: string;

  @ApiPropertyOptional({ example: 'iHanoi', description: 'enrollment only: count only steps whose event carries this detail of the service (which app or procedure, e.g. "iHanoi" or "eTax Mobile")' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  detail?: string;

  @ApiPropertyOptional({ example: 'completed', description: `enrollment (instead of serviceCode and state): ${ENROLLMENT_MEASURES.join(', ')}; field: ${FIELD_MEASURES.join(', ')}; training: ${TRAINING_MEASURES.join(', ')}` })
  @IsOptional()
  @IsString()
  measure?: string;

  @ApiPropertyOptional({ example: 'cashless_payment', description: 'training: only this topic' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'topicCode must be a topic code' })
  topicCode?: string;

  @ApiPropertyOptional({ enum: POPULATIONS, example: 'adults', description: 'Population a share target is of by default' })
  @IsOptional()
  @IsIn(POPULATIONS)
  defaultPopulation?: Population;
}

/** An indicator as stored and answered: every field present, null where its source has none. */
export class IndicatorView {
  @ApiProperty({ example: 'etax_mobile_installs' }) code!: string;
  @ApiProperty({ example: 'Cài đặt eTax Mobile' }) labelVi!: string;
  @ApiProperty({ example: 'eTax Mobile installs' }) labelEn!: string;
  @ApiProperty({ example: 'Residents helped to install and set up eTax Mobile' }) definition!: string;
  @ApiProperty({ enum: UNITS, example: 'people' }) unit!: Indicator['unit'];
  @ApiProperty({ enum: SOURCES, example: 'enrollment' }) source!: Indicator['source'];
  @ApiProperty({ type: String, nullable: true, example: 'public_service_app' }) serviceCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'set_up' }) state!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'iHanoi' }) detail!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) measure!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) topicCode!: string | null;
  @ApiProperty({ enum: POPULATIONS, nullable: true, example: 'adults' }) defaultPopulation!: Population | null;
}

export class IndicatorValueDto {
  @ApiProperty({ example: 89.5, description: 'The value for the period (percent for percentage indicators)' })
  @IsDecimal(2)
  @Min(0)
  @Max(100000000)
  value!: number;
}

export class IndicatorValueView extends IndicatorValueDto {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 'online_application_share' }) indicatorCode!: string;
  @ApiProperty({ example: '2026-07' }) period!: string;
  @ApiProperty({ example: '2026-08-01T02:00:00.000Z' }) reportedAt!: string;
}

export class IndicatorValuesQuery {
  @ApiPropertyOptional({ example: 'online_application_share' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{2,60}$/, { message: 'indicatorCode must be an indicator code' })
  indicatorCode?: string;
}

/** A custom indicator as it can be changed: everything but its code. */
export class IndicatorUpdateDto extends OmitType(IndicatorDto, ['code'] as const) {}

function definitionProblem(body: Omit<IndicatorDto, 'code'>): { field: string; reason: string } | null {
  if (body.detail !== undefined && body.source !== 'enrollment') return { field: 'detail', reason: 'only enrollment indicators are narrowed to a detail of their service' };
  if (body.source === 'enrollment' && body.measure !== undefined) {
    if (!ENROLLMENT_MEASURES.includes(body.measure)) return { field: 'measure', reason: `enrollment measures: ${ENROLLMENT_MEASURES.join(', ')} (or serviceCode and state instead)` };
    if (body.serviceCode || body.state || body.detail !== undefined) return { field: 'measure', reason: 'an enrollment measure counts across services: leave serviceCode, state and detail out' };
  } else if (body.source === 'enrollment' && (!body.serviceCode || !body.state)) return { field: 'state', reason: 'enrollment indicators need serviceCode and state' };
  if (body.source === 'field' && !(FIELD_MEASURES as readonly string[]).includes(body.measure ?? '')) return { field: 'measure', reason: `field indicators need a measure: ${FIELD_MEASURES.join(', ')}` };
  if (body.source === 'training' && !TRAINING_MEASURES.includes(body.measure ?? '')) return { field: 'measure', reason: `training indicators need a measure: ${TRAINING_MEASURES.join(', ')}` };
  if ((body.source === 'external') !== (body.unit === 'percent')) return { field: 'unit', reason: 'external indicators, and only they, are reported percentages (unit percent)' };
  return null;
}

/** The indicator catalogue (data, extended by provinces) and values reported from outside the platform. */
@ApiTags('indicators')
@Controller()
export class IndicatorsController {
  constructor(
    private readonly store: ProjectionStore,
    private readonly live: LiveUpdatesService,
  ) {}

  @Get('indicators')
  @ApiOperation({ summary: 'The indicator catalogue: code, Vietnamese and English labels, definition, how it is counted' })
  @ApiOkResponse({ type: [IndicatorView] })
  list(): Promise<Indicator[]> {
    return this.store.read((tx) => tx.query(`select ${INDICATOR_COLUMNS} from indicators order by code`));
  }

  @Post('indicators')
  @Roles('province_officer', 'operations')
  @ApiOperation({ summary: 'Add an indicator to the catalogue' })
  @ApiCreatedResponse({ type: IndicatorView })
  @ApiConflictResponse({ description: 'The code exists' })
  @ApiUnprocessableEntityResponse({ description: 'Incomplete definition for its source' })
  async create(@Body() body: IndicatorDto, @CurrentPrincipal() principal: Principal): Promise<Indicator> {
    const problem = definitionProblem(body);
    if (problem) throw unprocessable(problem.field, problem.reason);
    return this.store.write(async (tx) => {
      const inserted = await tx.query(
        `insert into indicators (code, label_vi, label_en, definition, unit, source, service_code, state, measure, topic_code, default_population, created_by, detail)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict do nothing returning code`,
        [body.code, body.labelVi, body.labelEn, body.definition, body.unit, body.source, body.serviceCode ?? null, body.state ?? null, body.measure ?? null, body.topicCode ?? null, body.defaultPopulation ?? null, principal.subject, body.detail ?? null],
      );
      if (inserted.length === 0) throw new ConflictException({ message: `Indicator ${body.code} already exists`, fields: [{ field: 'code', reason: 'already exists' }] });
      await recordAudit(tx, principal, { ...provinceWideTenant(principal), action: 'add', entity: 'indicator', entityId: body.code, fields: writtenFields(body) });
      const [row] = await tx.query(`select ${INDICATOR_COLUMNS} from indicators where code = $1`, [body.code]);
      return row;
    });
  }

  @Put('indicators/:indicatorCode')
  @Roles('province_officer', 'operations')
  @ApiOperation({ summary: 'Change a custom indicator (labels, definition, how it is counted, e.g. narrowing it to a detail such as "iHanoi"); national indicators are fixed' })
  @ApiParam({ name: 'indicatorCode', example: 'ihanoi_set_up' })
  @ApiOkResponse({ type: IndicatorView })
  @ApiNotFoundResponse({ description: 'No such indicator' })
  @ApiConflictResponse({ description: 'A national indicator (from the platform’s catalogue) cannot be changed' })
  @ApiUnprocessableEntityResponse({ description: 'Incomplete definition for its source, or a detail on an indicator not counted from enrollments' })
  async update(@Param('indicatorCode') indicatorCode: string, @Body() body: IndicatorUpdateDto, @CurrentPrincipal() principal: Principal): Promise<Indicator> {
    if (!/^[a-z0-9_]{2,60}$/.test(indicatorCode)) throw unprocessable('indicatorCode', 'must be 2-60 lower-case letters, digits or underscores');
    const problem = definitionProblem(body);
    if (problem) throw unprocessable(problem.field, problem.reason);
    const updated = await this.store.write(async (tx) => {
      const [existing] = await tx.query('select created_by from indicators where code = $1 for update', [indicatorCode]);
      if (!existing) throw notFound('Indicator', indicatorCode);
      if (existing.created_by === 'migration') throw new ConflictException({ message: `${indicatorCode} is a national indicator`, fields: [{ field: 'indicatorCode', reason: 'national indicators cannot be changed; add a custom one' }] });
      await tx.query(
        `update indicators set label_vi = $2, label_en = $3, definition = $4, unit = $5, source = $6, service_code = $7, state = $8, measure = $9, topic_code = $10, default_population = $11, detail = $12
         where code = $1`,
        [indicatorCode, body.labelVi, body.labelEn, body.definition, body.unit, body.source, body.serviceCode ?? null, body.state ?? null, body.measure ?? null, body.topicCode ?? null, body.defaultPopulation ?? null, body.detail ?? null],
      );
      await recordAudit(tx, principal, { ...provinceWideTenant(principal), action: 'change', entity: 'indicator', entityId: indicatorCode, fields: writtenFields(body) });
      const [row] = await tx.query(`select ${INDICATOR_COLUMNS} from indicators where code = $1`, [indicatorCode]);
      return row as Indicator;
    });
    // Every cached figure of a campaign targeting it may now count differently.
    await this.live.publish({ communes: [], provinces: [], all: true });
    return updated;
  }

  @Put('communes/:code/indicator-values/:indicatorCode/:period')
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Report (or correct) the value of an external indicator for a commune and month' })
  @ApiParam({ name: 'code', example: '16279' })
  @ApiParam({ name: 'indicatorCode', example: 'online_application_share' })
  @ApiParam({ name: 'period', example: '2026-07', description: 'Month YYYY-MM' })
  @ApiOkResponse({ type: IndicatorValueView })
  @ApiForbiddenResponse()
  @ApiUnprocessableEntityResponse({ description: 'Not an external indicator, bad period, or a future month' })
  async report(@Param('code', new ParseCommuneCodePipe()) code: string, @Param('indicatorCode') indicatorCode: string, @Param('period') period: string, @Body() body: IndicatorValueDto, @CurrentPrincipal() principal: Principal): Promise<IndicatorValueView> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw unprocessable('period', 'must be a month YYYY-MM');
    if (period > vietnamMonth()) throw unprocessable('period', 'must not be in the future');
    const saved = await this.store.write(async (tx) => {
      const province = await knownProvinceOf(tx, code);
      assertCommuneAccess(principal, code, province);
      if (!province) throw unprocessable('code', `reporting has no events of commune ${code} yet`);
      if (principal.role === 'province_officer' && principal.province !== province) throw new ForbiddenException(`This token is not scoped to commune ${code}`);
      const [indicator] = await tx.query('select source from indicators where code = $1', [indicatorCode]);
      if (!indicator) throw notFound('Indicator', indicatorCode);
      if (indicator.source !== 'external') throw unprocessable('indicatorCode', `${indicatorCode} is computed from field events; only external indicators take reported values`);
      const [row] = await tx.query(
        `insert into indicator_values (commune_code, province_code, indicator_code, period, value, reported_by) values ($1, $2, $3, $4, $5, $6)
         on conflict (commune_code, indicator_code, period) do update set value = excluded.value, reported_by = excluded.reported_by, reported_at = now()
         returning commune_code as "communeCode", indicator_code as "indicatorCode", period, value::float8 as value, reported_at as "reportedAt"`,
        [code, province, indicatorCode, period, body.value, principal.subject],
      );
      await recordAudit(tx, principal, { communeCode: code, action: 'report', entity: 'indicator-value', entityId: `${code}/${indicatorCode}/${period}`, fields: ['value'] });
      return { row: row as IndicatorValueView, province };
    });
    // Cached progress and open dashboards of the commune and its province now show the new value.
    await this.live.publish({ communes: [code], provinces: [saved.province] });
    return saved.row;
  }

  @Get('communes/:code/indicator-values')
  @ApiOperation({ summary: 'Reported values of external indicators for a commune' })
  @ApiParam({ name: 'code', example: '16279' })
  @ApiOkResponse({ type: [IndicatorValueView] })
  async values(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: IndicatorValuesQuery, @CurrentPrincipal() principal: Principal): Promise<IndicatorValueView[]> {
    return this.store.read(async (tx) => {
      const province = await knownProvinceOf(tx, code);
      assertCommuneAccess(principal, code, province);
      return tx.query(
        `select commune_code as "communeCode", indicator_code as "indicatorCode", period, value::float8 as value, reported_at as "reportedAt"
         from indicator_values where commune_code = $1 and ($2::text is null or indicator_code = $2) order by indicator_code, period`,
        [code, query.indicatorCode ?? null],
      );
    });
  }
}
