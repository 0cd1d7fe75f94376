/**
 * Crash points for the fault suite. FAILPOINTS="outbox.after-send,consumer.after-commit@3" makes
 * the process kill itself (SIGKILL: no shutdown hooks, no cleanup) the first, or the third, time
 * it passes that point: exactly where a real crash would hurt most, deterministically. A point
 * can be narrowed to one consumer of a process that runs several:
 * "consumer.after-commit:reporting-projections@4". Honoured only when NODE_ENV=test, so a stray
 * variable in production cannot take a service down.
 */
export type FailpointName = 'outbox.after-send' | 'consumer.before-commit' | 'consumer.after-commit';

export function parseFailpoints(spec: string | undefined): Map<string, number> {
  const points = new Map<string, number>();
  for (const part of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, nth] = part.split('@');
    const hit = nth === undefined ? 1 : Number(nth);
    if (!Number.isInteger(hit) || hit < 1) throw new Error(`FAILPOINTS: "${part}" must be name or name@n with n >= 1`);
    points.set(name, hit);
  }
  return points;
}

let armed: Map<string, number> | undefined;
const passes = new Map<string, number>();

function armedPoints(): Map<string, number> {
  armed ??= process.env.NODE_ENV === 'test' ? parseFailpoints(process.env.FAILPOINTS) : new Map();
  return armed;
}

/** Kills this process here if the fault suite armed this point (or this point of `scope`) and this is the armed pass. */
export function failpoint(name: FailpointName, scope?: string): void {
  for (const key of scope ? [name, `${name}:${scope}`] : [name]) {
    const hit = armedPoints().get(key);
    if (hit === undefined) continue;
    const count = (passes.get(key) ?? 0) + 1;
    passes.set(key, count);
    if (count !== hit) continue;
    process.stderr.write(`failpoint ${key} (pass ${count}): killing process ${process.pid}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
