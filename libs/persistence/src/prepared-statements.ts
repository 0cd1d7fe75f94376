/** A statement's text must have been sent this often before it is prepared (PgJDBC's default too). */
export const PREPARE_AFTER_USES = 5;
/** At most this many texts are prepared per data source (per connection on the server side). */
export const MAX_PREPARED_TEXTS = 200;
/** Longer texts are never prepared: they are the one-off bulk statements (multi-row VALUES lists). */
export const MAX_PREPARED_TEXT_LENGTH = 16_384;
/** The use counts are forgotten when they name this many texts, so varying texts cannot grow them without bound. */
const MAX_COUNTED_TEXTS = 5_000;

/**
 * Which statement texts a data source sends often enough to prepare, and their names.
 * Postgres parses, analyses and plans every statement sent unnamed; the bench found planning a fifth
 * of its time on the write path (docs/benchmarks.md). A named statement is parsed once per
 * connection and, after five executions, may run on a generic plan with no planning at all.
 */
export class PreparedStatementNames {
  private readonly uses = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  /** The name to send `text` under, or undefined to send it unnamed (too rare, too long, or the budget is spent). */
  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined) return name;
    if (text.length > MAX_PREPARED_TEXT_LENGTH || this.names.size >= MAX_PREPARED_TEXTS) return undefined;
    const uses = (this.uses.get(text) ?? 0) + 1;
    if (uses < PREPARE_AFTER_USES) {
      if (this.uses.size >= MAX_COUNTED_TEXTS) this.uses.clear();
      this.uses.set(text, uses);
      return undefined;
    }
    this.uses.delete(text);
    const promoted = `${this.prefix}${this.names.size + 1}`;
    this.names.set(text, promoted);
    return promoted;
  }

  get preparedTexts(): number {
    return this.names.size;
  }
}
