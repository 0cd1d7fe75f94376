import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataAsOf } from '../freshness/freshness.dto';
import { PlanWindowQuery } from '../plans/plan-progress.dto';

export const LANGUAGES = ['vi', 'en'] as const;

export class CommendationsQuery extends PlanWindowQuery {
  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 100, default: 10, description: 'At most this many teams and this many individuals' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 10;
}

export class CommendationsExportQuery extends CommendationsQuery {
  @ApiPropertyOptional({ enum: LANGUAGES, default: 'vi', description: 'Sheet names and the language column headers start with' })
  @IsOptional()
  @IsIn([...LANGUAGES])
  lang?: (typeof LANGUAGES)[number];
}

class FiguresView {
  @ApiProperty({ example: 1 }) rank!: number;
  @ApiProperty({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b' }) teamId!: string;
  @ApiProperty({ example: 'Tổ công tác số 3', nullable: true, type: String }) teamName!: string | null;
  @ApiProperty({ example: 142, description: 'Households visited for the first time in the window (verified-only: verified visits)' }) householdsVisited!: number;
  @ApiProperty({ example: 96, description: 'Enrollments opened in the window (verified-only: verified opening steps)' }) enrollmentsOpened!: number;
  @ApiProperty({ example: 31, description: 'Enrollments that reached the last state of their service’s happy path in the window (verified-only: verified steps reaching it)' }) enrollmentsCompleted!: number;
}

export class TeamCommendation extends FiguresView {
  @ApiProperty({ example: 150, nullable: true, type: Number, description: 'Households planned for the team over the window’s days up to today' }) plannedHouseholds!: number | null;
  @ApiProperty({ example: 94.7, nullable: true, type: Number, description: 'Households visited as a % of planned (null without a plan)' }) percentOfPlan!: number | null;
}

export class MemberCommendation extends FiguresView {
  @ApiProperty({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'Member id; the console resolves names in the training service' }) memberId!: string;
}

export class CommendationsView {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '2026-07-21' }) from!: string;
  @ApiProperty({ example: '2026-07-27' }) to!: string;
  @ApiProperty({ example: false }) verifiedOnly!: boolean;
  @ApiProperty({ type: [TeamCommendation], description: 'Top collectives, ranked by households visited, then enrollments opened, then completed' }) teams!: TeamCommendation[];
  @ApiProperty({ type: [MemberCommendation], description: 'Top individuals (per member and team), ranked the same way' }) members!: MemberCommendation[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind (same snapshot)' }) dataAsOf!: DataAsOf;
}
