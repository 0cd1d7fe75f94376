import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from './compose-file';

/**
 * deploy/kubernetes read without a cluster or kustomize: the resources its kustomization lists,
 * the environment each container gets (ConfigMap, Secret, literals) and the apps' own facts
 * (defaults, settings) read from their sources, which tests may not import.
 */
export const kubernetesDir = path.join(repoRoot, 'deploy/kubernetes');
/** The Secret operators create themselves; the committed example shows its keys. */
export const secretExample = path.join(kubernetesDir, 'secret.example.yaml');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Obj;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
}

export function loadKustomization(dir = kubernetesDir): { kustomization: Kustomization; manifests: Manifest[] } {
  const kustomization = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const manifests = (kustomization.resources ?? []).flatMap((resource) => {
    const file = path.join(dir, resource);
    if (fs.statSync(file).isDirectory()) return loadKustomization(file).manifests;
    return readManifests(file);
  });
  return { kustomization, manifests };
}

export function readManifests(file: string): Manifest[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest;
    })
    .filter(Boolean);
}

export const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

export function find(manifests: Manifest[], kind: string, name: string): Manifest | undefined {
  return manifests.find((m) => m.kind === kind && m.metadata.name === name);
}

export interface ResolvedEnv {
  env: Record<string, string>;
  /** where each variable comes from: a ConfigMap, a Secret or the Deployment itself */
  source: Record<string, 'ConfigMap' | 'Secret' | 'Deployment'>;
}

/** The environment a container gets, with Secrets taken from the committed example. */
export function containerEnv(container: Obj, manifests: Manifest[], secrets: Manifest[] = readManifests(secretExample)): ResolvedEnv {
  const resolved: ResolvedEnv = { env: {}, source: {} };
  const configMap = (name: string) => {
    const found = find(manifests, 'ConfigMap', name);
    if (!found) throw new Error(`ConfigMap ${name} is not among the kustomization's resources`);
    return found.data ?? {};
  };
  const secret = (name: string) => {
    const found = find(secrets, 'Secret', name);
    if (!found) throw new Error(`Secret ${name} has no example in ${path.basename(secretExample)}`);
    return { ...(found.stringData ?? {}), ...Object.fromEntries(Object.entries(found.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) };
  };
  const set = (name: string, value: string, source: ResolvedEnv['source'][string]) => {
    resolved.env[name] = value;
    resolved.source[name] = source;
  };
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.entries(configMap(from.configMapRef.name)).forEach(([k, v]) => set(k, String(v), 'ConfigMap'));
    if (from.secretRef) Object.entries(secret(from.secretRef.name)).forEach(([k, v]) => set(k, String(v), 'Secret'));
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) set(variable.name, String(variable.value), 'Deployment');
    else if (variable.valueFrom?.configMapKeyRef) set(variable.name, configMap(variable.valueFrom.configMapKeyRef.name)[variable.valueFrom.configMapKeyRef.key], 'ConfigMap');
    else if (variable.valueFrom?.secretKeyRef) set(variable.name, secret(variable.valueFrom.secretKeyRef.name)[variable.valueFrom.secretKeyRef.key], 'Secret');
    else throw new Error(`env ${variable.name}: unsupported source`);
  }
  return resolved;
}

/** Apps of the monorepo: apps/<name> with a src/main.ts entry point. */
export function appNames(): string[] {
  const appsDir = path.join(repoRoot, 'apps');
  return fs
    .readdirSync(appsDir)
    .filter((name) => fs.existsSync(path.join(appsDir, name, 'src/main.ts')))
    .sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [file] : [];
  });
}

const appSources = (app: string) => sourceFiles(path.join(repoRoot, 'apps', app, 'src')).map((file) => fs.readFileSync(file, 'utf8'));

/** The defaults an app declares with defineService (serviceName, port, databaseSchema). */
export function appDefaults(app: string): { serviceName: string; port: number; databaseSchema: string } {
  for (const source of appSources(app)) {
    const match = /defineService\(\{\s*defaults:\s*\{\s*serviceName:\s*'([^']+)',\s*port:\s*(\d+),\s*databaseSchema:\s*'([^']+)'\s*\}/.exec(source);
    if (match) return { serviceName: match[1], port: Number(match[2]), databaseSchema: match[3] };
  }
  throw new Error(`apps/${app}: no defineService({ defaults: ... }) found`);
}

/** Environment variables an app declares for its own settings (loadConfig fields `env: 'NAME'`). */
export function appSettingVariables(app: string): string[] {
  return [...new Set(appSources(app).flatMap((source) => [...source.matchAll(/\benv:\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1])))];
}

/** Whether an app runs a Kafka consumer (its instances then share partitions). */
export function appConsumes(app: string): boolean {
  return appSources(app).some((source) => /\.registerConsumer\(/.test(source));
}

/** Quantities such as 512Mi, 1Gi, 300M, 250m (CPU), "1" in base units. */
export function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|k|M|G|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity: ${value}`);
  const factor = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}
