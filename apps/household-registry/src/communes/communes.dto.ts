import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** Public names are shown on lists and dashboards: a name of spaces only is no name. */
const NOT_BLANK = /\S/;

export class CreateCommuneDto {
  @ApiProperty({ example: '09955', description: 'Official 5-digit commune/ward code' })
  @Matches(/^[0-9]{5}$/, { message: 'code must be the 5-digit official commune code' })
  code!: string;

  @ApiProperty({ example: 'Xã Đông Sơn' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ example: '38', description: 'Official 2-digit province code' })
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be the 2-digit official province code' })
  provinceCode!: string;

  @ApiProperty({ example: 'Thanh Hóa' })
  @IsString()
  @Length(2, 200)
  provinceName!: string;
}

export class CreateVillageDto {
  @ApiProperty({ example: 'THON-1', description: 'Village/hamlet/residential-group code, unique within the commune' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'code must be 1-32 upper-case letters, digits or dashes' })
  code!: string;

  @ApiProperty({ example: 'Thôn 1' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class RenameCommuneDto {
  @ApiProperty({ example: 'Phường Đông Sơn', description: 'The new public name (e.g. after an administrative merger); code and province stay' })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;
}

export class RenameVillageDto {
  @ApiProperty({ example: 'Thôn Đông Tiến', description: 'The new public name; the village id and code stay' })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;
}

export class CommuneView {
  @ApiProperty({ example: '09955' }) code!: string;
  @ApiProperty({ example: 'Xã Đông Sơn' }) name!: string;
  @ApiProperty({ example: '38' }) provinceCode!: string;
  @ApiProperty({ example: 'Thanh Hóa' }) provinceName!: string;
}

export class VillageView {
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) id!: string;
  @ApiProperty({ example: '09955' }) communeCode!: string;
  @ApiProperty({ example: 'THON-1' }) code!: string;
  @ApiProperty({ example: 'Thôn 1' }) name!: string;
}
