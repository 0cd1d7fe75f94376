import * as fs from 'node:fs';
import * as path from 'node:path';
import { appServices, hostPath, namedVolumes, portMappings, repoRoot, stringMap } from '../support/compose-file';
import { committedQueries, compose, grafana, panelsOf, prometheus, variableQueries } from '../support/observability';
import { analysePromQL } from '../support/promql';

// Static checks of the monitoring added to docker-compose.yml. That the dashboard's metrics are
// the ones the services expose is proven against running services in dashboard-metrics.e2e-spec.ts.

/** The route the platform's metrics controller serves, read from its source. */
function metricsRoute(): string {
  const source = fs.readFileSync(path.join(repoRoot, 'libs/platform/src/metrics/metrics.controller.ts'), 'utf8');
  const route = /@Controller\('([^']+)'\)/.exec(source)?.[1];
  if (!route) throw new Error('no @Controller route in the metrics controller');
  return `/${route}`;
}

/** host:port of every target a scrape job discovers, static or by DNS. */
function targetsOf(job: NonNullable<ReturnType<typeof prometheus>['config']['scrape_configs']>[number]): Array<{ host: string; port: number }> {
  const statics = (job.static_configs ?? []).flatMap((c) => c.targets ?? []).map((t) => ({ host: t.split(':')[0], port: Number(t.split(':')[1] ?? 80) }));
  const dns = (job.dns_sd_configs ?? []).flatMap((c) => (c.names ?? []).map((host) => ({ host, port: Number(c.port) })));
  return [...statics, ...dns];
}

const apps = appServices(compose);
const prom = prometheus();
const graf = grafana();

describe('monitoring services in docker-compose.yml', () => {
  it('finds the four platform services to monitor', () => {
    // Reporting runs twice (HTTP instances and the projector), from the same app.
    expect([...new Set(apps.map((a) => a.app))].sort()).toEqual(fs.readdirSync(path.join(repoRoot, 'apps')).filter((d) => fs.existsSync(path.join(repoRoot, 'apps', d, 'src/main.ts'))).sort());
  });

  it.each([prom.name, graf.name])('%s runs a pinned image version (never latest)', (name) => {
    expect(compose.services[name].image).toMatch(/:v?\d+\.\d+\.\d+$/);
  });

  it.each([prom.name, graf.name])('%s declares its named volumes at the top level', (name) => {
    for (const volume of namedVolumes(compose.services[name])) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it.each([prom.name, graf.name])('%s publishes its UI on the loopback interface only', (name) => {
    const ports = portMappings(compose.services[name]);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port.hostIp).toBe('127.0.0.1');
  });

  it('Grafana starts after Prometheus is healthy and Prometheus has a healthcheck', () => {
    expect(compose.services[prom.name].healthcheck?.test).toBeTruthy();
    const dependsOn = graf.service.depends_on as Record<string, { condition?: string }>;
    expect(dependsOn[prom.name]?.condition).toBe('service_healthy');
  });
});

describe('Prometheus scrape configuration', () => {
  const jobs = prom.config.scrape_configs ?? [];

  it.each(apps)('scrapes $name on its PORT ($port)', ({ name, port }) => {
    const targets = jobs.flatMap(targetsOf);
    expect(targets).toContainEqual({ host: name, port });
  });

  it('scrapes nothing but the platform services, each on its own port', () => {
    const known = new Map(apps.map((a) => [a.name, a.port]));
    const targets = jobs.flatMap(targetsOf);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect({ target: target.host, port: known.get(target.host) }).toEqual({ target: target.host, port: target.port });
  });

  it.each(jobs.map((job) => [job.job_name, job] as const))('job %s scrapes the metrics route of the platform', (_name, job) => {
    expect(job.metrics_path ?? '/metrics').toBe(metricsRoute());
  });

  it('loads alert rules that each have an expression, a severity and a summary', () => {
    const rules = prom.ruleFiles.flatMap((f) => f.groups.flatMap((g) => g.rules));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity, summary: Boolean(rule.annotations?.summary) }).toEqual({
        alert: expect.stringMatching(/^Dtc/),
        severity: expect.stringMatching(/^(warning|critical)$/),
        summary: true,
      });
    }
  });
});

