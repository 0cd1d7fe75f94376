import { databaseErrorCode, databaseTrouble, isTransientDatabaseError } from './transient-database';

const pgError = (code: string) => Object.assign(new Error(`pg error ${code}`), { code, severity: 'ERROR' });
// TypeORM's QueryFailedError keeps the driver's error in driverError.
const queryFailed = (code: string) => Object.assign(new Error('query failed'), { driverError: pgError(code), query: 'select 1' });

describe('databaseTrouble', () => {
  it.each(['40001', '40P01', '55P03', '57014'])('calls %s (lost to other work, a timeout) busy', (code) => {
    expect(databaseTrouble(pgError(code))).toBe('busy');
    expect(databaseTrouble(queryFailed(code))).toBe('busy');
    expect(isTransientDatabaseError({ code })).toBe(true);
  });

  it.each([
    ['08000', 'connection exception'],
    ['08006', 'connection failure'],
    ['08P01', 'protocol violation (class 08)'],
    ['53100', 'disk full'],
    ['53200', 'out of memory'],
    ['53300', 'too many connections'],
    ['53400', 'configuration limit exceeded (class 53)'],
    ['57P01', 'admin shutdown'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now'],
    ['57P05', 'idle session timeout'],
    ['58000', 'system error'],
    ['58030', 'I/O error'],
    ['25006', 'read-only transaction (a standby after failover)'],
  ])('calls %s (%s) unavailable', (code) => {
    expect(databaseTrouble(pgError(code))).toBe('unavailable');
    expect(databaseTrouble(queryFailed(code))).toBe('unavailable');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'])('calls the socket error %s unavailable', (code) => {
    expect(databaseTrouble(Object.assign(new Error(`connect ${code}`), { code }))).toBe('unavailable');
  });

  it.each(['Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'timeout exceeded when trying to connect', 'Client has encountered a connection error and is not queryable', 'Connection ended unexpectedly'])(
    'calls pg\'s code-less "%s" unavailable',
    (message) => {
      expect(databaseTrouble(new Error(message))).toBe('unavailable');
    },
  );

  it.each([
    ['23505', 'unique violation'],
    ['23503', 'foreign key violation'],
    ['23514', 'check violation'],
    ['22P02', 'invalid text representation'],
    ['22021', 'invalid byte sequence'],
    ['40002', 'integrity constraint violation at commit (class 40, but the content)'],
    ['42P01', 'undefined table (a bug)'],
    ['42703', 'undefined column (a bug)'],
    ['P0001', 'raise exception in a function'],
    ['XX000', 'internal error'],
  ])('leaves %s (%s) to the content: not transient', (code) => {
    expect(databaseTrouble(pgError(code))).toBeUndefined();
    expect(isTransientDatabaseError(queryFailed(code))).toBe(false);
  });

  it('trusts a SQLSTATE over a message that happens to mention a connection', () => {
    expect(databaseTrouble(Object.assign(new Error('Connection terminated'), { code: '23505' }))).toBeUndefined();
  });

  it('finds the code of a wrapped error (cause)', () => {
    expect(databaseTrouble(new Error('batch failed', { cause: queryFailed('40P01') }))).toBe('busy');
    expect(databaseErrorCode(new Error('outer', { cause: pgError('53100') }))).toBe('53100');
  });

  it.each([null, undefined, 'boom', 42, {}, new Error('handler cannot apply'), { code: 7 }, { code: 'ERR_SOMETHING' }])('leaves %p alone', (value) => {
    expect(databaseTrouble(value)).toBeUndefined();
  });
});
