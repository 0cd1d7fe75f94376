import { BadRequestException, Body, Controller, HttpCode, Injectable, Param, Post, type PipeTransform } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, ParseIdPipe, Roles, type Principal } from '@dtc/platform';
import { EnrollmentView } from '../enrollments/enrollments.dto';
import { ReviewStepDto } from './review.dto';
import { ReviewService } from './review.service';

/** A step number in the path: 400 naming it unless a whole number from 1 (never a 500 or a silent NaN). */
@Injectable()
class ParseStepNumberPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // The global validation pipe may already have turned the path segment into a number (NaN for words).
    if (/^[1-9][0-9]{0,3}$/.test(String(value))) return Number(value);
    throw new BadRequestException({ message: 'Validation failed', fields: [{ field: 'stepNumber', reason: 'stepNumber must be a whole number from 1 to 9999' }] });
  }
}

@ApiTags('enrollments')
@Controller('enrollments')
export class ReviewController {
  constructor(private readonly reviews: ReviewService) {}

  @Post(':id/steps/:stepNumber/review')
  @HttpCode(200)
  @Roles('commune_admin', 'operations')
  @ApiOperation({
    summary: 'Verify a step of an enrollment, or return it to the team with a reason',
    description:
      'stepNumber is the position among the steps that reached a state (1 = opened; GET /enrollments/{id} shows it on each step; obstacles have none). ' +
      'Publishes vn.dtc.enrollment.step.reviewed.v1, so reports can count verified-only figures. A verdict may be changed (returned, then verified after the fix); ' +
      'the same verdict again is 409, as is a review of an enrollment still pending its resident (its steps are not published yet).',
  })
  @ApiParam({ name: 'stepNumber', example: 2, description: '1-based position of the step (1 = opened)' })
  @ApiOkResponse({ type: EnrollmentView, description: 'The enrollment with its history and each step’s review status' })
  @ApiNotFoundResponse({ description: 'No such enrollment in the caller’s communes, or no such step' })
  @ApiConflictResponse({
    description: 'The step already has this verdict, or the enrollment is still pending its resident',
    schema: { example: { statusCode: 409, error: 'Conflict', message: 'Step 2 is already verified', currentVerdict: 'verified' } },
  })
  @ApiUnprocessableEntityResponse({ description: 'Returned without a reason', schema: { example: { statusCode: 422, message: 'Validation failed', fields: [{ field: 'reason', reason: 'returning a step needs a reason' }] } } })
  @ApiForbiddenResponse({ description: 'Not a commune admin nor operations' })
  review(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('stepNumber', new ParseStepNumberPipe()) stepNumber: number,
    @Body() body: ReviewStepDto,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId?: string,
  ): Promise<EnrollmentView> {
    return this.reviews.review(id, stepNumber, body, principal, correlationId);
  }
}
