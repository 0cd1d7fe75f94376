import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, ParseCommuneCodePipe, IsCalendarDay } from '@dtc/platform';
import { IsOptional } from 'class-validator';
import { DataAsOf } from '../freshness/freshness.dto';
import { FreshnessService } from '../freshness/freshness.service';
import { visibleCommuneProvince } from '../projections/commune-scope';
import { ProjectionStore } from '../projections/projection-store';

class TrainingQuery {
  @ApiPropertyOptional({ example: '2026-07-21' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-08-02' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;
}

class TrainingRow {
  @ApiProperty({ example: 'vneid' }) topicCode!: string;
  @ApiProperty({ example: 'residents' }) audience!: string;
  @ApiProperty({ example: 4 }) sessionsHeld!: number;
  @ApiProperty({ example: 112 }) attendees!: number;
  @ApiProperty({ example: 90 }) completed!: number;
  @ApiProperty({ example: 41 }) passed!: number;
}

class TrainingReport {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ type: [TrainingRow], description: 'By topic and audience' }) rows!: TrainingRow[];
  @ApiProperty({ type: TrainingRow, description: 'All topics and audiences' }) total!: TrainingRow;
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind (same snapshot)' }) dataAsOf!: DataAsOf;
}

@ApiTags('reports')
@Controller('communes/:code/training')
export class TrainingReportController {
  constructor(
    private readonly store: ProjectionStore,
    private readonly freshness: FreshnessService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Training sessions held, attendees, completions and passes by topic and audience (by the day they happened)' })
  @ApiParam({ name: 'code', example: '16279' })
  @ApiOkResponse({ type: TrainingReport })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  async get(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: TrainingQuery, @CurrentPrincipal() principal: Principal): Promise<TrainingReport> {
    return this.store.read(async (tx) => {
      await visibleCommuneProvince(tx, principal, code);
      const dataAsOf = await this.freshness.read(tx);
      const rows: Array<{ topic_code: string; audience: string; sessions_held: number; attendees: number; completed: number; passed: number }> = await tx.query(
        `select topic_code, audience, sum(sessions_held)::int as sessions_held, sum(attendees)::int as attendees, sum(completed)::int as completed, sum(passed)::int as passed
         from training_daily where commune_code = $1 and ($2::date is null or day >= $2) and ($3::date is null or day <= $3)
         group by topic_code, audience order by topic_code, audience`,
        [code, query.from ?? null, query.to ?? null],
      );
      const mapped = rows.map((r) => ({ topicCode: r.topic_code, audience: r.audience, sessionsHeld: r.sessions_held, attendees: r.attendees, completed: r.completed, passed: r.passed }));
      const sum = (field: 'sessionsHeld' | 'attendees' | 'completed' | 'passed') => mapped.reduce((total, row) => total + row[field], 0);
      return { communeCode: code, rows: mapped, total: { topicCode: '*', audience: '*', sessionsHeld: sum('sessionsHeld'), attendees: sum('attendees'), completed: sum('completed'), passed: sum('passed') }, dataAsOf };
    });
  }
}
