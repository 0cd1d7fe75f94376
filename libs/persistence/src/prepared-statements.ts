import { Client } from 'pg';

/** A statement's text must have been sent this often before it is prepared (PgJDBC's default too). */
export const PREPARE_AFTER_USES = 5;
/** At most this many texts are prepared per data source (per connection on the server side). */
export const MAX_PREPARED_TEXTS = 200;
/** Longer texts are never prepared: they are the one-off bulk statements (multi-row VALUES lists). */
export const MAX_PREPARED_TEXT_LENGTH = 16_384;
/** The use counts are forgotten when they name this many texts, so varying texts cannot grow them without bound. */
const MAX_COUNTED_TEXTS = 5_000;
/** Postgres's answer when a prepared plan would now return other columns (a migration changed a table under it). */
const CACHED_PLAN_CHANGED = '0A000';

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

type QueryCallback = (error: Error | null, result?: unknown) => void;
type Query = (...args: unknown[]) => unknown;

/**
 * A pg Client class for a pool that sends its data source's repeated parameterised statements as
 * named prepared statements. Statements without parameters (BEGIN, COMMIT, DDL) stay on the simple
 * protocol. When a migration changes a table under a prepared `select *`, Postgres refuses the
 * cached plan: that name is not used again on the connection, and a statement outside a
 * transaction is sent again unnamed (inside one, the transaction has failed and its caller sees it).
 */
export function preparingClientClass(names: PreparedStatementNames): typeof Client {
  class PreparingClient extends Client {
    private readonly refused = new Set<string>();
    /** The server's last word on the transaction: I idle, T in a transaction, E in a failed one. */
    private transactionStatus = 'I';

    constructor(...args: ConstructorParameters<typeof Client>) {
      super(...args);
      (this as unknown as { connection: { on(event: 'readyForQuery', listener: (message: { status: string }) => void): void } }).connection.on('readyForQuery', (message) => {
        this.transactionStatus = message.status;
      });
    }

    // pg's query() has many overloads; only (text, values[, callback]) with values is rewritten.
    override query(...args: unknown[]): never {
      const send = super.query.bind(this) as Query;
      const [text, values, callback] = args as [unknown, unknown, QueryCallback | undefined];
      const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 ? names.nameFor(text) : undefined;
      if (name === undefined || this.refused.has(name)) return send(...args) as never;
      const outsideTransaction = this.transactionStatus === 'I';
      const result = send({ name, text, values }, callback);
      if (!(result instanceof Promise)) return result as never;
      return result.catch((error: { code?: string }) => {
        if (error?.code !== CACHED_PLAN_CHANGED) throw error;
        this.refused.add(name);
        if (outsideTransaction) return send(text, values);
        throw error;
      }) as never;
    }
  }
  return PreparingClient;
}
