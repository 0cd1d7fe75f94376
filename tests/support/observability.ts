import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { commandFlag, hostPath, loadCompose, type ComposeFile, type ComposeService } from './compose-file';

/**
 * The monitoring part of docker-compose.yml, read the way the containers see it: Prometheus'
 * config through its --config.file and bind mount, Grafana's provisioning and dashboards
 * through theirs. Tests of the compose stack and of the dashboard's metrics share it.
 */
export interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: Array<{ targets?: string[]; labels?: Record<string, string> }>;
  dns_sd_configs?: Array<{ names?: string[]; type?: string; port?: number }>;
}

export interface PrometheusConfig {
  global?: { scrape_interval?: string };
  rule_files?: string[];
  scrape_configs?: ScrapeConfig[];
}

export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Array<{ refId: string; expr?: string; legendFormat?: string; datasource?: { uid?: string } }>;
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating?: { list: Array<{ name: string; datasource?: { uid?: string }; query?: string | { query?: string } }> };
}

// Where the official images look by default.
const GRAFANA_PROVISIONING = '/etc/grafana/provisioning';
const PROMETHEUS_PORT = 9090;

export const compose: ComposeFile = loadCompose();

export function serviceByImage(prefix: string): [string, ComposeService] {
  const found = Object.entries(compose.services).filter(([, service]) => service.image?.startsWith(`${prefix}:`));
  if (found.length !== 1) throw new Error(`expected one compose service running ${prefix}, found ${found.length}`);
  return found[0];
}

function readYaml<T>(file: string | undefined, what: string): T {
  if (!file || !fs.existsSync(file)) throw new Error(`${what} not found on the host (${file ?? 'no bind mount'})`);
  return parse(fs.readFileSync(file, 'utf8')) as T;
}

export function prometheus() {
  const [name, service] = serviceByImage('prom/prometheus');
  const configPath = commandFlag(service, 'config.file') ?? '/etc/prometheus/prometheus.yml';
  const config = readYaml<PrometheusConfig>(hostPath(service, configPath), `Prometheus config ${configPath}`);
  const listen = commandFlag(service, 'web.listen-address');
  const port = listen ? Number(listen.split(':').pop()) : PROMETHEUS_PORT;
  const ruleFiles = (config.rule_files ?? []).map((file) => {
    const inContainer = path.posix.resolve(path.posix.dirname(configPath), file);
    return { file: inContainer, groups: readYaml<{ groups: Array<{ name: string; rules: AlertRule[] }> }>(hostPath(service, inContainer), `rule file ${inContainer}`).groups };
  });
  return { name, service, config, port, ruleFiles };
}

export function grafana() {
  const [name, service] = serviceByImage('grafana/grafana');
  const provisioning = hostPath(service, GRAFANA_PROVISIONING);
  if (!provisioning || !fs.existsSync(provisioning)) throw new Error(`Grafana's ${GRAFANA_PROVISIONING} is not mounted from the repository`);
  const yamlFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)) : []);
  const datasources = yamlFiles(path.join(provisioning, 'datasources')).flatMap(
    (file) => readYaml<{ datasources?: Array<{ uid?: string; type: string; url: string; isDefault?: boolean; jsonData?: Record<string, unknown> }> }>(file, file).datasources ?? [],
  );
  const providers = yamlFiles(path.join(provisioning, 'dashboards')).flatMap(
    (file) => readYaml<{ providers?: Array<{ name: string; type?: string; options?: { path?: string } }> }>(file, file).providers ?? [],
  );
  const dashboards = providers.flatMap((provider) => {
    const dir = provider.options?.path && hostPath(service, provider.options.path);
    if (!dir || !fs.existsSync(dir)) throw new Error(`dashboard provider ${provider.name} reads ${provider.options?.path}, which no bind mount provides`);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ file: path.join(dir, f), containerPath: path.posix.join(provider.options!.path!, f), dashboard: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Dashboard }));
  });
  return { name, service, datasources, providers, dashboards };
}

/** Every panel, rows' children included, without the rows themselves. */
export function panelsOf(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => (panel.type === 'row' ? panel.panels ?? [] : [panel]));
}

export interface Query {
  where: string;
  expr: string;
  legendFormat?: string;
}

/** Every PromQL expression of the committed dashboards and alert rules. */
export function committedQueries(): Query[] {
  const dashboards = grafana().dashboards.flatMap(({ dashboard }) =>
    panelsOf(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `dashboard "${dashboard.title}", panel "${panel.title}" (${target.refId})`, expr: target.expr ?? '', legendFormat: target.legendFormat }))),
  );
  const rules = prometheus().ruleFiles.flatMap(({ file, groups }) => groups.flatMap((group) => group.rules.map((rule) => ({ where: `${file}: ${rule.alert ?? rule.record}`, expr: rule.expr }))));
  return [...dashboards, ...rules];
}

/** `label_values(metric, label)` queries of dashboard variables. */
export function variableQueries(): Array<{ where: string; metric: string; label: string }> {
  return grafana().dashboards.flatMap(({ dashboard }) =>
    (dashboard.templating?.list ?? []).map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query ?? '';
      const match = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(query.trim());
      if (!match) throw new Error(`variable ${variable.name}: unsupported query "${query}"`);
      return { where: `dashboard "${dashboard.title}", variable ${variable.name}`, metric: match[1], label: match[2] };
    }),
  );
}
