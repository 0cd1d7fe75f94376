import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activityPerEvent, countersDelta, provinceReaders, counterTotal, sumCounterByLabel, tableKind } from './measurements';

describe('benchmark counters from the services', () => {
  it('sums a counter over services by one label and gives what moved in a phase', () => {
    const registry = '# HELP sync_groups_total x\n# TYPE sync_groups_total counter\nsync_groups_total{outcome="together"} 40\nsync_groups_total{outcome="conflict"} 2\nsync_groups_total_created{outcome="together"} 1.7e9\n';
    const enrollment = 'sync_groups_total{service="enrollment",outcome="together"} 10\nsync_groups_total{outcome="alone"} 3\nother_total{outcome="together"} 99\n';
    const after = sumCounterByLabel([registry, enrollment], 'sync_groups_total', 'outcome');
    expect(after).toEqual({ together: 50, conflict: 2, alone: 3 });
    expect(countersDelta({ together: 45, conflict: 2 }, after)).toEqual({ together: 5, alone: 3 });
  });

  it('sums the statements and round trips the services sent', () => {
    const texts = ['db_statements_total{service="registry"} 120\ndb_round_trips_total{service="registry"} 90\n', '', 'db_statements_total{service="reporting"} 30\n'];
    expect(counterTotal(texts, 'db_statements_total')).toBe(150);
    expect(counterTotal(texts, 'db_round_trips_total')).toBe(90);
  });
});

describe('benchmark database work per event', () => {
  it('divides the counters moved during a phase by its events', () => {
    expect(activityPerEvent({ commits: 1000, rowsWritten: 5000 }, { commits: 1600, rowsWritten: 8000 }, 300)).toEqual({ commitsPerEvent: 2, rowsWrittenPerEvent: 10 });
  });

  it('names the tables that took the most rows per event, largest first, and sums the rest as other', () => {
    const before = { commits: 0, rowsWritten: 0, rowsByTable: { 'registry.outbox': 100, 'registry.audit_log': 50 } };
    const rowsByTable = { 'registry.outbox': 700, 'registry.audit_log': 350, 'projections.inbox': 900, a: 90, b: 80, c: 70, d: 60, e: 50, f: 40, g: 30, h: 20, i: 10, j: 10, k: 0 };
    const cost = activityPerEvent(before, { commits: 0, rowsWritten: 0, rowsByTable }, 100);
    expect(cost.rowsPerEventByTable).toEqual([
      ['projections.inbox', 9],
      ['registry.outbox', 6],
      ['registry.audit_log', 3],
      ['a', 0.9],
      ['b', 0.8],
      ['c', 0.7],
      ['d', 0.6],
      ['e', 0.5],
      ['f', 0.4],
      ['g', 0.3],
      ['other', 0.4],
    ]);
  });

  it("names a table by its run schema's service, generations as projections, partitions as their table", () => {
    expect(tableKind('t_mx7qnrzu_registry', 'sync_results')).toBe('registry.sync_results');
    expect(tableKind('t_mx7qnrzu_reporting_g2', 'inbox')).toBe('projections.inbox');
    expect(tableKind('t_mx7qnrzu_training', 'audit_log_p202612')).toBe('training.audit_log');
  });

  it('gives no figure for a phase without events', () => {
    const cost = activityPerEvent({ commits: 1, rowsWritten: 1 }, { commits: 9, rowsWritten: 9 }, 0);
    expect(cost.commitsPerEvent).toBeNaN();
    expect(cost.rowsWrittenPerEvent).toBeNaN();
  });
});

describe('province readers', () => {
  let server: Server;
  let base: string;
  let url: string;
  let served = 0;
  const answer = JSON.stringify({ communes: [{}, {}], computedAt: new Date().toISOString(), refreshing: false });

  beforeAll(async () => {
    server = createServer((request, response) => {
      served += 1;
      if (request.url?.endsWith('/failing')) {
        response.statusCode = 503;
        response.end();
        return;
      }
      response.setHeader('content-type', 'application/json');
      response.end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    url = `${base}/province-progress`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    served = 0;
  });

  /** Readers until `requests` answers were served in all, counted by the server. */
  const untilServed = (requests: number) => () => served >= requests;

  it('in a closed loop asks again on every answer', async () => {
    const reads = await provinceReaders(() => url, 'token', 2, untilServed(40));
    expect(reads.queries).toBeGreaterThanOrEqual(40);
    expect(reads.failures).toBe(0);
    expect(reads.communes).toBe(2);
  });

  it('at a fixed interval starts at most one request per reader per interval', async () => {
    const startedAt = Date.now();
    const stopAt = startedAt + 450;
    const reads = await provinceReaders(() => url, 'token', 2, () => Date.now() >= stopAt, 200);
    const elapsed = Date.now() - startedAt;
    // Each reader's requests start 200 ms apart: in `elapsed` ms at most floor(elapsed / 200) + 1 each.
    expect(reads.queries).toBeGreaterThanOrEqual(2);
    expect(reads.queries).toBeLessThanOrEqual(2 * (Math.floor(elapsed / 200) + 1));
    expect(reads.failures).toBe(0);
  });

  it('paces failed answers too', async () => {
    const startedAt = Date.now();
    const stopAt = startedAt + 450;
    const reads = await provinceReaders(() => `${base}/failing`, 'token', 2, () => Date.now() >= stopAt, 200);
    const elapsed = Date.now() - startedAt;
    expect(reads.failures).toBe(reads.queries);
    expect(reads.queries).toBeLessThanOrEqual(2 * (Math.floor(elapsed / 200) + 1));
  });
});
