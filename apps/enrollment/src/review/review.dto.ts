import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REVIEW_VERDICTS } from '@dtc/contracts';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export class ReviewStepDto {
  @ApiProperty({ enum: REVIEW_VERDICTS, example: 'returned', description: 'verified: the step really happened as recorded; returned: sent back to the team to fix' })
  @IsIn(REVIEW_VERDICTS)
  verdict!: (typeof REVIEW_VERDICTS)[number];

  @ApiPropertyOptional({ example: 'Ảnh chụp màn hình VNeID chưa kích hoạt', description: 'Required when returning; must not name anyone (it is published to reports)' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  reason?: string;
}
