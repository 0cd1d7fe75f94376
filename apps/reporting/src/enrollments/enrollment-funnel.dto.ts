import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsCalendarDay } from '@dtc/platform';
import { DataAsOf } from '../freshness/freshness.dto';

export class FunnelQuery {
  @ApiProperty({ example: 'vneid_level2' })
  @Matches(/^[a-z0-9_]{2,40}$/, { message: 'serviceCode must be a service code' })
  serviceCode!: string;

  @ApiPropertyOptional({ example: '2026-07-21', description: 'First day (Vietnam time) counted, inclusive' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-08-02', description: 'Last day counted, inclusive' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;
}

export class FunnelStep {
  @ApiProperty({ example: 'issued' }) state!: string;
  @ApiProperty({ example: 1046, description: 'Enrollments that entered this state in the window' }) reached!: number;
}

export class VillageFunnel {
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiPropertyOptional({ example: 'DONG-HOA', nullable: true, type: String }) villageCode!: string | null;
  @ApiPropertyOptional({ example: 'Thôn Đông Hòa', nullable: true, type: String }) villageName!: string | null;
  @ApiProperty({ type: [FunnelStep] }) steps!: FunnelStep[];
}

export class EnrollmentFunnel {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 'vneid_level2' }) serviceCode!: string;
  @ApiPropertyOptional({ example: '2026-07-21', nullable: true, type: String, format: 'date' }) from!: string | null;
  @ApiPropertyOptional({ example: '2026-08-02', nullable: true, type: String, format: 'date' }) to!: string | null;
  @ApiProperty({ type: [FunnelStep], description: 'States in lifecycle order, rejected/cancelled last' }) steps!: FunnelStep[];
  @ApiProperty({ type: [VillageFunnel] }) villages!: VillageFunnel[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are (same snapshot)' }) dataAsOf!: DataAsOf;
}
