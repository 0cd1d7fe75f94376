import { parseFailpoints } from './failpoints';

describe('parseFailpoints', () => {
  it('reads names with an optional pass number', () => {
    expect([...parseFailpoints('outbox.after-send, consumer.after-commit@3')]).toEqual([
      ['outbox.after-send', 1],
      ['consumer.after-commit', 3],
    ]);
  });

  it('reads points narrowed to one consumer', () => {
    expect([...parseFailpoints('consumer.after-commit:reporting-projections@4')]).toEqual([['consumer.after-commit:reporting-projections', 4]]);
  });

  it('is empty without a spec', () => {
    expect(parseFailpoints(undefined).size).toBe(0);
    expect(parseFailpoints(' ').size).toBe(0);
  });

  it.each(['outbox.after-send@0', 'outbox.after-send@x', 'outbox.after-send@1.5'])('rejects %s', (spec) => {
    expect(() => parseFailpoints(spec)).toThrow(/FAILPOINTS/);
  });
});
