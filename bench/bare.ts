import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from '../src/db/pglite-dialect.ts';
import type { Database } from '../src/db/types.ts';

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
      // One connection, like one request's worth of work on the server's pool.
      const pool = new pg.Pool({ connectionString: where.url, max: 1 });
      return new BareDb('postgres', new PostgresDialect({ pool }));
    }
    if (!where.dataDir) throw new Error('BareDb needs a url or a dataDir');
    const pglite = await PGlite.create(where.dataDir, { extensions: { pg_trgm } });
    return new BareDb('pglite', new PGliteDialect(pglite));
  }

  /** Run `fn` and return the SELECT statements it sent, in order. */
  async capture(fn: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
    const captured: CompiledQuery[] = [];
    this.capturing = captured;
    try {
      await fn(this.db);
    } finally {
      this.capturing = null;
    }
    return captured.filter((q) => /^\s*select\b/i.test(q.sql));
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

  /** EXPLAIN ANALYZE of a captured statement (for the report's notes). */
  async explain(query: CompiledQuery): Promise<string> {
    const sqlText = `explain (analyze, buffers off, timing on) ${query.sql}`;
    const r = await this.db.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: sqlText } as CompiledQuery<{ 'QUERY PLAN': string }>);
    return r.rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
