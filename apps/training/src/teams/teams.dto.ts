import { AFFILIATIONS, TEAM_KINDS } from '@dtc/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsCalendarDay, IsIsoDateTime } from '@dtc/platform';

export class FormTeamDto {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiProperty({ example: 'Tổ công tác lưu động số 1' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ enum: TEAM_KINDS, example: 'mobile_working_group' })
  @IsIn(TEAM_KINDS)
  kind!: (typeof TEAM_KINDS)[number];

  @ApiProperty({ example: '2026-07-21' })
  @IsCalendarDay()
  activeFrom!: string;

  @ApiPropertyOptional({ example: '2026-08-31' })
  @IsOptional()
  @IsCalendarDay()
  activeTo?: string;

  @ApiPropertyOptional({ example: ['5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e'], description: 'Villages the team covers' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(200)
  @IsUUID('4', { each: true })
  villageIds?: string[];
}

export class JoinTeamDto {
  @ApiPropertyOptional({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'An existing member (rejoining or in several teams); omit to create one' })
  @IsOptional()
  @IsUUID('4')
  memberId?: string;

  @ApiPropertyOptional({ example: 'Lê Văn Hùng', description: 'Required for a new member' })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  fullName?: string;

  @ApiPropertyOptional({ enum: AFFILIATIONS, example: 'youth_union', description: 'Required for a new member' })
  @IsOptional()
  @IsIn(AFFILIATIONS)
  affiliation?: (typeof AFFILIATIONS)[number];

  @ApiPropertyOptional({ example: '0912345678' })
  @IsOptional()
  @Matches(/^(0|\+84)[0-9]{9,10}$/, { message: 'phone must be a Vietnamese phone number' })
  phone?: string;

  @ApiPropertyOptional({ example: '2026-07-21T08:00:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  joinedAt?: string;
}

export class LeaveTeamDto {
  @ApiPropertyOptional({ example: '2026-08-15T08:00:00.000Z' })
  @IsOptional()
  @IsIsoDateTime()
  leftAt?: string;
}

export class AssignVillagesDto {
  @ApiProperty({ example: ['5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e'], description: 'The full list of villages after the change' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(200)
  @IsUUID('4', { each: true })
  villageIds!: string[];
}

export class RenameTeamDto {
  @ApiProperty({ example: 'Tổ công tác lưu động số 1 (thôn Đông)', description: 'The team’s public name' })
  @IsString()
  @Length(2, 200)
  name!: string;
}

const PERSONAL = 'Personal data: present only for field agents and commune admins of the commune and for operations; left out for province officers.';

export class MembershipView {
  @ApiProperty({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b' }) memberId!: string;
  @ApiPropertyOptional({ example: 'Lê Văn Hùng', description: PERSONAL }) fullName?: string;
  @ApiPropertyOptional({ example: '0912345678', nullable: true, type: String, description: PERSONAL }) phone?: string | null;
  @ApiProperty({ example: 'youth_union' }) affiliation!: string;
  @ApiProperty({ example: '2026-07-21T08:00:00.000Z' }) joinedAt!: string;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, format: 'date-time' }) leftAt!: string | null;
}

export class TeamView {
  @ApiProperty({ example: '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809' }) id!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 'Tổ công tác lưu động số 1' }) name!: string;
  @ApiProperty({ example: 'mobile_working_group' }) kind!: string;
  @ApiProperty({ example: '2026-07-21' }) activeFrom!: string;
  @ApiPropertyOptional({ example: '2026-08-31', nullable: true, type: String, format: 'date' }) activeTo!: string | null;
  @ApiProperty({ example: ['5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e'] }) villageIds!: string[];
  @ApiProperty({ type: [MembershipView], description: 'Current and past memberships' }) memberships!: MembershipView[];
}

export class CommuneQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;
}

export class MemberTeamView {
  @ApiProperty({ example: '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809' }) teamId!: string;
  @ApiProperty({ example: 'Tổ công tác lưu động số 1' }) teamName!: string;
  @ApiProperty({ example: '2026-07-21T08:00:00.000Z' }) joinedAt!: string;
}

export class CommuneMemberView {
  @ApiProperty({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: 'Member id (a field agent’s token subject)' }) id!: string;
  @ApiProperty({ example: 'Lê Văn Hùng' }) fullName!: string;
  @ApiProperty({ example: 'youth_union' }) affiliation!: string;
  @ApiPropertyOptional({ example: '0912345678', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ type: [MemberTeamView], description: 'Teams the member is in now' }) teams!: MemberTeamView[];
}
