import { attentionOf, grafanaLinks, LAG_ALERT, OUTBOX_STALE_SECONDS, type ConsumerStatus, type ServiceState } from './ops';

const consumer = (patch: Partial<ConsumerStatus> = {}): ConsumerStatus => ({ consumer: 'reporting-projections', group: 'dtc.reporting-projections', lag: 0, partitions: [], deadLetters: 0, deadLettersWaiting: 0, ...patch });
const healthy = (patch: Partial<ServiceState> = {}): ServiceState => ({
  key: 'reporting',
  name: 'reporting',
  health: { status: 'ok', checks: { database: { status: 'up' }, kafka: { status: 'up' } } },
  status: { service: 'reporting', checkedAt: '2026-12-02T01:00:00.000Z', kafkaReachable: true, outbox: { backlog: 0, oldestUnpublishedSeconds: null, lastPublishedAt: null }, consumers: [consumer()] },
  ...patch,
});

describe('attentionOf', () => {
  it('finds nothing wrong with a healthy, caught-up service', () => {
    expect(attentionOf(healthy())).toEqual([]);
  });

  it('says a service that did not answer is unreachable, and nothing else', () => {
    expect(attentionOf({ key: 'training', name: 'training' })).toEqual(['unreachable']);
  });

  it('names each problem: health, the broker, a stale outbox, lag, dead letters waiting', () => {
    const state = healthy({
      health: { status: 'degraded', checks: { redis: { status: 'down' } } },
      status: {
        service: 'reporting',
        checkedAt: '2026-12-02T01:00:00.000Z',
        kafkaReachable: false,
        outbox: { backlog: 3, oldestUnpublishedSeconds: OUTBOX_STALE_SECONDS + 1, lastPublishedAt: null },
        consumers: [consumer({ lag: LAG_ALERT }), consumer({ consumer: 'reporting-province-feed', deadLettersWaiting: 1 })],
      },
    });
    expect(attentionOf(state)).toEqual(['unhealthy', 'kafka', 'outbox', 'lag', 'deadLetters']);
  });

  it('does not flag a small backlog that is still fresh, or letters already replayed', () => {
    const state = healthy();
    state.status!.outbox = { backlog: 40, oldestUnpublishedSeconds: OUTBOX_STALE_SECONDS, lastPublishedAt: null };
    state.status!.consumers = [consumer({ lag: LAG_ALERT - 1, deadLetters: 5, deadLettersWaiting: 0 })];
    expect(attentionOf(state)).toEqual([]);
  });
});

describe('grafanaLinks', () => {
  it('links the provisioned dashboard, alerts and explore under the configured base', () => {
    expect(grafanaLinks('http://127.0.0.1:3000/').map((link) => link.href)).toEqual(['http://127.0.0.1:3000/d/dtc-platform', 'http://127.0.0.1:3000/alerting/list', 'http://127.0.0.1:3000/explore']);
  });

  it('gives no links when Grafana is not configured', () => {
    expect(grafanaLinks(undefined)).toEqual([]);
    expect(grafanaLinks('')).toEqual([]);
  });
});
