import { BadRequestException, Body, Controller, Get, HttpCode, Injectable, Param, Post, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { DeadLettersView, OpsStatusView, ReplayDeadLettersDto, ReplayView } from './ops.dto';
import { OpsService } from './ops.service';

const CONSUMER_NAME = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/** A consumer's name in the path: 400 naming it when it could not be one (a name it is not gets 404). */
@Injectable()
class ParseConsumerNamePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && CONSUMER_NAME.test(value)) return value;
    throw new BadRequestException({ message: 'Validation failed', fields: [{ field: 'consumer', reason: 'consumer must be a consumer name: lowercase letters, digits, dots and hyphens' }] });
  }
}

/** The operations page's view of this service. Operations tokens only: it spans every tenant. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('operations')
@ApiForbiddenResponse({ description: 'Not an operations token' })
@Controller('ops')
export class OpsController {
  constructor(private readonly ops: OpsService) {}

  @Get('status')
  @ApiOperation({ summary: 'This service’s outbox backlog, and each of its consumers’ lag per partition and dead letters (kept, and waiting for a replay)' })
  @ApiOkResponse({ type: OpsStatusView })
  status(): Promise<OpsStatusView> {
    return this.ops.status();
  }

  @Get('dead-letters/:consumer')
  @ApiOperation({ summary: 'The dead letters one consumer set aside, newest first, each with its reason and whether it was replayed' })
  @ApiOkResponse({ type: DeadLettersView })
  @ApiNotFoundResponse({ description: 'This service runs no consumer of that name' })
  deadLetters(@Param('consumer', ParseConsumerNamePipe) consumer: string): Promise<DeadLettersView> {
    return this.ops.deadLetters(consumer);
  }

  @Post('dead-letters/:consumer/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sends the consumer’s dead letters not yet replayed back to their original topics',
    description: 'Safe to repeat: consumers drop an event they already applied, and a letter that fails again returns to the dead-letter topic. Logged with the operator.',
  })
  @ApiOkResponse({ type: ReplayView })
  @ApiNotFoundResponse({ description: 'This service runs no consumer of that name' })
  @ApiConflictResponse({ description: 'A replay of this consumer’s letters is running' })
  @ApiBody({ type: ReplayDeadLettersDto, required: false })
  replay(@Param('consumer', ParseConsumerNamePipe) consumer: string, @Body() _request: ReplayDeadLettersDto, @CurrentPrincipal() principal: Principal): Promise<ReplayView> {
    return this.ops.replay(consumer, principal.subject);
  }
}
