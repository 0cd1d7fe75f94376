import { ApiProperty } from '@nestjs/swagger';
import { DataAsOf } from '../freshness/freshness.dto';

export class VillageHouseholdsRow {
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiProperty({ example: 'THON-1' }) villageCode!: string;
  @ApiProperty({ example: 'Thôn 1' }) villageName!: string;
  @ApiProperty({ example: 412 }) households!: number;
}

export class CommuneHouseholdsReport {
  @ApiProperty({ example: '09955' }) communeCode!: string;
  @ApiProperty({ example: '38' }) provinceCode!: string;
  @ApiProperty({ example: 1830 }) totalHouseholds!: number;
  @ApiProperty({ type: [VillageHouseholdsRow] }) villages!: VillageHouseholdsRow[];
  @ApiProperty({ example: '2026-07-21T08:30:00.000Z', nullable: true, type: String, format: 'date-time', description: 'When the latest household event in this report happened (registration or move)' }) updatedAt!: string | null;
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind (same snapshot)' }) dataAsOf!: DataAsOf;
}
