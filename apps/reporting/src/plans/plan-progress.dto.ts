import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsCalendarDay } from '@dtc/platform';
import { Transform } from 'class-transformer';
import { DataAsOf } from '../freshness/freshness.dto';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { GROUP_BY, type GroupBy } from './plan-progress';

const TEAM = 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b';
const booleanParam = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PlanWindowQuery {
  @ApiPropertyOptional({ example: '2026-07-21', description: 'First Vietnam day (default: 6 days before `to`)' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-07-27', description: 'Last Vietnam day (default: today in Vietnam); at most 366 days after `from`' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({ example: false, default: false, description: 'Count only work a commune admin verified (verified visits, verified opening steps)' })
  @IsOptional()
  @Transform(booleanParam)
  @IsBoolean()
  verifiedOnly?: boolean;
}

export class PlanProgressQuery extends PlanWindowQuery {
  @ApiPropertyOptional({ enum: GROUP_BY, default: 'team', description: 'Plans are team-level: planned figures are given for team and day groups, null for member and village groups' })
  @IsOptional()
  @IsIn([...GROUP_BY])
  groupBy?: GroupBy;
}

export class PlannedDone {
  @ApiProperty({ example: 25, nullable: true, type: Number, description: 'Null where plans do not say (member and village groups)' }) planned!: number | null;
  @ApiProperty({ example: 19 }) done!: number;
}

export class ServicePlannedDone extends PlannedDone {
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
}

export class ProgressDayView {
  @ApiProperty({ example: '2026-07-22' }) day!: string;
  @ApiProperty({ type: PlannedDone, description: 'Households visited for the first time that day (verified-only: verified visits)' }) households!: PlannedDone;
  @ApiProperty({ type: [ServicePlannedDone], description: 'Enrollments opened that day, per service' }) enrollments!: ServicePlannedDone[];
}

export class PaceView {
  @ApiProperty({ example: 175, nullable: true, type: Number, description: 'Planned over the whole window' }) planned!: number | null;
  @ApiProperty({ example: 120, description: 'Done over the whole window' }) done!: number;
  @ApiProperty({ example: 150, nullable: true, type: Number, description: 'Planned over the window’s days up to today' }) plannedSoFar!: number | null;
  @ApiProperty({ example: 120 }) doneSoFar!: number;
  @ApiProperty({ example: true, nullable: true, type: Boolean, description: 'Done so far is less than planned so far (null without a plan at this level)' }) behindPlan!: boolean | null;
  @ApiProperty({ example: 20, nullable: true, type: Number, description: 'Done per day over the window’s days up to today' }) runRate!: number | null;
  @ApiProperty({ example: 55, nullable: true, type: Number, description: 'Per planned day left after today, to meet the window’s plan (null when none are left)' }) requiredRate!: number | null;
}

export class ServicePace extends PaceView {
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
}

export class PlanProgressGroup {
  @ApiPropertyOptional({ example: TEAM, nullable: true, type: String, description: 'Team (team and member groups); null for work recorded without a team' }) teamId?: string | null;
  @ApiPropertyOptional({ example: 'Tổ công tác số 3', nullable: true, type: String }) teamName?: string | null;
  @ApiPropertyOptional({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', nullable: true, type: String, description: 'Member id (member groups); the console resolves names in the training service' }) memberId?: string | null;
  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId?: string;
  @ApiPropertyOptional({ example: 'THON-1', nullable: true, type: String }) villageCode?: string | null;
  @ApiPropertyOptional({ example: 'Thôn Đông', nullable: true, type: String }) villageName?: string | null;
  @ApiPropertyOptional({ example: '2026-07-22', description: 'Day groups' }) day?: string;
  @ApiProperty({ type: [ProgressDayView] }) days!: ProgressDayView[];
  @ApiProperty({ type: PaceView, description: 'Households over the window' }) households!: PaceView;
  @ApiProperty({ type: [ServicePace], description: 'Enrollments per service over the window' }) enrollments!: ServicePace[];
}

export class PlanProgressView {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '2026-07-21' }) from!: string;
  @ApiProperty({ example: '2026-07-27' }) to!: string;
  @ApiProperty({ example: '2026-07-25', description: 'Today in Vietnam: "so far" means up to and including this day' }) today!: string;
  @ApiProperty({ enum: GROUP_BY, example: 'team' }) groupBy!: GroupBy;
  @ApiProperty({ example: false }) verifiedOnly!: boolean;
  @ApiProperty({ type: [PlanProgressGroup] }) groups!: PlanProgressGroup[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind (same snapshot)' }) dataAsOf!: DataAsOf;
}
