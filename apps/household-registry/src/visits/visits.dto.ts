import { REVIEW_VERDICTS, VISIT_OBSTACLES, VISIT_OUTCOMES } from '@dtc/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A commune's returned visits list shows at most this many (the newest). */
export const VISITS_LISTED_RETURNED = 500;
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsCalendarDay, IsIsoDateTime } from '@dtc/platform';

export class RecordVisitDto {
  @ApiPropertyOptional({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', description: 'Field team id (training service)' })
  @IsOptional()
  @IsUUID('4')
  teamId?: string;

  @ApiPropertyOptional({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'Team member id (training service)' })
  @IsOptional()
  @IsUUID('4')
  memberId?: string;

  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z', description: 'When the visit happened; defaults to now; never in the future' })
  @IsOptional()
  @IsIsoDateTime()
  visitedAt?: string;

  @ApiProperty({ enum: VISIT_OUTCOMES, example: 'partly_done' })
  @IsIn(VISIT_OUTCOMES)
  outcome!: (typeof VISIT_OUTCOMES)[number];

  @ApiProperty({ enum: VISIT_OBSTACLES, isArray: true, example: ['no_smartphone', 'elderly'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(VISIT_OBSTACLES.length)
  @IsIn(VISIT_OBSTACLES, { each: true })
  obstacles!: Array<(typeof VISIT_OBSTACLES)[number]>;

  @ApiPropertyOptional({ example: '2026-07-29', description: 'When to come back' })
  @IsOptional()
  @IsCalendarDay()
  followUpDate?: string;

  @ApiPropertyOptional({ example: 'Ông bà lớn tuổi, hẹn con trai về hỗ trợ' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  note?: string;
}

/** The review states a visit list can be filtered by: not reviewed yet, or its current verdict. */
export const VISIT_REVIEW_FILTERS = ['unreviewed', ...REVIEW_VERDICTS] as const;
export type VisitReviewFilter = (typeof VISIT_REVIEW_FILTERS)[number];

export class VisitListQuery {
  @ApiPropertyOptional({ enum: VISIT_REVIEW_FILTERS, example: 'unreviewed', description: 'Only visits not reviewed yet, or whose current verdict is this one' })
  @IsOptional()
  @IsIn(VISIT_REVIEW_FILTERS)
  reviewStatus?: VisitReviewFilter;
}

export class ReviewVisitDto {
  @ApiProperty({ enum: REVIEW_VERDICTS, example: 'returned', description: "'verified': the visit is accepted; 'returned': the team must fix it (say what in reason)" })
  @IsIn(REVIEW_VERDICTS)
  verdict!: (typeof REVIEW_VERDICTS)[number];

  @ApiPropertyOptional({
    example: 'Thiếu ảnh minh chứng / no photo of the signed form',
    description: 'What to fix; required to return a visit, optional to verify one. It is published to the team: name no one.',
    maxLength: 300,
  })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason?: string;
}

export class VisitView {
  @ApiProperty({ example: 'c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) householdId!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b' }) teamId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b' }) memberId!: string | null;
  @ApiProperty({ example: '2026-07-22T09:15:00.000Z' }) visitedAt!: string;
  @ApiProperty({ example: 'partly_done' }) outcome!: string;
  @ApiProperty({ example: ['no_smartphone', 'elderly'] }) obstacles!: string[];
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date', example: '2026-07-29' }) followUpDate!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Hẹn con trai về hỗ trợ cài VNeID' }) note!: string | null;
  @ApiProperty({ nullable: true, enum: REVIEW_VERDICTS, example: 'returned', description: "The commune admin's current verdict; null until reviewed" }) reviewStatus!: (typeof REVIEW_VERDICTS)[number] | null;
  @ApiProperty({ nullable: true, type: String, example: 'Thiếu ảnh minh chứng / no photo of the signed form', description: 'The reason given with the current verdict' }) reviewReason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-07-23T02:00:00.000Z', description: 'When the current verdict was given' }) reviewedAt!: string | null;
}

export class ReturnedVisitsQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;
}

/** A visit returned to its team that the team has not yet gone back for (it is still the household's latest visit). */
export class ReturnedVisitView {
  @ApiProperty({ example: 'c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f' }) visitId!: string;
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) householdId!: string;
  @ApiProperty({ example: 'Lê Văn Một' }) headName!: string;
  @ApiProperty({ example: 'Xóm 3, thôn Đông' }) address!: string;
  @ApiProperty({ example: 'DONG' }) villageCode!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b' }) teamId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'Who recorded the visit' }) memberId!: string | null;
  @ApiProperty({ example: '2026-07-22T09:15:00.000Z' }) visitedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Thiếu ảnh minh chứng', description: 'What to fix' }) reason!: string | null;
  @ApiProperty({ example: '2026-07-23T02:00:00.000Z', description: 'When it was returned' }) returnedAt!: string;
}

export class ReturnedVisitsView {
  @ApiProperty({ type: [ReturnedVisitView], description: `Newest returned first, at most ${VISITS_LISTED_RETURNED}` }) items!: ReturnedVisitView[];
  @ApiProperty({ example: false, description: 'More are returned than listed' }) truncated!: boolean;
}
