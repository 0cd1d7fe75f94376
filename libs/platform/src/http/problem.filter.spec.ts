import 'reflect-metadata';
import { BadRequestException, ConflictException, ForbiddenException, HttpException, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { loggableError, ProblemFilter, toProblem } from './problem.filter';
import { createValidationPipe } from './validation';

describe('toProblem', () => {
  describe('HttpException', () => {
    it('keeps the fields of a BadRequestException({ message, fields })', () => {
      const fields = [{ field: 'villageId', reason: 'villageId must be a UUID' }];
      expect(toProblem(new BadRequestException({ message: 'Validation failed', fields }))).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        fields,
      });
    });

    it('uses the message of a simple exception', () => {
      expect(toProblem(new NotFoundException('Household not found'))).toEqual({ statusCode: 404, error: 'Not Found', message: 'Household not found' });
      expect(toProblem(new ForbiddenException('nope'))).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'nope' });
      expect(toProblem(new ConflictException('dup'))).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'dup' });
    });

    it('joins an array of messages', () => {
      expect(toProblem(new BadRequestException(['a is bad', 'b is bad']))).toMatchObject({ statusCode: 400, message: 'a is bad; b is bad' });
    });

    it('accepts a string response body and an unusual status', () => {
      expect(toProblem(new HttpException('slow down', 429))).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'slow down' });
      expect(toProblem(new HttpException('teapot', 418))).toEqual({ statusCode: 418, error: 'Error', message: 'teapot' });
    });
  });

  describe('body-parser errors', () => {
    it('maps entity.too.large to 413', () => {
      expect(toProblem({ type: 'entity.too.large', status: 413, message: 'request entity too large' })).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'Request body is too large',
      });
    });

    it('maps entity.parse.failed to 400 with a generic message', () => {
      const body = toProblem({ type: 'entity.parse.failed', status: 400, message: 'Unexpected token } in JSON at position 12', body: '{"a":}' });
      expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request body is not valid JSON' });
    });

    it('maps another 4xx client error to a generic message of that status', () => {
      expect(toProblem({ status: 415, type: 'encoding.unsupported', message: 'unsupported charset "X"' })).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'Bad request',
      });
    });
  });

  describe('database errors', () => {
    it('maps a pg unique violation to 409', () => {
      const body = toProblem(Object.assign(new Error('duplicate key value violates unique constraint "households_pkey"'), { code: '23505' }));
      expect(body).toEqual({ statusCode: 409, error: 'Conflict', message: 'A record with the same unique key already exists' });
    });

    it('maps a TypeORM QueryFailedError-style unique violation to 409', () => {
      const body = toProblem({ message: 'duplicate key', driverError: { code: '23505' }, query: 'INSERT INTO secret ...' });
      expect(body.statusCode).toBe(409);
      expect(JSON.stringify(body)).not.toContain('secret');
    });

    it.each(['22021', '22P05'])('maps text the database cannot store (%s, e.g. a NUL byte) to 400', (code) => {
      expect(toProblem({ driverError: { code } })).toMatchObject({ statusCode: 400, message: 'Request contains characters that cannot be stored (e.g. NUL)' });
    });

    // Losing to other work is not the caller's fault, and not a conflict with what they sent.
    it.each(['40001', '40P01', '55P03', '57014'])('maps the transient busy-database %s to 503 retry later', (code) => {
      expect(toProblem({ code })).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'The database is busy; retry later' });
      expect(toProblem({ message: 'could not serialize access', driverError: { code }, query: 'UPDATE secret ...' }).statusCode).toBe(503);
    });

    it.each(['Connection terminated unexpectedly', 'timeout exceeded when trying to connect'])('maps the code-less pg connection error "%s" to 503', (message) => {
      expect(toProblem(new Error(message)).statusCode).toBe(503);
      expect(toProblem(new Error('duplicate key value')).statusCode).toBe(500);
    });

    it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '08006', '08000', '53100', '53300', '58030', '25006'])('maps %s to 503', (code) => {
      expect(toProblem({ code })).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'A dependency is unavailable; retry later' });
      expect(toProblem({ driverError: { code } }).statusCode).toBe(503);
    });
  });

  describe('anything else', () => {
    it('hides the original message of a plain Error', () => {
      const body = toProblem(new Error('select * from secret'));
      expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Unexpected error' });
      expect(JSON.stringify(body)).not.toMatch(/select|secret/);
      expect(body).not.toHaveProperty('stack');
    });

    it.each([null, undefined, 'boom', 42, {}, { status: 502 }, { code: '42P01' }])('maps %p to 500', (value) => {
      expect(toProblem(value)).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Unexpected error' });
    });
  });
});

