import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class RegisterHouseholdDto {
  @ApiProperty({ example: '09955', description: 'Commune (tenant) code' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'THON-1', description: 'Code of a village of the commune' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
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
  @IsISO8601({ strict: true }, { message: 'registeredAt must be an ISO 8601 date-time' })
  registeredAt?: string;

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

  @ApiPropertyOptional({ example: 1, minimum: 0, maximum: 50 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50)
  smartDevices?: number;

  @ApiPropertyOptional({ example: 12.5, description: 'Distance to the commune centre in km' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(500)
  distanceToCentreKm?: number;
}

export class HouseholdView {
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) id!: string;
  @ApiProperty({ example: '09955' }) communeCode!: string;
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiProperty({ example: 'THON-1' }) villageCode!: string;
  @ApiProperty({ example: 'Xóm Bãi, thôn 1' }) address!: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) headName!: string;
  @ApiProperty({ example: '2026-07-21T08:30:00.000Z' }) registeredAt!: string;
  @ApiPropertyOptional({ example: false, nullable: true }) ethnicMinority!: boolean | null;
  @ApiPropertyOptional({ example: true, nullable: true }) hasElectricity!: boolean | null;
  @ApiPropertyOptional({ example: 'weak', nullable: true }) mobileSignal!: string | null;
  @ApiPropertyOptional({ example: false, nullable: true }) hasInternet!: boolean | null;
  @ApiPropertyOptional({ example: 1, nullable: true }) smartDevices!: number | null;
  @ApiPropertyOptional({ example: 12.5, nullable: true }) distanceToCentreKm!: number | null;
  @ApiProperty({ example: 1, description: 'Optimistic-concurrency version' }) version!: number;
}
