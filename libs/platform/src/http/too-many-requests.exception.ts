import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * 429 in the platform's problem shape (`statusCode`, `error`, `message`, `retryAfterSeconds`);
 * whoever throws it also sets the `Retry-After` header (seconds).
 */
export class TooManyRequestsException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many requests for this token; retry after ${retryAfterSeconds} s`,
  ) {
    super({ message, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
