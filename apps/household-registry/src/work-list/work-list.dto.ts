import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { HouseholdView } from '../households/households.dto';
import { TODO_CODES, VISIT_STATUSES, WORK_LIST_STATUSES, type TodoCode, type VisitStatus, type WorkListStatus } from './work-list-todos';

/** A snapshot lists the transactions in progress: up to a few thousand characters under load. */
const CURSOR = /^[A-Za-z0-9_-]{1,8000}$/;
const HOUSEHOLD = '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11';
const RESIDENT = '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34';
const CURSOR_EXAMPLE = 'eyJ2IjoxLCJ4IjoiNzQ0MjEiLCJkIjoiMjAyNi0wNy0yMiIsInMiOiI5ZjJjMWI0ZTdhOGQwYzNmIn0';

export class WorkListQuery {
  @ApiProperty({ example: '16279', description: "The commune (must be in the token's scope)" })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({
    example: '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809',
    description: "One team's list. Field agents: one of their own teams (default: every team they are an active member of); admins and operations: default every team of the commune",
  })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e', description: 'Only households living in this village' })
  @IsOptional()
  @IsUUID()
  villageId?: string;

  @ApiPropertyOptional({ enum: WORK_LIST_STATUSES, example: 'needs_vneid_level2', description: 'Only households with this to-do (returned: a returned visit or step; done: nothing left to do)' })
  @IsOptional()
  @IsIn(WORK_LIST_STATUSES)
  status?: WorkListStatus;

  @ApiPropertyOptional({ example: CURSOR_EXAMPLE, description: '`cursor` of an earlier answer: only households changed since, and those that left the list (removed). A new day or other teams answer the full list again (reset)' })
  @IsOptional()
  @Matches(CURSOR, { message: 'since must be a cursor returned by GET /work-list' })
  since?: string;

  @ApiPropertyOptional({ example: CURSOR_EXAMPLE, description: '`next` of the previous page (it carries `since` when that page was a refresh)' })
  @IsOptional()
  @Matches(CURSOR, { message: 'after must be a `next` returned by GET /work-list' })
  after?: string;

  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class WorkListEnrollment {
  @ApiProperty({ example: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d' }) id!: string;
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
  @ApiProperty({ example: 'issued' }) state!: string;
  @ApiProperty({ example: true, description: 'Not yet in the last state of its lifecycle (nor rejected or cancelled)' }) open!: boolean;
  @ApiPropertyOptional({ example: 'Thiếu ảnh minh chứng', nullable: true, type: String, description: 'Why a commune admin returned its latest step (cleared by the next step or a verification)' })
  returnedReason!: string | null;
}

export class WorkListResident {
  @ApiProperty({ example: RESIDENT }) id!: string;
  @ApiProperty({ example: 'Lò Thị Xuân' }) fullName!: string;
  @ApiProperty({ example: 2, description: 'The resident version (send it back with a change: correction, moved out, deceased)' }) version!: number;
  @ApiProperty({ example: '1985-04-04' }) dateOfBirth!: string;
  @ApiPropertyOptional({ example: '001185012345', nullable: true, type: String }) idNumber!: string | null;
  @ApiProperty({ example: true, description: '14 or older on the Vietnam day of the answer (the rule of GET /residents/eligible)' }) eligible14!: boolean;
  @ApiProperty({ type: [WorkListEnrollment] }) enrollments!: WorkListEnrollment[];
  @ApiProperty({ enum: TODO_CODES, isArray: true, example: ['not_activated', 'open_enrollment'] }) todos!: TodoCode[];
}

/** The household as GET /households/{id} describes it (same fields, same documentation), plus its village's name. */
export class WorkListHousehold extends PickType(HouseholdView, [
  'id',
  'villageId',
  'villageCode',
  'address',
  'headName',
  'latitude',
  'longitude',
  'ethnicMinority',
  'hasElectricity',
  'mobileSignal',
  'hasInternet',
  'smartDevices',
  'distanceToCentreKm',
  'digitalCoreResidentId',
] as const) {
  @ApiProperty({ example: 'Thôn 1' }) villageName!: string;
  @ApiProperty({ example: 3, description: 'The household version (send it back with a change)' }) version!: number;
}

export class WorkListVisit {
  @ApiProperty({ enum: VISIT_STATUSES, example: 'obstacle', description: 'From the last visit: returned (on review) before obstacle' }) status!: VisitStatus;
  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z', nullable: true, type: String }) lastVisitedAt!: string | null;
  @ApiProperty({ example: ['no_smartphone'], type: [String], description: 'Obstacles of the last visit' }) obstacles!: string[];
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'Why the last visit was returned on review' }) returnedReason!: string | null;
}

export class WorkListItem {
  @ApiProperty({ example: HOUSEHOLD }) householdId!: string;
  @ApiProperty({ example: false, description: 'The household left this list since `since` (drop it); nothing else is sent then' }) removed!: boolean;
  @ApiPropertyOptional({ type: WorkListHousehold }) household?: WorkListHousehold;
  @ApiPropertyOptional({ type: [WorkListResident], description: 'Living residents' }) residents?: WorkListResident[];
  @ApiPropertyOptional({ type: WorkListVisit }) visit?: WorkListVisit;
  @ApiPropertyOptional({ enum: TODO_CODES, isArray: true, example: ['obstacle', 'needs_vneid_level2'], description: "The household's to-dos (its visit's and its residents')" })
  todos?: TodoCode[];
}

export class WorkListPage {
  @ApiProperty({ example: '2026-07-22', description: 'The Vietnam day the list is for (plans active that day)' }) day!: string;
  @ApiProperty({ type: [WorkListItem], description: 'In household id order' }) items!: WorkListItem[];
  @ApiProperty({ example: false, description: 'The answer is the full list, not changes: replace what you hold (no since, or since from another day or other teams)' }) reset!: boolean;
  @ApiProperty({ example: true }) hasMore!: boolean;
  @ApiPropertyOptional({ example: CURSOR_EXAMPLE, nullable: true, type: String, description: 'Pass as `after` for the next page (null on the last page)' }) next!: string | null;
  @ApiProperty({ example: CURSOR_EXAMPLE, description: 'Pass as `since` later to receive only what changed (the same on every page of one answer)' }) cursor!: string;
}
