import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { databaseErrorCode, databaseTrouble } from '../errors/transient-database';

interface ProblemBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: unknown;
  [key: string]: unknown;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The standard reason phrase of an error status, as problems carry it in `error`. */
export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? 'Error';
}

function problem(statusCode: number, message: string, extra: Record<string, unknown> = {}): ProblemBody {
  return { statusCode, error: statusText(statusCode), message, ...extra };
}

/** Translates any error into a JSON problem; nothing internal (stack, SQL) leaves the server. */
export function toProblem(exception: unknown): ProblemBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'string') return problem(status, body);
    const { message, error: _error, statusCode: _statusCode, ...extra } = body as Record<string, unknown>;
    const text = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
    return problem(status, text, extra);
  }
  const error = exception as { status?: number; type?: string };
  if (error?.type === 'entity.too.large') return problem(413, 'Request body is too large');
  if (error?.type === 'entity.parse.failed') return problem(400, 'Request body is not valid JSON');
  if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) return problem(error.status, 'Bad request');
  const code = databaseErrorCode(error);
  // A single-record write that lost a race on a unique key: the record it would create exists.
  if (code === '23505') return problem(409, 'A record with the same unique key already exists');
  // Text the database cannot store (a NUL byte, an invalid byte sequence): the caller's input is at fault.
  if (code === '22021' || code === '22P05') return problem(400, 'Request contains characters that cannot be stored (e.g. NUL)');
  // Transient database trouble is not the caller's fault (nor a conflict with what they sent): retry later.
  const trouble = databaseTrouble(exception);
  if (trouble === 'busy') return problem(503, 'The database is busy; retry later');
  if (trouble === 'unavailable') return problem(503, 'A dependency is unavailable; retry later');
  return problem(500, 'Unexpected error');
}

interface DatabaseErrorFields {
  code?: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/**
 * What may be logged about an unexpected error. Database errors are reduced to their code,
 * constraint, table, column and the parameterised SQL: their bound parameters, `detail` ("Key
 * (id_number)=(...)", "Failing row contains (...)") and even their message ('invalid input syntax
 * for type uuid: "..."') can quote the values written, which are personal data.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const failed = error as Error & DatabaseErrorFields & { query?: string; driverError?: DatabaseErrorFields };
  const database = failed.driverError ?? (failed.severity !== undefined ? failed : undefined);
  if (database) {
    return {
      type: error.name,
      code: database.code,
      constraint: database.constraint,
      table: database.table,
      column: database.column,
      query: failed.query,
      // The first stack line repeats the message; the frames are safe.
      stack: error.stack?.split('\n').slice(1).join('\n'),
    };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string }>();
    const response = context.getResponse<Response>();
    const body = toProblem(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: loggableError(exception), path: request.route?.path, correlationId: request.id }, 'request failed');
    }
    if (response.headersSent) return;
    response.status(body.statusCode || HttpStatus.INTERNAL_SERVER_ERROR).json({ ...body, correlationId: request.id });
  }
}
