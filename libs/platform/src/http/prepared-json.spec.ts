import { namesAnswer } from './prepared-json';

describe('namesAnswer (If-None-Match)', () => {
  const etag = '"abc_-1"';

  it('matches the tag among others, weak or strong, and "*"', () => {
    expect(namesAnswer('"abc_-1"', etag)).toBe(true);
    expect(namesAnswer('"old", W/"abc_-1"', etag)).toBe(true);
    expect(namesAnswer(' * ', etag)).toBe(true);
  });

  it('does not match absent, other or unquoted tags', () => {
    expect(namesAnswer(undefined, etag)).toBe(false);
    expect(namesAnswer('', etag)).toBe(false);
    expect(namesAnswer('"abc_-2"', etag)).toBe(false);
    expect(namesAnswer('abc_-1', etag)).toBe(false);
  });
});
