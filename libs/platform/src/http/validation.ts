import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';

export interface FieldProblem {
  field: string;
  reason: string;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Rejects unknown fields and wrong types with 400 and the list of failing fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return new BadRequestException({ message: 'Validation failed', fields });
    },
  });
}

/**
 * Validates a plain object against a DTO class with the same rules as the HTTP pipe (unknown
 * fields rejected); for payloads nested in other requests, such as offline-sync items.
 */
export async function validatePayload<T extends object>(type: ClassConstructor<T>, payload: unknown): Promise<{ value: T; fields: FieldProblem[] }> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { value: undefined as unknown as T, fields: [{ field: 'payload', reason: 'payload must be an object' }] };
  }
  const value = plainToInstance(type, payload);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  return { value, fields: flattenValidationErrors(errors) };
}
