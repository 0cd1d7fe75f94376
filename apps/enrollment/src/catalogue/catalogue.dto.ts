import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, NotContains } from 'class-validator';

export class CreateServiceDto {
  @ApiProperty({ example: 'ihanoi_app', description: 'Lower-case code, unique' })
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'code must be 2-40 lower-case letters, digits or underscores' })
  code!: string;

  @ApiProperty({ example: 'Cài đặt ứng dụng iHanoi' })
  @IsString()
  @Length(2, 200)
  nameVi!: string;

  @ApiProperty({ example: 'iHanoi app set up' })
  @IsString()
  @Length(2, 200)
  nameEn!: string;

  @ApiProperty({ enum: ['resident', 'organisation'], example: 'resident' })
  @IsIn(['resident', 'organisation'])
  subject!: 'resident' | 'organisation';

  @ApiPropertyOptional({ example: 14, description: 'Minimum age on the day of the first step' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120)
  minAge?: number;

  @ApiPropertyOptional({ example: 'app', description: 'When set, every enrollment must say which (app, procedure, ...)' })
  @IsOptional()
  @IsString()
  @Length(2, 40)
  detailLabel?: string;

  @ApiProperty({ example: ['installed', 'set_up'], description: 'Happy path in order; rejected and cancelled are always available from open states' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(/^[a-z_]{2,30}$/, { each: true, message: 'each state must be 2-30 lower-case letters or underscores' })
  @NotContains('rejected', { each: true })
  @NotContains('cancelled', { each: true })
  states!: string[];

  @ApiPropertyOptional({ example: '01', description: 'Only for communes of this province; omit for a national service (operations only)' })
  @IsOptional()
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be the 2-digit province code' })
  provinceCode?: string;
}

export class ServiceListQuery {
  @ApiPropertyOptional({ example: '38', description: 'Also list this province’s own services (default: the token’s province)' })
  @IsOptional()
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be the 2-digit province code' })
  provinceCode?: string;
}

export class ServiceView {
  @ApiProperty({ example: 'vneid_level2' }) code!: string;
  @ApiProperty({ example: 'Tài khoản định danh điện tử mức 2' }) nameVi!: string;
  @ApiProperty({ example: 'VNeID account level 2' }) nameEn!: string;
  @ApiProperty({ example: 'resident' }) subject!: string;
  @ApiPropertyOptional({ example: 14, nullable: true, type: 'integer' }) minAge!: number | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) detailLabel!: string | null;
  @ApiProperty({ example: ['registered', 'issued', 'activated'] }) states!: string[];
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) provinceCode!: string | null;
}
