import { Client, Query } from 'pg';
import { prepareValue } from 'pg/lib/utils';
import type { PreparedStatementNames } from './prepared-statements';

/** Postgres's answer when a prepared plan would now return other columns (a migration changed a table under it). */
const CACHED_PLAN_CHANGED = '0A000';
/** How TypeORM (START TRANSACTION) and hand-written code (begin) open a transaction, and how they end one. */
const OPENS_TRANSACTION = /^\s*(start transaction|begin)\s*;?\s*$/i;
const COMMITS = /^\s*(commit|end)\s*;?\s*$/i;
const ROLLS_BACK = /^\s*rollback\s*;?\s*$/i;

type QueryCallback = (error: Error | null, result?: unknown) => void;
type Send = (...args: unknown[]) => unknown;

/** A statement waiting to go out in front of the next one: prepared (name) or parsed with it (text); values as pg puts them on the wire. */
interface Waiting {
  text: string;
  name?: string;
  values: unknown[];
}
const BEGIN: Waiting = { text: 'BEGIN', values: [] };

/** The parts of pg's connection and Query this module drives (pg's typings do not declare them). */
interface Connection {
  parse(query: { text: string }): void;
  bind(config: { statement?: string; values?: unknown[] }): void;
  execute(config: Record<string, never>): void;
  stream: { cork?(): void; uncork?(): void };
  parsedStatements: Record<string, string | undefined>;
}
interface StatementConfig {
  text: string;
  values: unknown[];
  name?: string;
  /** 'extended' sends even a statement without parameters through Parse/Bind/Execute. */
  queryMode?: 'extended';
}
interface PgQuery {
  submit(connection: Connection): Error | null | undefined;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
}
const PgQueryClass = Query as unknown as new (config: StatementConfig, values: undefined, callback: QueryCallback) => PgQuery;

/**
 * A statement with the statements waiting for it sent in front, through the extended protocol with
 * no Sync in between: the server runs them in order and answers once. Their answers (command tags,
 * rows) are not the statement's; the first error of any of them is, and the server skips the rest.
 */
class AfterWaiting extends PgQueryClass {
  /** Answers of the waiting statements seen so far. */
  private waitingAnswered = 0;

  constructor(
    config: StatementConfig,
    private readonly waiting: readonly Waiting[],
    callback: QueryCallback,
  ) {
    super(config, undefined, callback);
  }