class AddressDto {
  @IsString()
  village!: string;
}

class HouseholdDto {
  @IsString()
  villageCode!: string;

  @IsInt()
  @Min(0)
  @Max(50)
  smartDevices!: number;

  @ValidateNested()
  @Type(() => AddressDto)
  location!: AddressDto;
}

describe('createValidationPipe + toProblem', () => {
  const pipe = createValidationPipe();
  const metadata = { type: 'body' as const, metatype: HouseholdDto, data: '' };

  it('accepts a valid body', async () => {
    const value = await pipe.transform({ villageCode: 'THON-1', smartDevices: 2, location: { village: 'x' } }, metadata);
    expect(value).toBeInstanceOf(HouseholdDto);
  });

  it('rejects wrong types, unknown and nested fields with a 400 listing each field', async () => {
    const error = await pipe
      .transform({ villageCode: 5, smartDevices: '2', location: { village: 1 }, headName: 'Nguyễn Văn A' }, metadata)
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    const body = toProblem(error);
    expect(body.statusCode).toBe(400);
    expect(body.message).toBe('Validation failed');
    const fields = body.fields as { field: string; reason: string }[];
    expect(fields.map((f) => f.field)).toEqual(expect.arrayContaining(['villageCode', 'smartDevices', 'location.village', 'headName']));
    expect(fields.find((f) => f.field === 'headName')!.reason).toMatch(/should not exist/);
    // the rejected values are not echoed back
    expect(JSON.stringify(body)).not.toContain('Nguyễn');
  });
});

describe('ProblemFilter', () => {
  function hostFor(headersSent = false) {
    const response = { headersSent, status: jest.fn().mockReturnThis(), json: jest.fn().mockReturnThis() };
    const request = { id: 'corr-9', route: { path: '/households' } };
    const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ArgumentsHost;
    return { host, response };
  }

  afterEach(() => jest.restoreAllMocks());

  it('writes the problem with the correlation id and logs only server errors', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const filter = new ProblemFilter();

    const notFound = hostFor();
    filter.catch(new NotFoundException('gone'), notFound.host);
    expect(notFound.response.status).toHaveBeenCalledWith(404);
    expect(notFound.response.json).toHaveBeenCalledWith({ statusCode: 404, error: 'Not Found', message: 'gone', correlationId: 'corr-9' });
    expect(log).not.toHaveBeenCalled();

    const crash = hostFor();
    filter.catch(new Error('select * from secret'), crash.host);
    expect(crash.response.status).toHaveBeenCalledWith(500);
    expect(crash.response.json).toHaveBeenCalledWith({ statusCode: 500, error: 'Internal Server Error', message: 'Unexpected error', correlationId: 'corr-9' });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('logs a database error without its parameters, detail or message (they may hold personal data)', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const driverError = Object.assign(new Error('invalid input syntax for type date: "1997-09-30x"'), { severity: 'ERROR', code: '22007', detail: 'Failing row contains (Phạm Thị Bích Ngọc, 046197713380).', table: 'residents' });
    const failed = Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError, query: 'insert into residents (full_name, id_number) values ($1, $2)', parameters: ['Phạm Thị Bích Ngọc', '046197713380'] });
    new ProblemFilter().catch(failed, hostFor().host);
    const logged = JSON.stringify(log.mock.calls);
    expect(logged).toContain('22007');
    expect(logged).toContain('insert into residents (full_name, id_number) values ($1, $2)');
    for (const value of ['Phạm Thị Bích Ngọc', '046197713380', '1997-09-30x']) expect(logged).not.toContain(value);
  });

  it('keeps the message and stack of a programming error', () => {
    expect(loggableError(new TypeError('x is undefined'))).toMatchObject({ type: 'TypeError', message: 'x is undefined' });
    expect(loggableError('thrown string')).toEqual({ type: 'string' });
  });

  it('does not write when headers were already sent', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { host, response } = hostFor(true);
    new ProblemFilter().catch(new Error('late'), host);
    expect(response.status).not.toHaveBeenCalled();
    expect(response.json).not.toHaveBeenCalled();
  });
});
