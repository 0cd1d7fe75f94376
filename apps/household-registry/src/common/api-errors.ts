import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';

const validationExample = { statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: [{ field: 'villageCode', reason: 'villageCode must be 1-32 upper-case letters, digits or dashes' }] };

/** The error answers every write endpoint can give, documented once. */
export function ApiWriteErrors(options: { versioned?: boolean; byId?: boolean } = {}) {
  return applyDecorators(
    ApiBadRequestResponse({ description: 'Malformed JSON, unknown fields or wrong types, with the failing fields', schema: { example: validationExample } }),
    ApiUnprocessableEntityResponse({ description: 'Well-formed but not acceptable (unknown village, date in the future, ...)', schema: { example: { statusCode: 422, error: 'Unprocessable Entity', message: 'Validation failed', fields: [{ field: 'registeredAt', reason: 'must not be in the future' }] } } }),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: "The token's role may not do this, or it is scoped to another commune" }),
    ...(options.byId ? [ApiNotFoundResponse({ description: "No such record in the caller's scope" })] : []),
    ...(options.versioned
      ? [ApiConflictResponse({ description: 'Stale version: someone changed it since you read it', schema: { example: { statusCode: 409, error: 'Conflict', message: 'Household was changed by someone else (you sent version 1, current is 2); reload and retry', currentVersion: 2 } } })]
      : []),
  );
}
