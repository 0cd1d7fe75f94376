import { membershipError } from './consumer.runner';

// After a broker restart kafkajs answers commitOffsets with a wrapped UNKNOWN_MEMBER_ID; the
// runner must hand kafkajs the bare protocol error (it rejoins on that) instead of crashing.
describe('membershipError', () => {
  const protocolError = (type: string) => Object.assign(new Error(`protocol ${type}`), { type });

  it.each(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP'])('finds %s inside the retrier wrapper', (type) => {
    const inner = protocolError(type);
    const wrapped = Object.assign(new Error('KafkaJSNonRetriableError'), { cause: inner });
    expect(membershipError(wrapped)).toBe(inner);
    expect(membershipError(inner)).toBe(inner);
  });

  it('leaves other errors alone', () => {
    expect(membershipError(Object.assign(new Error('x'), { cause: protocolError('OFFSET_OUT_OF_RANGE') }))).toBeUndefined();
    expect(membershipError(new Error('connection refused'))).toBeUndefined();
    expect(membershipError(undefined)).toBeUndefined();
  });
});
