import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const HOUSEHOLD_MAP_STATUSES = ['digital_core', 'obstacle', 'visited', 'not_visited'] as const;
export type HouseholdMapStatus = (typeof HOUSEHOLD_MAP_STATUSES)[number];

export class MapPosition {
  @ApiProperty({ example: 19.806692 }) latitude!: number;
  @ApiProperty({ example: 105.785182 }) longitude!: number;
}

export class HouseholdMapPoint {
  @ApiProperty({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' }) id!: string;
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiProperty({ example: 19.806692 }) latitude!: number;
  @ApiProperty({ example: 105.785182 }) longitude!: number;
  @ApiProperty({
    enum: HOUSEHOLD_MAP_STATUSES,
    example: 'visited',
    description: 'digital_core: a member holds a level-2 e-ID; obstacle: the latest visit recorded an obstacle; visited: visited at least once; not_visited: never',
  })
  status!: HouseholdMapStatus;
}

export class VillageCoverage {
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) id!: string;
  @ApiProperty({ example: 'THON-1' }) code!: string;
  @ApiProperty({ example: 'Thôn 1' }) name!: string;
  @ApiProperty({ example: 42, description: 'Households registered in the village' }) households!: number;
  @ApiProperty({ example: 40, description: 'Of them, with a recorded position (drawn on the map)' }) located!: number;
  @ApiProperty({ example: 30 }) visited!: number;
  @ApiProperty({ example: 18 }) withDigitalCore!: number;
  @ApiProperty({ example: 4 }) withObstacle!: number;
  @ApiProperty({ example: 3, description: 'Households without mobile signal: registered so, or their latest visit met no_signal (work there must be done offline, or at the commune hall)' }) noSignal!: number;
  @ApiPropertyOptional({ type: MapPosition, example: { latitude: 19.8061, longitude: 105.7849 }, description: 'Mean position of its located households; absent when none is located' })
  centre?: MapPosition;
}

export class HouseholdMapView {
  @ApiProperty({ example: '09955' }) communeCode!: string;
  @ApiProperty({ type: [HouseholdMapPoint], description: 'Households with a recorded position (no names or addresses)' }) households!: HouseholdMapPoint[];
  @ApiProperty({ type: [VillageCoverage] }) villages!: VillageCoverage[];
}
