/**
 * The commune's campaign and targets to set in reporting, from `--campaign`, `--starts-on`,
 * `--ends-on`, `--target INDICATOR=COUNT|PERCENT%` and/or `--targets-file` (a JSON array of
 * targets as `POST /campaigns` takes them, for populations, counting or reported values).
 */
import { readFileSync } from 'node:fs';
import { isCalendarDay, UsageError } from '@dtc/platform';

export interface TargetInput {
  indicatorCode: string;
  targetCount?: number;
  sharePercent?: number;
  population?: string;
  targetValue?: number;
  counting?: 'window' | 'cumulative';
}

export interface CampaignInput {
  name: string;
  startsOn: string;
  endsOn: string;
  targets: TargetInput[];
}

export interface CampaignOptions {
  campaign?: string;
  'starts-on'?: string;
  'ends-on'?: string;
  target: string[];
  'targets-file'?: string;
}

const INDICATOR = /^[a-z0-9_]{2,60}$/;

export function campaignFromOptions(options: CampaignOptions): CampaignInput | undefined {
  const targets = [...options.target.map(targetFromFlag), ...(options['targets-file'] ? targetsFromFile(options['targets-file']) : [])];
  const name = options.campaign?.trim();
  if (name === undefined) {
    const stray = (['starts-on', 'ends-on', 'targets-file'] as const).find((option) => options[option] !== undefined) ?? (options.target.length ? 'target' : undefined);
    if (stray) throw new UsageError(`--${stray} needs --campaign NAME (the campaign the targets belong to)`);
    return undefined;
  }
  if (name.length < 2 || name.length > 200) throw new UsageError('--campaign must be a name of 2-200 characters');
  const startsOn = day('starts-on', options['starts-on']);
  const endsOn = day('ends-on', options['ends-on']);
  if (endsOn < startsOn) throw new UsageError(`--ends-on (${endsOn}) must not be before --starts-on (${startsOn})`);
  if (targets.length === 0) throw new UsageError('--campaign needs at least one --target INDICATOR=COUNT|PERCENT% or a --targets-file');
  const twice = targets.find((target, index) => targets.findIndex((other) => other.indicatorCode === target.indicatorCode) !== index);
  if (twice) throw new UsageError(`--target: indicator ${twice.indicatorCode} is given more than once`);
  return { name, startsOn, endsOn, targets };
}

function day(option: string, raw: string | undefined): string {
  if (raw === undefined) throw new UsageError(`--${option} is required with --campaign (a day, YYYY-MM-DD)`);
  if (!isCalendarDay(raw)) throw new UsageError(`--${option} must be a day YYYY-MM-DD (got "${raw}")`);
  return raw;
}

/** `cccd_applications=100%` is a share of the indicator's population; `residents_trained=150` a count. */
function targetFromFlag(value: string): TargetInput {
  const match = /^([^=]+)=(\d+(?:\.\d{1,2})?)(%?)$/.exec(value.trim());
  if (!match) throw new UsageError(`--target takes INDICATOR=COUNT or INDICATOR=PERCENT%, e.g. residents_trained=150 or cccd_applications=85% (got "${value}")`);
  const [, indicatorCode, number, percent] = match;
  if (!INDICATOR.test(indicatorCode)) throw new UsageError(`--target: "${indicatorCode}" is not an indicator code (lower-case letters, digits and _)`);
  const amount = Number(number);
  if (percent) {
    if (amount <= 0 || amount > 100) throw new UsageError(`--target ${indicatorCode}: a share must be more than 0% and at most 100% (got ${number}%)`);
    return { indicatorCode, sharePercent: amount };
  }
  if (!Number.isInteger(amount) || amount > 100000000) throw new UsageError(`--target ${indicatorCode}: a count must be a whole number up to 100,000,000 (got ${number})`);
  return { indicatorCode, targetCount: amount };
}

function targetsFromFile(path: string): TargetInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--targets-file: cannot read ${path} as JSON (${reason})`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`--targets-file ${path} must hold a JSON array of targets, e.g. [{"indicatorCode": "cccd_applications", "sharePercent": 100}]`);
  return parsed.map((item: unknown, index) => {
    const code = (item as { indicatorCode?: unknown } | null)?.indicatorCode;
    if (typeof code !== 'string' || !INDICATOR.test(code)) throw new UsageError(`--targets-file ${path} item ${index + 1}: needs an "indicatorCode"`);
    // Everything else is checked by reporting, with the same rules as POST /campaigns.
    return item as TargetInput;
  });
}

/** Does the campaign as stored already say what was asked (window and every given target field)? */
export function campaignMatches(stored: { startsOn: string; endsOn: string; targets: Array<Record<string, unknown>> }, wanted: CampaignInput): boolean {
  if (stored.startsOn !== wanted.startsOn || stored.endsOn !== wanted.endsOn || stored.targets.length !== wanted.targets.length) return false;
  return wanted.targets.every((target) => {
    const same = stored.targets.find((candidate) => candidate['indicatorCode'] === target.indicatorCode);
    if (!same) return false;
    const fields = { targetCount: null, sharePercent: null, targetValue: null, counting: 'window', ...target } as Record<string, unknown>;
    return Object.entries(fields).every(([field, value]) => JSON.stringify(same[field] ?? null) === JSON.stringify(value ?? null));
  });
}
