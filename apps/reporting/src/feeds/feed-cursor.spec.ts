import { decodeCursor, encodeCursor } from './feed-cursor';

describe('feed cursors', () => {
  it('round-trips a position and is the same string for the same position', () => {
    for (const position of [{ province: '38', seq: 0 }, { province: '01', seq: 1 }, { province: '96', seq: 123456789012345 }]) {
      const cursor = encodeCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toEqual(position);
      expect(encodeCursor(position)).toBe(cursor);
    }
  });

  it('keeps cursors in sequence order distinct', () => {
    const cursors = [0, 1, 2, 10, 11].map((seq) => encodeCursor({ province: '38', seq }));
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it.each([
    ['empty', ''],
    ['not base64url', "x' OR '1'='1"],
    ['base64 of something else', Buffer.from('hello').toString('base64url')],
    ['another version', Buffer.from('2.38.5').toString('base64url')],
    ['a one-digit province', Buffer.from('1.3.5').toString('base64url')],
    ['a negative position', Buffer.from('1.38.-5').toString('base64url')],
    ['a leading zero', Buffer.from('1.38.05').toString('base64url')],
    ['a position too large to be exact', Buffer.from('1.38.1234567890123456').toString('base64url')],
    ['padding', `${encodeCursor({ province: '38', seq: 1 })}==`],
    ['too long', 'A'.repeat(41)],
  ])('rejects %s', (_label, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
