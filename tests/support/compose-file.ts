import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** docker-compose.yml as the tests of the compose stack read it. */
export const repoRoot = path.resolve(__dirname, '..', '..');

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, unknown> | string[] } | string;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: Array<string | { type?: string; source?: string; target?: string; read_only?: boolean }>;
  ports?: Array<string | number | { target?: number | string; published?: number | string; host_ip?: string }>;
  healthcheck?: { test?: string | string[] };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(): ComposeFile {
  return parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/** Compose accepts `KEY: value` mappings and `KEY=value` lists; normalise to strings. */
export function stringMap(value: Record<string, unknown> | string[] | undefined): Record<string, string> {
  if (!value) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((entry) => (entry.includes('=') ? [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] : [entry, ''])));
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, v === null || v === undefined ? '' : String(v)]));
}

/** The platform's own services: those built from the repository's Dockerfile with a SERVICE arg. */
export function appServices(compose: ComposeFile): Array<{ name: string; app: string; port: number }> {
  return Object.entries(compose.services)
    .filter(([, service]) => typeof service.build === 'object' && stringMap(service.build.args).SERVICE)
    .map(([name, service]) => ({
      name,
      app: stringMap((service.build as { args?: Record<string, unknown> }).args).SERVICE,
      port: Number(stringMap(service.environment).PORT),
    }));
}

/** Bind mounts of a service as { host path (absolute), container path }; named volumes are skipped. */
export function bindMounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).flatMap((volume) => {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? ''];
    return source.startsWith('.') || source.startsWith('/') ? [{ source: path.resolve(repoRoot, source), target }] : [];
  });
}

/** The host file behind a path inside a container, through the service's bind mounts. */
export function hostPath(service: ComposeService, containerPath: string): string | undefined {
  const mount = bindMounts(service)
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return mount && path.join(mount.source, containerPath.slice(mount.target.length));
}

/** Named volumes a service mounts (must be declared at the top level). */
export function namedVolumes(service: ComposeService): string[] {
  return (service.volumes ?? []).flatMap((volume) => {
    const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source ?? '';
    return source && !source.startsWith('.') && !source.startsWith('/') ? [source] : [];
  });
}

/** `--flag=value` from a service's command. */
export function commandFlag(service: ComposeService, flag: string): string | undefined {
  const args = typeof service.command === 'string' ? service.command.split(/\s+/) : service.command ?? [];
  const found = args.find((arg) => arg.startsWith(`--${flag}=`));
  return found?.slice(flag.length + 3);
}

/** Each `ports` entry as { host ip, published, target }. */
export function portMappings(service: ComposeService): Array<{ hostIp: string; published: string; target: string }> {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') return { hostIp: entry.host_ip ?? '', published: String(entry.published ?? ''), target: String(entry.target ?? '') };
    const parts = String(entry).split('/')[0].split(':');
    return { hostIp: parts.length === 3 ? parts[0] : '', published: parts.length >= 2 ? parts[parts.length - 2] : '', target: parts[parts.length - 1] };
  });
}
