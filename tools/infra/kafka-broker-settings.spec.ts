// eslint-disable-next-line @typescript-eslint/no-require-imports
const { newClusterId } = require('./kafka-broker-settings') as { newClusterId(randomBytes?: (size: number) => Buffer): string };

describe('newClusterId', () => {
  it('draws again instead of giving kafka-storage an id it would read as an option', () => {
    // 0xf8 0x00 ... encodes to "-A...": the parser would say "--cluster-id: expected one argument".
    const draws = [Buffer.alloc(16, 0), Buffer.alloc(16, 0)];
    draws[0][0] = 0xf8;
    draws[1][0] = 0x04;
    const id = newClusterId(() => draws.shift()!);
    expect(id).toBe(Buffer.from([0x04, ...new Array(15).fill(0)]).toString('base64url'));
    expect(draws).toHaveLength(0);
  });

  it('gives 22 base64url characters, as Kafka random-uuid does', () => {
    for (let i = 0; i < 200; i += 1) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
