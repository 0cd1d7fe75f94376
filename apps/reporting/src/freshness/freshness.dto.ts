import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StreamFreshness {
  @ApiProperty({ example: 'enrollment.events', enum: ['household-registry.events', 'enrollment.events', 'training.events'] }) stream!: string;
  @ApiPropertyOptional({ example: '2026-08-02T09:14:55.000Z', nullable: true, type: String, format: 'date-time', description: 'Time (event `time`, when it happened) of the newest event of this stream in the figures; null before the first' })
  newestEventAt!: string | null;
  @ApiPropertyOptional({ example: '2026-08-02T09:15:01.204Z', nullable: true, type: String, format: 'date-time', description: 'When the batch holding the newest applied event of this stream was written to the figures' })
  appliedAt!: string | null;
  @ApiProperty({ example: 125230, description: 'Events of this stream applied to the active generation' }) eventsApplied!: number;
  @ApiPropertyOptional({ example: 0, nullable: true, type: 'integer', description: 'Messages of this stream not yet applied (topic end offsets minus the consumer group’s committed offsets); null when the broker could not be asked' })
  lag!: number | null;
}

export class DataAsOf {
  @ApiProperty({ type: [StreamFreshness] }) streams!: StreamFreshness[];
  @ApiPropertyOptional({ example: '2026-08-02T09:14:55.000Z', nullable: true, type: String, format: 'date-time', description: 'The oldest of the streams’ newest event times: every stream is applied at least up to here' })
  oldestStreamAt!: string | null;
  @ApiPropertyOptional({ example: 0, nullable: true, type: 'integer', description: 'Messages behind on all streams together; null when the broker could not be asked' }) totalLag!: number | null;
  @ApiPropertyOptional({ example: '2026-08-02T09:15:02.000Z', nullable: true, type: String, format: 'date-time', description: 'When the lag was measured (measured at most every few seconds)' })
  lagMeasuredAt!: string | null;
}
