import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A dead-letter listing shows at most this many letters (the newest). */
export const DEAD_LETTERS_SHOWN = 200;

export class OutboxStatusView {
  @ApiProperty({ example: 0, type: 'integer', description: 'Outbox rows not yet published to Kafka' }) backlog!: number;
  @ApiPropertyOptional({ example: null, nullable: true, type: 'integer', description: 'Age in seconds of the oldest unpublished row; null when nothing waits' })
  oldestUnpublishedSeconds!: number | null;
  @ApiPropertyOptional({ example: '2026-08-02T09:15:00.000Z', nullable: true, type: String, format: 'date-time', description: 'When the newest row still kept was published; null when none is' })
  lastPublishedAt!: string | null;
}

export class PartitionLagView {
  @ApiProperty({ example: 'dtc.household-registry.events' }) topic!: string;
  @ApiProperty({ example: 0, type: 'integer' }) partition!: number;
  @ApiPropertyOptional({ example: 1204, nullable: true, type: 'integer', description: 'The group’s committed offset; null before its first commit' }) committed!: number | null;
  @ApiProperty({ example: 1204, type: 'integer', description: 'The partition’s end offset' }) end!: number;
  @ApiProperty({ example: 0, type: 'integer', description: 'Messages on this partition the group has not yet applied' }) lag!: number;
}

export class ConsumerStatusView {
  @ApiProperty({ example: 'reporting-projections', description: 'The consumer’s name (its dead letters are asked for by this name)' }) consumer!: string;
  @ApiProperty({ example: 'dtc.reporting-projections', description: 'Its Kafka consumer group' }) group!: string;
  @ApiPropertyOptional({ example: 0, nullable: true, type: 'integer', description: 'Messages behind on all its partitions; null when the broker could not be asked' }) lag!: number | null;
  @ApiProperty({ type: [PartitionLagView] }) partitions!: PartitionLagView[];
  @ApiPropertyOptional({ example: 0, nullable: true, type: 'integer', description: 'Dead letters kept on its dead-letter topic; null when the broker could not be asked' })
  deadLetters!: number | null;
  @ApiPropertyOptional({ example: 0, nullable: true, type: 'integer', description: 'Of those, the ones not yet replayed' }) deadLettersWaiting!: number | null;
}

export class OpsStatusView {
  @ApiProperty({ example: 'reporting' }) service!: string;
  @ApiProperty({ example: '2026-08-02T09:15:02.000Z', format: 'date-time' }) checkedAt!: string;
  @ApiProperty({ example: true, description: 'Whether the broker answered; when it did not, lags and dead letters are null' }) kafkaReachable!: boolean;
  @ApiPropertyOptional({ type: OutboxStatusView, description: 'The outbox of a service that publishes events; absent for one that only consumes' })
  outbox?: OutboxStatusView;
  @ApiProperty({ type: [ConsumerStatusView] }) consumers!: ConsumerStatusView[];
}

export class DeadLetterView {
  @ApiProperty({ example: 0, type: 'integer' }) partition!: number;
  @ApiProperty({ example: '12', description: 'Offset on the dead-letter topic' }) offset!: string;
  @ApiPropertyOptional({ example: '8d3f0c2e-5a61-4f1e-9b7a-2c4d6e8f0a1b', nullable: true, type: String, description: 'The message key (the aggregate id)' }) key!: string | null;
  @ApiPropertyOptional({ example: 'vn.dtc.registry.household.registered.v1', nullable: true, type: String }) eventType!: string | null;
  @ApiPropertyOptional({ example: '0f6c1f7e-3b7d-4c49-9f0e-7f2b1d6a9c10', nullable: true, type: String }) eventId!: string | null;
  @ApiProperty({ example: 'invalid event: data.householdId is required', description: 'Why the consumer set it aside' }) error!: string;
  @ApiProperty({ example: 'InvalidEventError' }) errorType!: string;
  @ApiProperty({ example: 'dtc.household-registry.events' }) originalTopic!: string;
  @ApiProperty({ example: 1, type: 'integer' }) originalPartition!: number;
  @ApiProperty({ example: '5521' }) originalOffset!: string;
  @ApiProperty({ example: 1, type: 'integer', description: 'Attempts before it was set aside' }) attempts!: number;
  @ApiProperty({ example: '2026-08-02T09:14:00.000Z', description: 'When it was set aside' }) failedAt!: string;
  @ApiProperty({ example: false, description: 'Whether a replay has sent it back to its original topic' }) replayed!: boolean;
}

export class DeadLettersView {
  @ApiProperty({ example: 'reporting-projections' }) consumer!: string;
  @ApiProperty({ example: 'dtc.dead-letter.reporting-projections' }) topic!: string;
  @ApiProperty({ example: 1, type: 'integer', description: 'Dead letters kept on the topic' }) total!: number;
  @ApiProperty({ type: [DeadLetterView], description: `The newest ${DEAD_LETTERS_SHOWN} letters, newest first` }) letters!: DeadLetterView[];
}

export class ReplayView {
  @ApiProperty({ example: 'reporting-projections' }) consumer!: string;
  @ApiProperty({ example: 1, type: 'integer', description: 'Letters sent back to their original topics (a letter that fails again returns to the dead-letter topic)' })
  replayed!: number;
}

/** A replay takes every letter not yet replayed; the body may be empty or `{}` (no other field is accepted). */
export class ReplayDeadLettersDto {}
