import { randomUUID } from 'node:crypto';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, testKafka, testToken } from '@dtc/testkit';
import { Partitioners } from 'kafkajs';
import { appServices } from '../support/compose-file';
import { householdBody, onboardCommune } from '../support/demo-commune';
import { request } from '../support/http';
import { committedQueries, compose, prometheus, variableQueries } from '../support/observability';
import { declares, parseExposition, type Exposition } from '../support/prometheus-text';
import { analysePromQL } from '../support/promql';
import { startServices, type RunningService, type ServiceName } from '../support/services';

// The committed dashboard and alert rules query only metrics (and labels) that the real services
// expose: all four are started, driven until every labelled series exists, and scraped on the
// path Prometheus is configured with. A renamed metric or label fails here.
const runId = newRunId();
const commune = '10951';
const ops = testToken({ sub: 'ops-metrics', role: 'operations' });
const admin = testToken({ sub: 'admin-10951', role: 'commune_admin', communes: [commune] });
const agent = testToken({ sub: 'agent-10951', role: 'field_agent', communes: [commune] });

// Series Prometheus makes itself for every target, and the labels it adds to every scraped series.
const PROMETHEUS_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added', 'scrape_samples_post_metric_relabeling'];
const targetLabels = new Set(['job', 'instance', ...(prometheus().config.scrape_configs ?? []).flatMap((job) => (job.static_configs ?? []).flatMap((c) => Object.keys(c.labels ?? {})))]);
// Node's default metrics (prom-client collectDefaultMetrics) need no panel each.
const isDefaultMetric = (family: string) => /^(process|nodejs)_/.test(family);

describe('dashboard and alert rules against the metrics the services expose', () => {
  let services: Record<string, RunningService>;
  let stop: () => Promise<void>;

  const scrapeAll = async (): Promise<Exposition[]> => {
    const jobs = prometheus().config.scrape_configs ?? [];
    return Promise.all(
      // One scrape per app: reporting's HTTP instances and its projector are the same app in one process here.
      [...new Map(appServices(compose).map((service) => [service.app, service])).values()].map(async ({ name, app }) => {
        const job = jobs.find((j) => [...(j.static_configs ?? []).flatMap((c) => c.targets ?? []), ...(j.dns_sd_configs ?? []).flatMap((c) => c.names ?? [])].some((t) => t.split(':')[0] === name));
        const response = await fetch(`${services[app].url}${job?.metrics_path ?? '/metrics'}`);
        expect({ app, status: response.status, type: response.headers.get('content-type') }).toEqual({ app, status: 200, type: expect.stringMatching(/^text\/plain/) });
        return parseExposition(await response.text());
      }),
    );
  };

  beforeAll(async () => {
    // Enrollment gets a tiny budget (429s) and training an unreachable Redis (rate limits fail
    // open), so the rate-limit series exist; everything else runs as in production.
    ({ services, stop } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting'] as ServiceName[], {
      // The registry prunes every minute, so the retention gauges have samples (fresh data: nothing is removed).
      'household-registry': { PRUNE_INTERVAL_MINUTES: '1' },
      enrollment: { RATE_LIMIT_PER_MINUTE: '2' },
      training: { REDIS_URL: 'redis://127.0.0.1:1' },
    }));
    // Registry events reach every consumer; a poison message reaches their dead-letter topics.
    await onboardCommune(services['household-registry'].url, commune, '38', ['THON-1']);
    expect((await request('POST', `${services['household-registry'].url}/households`, agent, householdBody(commune, 'THON-1'))).status).toBe(201);
    // An offline upload of two households, so the upload groups' series exist.
    const items = [0, 1].map(() => ({ clientId: randomUUID(), command: 'household.register', occurredAt: new Date().toISOString(), payload: householdBody(commune, 'THON-1') }));
    const synced = await request<{ results: Array<{ status: number }> }>('POST', `${services['household-registry'].url}/sync`, agent, { items });
    expect(synced.body.results.map((result) => result.status)).toEqual([201, 201]);
    const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: `t-${runId}.household-registry.events`, messages: [{ key: 'poison', value: 'not a CloudEvent' }] });
    await producer.disconnect();
    const limited = [];
    for (let i = 0; i < 3; i += 1) limited.push((await request('GET', `${services.enrollment.url}/services`, ops)).status);
    expect(limited).toContain(429);
    expect((await request('GET', `${services.training.url}/topics`, ops)).status).toBe(200);
    expect((await request('GET', `${services.reporting.url}/communes/${commune}/households-by-village`, admin)).status).toBe(200);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('serves Prometheus text on the scrape path of every job', async () => {
    const expositions = await scrapeAll();
    expect(expositions).toHaveLength(4);
    for (const exposition of expositions) expect(exposition.types.size).toBeGreaterThan(20);
  });

  it('selects only metric names that a service declares, with labels its samples carry', async () => {
    const queries = committedQueries();
    expect(queries.length).toBeGreaterThan(20);
    await eventually(
      async () => {
        const expositions = await scrapeAll();
        const labelsOf = (sample: string): Set<string> | undefined =>
          PROMETHEUS_SERIES.includes(sample)
            ? new Set(targetLabels)
            : expositions.reduce<Set<string> | undefined>((found, e) => (e.sampleLabels.has(sample) ? new Set([...(found ?? []), ...e.sampleLabels.get(sample)!, ...targetLabels]) : found), undefined);
        const problems: string[] = [];
        for (const { where, expr } of queries) {
          const use = analysePromQL(expr);
          for (const [metric, matched] of use.metrics) {
            if (!PROMETHEUS_SERIES.includes(metric) && !expositions.some((e) => declares(e, metric))) {
              problems.push(`${where}: no service exposes ${metric}`);
              continue;
            }
            const labels = labelsOf(metric);
            if (!labels) {
              problems.push(`${where}: ${metric} has no samples yet`);
              continue;
            }
            for (const label of [...matched, ...use.grouping]) if (!labels.has(label)) problems.push(`${where}: ${metric} has no label ${label}`);
          }
        }
        for (const { where, metric, label } of variableQueries()) if (!labelsOf(metric)?.has(label)) problems.push(`${where}: ${metric} has no label ${label}`);
        expect(problems).toEqual([]);
      },
      // Up to one pruning interval (a minute) for the retention gauges, plus scrape time.
      { timeoutMs: 120000, intervalMs: 500 },
    );
  });

  it('shows every platform metric the services expose on the dashboard', async () => {
    const families = new Set((await scrapeAll()).flatMap((e) => [...e.types.keys()]).filter((family) => !isDefaultMetric(family)));
    expect(families.size).toBeGreaterThan(10);
    const dashboardQueries = committedQueries().filter((q) => q.where.startsWith('dashboard '));
    const used = new Set(dashboardQueries.flatMap((q) => [...analysePromQL(q.expr).metrics.keys()]).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    expect([...families].filter((family) => !used.has(family))).toEqual([]);
  });
});
