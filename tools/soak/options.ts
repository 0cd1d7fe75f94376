import { FAULTS, type FaultName } from './schedule';

export interface SoakOptions {
  minutes: number;
  phones: number;
  /** A phone's pause between two households, ms. */
  pauseMs: number;
  seed: number;
  /** Mean seconds between two fault injections. */
  faultEverySeconds: number;
  faults: FaultName[];
  /** Answers this long after a fault's recovery still belong to it (pools reconnecting). */
  graceSeconds: number;
  sampleSeconds: number;
  maxRssSlopeMbPerHour: number;
  report?: string;
  keep: boolean;
}

/** `npm run soak -- --minutes 60 [--phones 3] [--seed 42] [--report docs/soak-latest.md] ...`; throws on bad input. */
export function parseOptions(argv: readonly string[], defaultSeed: number): SoakOptions {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    if (index < 0) return undefined;
    const text = argv[index + 1];
    if (text === undefined || text.startsWith('--')) throw new Error(`--${name} needs a value`);
    return text;
  };
  const number = (name: string, fallback: number, { min = 0, integer = false } = {}): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!Number.isFinite(parsed) || parsed < min || (integer && !Number.isInteger(parsed))) throw new Error(`--${name} takes ${integer ? 'an integer' : 'a number'} of at least ${min}, not "${text}"`);
    return parsed;
  };
  const faults = (value('faults') ?? FAULTS.join(',')).split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = faults.filter((name) => !(FAULTS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--faults: unknown ${unknown.join(', ')} (known: ${FAULTS.join(', ')})`);
  return {
    minutes: number('minutes', 60, { min: 1 }),
    phones: number('phones', 3, { min: 1, integer: true }),
    pauseMs: number('pause-ms', 1000),
    seed: number('seed', defaultSeed, { integer: true }),
    faultEverySeconds: number('fault-every', 90, { min: 10 }),
    faults: faults as FaultName[],
    graceSeconds: number('grace', 15),
    sampleSeconds: number('sample-seconds', 5, { min: 1 }),
    maxRssSlopeMbPerHour: number('max-rss-slope', 20),
    report: value('report'),
    keep: argv.includes('--keep'),
  };
}
