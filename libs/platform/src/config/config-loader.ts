/**
 * A tiny typed environment parser: every variable is declared once with its parser, default
 * and meaning; a service fails fast at boot with one readable message listing every problem.
 */
export interface ConfigField<T> {
  env: string;
  description: string;
  parse(raw: string): T;
  default?: T;
  /** Unset is allowed and gives undefined (cross-field rules, if any, live with the caller). */
  optional?: boolean;
  /** Example shown in docs (never a real secret). */
  example?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type ConfigSpec = Record<string, ConfigField<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: S[K] extends ConfigField<infer T> ? (S[K] extends { optional: true } ? T | undefined : T) : never };

export function loadConfig<S extends ConfigSpec>(service: string, spec: S, env: NodeJS.ProcessEnv): ConfigOf<S> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const raw = env[field.env];
    if (raw === undefined || raw === '') {
      if (field.default !== undefined) result[key] = field.default;
      else if (field.optional) result[key] = undefined;
      else problems.push(`${field.env} is required (${field.description})`);
      continue;
    }
    try {
      result[key] = field.parse(raw);
    } catch (error) {
      problems.push(`${field.env} ${(error as Error).message} (got "${raw.length > 40 ? `${raw.slice(0, 40)}...` : raw}")`);
    }
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return result as ConfigOf<S>;
}

export const parsers = {
  string:
    (minLength = 1) =>
    (raw: string) => {
      if (raw.length < minLength) throw new Error(`must be at least ${minLength} characters`);
      return raw;
    },
  integer:
    (min: number, max: number) =>
    (raw: string) => {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) throw new Error(`must be an integer between ${min} and ${max}`);
      return value;
    },
  url:
    (...protocols: string[]) =>
    (raw: string) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error('must be a URL');
      }
      if (!protocols.includes(url.protocol.replace(/:$/, ''))) throw new Error(`must use ${protocols.join(' or ')}`);
      return raw;
    },
  oneOf:
    <T extends string>(...values: T[]) =>
    (raw: string) => {
      if (!values.includes(raw as T)) throw new Error(`must be one of ${values.join(', ')}`);
      return raw as T;
    },
  hostList: () => (raw: string) => {
    const hosts = raw.split(',').map((h) => h.trim()).filter(Boolean);
    if (hosts.length === 0 || hosts.some((h) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(h))) throw new Error('must be a comma-separated list of host:port');
    return hosts;
  },
  identifier: () => (raw: string) => {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error('must be a lowercase SQL identifier');
    return raw;
  },
  /** A dotted path into a JSON object, e.g. realm_access.roles. */
  claimPath: () => (raw: string) => {
    if (!/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+){0,7}$/.test(raw)) throw new Error('must be a dotted claim path such as role or realm_access.roles');
    return raw;
  },
  topicPrefix: () => (raw: string) => {
    if (!/^[A-Za-z0-9._-]{0,60}$/.test(raw)) throw new Error('may only contain letters, digits, ".", "_" and "-"');
    return raw;
  },
};
