/**
 * A progress bar for long operator commands (rebuilds, replays, benchmarks). On a terminal it
 * redraws one line; in a log (CI, kubectl logs) it prints a line every tenth of the way.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  update(done: number, note = ''): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && fraction < 1 ? ` ETA ${Math.ceil((this.total - done) / rate)} s` : '';
    const text = `${this.label} ${renderBar(fraction)} ${(fraction * 100).toFixed(1).padStart(5)}% ${done.toLocaleString('en')}/${this.total.toLocaleString('en')} ${Math.round(rate).toLocaleString('en')}/s${eta}${note ? ` ${note}` : ''}`;
    if (this.out.isTTY) {
      this.out.write(`\r${text}\u001b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${text}\n`);
    }
  }

  finish(note = ''): void {
    this.update(this.total, note);
    if (this.out.isTTY) this.out.write('\n');
  }
}

export function renderBar(fraction: number, width = 30): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
