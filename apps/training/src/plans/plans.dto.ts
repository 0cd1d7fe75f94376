import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDay } from '@dtc/platform';

const TEAM = '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809';
const VILLAGE = '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e';
const HOUSEHOLD = '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11';
const PLAN = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b';

export class EnrollmentTargetDto {
  @ApiProperty({ example: 'vneid_level2', description: 'An enrollment service code (as in the enrollment service)' })
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'serviceCode must be a service code (2-40 of a-z, 0-9, _)' })
  serviceCode!: string;

  @ApiProperty({ example: 40, minimum: 0, maximum: 10000, description: 'Enrollments to open a day for this service (the whole team)' })
  @IsInt()
  @Min(0)
  @Max(10000)
  perDay!: number;
}

/** What a plan says; PUT sends it in full (an omitted list is empty). */
class PlanFieldsDto {
  @ApiProperty({ example: TEAM, description: 'The team that carries the plan: of the commune, active over the whole plan' })
  @IsUUID('4')
  teamId!: string;

  @ApiProperty({ example: '2026-07-21', description: 'First Vietnam day of the plan' })
  @IsCalendarDay()
  startsOn!: string;

  @ApiProperty({ example: '2026-08-31', description: 'Last Vietnam day of the plan (not before startsOn; at most 366 days in all)' })
  @IsCalendarDay()
  endsOn!: string;

  @ApiProperty({ example: [VILLAGE], description: 'Whole villages the team covers (villages of the commune known from the registry)' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(200)
  @IsUUID('4', { each: true })
  villageIds!: string[];

  @ApiPropertyOptional({ example: [HOUSEHOLD], default: [], description: 'Listed households besides whole villages (households of the commune known from the registry)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(5000)
  @IsUUID('4', { each: true })
  householdIds?: string[];

  @ApiProperty({ example: 25, minimum: 0, maximum: 10000, description: 'Households to visit a day (the whole team)' })
  @IsInt()
  @Min(0)
  @Max(10000)
  householdsPerDay!: number;

  @ApiPropertyOptional({ type: [EnrollmentTargetDto], default: [], description: 'Daily enrollment targets, one per service' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EnrollmentTargetDto)
  enrollmentsPerDay?: EnrollmentTargetDto[];
}

export class CreatePlanDto extends PlanFieldsDto {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;
}

export class UpdatePlanDto extends PlanFieldsDto {
  @ApiProperty({ example: 1, minimum: 1, description: 'The version the admin edited (optimistic concurrency: 409 with the current one when stale)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class WithdrawPlanDto {
  @ApiProperty({ example: 2, minimum: 1, description: 'The version the admin saw' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ example: 'Thôn đã hoàn thành' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  reason?: string;
}

export class PlanQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ example: TEAM })
  @IsOptional()
  @IsUUID('4')
  teamId?: string;

  @ApiPropertyOptional({ example: '2026-07-25', description: 'Only plans that count on this Vietnam day (active, and the day within their window)' })
  @IsOptional()
  @IsCalendarDay()
  activeOn?: string;

  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 500, default: 100, description: 'At most this many plans, the latest starting first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class EnrollmentTargetView {
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
  @ApiProperty({ example: 40 }) perDay!: number;
}

export class PlanStateView {
  @ApiProperty({ example: TEAM }) teamId!: string;
  @ApiProperty({ example: '2026-07-21' }) startsOn!: string;
  @ApiProperty({ example: '2026-08-31' }) endsOn!: string;
  @ApiProperty({ example: [VILLAGE] }) villageIds!: string[];
  @ApiProperty({ example: [HOUSEHOLD] }) householdIds!: string[];
  @ApiProperty({ example: 25 }) householdsPerDay!: number;
  @ApiProperty({ type: [EnrollmentTargetView] }) enrollmentsPerDay!: EnrollmentTargetView[];
}

/** A plan names teams, villages and households by id only: no personal data, so province officers may read it. */
export class PlanView extends PlanStateView {
  @ApiProperty({ example: PLAN }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 'active', enum: ['active', 'withdrawn'] }) status!: 'active' | 'withdrawn';
  @ApiProperty({ example: '2026-07-20T02:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-07-20T02:00:00.000Z', description: 'When the current version was made' }) updatedAt!: string;
}

export class PlanVersionView {
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ example: 'reassigned', enum: ['published', 'changed', 'reassigned', 'withdrawn'] }) change!: string;
  @ApiProperty({ example: ['teamId'], description: 'Fields this version changed (all of them for the first)' }) changedFields!: string[];
  @ApiProperty({ example: 'admin-16279', description: 'Token subject of who made the version' }) changedBy!: string;
  @ApiProperty({ example: '2026-07-25T03:00:00.000Z' }) changedAt!: string;
  @ApiPropertyOptional({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', nullable: true, type: String, format: 'uuid', description: 'The team before a reassignment' }) previousTeamId!: string | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'Why it was withdrawn' }) reason!: string | null;
  @ApiProperty({ type: PlanStateView, description: 'The plan as it was at this version' }) state!: PlanStateView;
}

export class PlanDetailView extends PlanView {
  @ApiProperty({ type: [PlanVersionView], description: 'Every version, the first first' }) history!: PlanVersionView[];
}
