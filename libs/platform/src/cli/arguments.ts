/**
 * A small command-line parser for operator commands. Options are declared once, with their
 * placeholder and meaning (which also make the usage text), and every mistake is a UsageError
 * naming the option and the reason, which the commands answer with exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  description: string;
  /** Placeholder of the option's value (`--role ROLE`); without one the option is a flag. */
  value?: string;
  required?: boolean;
  /** May be given several times; the values are collected in order. */
  repeatable?: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  choices?: readonly string[];
  optional?: boolean;
}

export interface ArgumentSpec {
  options: Readonly<Record<string, OptionSpec>>;
  positionals?: readonly PositionalSpec[];
}

type OptionValue<O> = O extends { value: string }
  ? O extends { repeatable: true }
    ? string[]
    : O extends { required: true }
      ? string
      : string | undefined
  : boolean;

export interface ParsedArguments<S extends ArgumentSpec> {
  options: { -readonly [K in keyof S['options']]: OptionValue<S['options'][K]> };
  positionals: string[];
}

const NUMBER = /^-?\d+(\.\d+)?$/;

export function parseArguments<const S extends ArgumentSpec>(argv: readonly string[], spec: S): ParsedArguments<S> {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!argument.startsWith('-') || argument === '-' || NUMBER.test(argument)) {
      positionals.push(argument);
      continue;
    }
    const [name, inline] = splitOption(argument);
    const option = spec.options[name];
    if (!option) throw new UsageError(unknownOption(argument.split('=')[0], Object.keys(spec.options)));
    if (option.value === undefined) {
      if (inline !== undefined) throw new UsageError(`--${name} is a flag and takes no value`);
      flags.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[index + 1];
      // A following option is a forgotten value, not the value: `--role --commune 16279`.
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        index += 1;
      }
    }
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (${option.value})`);
    const given = values.get(name) ?? [];
    if (given.length > 0 && !option.repeatable) throw new UsageError(`--${name} is given more than once`);
    values.set(name, [...given, value]);
  }
  checkPositionals(positionals, spec.positionals ?? []);
  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.value === undefined) options[name] = flags.has(name);
    else if (option.repeatable) options[name] = values.get(name) ?? [];
    else options[name] = values.get(name)?.[0];
    if (option.required && !values.has(name)) throw new UsageError(`--${name} is required (${option.description})`);
  }
  return { options: options as ParsedArguments<S>['options'], positionals };
}

function splitOption(argument: string): [name: string, inline: string | undefined] {
  const body = argument.replace(/^--?/, '');
  const equals = body.indexOf('=');
  return equals < 0 ? [body, undefined] : [body.slice(0, equals), body.slice(equals + 1)];
}

function checkPositionals(given: string[], expected: readonly PositionalSpec[]): void {
  expected.forEach((positional, index) => {
    const value = given[index];
    if (value === undefined) {
      if (!positional.optional) throw new UsageError(`missing <${positional.name}>${positional.choices ? ` (${positional.choices.join(' or ')})` : ''}`);
      return;
    }
    if (positional.choices && !positional.choices.includes(value)) throw new UsageError(`<${positional.name}> must be ${positional.choices.join(' or ')} (got "${value}")`);
  });
  if (given.length > expected.length) throw new UsageError(`unexpected argument "${given[expected.length]}"`);
}

function unknownOption(given: string, known: string[]): string {
  const name = given.replace(/^--?/, '');
  const closest = known.map((candidate) => ({ candidate, distance: editDistance(name, candidate) })).sort((a, b) => a.distance - b.distance)[0];
  const hint = closest && closest.distance <= 2 ? ` (did you mean --${closest.candidate}?)` : '';
  return `unknown option ${given}${hint}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** A whole number within bounds, or a UsageError naming the option. Unset stays undefined. */
export function integerOption(option: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) throw new UsageError(`--${option} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return value;
}

/** A number (decimals allowed) within bounds, or a UsageError naming the option. */
export function numberOption(option: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!NUMBER.test(raw) || value < min || value > max) throw new UsageError(`--${option} must be a number from ${min} to ${max} (got "${raw}")`);
  return value;
}

/** A value matching a pattern, or a UsageError naming the option and what it should look like. */
export function patternOption(option: string, raw: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(raw)) throw new UsageError(`--${option} must be ${expected} (got "${raw}")`);
  return raw;
}

/** One synopsis line: `token --role ROLE [--commune CODE] [--json]`. */
export function formatSynopsis(command: string, spec: ArgumentSpec): string {
  const positionals = (spec.positionals ?? []).map((p) => {
    const shown = p.choices ? p.choices.join('|') : `<${p.name}>`;
    return p.optional ? `[${shown}]` : shown;
  });
  const options = Object.entries(spec.options).map(([name, option]) => {
    const shown = `--${name}${option.value ? ` ${option.value}` : ''}${option.repeatable ? ' ...' : ''}`;
    return option.required ? shown : `[${shown}]`;
  });
  return [command, ...positionals, ...options].join(' ');
}

/** The options (and positionals with choices), one per line, aligned, for usage and help. */
export function formatOptions(spec: ArgumentSpec, indent = '  '): string[] {
  const rows: Array<[string, string]> = [
    ...(spec.positionals ?? []).map((p): [string, string] => [p.choices ? p.choices.join('|') : `<${p.name}>`, p.description]),
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      `--${name}${option.value ? ` ${option.value}` : ''}`,
      `${option.description}${option.required ? ' (required)' : ''}${option.repeatable ? ' (repeatable)' : ''}`,
    ]),
  ];
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
}
