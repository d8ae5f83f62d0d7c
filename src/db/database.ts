import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './types.ts';
import * as foundation from './migrations/20261123T1500_foundation.ts';
import * as peopleIntake from './migrations/20261123T1600_people_intake.ts';
import * as auditTruncateGuard from './migrations/20261123T1700_audit_truncate_guard.ts';
import * as searchIndexes from './migrations/20261124T0900_search_indexes.ts';
import * as cases from './migrations/20261125T0900_cases.ts';
import * as meetings from './migrations/20261126T0900_meetings.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages (data folder or URL without password). */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — when set, a PostgreSQL server is used. */
  url?: string | undefined;
  /** Data folder of the embedded database; `memory://` for a throw-away one. */
  dataDir?: string | undefined;
  /** A dump of a data folder (PGlite dumpDataDir) to start a `memory://` database from, e.g. a migrated template in tests. */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** Calendar dates stay 'YYYY-MM-DD' strings: no time zone can shift a birth date. */
const DATE_OID = 1082;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    pg.types.setTypeParser(INT8_OID, (v) => Number(v));
    pg.types.setTypeParser(NUMERIC_OID, (v) => Number(v));
    pg.types.setTypeParser(DATE_OID, (v) => v);
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on('error', () => {
      /* idle client errors are reported by the next query */
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      location: options.url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@'),
      close: () => db.destroy(),
    };
  }
  const dataDir = options.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: {
      [INT8_OID]: (v: string) => Number(v),
      [NUMERIC_OID]: (v: string) => Number(v),
      [DATE_OID]: (v: string) => v,
    },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', location: dataDir, close: () => db.destroy() };
}

const migrations: Record<string, Migration> = {
  '20261123T1500_foundation': foundation,
  '20261123T1600_people_intake': peopleIntake,
  '20261123T1700_audit_truncate_guard': auditTruncateGuard,
  '20261124T0900_search_indexes': searchIndexes,
  '20261125T0900_cases': cases,
  '20261126T0900_meetings': meetings,
};

class StaticProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

export interface MigrationOutcome {
  applied: string[];
}

/** Bring the schema to the latest version. Safe to run from several processes at once. */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
