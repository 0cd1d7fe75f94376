import { formatOptions, formatSynopsis, integerOption, numberOption, parseArguments, patternOption, UsageError } from './arguments';

const SPEC = {
  positionals: [{ name: 'action', description: 'what to do', choices: ['list', 'replay'] }],
  options: {
    role: { value: 'ROLE', description: 'the role', required: true },
    commune: { value: 'CODE', description: 'a commune' },
    village: { value: 'CODE=NAME', description: 'a village', repeatable: true },
    json: { description: 'print JSON' },
  },
} as const;

function usageErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseArguments', () => {
  it('reads values, repeated values, flags and positionals, in any order', () => {
    const parsed = parseArguments(['--village', 'A=Thôn A', 'list', '--role', 'operations', '--json', '--village=B=Thôn B'], SPEC);
    expect(parsed).toEqual({ positionals: ['list'], options: { role: 'operations', commune: undefined, village: ['A=Thôn A', 'B=Thôn B'], json: true } });
  });

  it('gives absent options their empty value: undefined, [] and false', () => {
    const { options } = parseArguments(['replay', '--role', 'x'], SPEC);
    expect(options).toEqual({ role: 'x', commune: undefined, village: [], json: false });
  });

  it('takes a value that starts with a single dash or is a negative number', () => {
    expect(parseArguments(['list', '--role', '-1'], SPEC).options.role).toBe('-1');
    expect(parseArguments(['list', '--role=--odd'], SPEC).options.role).toBe('--odd');
  });

  it('treats everything after -- as positionals', () => {
    expect(usageErrorOf(() => parseArguments(['list', '--role', 'x', '--', '--json'], SPEC))).toBe('unexpected argument "--json"');
  });

  it('names an unknown option and suggests a close one', () => {
    expect(usageErrorOf(() => parseArguments(['list', '--role', 'x', '--comune', '16279'], SPEC))).toBe('unknown option --comune (did you mean --commune?)');
    expect(usageErrorOf(() => parseArguments(['list', '--role', 'x', '--zzzzzzzz'], SPEC))).toBe('unknown option --zzzzzzzz');
    expect(usageErrorOf(() => parseArguments(['list', '--role', 'x', '-q'], SPEC))).toBe('unknown option -q');
  });

  it('refuses a missing value, including one swallowed by the next option', () => {
    expect(usageErrorOf(() => parseArguments(['list', '--role'], SPEC))).toBe('--role needs a value (ROLE)');
    expect(usageErrorOf(() => parseArguments(['list', '--role', '--json'], SPEC))).toBe('--role needs a value (ROLE)');
    expect(usageErrorOf(() => parseArguments(['list', '--role='], SPEC))).toBe('--role needs a value (ROLE)');
  });

  it('refuses a value given to a flag, and a single option given twice', () => {
    expect(usageErrorOf(() => parseArguments(['list', '--role', 'x', '--json=yes'], SPEC))).toBe('--json is a flag and takes no value');
    expect(usageErrorOf(() => parseArguments(['list', '--role', 'x', '--role', 'y'], SPEC))).toBe('--role is given more than once');
  });

  it('names a required option that is missing, with its meaning', () => {
    expect(usageErrorOf(() => parseArguments(['list'], SPEC))).toBe('--role is required (the role)');
  });

  it('checks positionals: present, one of the choices, no extras', () => {
    expect(usageErrorOf(() => parseArguments(['--role', 'x'], SPEC))).toBe('missing <action> (list or replay)');
    expect(usageErrorOf(() => parseArguments(['purge', '--role', 'x'], SPEC))).toBe('<action> must be list or replay (got "purge")');
    expect(usageErrorOf(() => parseArguments(['list', 'now', '--role', 'x'], SPEC))).toBe('unexpected argument "now"');
    expect(parseArguments([], { options: {}, positionals: [{ name: 'command', description: 'one', optional: true }] }).positionals).toEqual([]);
  });
});

describe('option values', () => {
  it('parses whole numbers within bounds and names the option otherwise', () => {
    expect(integerOption('field-agents', '3', 0, 100)).toBe(3);
    expect(integerOption('field-agents', undefined, 0, 100)).toBeUndefined();
    expect(usageErrorOf(() => integerOption('field-agents', '2.5', 0, 100))).toBe('--field-agents must be a whole number from 0 to 100 (got "2.5")');
    expect(usageErrorOf(() => integerOption('field-agents', '101', 0, 100))).toBe('--field-agents must be a whole number from 0 to 100 (got "101")');
  });

  it('parses decimals within bounds', () => {
    expect(numberOption('hours', '0.5', 0.01, 720)).toBe(0.5);
    expect(usageErrorOf(() => numberOption('hours', 'eight', 0.01, 720))).toBe('--hours must be a number from 0.01 to 720 (got "eight")');
    expect(usageErrorOf(() => numberOption('hours', '0', 0.01, 720))).toBe('--hours must be a number from 0.01 to 720 (got "0")');
  });

  it('checks a pattern and says what was expected', () => {
    expect(patternOption('code', '16279', /^[0-9]{5}$/, 'a 5-digit code')).toBe('16279');
    expect(usageErrorOf(() => patternOption('code', '1627', /^[0-9]{5}$/, 'a 5-digit code'))).toBe('--code must be a 5-digit code (got "1627")');
  });
});

describe('usage text', () => {
  it('shows required options bare, optional ones in brackets and repeatable ones with ...', () => {
    expect(formatSynopsis('ops dead-letters', SPEC)).toBe('ops dead-letters list|replay --role ROLE [--commune CODE] [--village CODE=NAME ...] [--json]');
  });

  it('lists positionals and options aligned, with required and repeatable marked', () => {
    expect(formatOptions(SPEC)).toEqual([
      '  list|replay          what to do',
      '  --role ROLE          the role (required)',
      '  --commune CODE       a commune',
      '  --village CODE=NAME  a village (repeatable)',
      '  --json               print JSON',
    ]);
  });
});
