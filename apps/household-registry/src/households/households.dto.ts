import { PageQuery, IsIsoDateTime, Nullable, IsDecimal } from '@dtc/platform';
import { ApiProperty, ApiPropertyOptional, OmitType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsLatitude, IsLongitude, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

const COMMUNE_CODE = /^[0-9]{5}$/;
const VILLAGE_CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

/** Living conditions that explain slow progress (all optional, all reportable). */
export class HouseholdConditionsDto {
  @ApiPropertyOptional({ example: 'Xóm Bãi, thôn 1' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  address?: string;

  @ApiPropertyOptional({ example: 'Nguyễn Văn An', description: 'Head of household (personal data: stays in this service)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  headName?: string;

  @ApiPropertyOptional({ example: 19.8067, description: 'GPS latitude (WGS84); give with longitude' })
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @ApiPropertyOptional({ example: 105.7852, description: 'GPS longitude (WGS84); give with latitude' })
  @IsOptional()
  @IsLongitude()
  longitude?: number;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  ethnicMinority?: boolean;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  hasElectricity?: boolean;

  @ApiPropertyOptional({ enum: ['none', 'weak', 'good'], example: 'weak' })
  @IsOptional()
  @IsIn(['none', 'weak', 'good'])
  mobileSignal?: 'none' | 'weak' | 'good';

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  hasInternet?: boolean;

  @ApiPropertyOptional({ example: 1, minimum: 0, maximum: 50, description: 'Smartphones, tablets and computers owned' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50)
  smartDevices?: number;

  @ApiPropertyOptional({ example: 12.5, description: 'Distance to the commune centre in km' })
  @IsOptional()
  @IsDecimal(2)
  @Min(0)
  @Max(500)
  distanceToCentreKm?: number;
}

// Address and head are required here: extending the all-optional class would inherit its @IsOptional() (a missing address reached the database).
export class RegisterHouseholdDto extends OmitType(HouseholdConditionsDto, ['address', 'headName'] as const) {
  @ApiProperty({ example: '16279', description: 'Commune (tenant) code' })
  @Matches(COMMUNE_CODE, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'DONG-HOA', description: 'Code of a village of the commune' })
  @Matches(VILLAGE_CODE, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
  villageCode!: string;

  @ApiProperty({ example: 'Xóm Bãi, thôn 1' })
  @IsString()
  @Length(1, 300)
  address!: string;

  @ApiProperty({ example: 'Nguyễn Văn An', description: 'Head of household (personal data: stays in this service)' })
  @IsString()
  @Length(1, 200)
  headName!: string;

  @ApiPropertyOptional({ example: '2026-07-21T08:30:00.000Z', description: 'When it was recorded on the device; defaults to now; never in the future' })
  @IsOptional()
  @IsIsoDateTime()
  registeredAt?: string;
}

export class VersionedDto {
  @ApiProperty({ example: 1, description: 'The version you read; a stale one gets 409 with the current version' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class UpdateHouseholdDto extends HouseholdConditionsDto {
  @ApiProperty({ example: 1, description: 'The version you read; a stale one gets 409 with the current version' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z', description: 'When it changed on the device; defaults to now' })
  @IsOptional()
  @IsIsoDateTime()
  changedAt?: string;
}

export class MoveHouseholdDto extends VersionedDto {
  @ApiProperty({ example: 'DONG-PHU', description: 'Village of the same commune the household moves to' })
  @Matches(VILLAGE_CODE, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
  villageCode!: string;

  @ApiPropertyOptional({ example: '2026-07-22T09:15:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  movedAt?: string;
}

export class SetDigitalCoreDto extends VersionedDto {
  @ApiProperty({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34', type: String, format: 'uuid', nullable: true, description: 'A living member of the household who can use a smartphone; null clears it' })
  @Nullable()
  @IsUUID('4')
  residentId!: string | null;
}

export class HouseholdListQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(COMMUNE_CODE, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ example: 'DONG-HOA' })
  @IsOptional()
  @Matches(VILLAGE_CODE, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
  villageCode?: string;

  @ApiPropertyOptional({ example: true, description: 'Only households with no digital core member' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  withoutDigitalCore?: boolean;
}

export class VillageStay {
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiProperty({ example: 'DONG-HOA' }) villageCode!: string;
  @ApiProperty({ example: '2026-07-21T08:30:00.000Z' }) from!: string;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, format: 'date-time' }) to!: string | null;
}

export class HouseholdView extends PickType(RegisterHouseholdDto, ['communeCode', 'villageCode'] as const) {
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) id!: string;
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiProperty({ example: 'Xóm Bãi, thôn 1' }) address!: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) headName!: string;
  @ApiProperty({ example: '2026-07-21T08:30:00.000Z' }) registeredAt!: string;
  @ApiPropertyOptional({ example: 19.8067, nullable: true, type: Number }) latitude!: number | null;
  @ApiPropertyOptional({ example: 105.7852, nullable: true, type: Number }) longitude!: number | null;
  @ApiPropertyOptional({ example: false, nullable: true, type: Boolean }) ethnicMinority!: boolean | null;
  @ApiPropertyOptional({ example: true, nullable: true, type: Boolean }) hasElectricity!: boolean | null;
  @ApiPropertyOptional({ example: 'weak', nullable: true, type: String }) mobileSignal!: string | null;
  @ApiPropertyOptional({ example: false, nullable: true, type: Boolean }) hasInternet!: boolean | null;
  @ApiPropertyOptional({ example: 1, nullable: true, type: 'integer' }) smartDevices!: number | null;
  @ApiPropertyOptional({ example: 12.5, nullable: true, type: Number }) distanceToCentreKm!: number | null;
  @ApiPropertyOptional({ example: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34', nullable: true, type: String, format: 'uuid' }) digitalCoreResidentId!: string | null;
  @ApiProperty({ example: 1, description: 'Optimistic-concurrency version' }) version!: number;
  @ApiPropertyOptional({ type: [VillageStay], description: 'Villages the household lived in (on GET by id)' }) villageHistory?: VillageStay[];
}

export class HouseholdPage {
  @ApiProperty({ type: [HouseholdView] }) items!: HouseholdView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 165 }) total!: number;
}

