import { PageQuery, IsIsoDateTime } from '@dtc/platform';
import { ORGANISATION_EID_STATUSES, ORGANISATION_KINDS } from '@dtc/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';

export class RegisterOrganisationDto {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'DONG-HOA' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'villageCode must be 1-32 upper-case letters, digits or dashes' })
  villageCode!: string;

  @ApiProperty({ example: 'Hợp tác xã Nông nghiệp Đông Tiến' })
  @IsString()
  @Length(2, 300)
  name!: string;

  @ApiProperty({ example: '2801234567', description: 'Tax code: 10 digits, or 10 digits and a 3-digit branch suffix (2801234567-001)' })
  @Matches(/^[0-9]{10}(-[0-9]{3})?$/, { message: 'taxCode must be 10 digits, optionally followed by -NNN' })
  taxCode!: string;

  @ApiProperty({ enum: ORGANISATION_KINDS, example: 'cooperative' })
  @IsIn(ORGANISATION_KINDS)
  kind!: (typeof ORGANISATION_KINDS)[number];

  @ApiPropertyOptional({ enum: ORGANISATION_EID_STATUSES, example: 'none', default: 'none' })
  @IsOptional()
  @IsIn(ORGANISATION_EID_STATUSES)
  eIdStatus?: (typeof ORGANISATION_EID_STATUSES)[number];

  @ApiPropertyOptional({ example: '2026-07-21T10:00:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  registeredAt?: string;
}

export class SetEIdStatusDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ enum: ORGANISATION_EID_STATUSES, example: 'identified' })
  @IsIn(ORGANISATION_EID_STATUSES)
  eIdStatus!: (typeof ORGANISATION_EID_STATUSES)[number];

  @ApiPropertyOptional({ example: '2026-07-25T10:00:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  occurredAt?: string;
}

export class OrganisationQuery extends PageQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ enum: ORGANISATION_EID_STATUSES })
  @IsOptional()
  @IsIn(ORGANISATION_EID_STATUSES)
  eIdStatus?: (typeof ORGANISATION_EID_STATUSES)[number];
}

export class OrganisationView {
  @ApiProperty({ example: '9a7b6c5d-4e3f-4a1b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 'DONG-HOA' }) villageCode!: string;
  @ApiProperty({ example: 'Hợp tác xã Nông nghiệp Đông Tiến' }) name!: string;
  @ApiProperty({ example: '2801234567' }) taxCode!: string;
  @ApiProperty({ example: 'cooperative' }) kind!: string;
  @ApiProperty({ example: 'none' }) eIdStatus!: string;
  @ApiProperty({ example: 1 }) version!: number;
}

export class OrganisationPage {
  @ApiProperty({ type: [OrganisationView] }) items!: OrganisationView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 41 }) total!: number;
}
