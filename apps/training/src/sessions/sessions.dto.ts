import { ATTENDANCE_OUTCOMES, AUDIENCES, VENUE_TYPES } from '@dtc/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { PageQuery, vietnamYear, IsCalendarDay, IsIsoDateTime } from '@dtc/platform';

export class ScheduleSessionDto {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'vneid', description: 'A topic code from GET /topics' })
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'topicCode must be a topic code' })
  topicCode!: string;

  @ApiProperty({ enum: AUDIENCES, example: 'residents' })
  @IsIn(AUDIENCES)
  audience!: (typeof AUDIENCES)[number];

  @ApiProperty({ enum: VENUE_TYPES, example: 'village_cultural_house' })
  @IsIn(VENUE_TYPES)
  venueType!: (typeof VENUE_TYPES)[number];

  @ApiProperty({ example: 'Nhà văn hóa thôn Đông Hòa' })
  @IsString()
  @Length(2, 200)
  venueName!: string;

  @ApiPropertyOptional({ example: 'a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d', description: 'When held at a mobile teaching point' })
  @IsOptional()
  @IsUUID('4')
  teachingPointId?: string;

  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' })
  @IsOptional()
  @IsUUID('4')
  villageId?: string;

  @ApiProperty({ example: '2026-07-25T12:00:00.000Z' })
  @IsIsoDateTime()
  startsAt!: string;

  @ApiProperty({ example: '2026-07-25T14:00:00.000Z' })
  @IsIsoDateTime()
  endsAt!: string;

  @ApiProperty({ example: 40, minimum: 1, maximum: 1000 })
  @IsInt()
  @Min(1)
  @Max(1000)
  capacity!: number;

  @ApiProperty({ example: ['f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b'], description: 'Trainers: team member ids' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsUUID('4', { each: true })
  trainerMemberIds!: string[];
}

export class HoldSessionDto {
  @ApiPropertyOptional({ example: '2026-07-25T12:05:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  heldAt?: string;
}

export class CancelSessionDto {
  @ApiProperty({ example: 'Mưa bão, hoãn sang tuần sau' })
  @IsString()
  @Length(1, 300)
  reason!: string;
}

/** A birth year that has begun (checked against the current Vietnam year when validating, not at start-up). */
function NotFutureYear() {
  return ValidateBy({
    name: 'notFutureYear',
    validator: {
      validate: (value: unknown) => typeof value !== 'number' || value <= vietnamYear(),
      defaultMessage: (args) => `${args?.property} must not be in the future`,
    },
  });
}

export class WalkInDto {
  @ApiProperty({ example: 'Hà Thị Mai' })
  @IsString()
  @Length(2, 200)
  fullName!: string;

  @ApiPropertyOptional({ enum: ['male', 'female'], example: 'female' })
  @IsOptional()
  @IsIn(['male', 'female'])
  sex?: 'male' | 'female';

  @ApiPropertyOptional({ example: 1978 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @NotFutureYear()
  birthYear?: number;

  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' })
  @IsOptional()
  @IsUUID('4')
  villageId?: string;
}

export class AttendeeDto {
  @ApiPropertyOptional({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34', description: 'Registry id of a registered resident' })
  @IsOptional()
  @IsUUID('4')
  residentId?: string;

  @ApiPropertyOptional({ type: WalkInDto, description: 'Someone not registered yet (kept and linked later)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => WalkInDto)
  walkIn?: WalkInDto;

  @ApiPropertyOptional({ example: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', description: 'A walk-in recorded at an earlier session' })
  @IsOptional()
  @IsUUID('4')
  walkInId?: string;

  @ApiProperty({ enum: ATTENDANCE_OUTCOMES, example: 'completed' })
  @IsIn(ATTENDANCE_OUTCOMES)
  outcome!: (typeof ATTENDANCE_OUTCOMES)[number];
}

export class RecordAttendanceDto {
  @ApiProperty({ type: [AttendeeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  attendees!: AttendeeDto[];
}

export class AttendeeResult {
  @ApiProperty({ example: 0 }) index!: number;
  @ApiProperty({ example: 201 }) status!: number;
  @ApiPropertyOptional({ example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b' }) attendanceId?: string;
  @ApiPropertyOptional({ example: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' }) walkInId?: string;
  @ApiPropertyOptional({ example: 'already recorded for this session' }) reason?: string;
}

export class AttendanceResult {
  @ApiProperty({ example: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f' }) sessionId!: string;
  @ApiProperty({ example: 38 }) recorded!: number;
  @ApiProperty({ example: 40 }) capacity!: number;
  @ApiProperty({ type: [AttendeeResult] }) results!: AttendeeResult[];
}

export class LinkWalkInDto {
  @ApiProperty({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34' })
  @IsUUID('4')
  residentId!: string;
}

export class SessionQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ enum: ['scheduled', 'held', 'cancelled'] })
  @IsOptional()
  @IsIn(['scheduled', 'held', 'cancelled'])
  state?: string;
}

export class SessionView {
  @ApiProperty({ example: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 'vneid' }) topicCode!: string;
  @ApiProperty({ example: 'residents' }) audience!: string;
  @ApiProperty({ example: 'village_cultural_house' }) venueType!: string;
  @ApiProperty({ example: 'Nhà văn hóa thôn Đông Hòa' }) venueName!: string;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, format: 'uuid' }) teachingPointId!: string | null;
  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e', nullable: true, type: String, format: 'uuid' }) villageId!: string | null;
  @ApiProperty({ example: '2026-07-25T12:00:00.000Z' }) startsAt!: string;
  @ApiProperty({ example: '2026-07-25T14:00:00.000Z' }) endsAt!: string;
  @ApiProperty({ example: 40 }) capacity!: number;
  @ApiProperty({ example: ['f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b'] }) trainerMemberIds!: string[];
  @ApiProperty({ example: 'held', enum: ['scheduled', 'held', 'cancelled'] }) state!: string;
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty({ example: 38 }) attendees!: number;
}

export class SessionPage {
  @ApiProperty({ type: [SessionView] }) items!: SessionView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 12 }) total!: number;
}

export class TeachingPointDto {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'Điểm dạy học lưu động chợ Đông Tiến' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiPropertyOptional({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' })
  @IsOptional()
  @IsUUID('4')
  villageId?: string;

  @ApiProperty({ example: 'Sân chợ Đông Tiến' })
  @IsString()
  @Length(2, 300)
  address!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: 7 },
    minItems: 1,
    maxItems: 7,
    uniqueItems: true,
    example: [6],
    description: 'ISO weekdays (1 = Monday ... 7 = Sunday) of the recurring schedule',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays!: number[];

  @ApiProperty({ example: '19:00', description: 'Local start time HH:MM' })
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'startTime must be HH:MM' })
  startTime!: string;

  @ApiProperty({ example: 90 })
  @IsInt()
  @Min(15)
  @Max(600)
  durationMinutes!: number;

  @ApiProperty({ example: '2026-07-01' })
  @IsCalendarDay()
  activeFrom!: string;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDay()
  activeTo?: string;
}

export class TeachingPointView extends TeachingPointDto {
  @ApiProperty({ example: 'a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
}
