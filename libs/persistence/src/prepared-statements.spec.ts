import { MAX_PREPARED_TEXTS, MAX_PREPARED_TEXT_LENGTH, PREPARE_AFTER_USES, PreparedStatementNames } from './prepared-statements';

describe('PreparedStatementNames', () => {
  const useTimes = (names: PreparedStatementNames, text: string, times: number) => Array.from({ length: times }, () => names.nameFor(text));

  it(`names a text from its ${PREPARE_AFTER_USES}th use on, always with the same name`, () => {
    const names = new PreparedStatementNames('p_');
    const answers = useTimes(names, 'select $1::int', PREPARE_AFTER_USES + 3);
    expect(answers.slice(0, PREPARE_AFTER_USES - 1)).toEqual(Array(PREPARE_AFTER_USES - 1).fill(undefined));
    expect(new Set(answers.slice(PREPARE_AFTER_USES - 1))).toEqual(new Set(['p_1']));
  });

  it('gives different texts different names', () => {
    const names = new PreparedStatementNames('p_');
    const first = useTimes(names, 'select $1::int', PREPARE_AFTER_USES).at(-1);
    const second = useTimes(names, 'select $1::text', PREPARE_AFTER_USES).at(-1);
    expect(first).toBe('p_1');
    expect(second).toBe('p_2');
  });

  it('never names a text longer than the limit (one-off bulk statements)', () => {
    const names = new PreparedStatementNames('p_');
    const long = `select $1::int${' '.repeat(MAX_PREPARED_TEXT_LENGTH)}`;
    expect(useTimes(names, long, PREPARE_AFTER_USES * 2).every((name) => name === undefined)).toBe(true);
    expect(names.preparedTexts).toBe(0);
  });

  it(`stops naming new texts after ${MAX_PREPARED_TEXTS}, and keeps the names it gave`, () => {
    const names = new PreparedStatementNames('p_');
    for (let index = 0; index < MAX_PREPARED_TEXTS; index += 1) useTimes(names, `select ${index} + $1::int`, PREPARE_AFTER_USES);
    expect(names.preparedTexts).toBe(MAX_PREPARED_TEXTS);
    expect(useTimes(names, 'select $1::bigint', PREPARE_AFTER_USES * 2).every((name) => name === undefined)).toBe(true);
    expect(names.nameFor('select 0 + $1::int')).toBe('p_1');
  });
});