describe('Grafana provisioning', () => {
  const [datasource] = graf.datasources;

  it('provisions exactly one default datasource: the compose Prometheus service', () => {
    expect(graf.datasources).toHaveLength(1);
    expect(datasource.type).toBe('prometheus');
    expect(datasource.isDefault).toBe(true);
    const url = new URL(datasource.url);
    expect({ host: url.hostname, port: Number(url.port) }).toEqual({ host: prom.name, port: prom.port });
    expect(portMappings(prom.service).map((p) => Number(p.target))).toContain(prom.port);
  });

  it("sets the datasource's minimum interval to Prometheus' scrape interval (so $__rate_interval covers enough samples)", () => {
    expect(datasource.jsonData?.timeInterval).toBe(prom.config.global?.scrape_interval);
  });

  it('loads the committed dashboards from the repository', () => {
    expect(graf.dashboards.length).toBeGreaterThan(0);
    for (const { file } of graf.dashboards) expect(file.startsWith(path.join(repoRoot, 'deploy'))).toBe(true);
  });

  it('opens the platform dashboard as the home page', () => {
    const home = stringMap(graf.service.environment).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(graf.dashboards.map((d) => d.containerPath)).toContain(home);
    expect(fs.existsSync(hostPath(graf.service, home) ?? '')).toBe(true);
  });
});

describe.each(graf.dashboards.map((d) => [path.basename(d.file), d.dashboard] as const))('dashboard %s', (_file, dashboard) => {
  const panels = panelsOf(dashboard);

  it('has a uid, a title and panels with unique ids', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
    expect(dashboard.title).toBeTruthy();
    const ids = dashboard.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((c) => c.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(panels.length).toBeGreaterThan(10);
  });

  it('queries the provisioned Prometheus datasource in every panel, target and variable', () => {
    const uid = graf.datasources[0].uid;
    expect(uid).toBeTruthy();
    for (const panel of panels) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid });
      for (const target of panel.targets ?? []) expect({ panel: panel.title, uid: target.datasource?.uid ?? uid }).toEqual({ panel: panel.title, uid });
    }
    for (const variable of dashboard.templating?.list ?? []) expect(variable.datasource?.uid).toBe(uid);
  });

  it('gives every panel at least one PromQL query and a place on the 24-column grid', () => {
    for (const panel of panels) {
      expect({ panel: panel.title, queries: (panel.targets ?? []).filter((t) => t.expr?.trim()).length > 0 }).toEqual({ panel: panel.title, queries: true });
      const grid = panel.gridPos!;
      expect(grid.x + grid.w).toBeLessThanOrEqual(24);
      expect(grid.h).toBeGreaterThan(0);
    }
  });
});

describe('PromQL of the dashboards and alert rules', () => {
  it.each(committedQueries().map((q) => [q.where, q.expr] as const))('%s reads as PromQL with known functions', (_where, expr) => {
    const use = analysePromQL(expr);
    expect(use.metrics.size).toBeGreaterThan(0);
  });

  it('uses in legends only label names that the aggregations keep', () => {
    const grouped = committedQueries().filter((q) => q.legendFormat?.includes('{{') && analysePromQL(q.expr).grouping.size > 0);
    expect(grouped.length).toBeGreaterThan(0);
    for (const query of grouped) {
      const kept = analysePromQL(query.expr).grouping;
      for (const [, label] of query.legendFormat!.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) expect({ where: query.where, label, kept: kept.has(label) }).toEqual({ where: query.where, label, kept: true });
    }
  });

  it('dashboard variables list label values of a metric', () => {
    expect(variableQueries().length).toBeGreaterThan(0);
  });
});
