import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateIf } from 'class-validator';
import { PageQuery, IsIsoDateTime } from '@dtc/platform';

export const OBSTACLES = ['no_smartphone', 'no_signal', 'elderly', 'absent', 'missing_documents', 'other'] as const;

/** Who did it in the field: the team and member ids from the training service, and when. */
export class FieldStepDto {
  @ApiPropertyOptional({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', description: 'Field team id (training service)' })
  @IsOptional()
  @IsUUID('4')
  teamId?: string;

  @ApiPropertyOptional({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'Team member id (training service)' })
  @IsOptional()
  @IsUUID('4')
  memberId?: string;

  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z', description: 'When it happened on the device; defaults to now; never in the future' })
  @IsOptional()
  @IsIsoDateTime()
  occurredAt?: string;
}

export class ApplyDto extends FieldStepDto {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'vneid_level2', description: 'A service code from GET /services' })
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'serviceCode must be a service code' })
  serviceCode!: string;

  @ApiPropertyOptional({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34', description: 'Registry id of the resident (for resident services)' })
  // Checked whenever given: with an organisationId it used to reach the database unchecked (a 500).
  @ValidateIf((o: ApplyDto) => o.organisationId === undefined || o.residentId !== undefined)
  @IsUUID('4', { message: 'residentId (or organisationId) must be a UUID' })
  residentId?: string;

  @ApiPropertyOptional({ example: '9a7b6c5d-4e3f-4a1b-8c2d-1e0f9a8b7c6d', description: 'Registry id of the organisation (for org_eid)' })
  @IsOptional()
  @IsUUID('4')
  organisationId?: string;

  @ApiPropertyOptional({ example: 'eTax Mobile', description: 'Which app or procedure, when the service asks for it' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  detail?: string;

}

export class TransitionDto extends FieldStepDto {
  @ApiProperty({ example: 'issued', description: 'Next state; rejected (with a reason) or cancelled from any open state' })
  @Matches(/^[a-z_]{2,30}$/, { message: 'to must be a state name' })
  to!: string;

  @ApiPropertyOptional({ example: 'Ảnh chân dung không đạt yêu cầu', description: 'Required when rejecting' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  reason?: string;

  @ApiPropertyOptional({ example: 2, description: 'The version you read; a stale one gets 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ObstacleDto {
  @ApiProperty({ enum: OBSTACLES, example: 'no_smartphone' })
  @IsIn(OBSTACLES)
  obstacle!: (typeof OBSTACLES)[number];

  @ApiPropertyOptional({ example: 'Hẹn tuần sau khi con trai về' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  note?: string;

  @ApiPropertyOptional({ example: '2026-07-25T10:00:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  occurredAt?: string;
}

export class EnrollmentQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ example: 'vneid_level2' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{2,40}$/)
  serviceCode?: string;

  @ApiPropertyOptional({ example: 'issued' })
  @IsOptional()
  @Matches(/^[a-z_]{2,30}$/)
  state?: string;

  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' })
  @IsOptional()
  @IsUUID('4')
  villageId?: string;
}

export class PendingQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;
}

export class StepView {
  @ApiPropertyOptional({ example: 2, nullable: true, type: 'integer', description: 'Position among the steps that reached a state (1 = opened), as reviews name them; null for an obstacle' }) stepNumber!: number | null;
  @ApiPropertyOptional({ example: 'registered', nullable: true, type: String }) from!: string | null;
  @ApiPropertyOptional({ example: 'issued', nullable: true, type: String }) to!: string | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) reason!: string | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'Set when a step could not be done' }) obstacle!: string | null;
  @ApiProperty({ example: '2026-07-25T10:00:00.000Z' }) occurredAt!: string;
  @ApiProperty({ example: '2026-07-25T17:00:00.000Z' }) recordedAt!: string;
  @ApiProperty({ example: 'agent-16279' }) actor!: string;
  @ApiPropertyOptional({ example: 'verified', enum: ['unreviewed', 'verified', 'returned'], nullable: true, description: "A commune admin's current verdict on the step; null for an obstacle" }) reviewStatus!: 'unreviewed' | 'verified' | 'returned' | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'Why it was returned (or a note on a verification)' }) reviewReason!: string | null;
  @ApiPropertyOptional({ example: '2026-07-23T02:00:00.000Z', nullable: true, type: String, format: 'date-time' }) reviewedAt!: string | null;
  @ApiPropertyOptional({ example: 'admin-16279', nullable: true, type: String, description: "The reviewer's token subject" }) reviewedBy!: string | null;
}

export class EnrollmentView {
  @ApiProperty({ example: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
  @ApiProperty({ example: 'resident' }) subjectType!: string;
  @ApiProperty({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34', description: 'Resident or organisation id' }) subjectId!: string;
  @ApiProperty({ example: 'issued' }) state!: string;
  @ApiProperty({ example: true, description: 'False once final (last step, rejected or cancelled)' }) open!: boolean;
  @ApiProperty({ example: 'valid', enum: ['valid', 'pending_subject', 'ineligible'], description: 'pending_subject: held until the registry event of the resident arrives' }) validation!: string;
  @ApiProperty({ example: ['activated', 'rejected', 'cancelled'] }) allowedTransitions!: string[];
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) detail!: string | null;
  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e', nullable: true, type: String, format: 'uuid' }) villageId!: string | null;
  @ApiPropertyOptional({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', nullable: true, type: String, format: 'uuid' }) teamId!: string | null;
  @ApiPropertyOptional({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', nullable: true, type: String, format: 'uuid' }) memberId!: string | null;
  @ApiProperty({ example: '2026-07-22T09:15:00.000Z' }) occurredAt!: string;
  @ApiProperty({ example: '2026-07-22T17:02:11.000Z' }) recordedAt!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiPropertyOptional({ type: [StepView], description: 'History (on single reads)' }) history?: StepView[];
}

export class EnrollmentPage {
  @ApiProperty({ type: [EnrollmentView] }) items!: EnrollmentView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 120 }) total!: number;
}

export class ReturnedStepsQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;
}

/** A commune's returned steps list shows at most this many (the newest). */
export const STEPS_LISTED_RETURNED = 500;

/** An enrollment step returned to its team that the team has not yet redone (no later step, no verification). */
export class ReturnedStepView {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) enrollmentId!: string;
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
  @ApiProperty({ example: 'resident', enum: ['resident', 'organisation'] }) subjectType!: string;
  @ApiProperty({ example: '3f2e1d0c-9b8a-4765-8432-10fedcba9876' }) subjectId!: string;
  @ApiProperty({ example: 2, type: 'integer', description: 'Position among the steps that reached a state (1 = opened)' }) stepNumber!: number;
  @ApiProperty({ example: 'applied', description: 'The state the step recorded' }) state!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b' }) teamId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'Who recorded the step' }) memberId!: string | null;
  @ApiProperty({ example: '2026-07-22T09:15:00.000Z' }) occurredAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Ảnh chụp màn hình VNeID chưa kích hoạt', description: 'What to fix' }) reason!: string | null;
  @ApiProperty({ example: '2026-07-23T02:00:00.000Z', description: 'When it was returned' }) returnedAt!: string;
}

export class ReturnedStepsView {
  @ApiProperty({ type: [ReturnedStepView], description: `Newest returned first, at most ${STEPS_LISTED_RETURNED}` }) items!: ReturnedStepView[];
  @ApiProperty({ example: false, description: 'More are returned than listed' }) truncated!: boolean;
}
