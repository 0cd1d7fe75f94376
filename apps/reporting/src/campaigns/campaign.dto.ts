import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDay, IsDecimal } from '@dtc/platform';
import { POPULATIONS, type Population } from '../progress/indicator';

export class TargetDto {
  @ApiProperty({ example: 'cccd_applications', description: 'An indicator code from GET /indicators' })
  @Matches(/^[a-z0-9_]{2,60}$/, { message: 'indicatorCode must be an indicator code' })
  indicatorCode!: string;

  @ApiPropertyOptional({ example: 10084, description: 'A number to reach (exactly one of targetCount, sharePercent, targetValue)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000000)
  targetCount?: number;

  @ApiPropertyOptional({ example: 85, description: 'A share of a population, in percent (e.g. 85% of adults)' })
  @IsOptional()
  @IsDecimal(2)
  @Min(0.01)
  @Max(100)
  sharePercent?: number;

  @ApiPropertyOptional({ enum: POPULATIONS, example: 'eligible_residents', description: 'Population of a share target; defaults to the indicator’s' })
  @IsOptional()
  @IsIn(POPULATIONS)
  population?: Population;

  @ApiPropertyOptional({ example: 80, description: 'For indicators reported as a percentage (e.g. online share of applications): the value to reach' })
  @IsOptional()
  @IsDecimal(2)
  @Min(0)
  @Max(100000000)
  targetValue?: number;

  @ApiPropertyOptional({ enum: ['window', 'cumulative'], default: 'window', example: 'window', description: 'Count only what happened in the campaign window, or everything up to the report day' })
  @IsOptional()
  @IsIn(['window', 'cumulative'])
  counting?: 'window' | 'cumulative';

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, example: { '16279': 10084 }, description: 'Province campaigns: a count target per commune (commune code -> number)' })
  @IsOptional()
  @IsObject()
  communeTargets?: Record<string, number>;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'Chiến dịch 60 ngày đêm làm sạch dữ liệu dân cư' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiPropertyOptional({ example: '16279', description: 'The commune, for a commune campaign' })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode?: string;

  @ApiPropertyOptional({ example: '38', description: 'The province: required for a province campaign; for a commune campaign only when reporting has not seen the commune yet' })
  @IsOptional()
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be the 2-digit province code' })
  provinceCode?: string;

  @ApiProperty({ example: '2026-07-21', description: 'First day (Vietnam), inclusive' })
  @IsCalendarDay()
  startsOn!: string;

  @ApiProperty({ example: '2026-08-02', description: 'Last day, inclusive' })
  @IsCalendarDay()
  endsOn!: string;

  @ApiProperty({ type: [TargetDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @ValidateNested({ each: true })
  @Type(() => TargetDto)
  targets!: TargetDto[];
}

export class UpdateCampaignDto {
  @ApiProperty({ example: 1, description: 'The version you read (optimistic concurrency)' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ example: 'Chiến dịch 60 ngày đêm (gia hạn)' })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  name?: string;

  @ApiPropertyOptional({ example: '2026-07-21' })
  @IsOptional()
  @IsCalendarDay()
  startsOn?: string;

  @ApiPropertyOptional({ example: '2026-08-09' })
  @IsOptional()
  @IsCalendarDay()
  endsOn?: string;

  @ApiPropertyOptional({ type: [TargetDto], description: 'Replaces all targets' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @ValidateNested({ each: true })
  @Type(() => TargetDto)
  targets?: TargetDto[];
}

export class TargetView {
  @ApiProperty({ example: 'cccd_applications' }) indicatorCode!: string;
  @ApiPropertyOptional({ example: 10084, nullable: true, type: 'integer' }) targetCount!: number | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: Number }) sharePercent!: number | null;
  @ApiPropertyOptional({ example: null, nullable: true, enum: POPULATIONS }) population!: Population | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: Number }) targetValue!: number | null;
  @ApiProperty({ example: 'window', enum: ['window', 'cumulative'] }) counting!: 'window' | 'cumulative';
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true, example: null, description: 'Province campaigns: the count target per commune' }) communeTargets!: Record<string, number> | null;
}

export class CampaignView {
  @ApiProperty({ example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' }) id!: string;
  @ApiProperty({ example: 'Chiến dịch 60 ngày đêm' }) name!: string;
  @ApiProperty({ example: 'commune', enum: ['commune', 'province'] }) scope!: 'commune' | 'province';
  @ApiPropertyOptional({ example: '16279', nullable: true, type: String }) communeCode!: string | null;
  @ApiProperty({ example: '38' }) provinceCode!: string;
  @ApiProperty({ example: '2026-07-21' }) startsOn!: string;
  @ApiProperty({ example: '2026-08-02' }) endsOn!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ type: [TargetView] }) targets!: TargetView[];
}

export class CampaignListQuery {
  @ApiPropertyOptional({ example: '16279' })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode?: string;

  @ApiPropertyOptional({ example: '38' })
  @IsOptional()
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be the 2-digit province code' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 500, default: 100, description: 'At most this many campaigns, the latest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}
