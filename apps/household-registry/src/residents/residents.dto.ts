import { PageQuery, IsCalendarDay, IsIsoDateTime } from '@dtc/platform';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

export const RELATIONSHIPS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other_relative', 'other'] as const;
export const RESIDENT_STATUSES = ['living', 'moved_out', 'deceased'] as const;

const PHONE = /^(0|\+84)[0-9]{9,10}$/;

export class ResidentDetailsDto {
  @ApiPropertyOptional({ example: 'Nguyễn Thị Lan' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  fullName?: string;

  @ApiPropertyOptional({ example: '1990-05-14', description: 'YYYY-MM-DD; never in the future' })
  @IsOptional()
  @IsCalendarDay()
  dateOfBirth?: string;

  @ApiPropertyOptional({ enum: ['male', 'female'], example: 'female' })
  @IsOptional()
  @IsIn(['male', 'female'])
  sex?: 'male' | 'female';

  @ApiPropertyOptional({ example: 'Kinh', description: 'Ethnic group (Kinh, Thái, Mường, H’Mông, ...)' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  ethnicity?: string;

  @ApiPropertyOptional({ example: '038190012345', description: '12-digit personal identification number (CCCD); children may have none yet' })
  @IsOptional()
  @IsString()
  idNumber?: string;

  @ApiPropertyOptional({ example: '0912345678' })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be a Vietnamese phone number (0xxxxxxxxx or +84xxxxxxxxx)' })
  phone?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  ownsSmartphone?: boolean;

  @ApiPropertyOptional({ enum: RELATIONSHIPS, example: 'spouse' })
  @IsOptional()
  @IsIn(RELATIONSHIPS)
  relationshipToHead?: (typeof RELATIONSHIPS)[number];
}

// The required details are declared here: extending the all-optional class would inherit its @IsOptional() (a missing name reached the database).
export class RegisterResidentDto extends OmitType(ResidentDetailsDto, ['fullName', 'dateOfBirth', 'sex', 'ethnicity', 'relationshipToHead'] as const) {
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' })
  @IsUUID('4')
  householdId!: string;

  @ApiProperty({ example: 'Nguyễn Thị Lan' })
  @IsString()
  @Length(1, 200)
  fullName!: string;

  @ApiProperty({ example: '1990-05-14' })
  @IsCalendarDay()
  dateOfBirth!: string;

  @ApiProperty({ enum: ['male', 'female'], example: 'female' })
  @IsIn(['male', 'female'])
  sex!: 'male' | 'female';

  @ApiProperty({ example: 'Kinh' })
  @IsString()
  @Length(1, 50)
  ethnicity!: string;

  @ApiProperty({ enum: RELATIONSHIPS, example: 'spouse' })
  @IsIn(RELATIONSHIPS)
  relationshipToHead!: (typeof RELATIONSHIPS)[number];

  @ApiPropertyOptional({ example: '2026-07-21T08:40:00.000Z', description: 'When it was recorded on the device; defaults to now' })
  @IsOptional()
  @IsIsoDateTime()
  registeredAt?: string;
}

export class UpdateResidentDto extends ResidentDetailsDto {
  @ApiProperty({ example: 1, description: 'The version you read; a stale one gets 409 with the current version' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  changedAt?: string;
}

export class ResidentStatusChangeDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z', description: 'When it happened; defaults to now' })
  @IsOptional()
  @IsIsoDateTime()
  occurredAt?: string;
}

export class ResidentSearchQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ example: 'nguyen thi lan', description: 'Name, diacritics and case ignored' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ example: '038190012345' })
  @IsOptional()
  @Matches(/^[0-9]{12}$/, { message: 'idNumber must be 12 digits' })
  idNumber?: string;

  @ApiPropertyOptional({ example: 'DONG-HOA' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
  villageCode?: string;

  @ApiPropertyOptional({ enum: RESIDENT_STATUSES, example: 'living' })
  @IsOptional()
  @IsIn(RESIDENT_STATUSES)
  status?: (typeof RESIDENT_STATUSES)[number];
}

export class EligibleQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ example: '2026-08-02', description: 'Age is taken on this date (default today)' })
  @IsOptional()
  @IsCalendarDay()
  onDate?: string;

  @ApiPropertyOptional({ example: 14, default: 14 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120)
  minAge: number = 14;

  @ApiPropertyOptional({ example: 'DONG-HOA' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
  villageCode?: string;
}

export class DuplicateFlagRef {
  @ApiProperty({ example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' }) flagId!: string;
  @ApiProperty({ example: '4e9f3b72-0d5e-4c8f-9b26-7e3d1f0a2c45' }) duplicateOfId!: string;
}

export class ResidentView {
  @ApiProperty({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) householdId!: string;
  @ApiProperty({ example: 'DONG-HOA' }) villageCode!: string;
  @ApiProperty({ example: 'Nguyễn Thị Lan' }) fullName!: string;
  @ApiProperty({ example: '1990-05-14' }) dateOfBirth!: string;
  @ApiProperty({ example: 'female' }) sex!: string;
  @ApiProperty({ example: 'Kinh' }) ethnicity!: string;
  @ApiPropertyOptional({ example: '038190012345', nullable: true, type: String }) idNumber!: string | null;
  @ApiPropertyOptional({ example: '0912345678', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ example: true }) ownsSmartphone!: boolean;
  @ApiProperty({ example: 'spouse' }) relationshipToHead!: string;
  @ApiProperty({ enum: RESIDENT_STATUSES, example: 'living' }) status!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiPropertyOptional({ type: [DuplicateFlagRef], description: 'Likely duplicates flagged for review when this resident was registered' }) duplicateFlags?: DuplicateFlagRef[];
}

export class ResidentPage {
  @ApiProperty({ type: [ResidentView] }) items!: ResidentView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 3 }) total!: number;
}

export class EligibleVillage {
  @ApiProperty({ example: 'DONG-HOA' }) villageCode!: string;
  @ApiProperty({ example: 'Thôn Đông Hòa' }) villageName!: string;
  @ApiProperty({ example: 118 }) eligible!: number;
}

export class EligibleReport {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '2026-08-02' }) onDate!: string;
  @ApiProperty({ example: 14 }) minAge!: number;
  @ApiProperty({ example: 412 }) total!: number;
  @ApiProperty({ type: [EligibleVillage] }) villages!: EligibleVillage[];
}

export class ResolveDuplicateDto {
  @ApiProperty({ enum: ['duplicate', 'not_duplicate'], example: 'not_duplicate' })
  @IsIn(['duplicate', 'not_duplicate'])
  decision!: 'duplicate' | 'not_duplicate';
}

export class DuplicateFlagView {
  @ApiProperty({ example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34' }) residentId!: string;
  @ApiProperty({ example: '4e9f3b72-0d5e-4c8f-9b26-7e3d1f0a2c45' }) duplicateOfId!: string;
  @ApiProperty({ example: 'same name (diacritics ignored) and date of birth' }) reason!: string;
  @ApiProperty({ enum: ['open', 'duplicate', 'not_duplicate'], example: 'open' }) status!: string;
  @ApiProperty({ example: '2026-07-21T08:40:00.000Z' }) createdAt!: string;
}

export class DuplicateFlagQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ enum: ['open', 'duplicate', 'not_duplicate'], example: 'open', default: 'open' })
  @IsOptional()
  @IsIn(['open', 'duplicate', 'not_duplicate'])
  status: 'open' | 'duplicate' | 'not_duplicate' = 'open';
}

export class DuplicateFlagPage {
  @ApiProperty({ type: [DuplicateFlagView] }) items!: DuplicateFlagView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 2 }) total!: number;
}
