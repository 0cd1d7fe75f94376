import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { IsIsoDateTime } from '@dtc/platform';

export const MAX_SYNC_ITEMS = 500;

export class SyncItemDto {
  @ApiProperty({ example: '8c0f3a1e-2b4d-4e6f-9a8b-7c6d5e4f3a2b', description: 'Generated on the phone; a retry with the same id returns the stored result and writes nothing' })
  @IsUUID('4')
  clientId!: string;

  @ApiProperty({ example: 'resident.register', description: "One of the service's sync commands (see the operation description)" })
  @IsString()
  @Length(1, 64)
  command!: string;

  @ApiProperty({ example: '2026-07-21T08:40:00.000Z', description: 'When it happened on the phone (used as the event time)' })
  @IsIsoDateTime()
  occurredAt!: string;

  @ApiPropertyOptional({ example: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11', description: 'Id of the existing record a command acts on (update, move, transition, ...)' })
  @IsOptional()
  @IsUUID('4')
  target?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', format: 'uuid' },
    example: { householdId: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d' },
    description: "Fields to fill from records created by earlier items (field -> that item's clientId); \"target\" may be used as a field name",
  })
  @IsOptional()
  @IsObject()
  refs?: Record<string, string>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { householdId: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11', fullName: 'Nguyễn Thị Lan' },
    description: 'The body of the matching single-record endpoint',
  })
  @IsObject()
  payload!: Record<string, unknown>;
}

export class SyncBatchDto {
  @ApiProperty({ type: [SyncItemDto], maxItems: MAX_SYNC_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SYNC_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => SyncItemDto)
  items!: SyncItemDto[];
}

export class SyncItemResult {
  @ApiProperty({ example: '8c0f3a1e-2b4d-4e6f-9a8b-7c6d5e4f3a2b' }) clientId!: string;
  @ApiProperty({ example: 201, description: 'HTTP status the single-record endpoint would have answered' }) status!: number;
  @ApiProperty({ example: { id: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34', version: 1 }, description: 'The created/updated record, or the problem (message, fields)' }) body!: unknown;
  @ApiProperty({ example: false, description: 'True when this is the stored result of an earlier upload of the same clientId' }) replayed!: boolean;
}

export class SyncBatchResult {
  @ApiProperty({ type: [SyncItemResult] }) results!: SyncItemResult[];
}
