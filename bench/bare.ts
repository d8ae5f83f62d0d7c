import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  Kysely,
  PostgresDialect,
  sql,
  type CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { PGliteDialect } from '../src/db/pglite-dialect.ts';
import type { Database } from '../src/db/types.ts';

/** A data-modifying statement inside a WITH. */
const WRITES = /\binsert\s+into\b|\bdelete\s+from\b|\bupdate\s+"?\w+"?(\s+as\s+\w+)?\s+set\b/i;
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|start transaction|savepoint|release)\b/i;

class CapturedRollback extends Error {}

/** Throws (rolling the transaction back) once the audit chain head has been updated. */
class RollbackAfterAudit implements KyselyPlugin {
  private readonly auditUpdates = new WeakSet<object>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (node.kind === 'UpdateQueryNode' && JSON.stringify(node.table).includes('"audit_chains"')) this.auditUpdates.add(args.queryId);
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.auditUpdates.has(args.queryId)) throw new CapturedRollback();
    return args.result;
  }
}

/** int8 and numeric as numbers, dates as 'YYYY-MM-DD' strings: as src/db/database.ts configures them. */
const TEXT_PARSERS: Record<number, (value: string) => unknown> = {
  20: (v) => Number(v),
  1700: (v) => Number(v),
  1082: (v) => v,
};

/**
 * A database connection of the bench's own, to time the SQL the services
 * run without the server around it. `capture` runs service code against
 * this connection and records the compiled statements it issued;
 * `exec` replays one statement as-is (same SQL, same parameters).
 */
export class BareDb {
  private capturing: CompiledQuery[] | null = null;
  readonly db: Kysely<Database>;

  private constructor(
    readonly kind: 'pglite' | 'postgres',
    dialect: ConstructorParameters<typeof Kysely<Database>>[0]['dialect'],
  ) {
    this.db = new Kysely<Database>({
      dialect,
      log: (event) => {
        if (event.level === 'query') this.capturing?.push(event.query);
      },
    });
  }

  static async open(where: { url?: string | undefined; dataDir?: string | undefined }): Promise<BareDb> {
    if (where.url) {
      // One connection, like one request's worth of work on the server's pool,
      // with the server's type parsers (src/db/database.ts), so service code
      // run through `capture` reads rows exactly as it does in the server.
      const types = {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          TEXT_PARSERS[oid] ?? (format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')),
      };
      const pool = new pg.Pool({ connectionString: where.url, max: 1, types: types as pg.CustomTypesConfig });
      return new BareDb('postgres', new PostgresDialect({ pool }));
    }
    if (!where.dataDir) throw new Error('BareDb needs a url or a dataDir');
    const pglite = await PGlite.create(where.dataDir, { extensions: { pg_trgm }, parsers: TEXT_PARSERS });
    return new BareDb('pglite', new PGliteDialect(pglite));
  }

  /**
   * Run `fn` and return the SELECT statements it sent (also those that start
   * with a WITH and write nothing), in order, with the SET LOCAL settings it
   * made (replay those with replayInTransaction).
   */
  async capture(fn: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
    return (await this.captureAll(fn)).filter(
      (q) => /^\s*(select|set\s+local)\b/i.test(q.sql) || (/^\s*with\b/i.test(q.sql) && !WRITES.test(q.sql)),
    );
  }

  /** Run `fn` and return every statement it sent (without transaction control), in order. */
  async captureAll(fn: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
    const captured: CompiledQuery[] = [];
    this.capturing = captured;
    try {
      await fn(this.db);
    } finally {
      this.capturing = null;
    }
    return captured.filter((q) => !TRANSACTION_CONTROL.test(q.sql));
  }

  /**
   * Like captureAll for a write through the gateway, but nothing is kept:
   * the gateway's transaction is rolled back right after its last statement
   * (the audit chain head update), so the captured INSERTs can be replayed
   * with replayRolledBack as often as needed without key conflicts.
   */
  async captureWrite(fn: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
    const plugin = new RollbackAfterAudit();
    const captured: CompiledQuery[] = [];
    this.capturing = captured;
    try {
      await fn(this.db.withPlugin(plugin));
      throw new Error('captureWrite: the gateway never updated the audit chain head');
    } catch (error) {
      if (!(error instanceof CapturedRollback)) throw error;
    } finally {
      this.capturing = null;
    }
    return captured.filter((q) => !TRANSACTION_CONTROL.test(q.sql));
  }

  /** Replay statements in one transaction and roll it back (a write measured without keeping it). */
  async replayRolledBack(queries: readonly CompiledQuery[]): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const q of queries) await trx.executeQuery(q);
        throw new CapturedRollback();
      });
    } catch (error) {
      if (!(error instanceof CapturedRollback)) throw error;
    }
  }

  /** Replay statements in one transaction that commits (reads that SET LOCAL a setting first). */
  async replayInTransaction(queries: readonly CompiledQuery[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const q of queries) await trx.executeQuery(q);
    });
  }

  async exec(query: CompiledQuery): Promise<number> {
    const result = await this.db.executeQuery(query);
    return result.rows.length;
  }

  async version(): Promise<string> {
    const r = await sql<{ version: string }>`select version() as version`.execute(this.db);
    return r.rows[0]?.version ?? 'unknown';
  }

  /**
   * How many trigrams pg_trgm extracts from a Japanese word. 0 means the
   * database's character classification (LC_CTYPE) does not count kanji
   * and kana as letters, so a gin_trgm_ops index cannot serve Japanese needles.
   */
  async japaneseTrigrams(): Promise<number> {
    const r = await sql<{ n: number | null }>`select cardinality(show_trgm('地域包括')) as n`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** EXPLAIN ANALYZE of a captured statement (for the report's notes), after the SET LOCAL statements of `settings` in the same transaction. */
  async explain(query: CompiledQuery, settings: readonly CompiledQuery[] = []): Promise<string> {
    const sqlText = `explain (analyze, buffers off, timing on) ${query.sql}`;
    const r = await this.db.transaction().execute(async (trx) => {
      for (const q of settings) await trx.executeQuery(q);
      return trx.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: sqlText } as CompiledQuery<{ 'QUERY PLAN': string }>);
    });
    return r.rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