  override submit(connection: Connection): Error | null | undefined {
    connection.stream.cork?.();
    try {
      for (const statement of this.waiting) {
        if (statement.name === undefined) connection.parse({ text: statement.text });
        connection.bind({ statement: statement.name, values: statement.values });
        connection.execute({});
      }
      return super.submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  override handleDataRow(message: unknown): void {
    if (this.waitingAnswered >= this.waiting.length) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.waitingAnswered >= this.waiting.length) super.handleCommandComplete(message, connection);
    else this.waitingAnswered += 1;
  }
}

/** What pg answers for a statement without rows (TypeORM reads rows, rowCount and command). */
function answered(command: string) {
  return Promise.resolve({ command, rowCount: null, oid: null, rows: [], fields: [] });
}

export interface ServiceClientOptions {
  /** Send repeated parameterised statements as named prepared statements (absent: all unnamed). */
  names?: PreparedStatementNames;
  /** Called for every exchange that waits for the server's answer (the db_round_trips_total metric). */
  onRoundTrip?: () => void;
}

/** Marks the parameters of a statement to hold until the next one (see `holdUntilNext`). */
const HOLD = Symbol('held until the next statement');

/**
 * Parameters that ask the service client to hold their statement and send it in front of the next
 * statement, usually the COMMIT (sendWithCommit). Any other pg client sends it at once.
 */
export function holdUntilNext(parameters: readonly unknown[]): unknown[] {
  return Object.defineProperty([...parameters], HOLD, { value: true, enumerable: false });
}

function isHeld(values: unknown): values is unknown[] {
  return Array.isArray(values) && (values as unknown as Record<typeof HOLD, unknown>)[HOLD] === true;
}

/**
 * The pg Client class of every service data source. It saves round trips, which is what the write
 * path pays for most on a small machine (docs/benchmarks.md, "BEGIN and COMMIT ride along"):
 * - BEGIN is not sent on its own: it waits for the transaction's first statement and goes out in
 *   front of it. A transaction that sends nothing before COMMIT or ROLLBACK sends nothing at all.
 * - A statement whose parameters come from `holdUntilNext` (one whose answer nobody reads: an
 *   insert, an update) is kept until the next statement, usually the COMMIT, and sent in front of it.
 * - What waits goes out alone first when the next statement cannot carry it: one without parameters
 *   (DDL, SAVEPOINT, SET: it may hold several statements, which the extended protocol cannot), or a
 *   prepared statement not yet parsed on the connection (pg would take a waiting statement's
 *   ParseComplete for its own).
 * - With `names`, repeated parameterised statements go as named prepared statements: Postgres
 *   parses, analyses and plans every unnamed statement, a fifth of its time on the write path. When
 *   a migration changes a table under a prepared `select *`, Postgres refuses the cached plan: that
 *   name is not used again on the connection, and a statement outside a transaction is sent again
 *   unnamed (inside one, the transaction has failed and its caller sees it).
 */
export function serviceClientClass(options: ServiceClientOptions = {}): typeof Client {
  const { names, onRoundTrip } = options;
  class ServiceClient extends Client {
    private readonly refused = new Set<string>();
    /** The server's last word on the transaction: I idle, T in a transaction, E in a failed one. */
    private transactionStatus = 'I';
    /** A BEGIN asked for and not sent yet. */
    private beginWaits = false;
    /** Statements held (holdUntilNext), in order. */
    private held: Waiting[] = [];

    constructor(...args: ConstructorParameters<typeof Client>) {
      super(...args);
      (this as unknown as { connection: { on(event: 'readyForQuery', listener: (message: { status: string }) => void): void } }).connection.on('readyForQuery', (message) => {
        this.transactionStatus = message.status;
      });
    }

    // pg's query() has many overloads; bare BEGIN, COMMIT and ROLLBACK, and (text, values[, callback]) with values, are rewritten.
    override query(...args: unknown[]): never {
      const [text, values, callback] = args as [unknown, unknown, QueryCallback | undefined];
      if (typeof text === 'string' && isHeld(values) && callback === undefined) return this.hold(text, [...values]) as never;
      const waits = this.beginWaits || this.held.length > 0;
      if (typeof text === 'string' && values === undefined && callback === undefined) {
        if (!waits && this.transactionStatus === 'I' && OPENS_TRANSACTION.test(text)) {
          this.beginWaits = true;
          return answered('BEGIN') as never;
        }
        if (waits && ROLLS_BACK.test(text)) {
          // What waits would be undone anyway; with BEGIN still waiting there is no transaction to end.
          this.held = [];
          if (!this.beginWaits) return this.send(text) as never;
          this.beginWaits = false;
          return answered('ROLLBACK') as never;
        }
        if (waits && COMMITS.test(text)) {
          if (this.held.length === 0) {
            this.beginWaits = false;
            return answered('COMMIT') as never;
          }
          return this.sendAfterWaiting({ text: 'COMMIT', values: [], queryMode: 'extended' }, callback) as never;
        }
      }
      const parameterised = typeof text === 'string' && Array.isArray(values) && values.length > 0;
      const usable = parameterised ? this.preparedName(text) : undefined;
      if (waits && (!parameterised || (usable !== undefined && !this.parsedOnConnection(usable, text as string)))) {
        return this.sendWaiting().then(() => this.query(...args)) as never;
      }
      if (!parameterised || (usable === undefined && !waits)) return this.send(...args) as never;
      const statement: StatementConfig = { text: text as string, values: values as unknown[], ...(usable === undefined ? {} : { name: usable }) };
      const outsideTransaction = this.transactionStatus === 'I' && !waits;
      const result = waits ? this.sendAfterWaiting(statement, callback) : this.send(statement, callback);
      if (usable === undefined || !(result instanceof Promise)) return result as never;
      return result.catch((error: { code?: string }) => {
        if (error?.code !== CACHED_PLAN_CHANGED) throw error;
        this.refused.add(usable);
        if (outsideTransaction) return this.send(text, values);
        throw error;
      }) as never;
    }

    /**
     * Keeps a statement until the next one and sends it in front of that one; its error is that
     * statement's. Outside a transaction, and the first time a prepared statement is used on the
     * connection (so that it is parsed), it is sent now.
     */
    private hold(text: string, values: unknown[]): Promise<unknown> {
      if (!this.beginWaits && this.transactionStatus !== 'T') return this.query(text, values) as Promise<unknown>;
      const usable = values.length > 0 ? this.preparedName(text) : undefined;
      if (usable !== undefined && !this.parsedOnConnection(usable, text)) return this.query(text, values) as Promise<unknown>;
      try {
        // Mapped now, so a value pg cannot send fails its own statement rather than the next one.
        this.held.push({ text, ...(usable === undefined ? {} : { name: usable }), values: values.map((value) => prepareValue(value)) });
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return answered('HELD');
    }

    private send(...args: unknown[]): unknown {
      onRoundTrip?.();
      return (super.query as Send).apply(this, args);
    }

    /** The name to send a parameterised text under, or undefined to send it unnamed. */
    private preparedName(text: string): string | undefined {
      const name = names?.nameFor(text);
      return name !== undefined && !this.refused.has(name) ? name : undefined;
    }

    /** Everything waiting, in the order it goes out; nothing waits afterwards. */
    private takeWaiting(): Waiting[] {
      const waiting = [...(this.beginWaits ? [BEGIN] : []), ...this.held];
      this.beginWaits = false;
      this.held = [];
      return waiting;
    }

    /** The statement with everything waiting sent in front of it, one round trip. */
    private sendAfterWaiting(statement: StatementConfig, callback: QueryCallback | undefined, waiting = this.takeWaiting()): Promise<unknown> | undefined {
      let settle: QueryCallback = () => undefined;
      const result = callback ? undefined : new Promise((resolve, reject) => (settle = (error, answer) => (error ? reject(error) : resolve(answer))));
      this.send(new AfterWaiting(statement, waiting, callback ?? settle));
      return result;
    }

    /** What waits, alone: the last of it carries the others. */
    private async sendWaiting(): Promise<void> {
      const waiting = this.takeWaiting();
      const last = waiting.pop()!;
      await this.sendAfterWaiting({ text: last.text, values: last.values, ...(last.name === undefined ? {} : { name: last.name }), queryMode: 'extended' }, undefined, waiting);
    }

    private parsedOnConnection(name: string, text: string): boolean {
      return (this as unknown as { connection: Connection }).connection.parsedStatements[name] === text;
    }
  }
  return ServiceClient;
}
