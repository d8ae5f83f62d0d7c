import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './types.ts';
import * as foundation from './migrations/20261123T1500_foundation.ts';
import * as peopleIntake from './migrations/20261123T1600_people_intake.ts';
import * as auditTruncateGuard from './migrations/20261123T1700_audit_truncate_guard.ts';
import * as searchIndexes from './migrations/20261124T0900_search_indexes.ts';
import * as cases from './migrations/20261125T0900_cases.ts';
import * as meetings from './migrations/20261126T0900_meetings.ts';
import * as rateLimits from './migrations/20261202T0900_rate_limits.ts';
import * as taskOverview from './migrations/20261202T1000_task_overview.ts';
import * as caseLeadUnassigned from './migrations/20261202T1100_case_lead_unassigned.ts';
import * as meetingRules from './migrations/20261203T1000_meeting_rules.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages (data folder or URL without password). */
  location: string;
  close(): Promise<void>;
}

/**
 * Bulk loading where the driver allows it: `COPY table (columns) FROM STDIN`
 * (PostgreSQL text format) fed with already encoded chunks — src/demo/bulk.ts
 * encodes rows. On PostgreSQL through a pool client (pg-copy-streams), on
 * PGlite through its `/dev/blob` device while holding its single connection.
 * Not part of any open transaction.
 */
export type CopyFrom = (table: string, columns: readonly string[], chunks: Iterable<string>) => Promise<void>;
const copyLoaders = new WeakMap<Db, CopyFrom>();

/** The bulk loader of a database opened by openDatabase (undefined for a transaction or another Kysely instance). */
export function copyFromOf(db: Db): CopyFrom | undefined {
  return copyLoaders.get(db);
}

function copyStatement(table: string, columns: readonly string[], source: string): string {
  const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return `copy ${ident(table)} (${columns.map(ident).join(', ')}) from ${source}`;
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
    copyLoaders.set(db, async (table, columns, chunks) => {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from(chunks), client.query(copyFromStdin(copyStatement(table, columns, 'stdin'))));
        client.release();
      } catch (error) {
        // A connection left in the middle of a COPY is not reused.
        client.release(true);
        throw error;
      }
    });
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
  // Through a Kysely connection so the COPY waits its turn for PGlite's single connection.
  copyLoaders.set(db, (table, columns, chunks) =>
    db.connection().execute(async () => {
      await pglite.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([...chunks]) });
    }),
  );
  return { db, kind: 'pglite', location: dataDir, close: () => db.destroy() };
}

const migrations: Record<string, Migration> = {
  '20261123T1500_foundation': foundation,
  '20261123T1600_people_intake': peopleIntake,
  '20261123T1700_audit_truncate_guard': auditTruncateGuard,
  '20261124T0900_search_indexes': searchIndexes,
  '20261125T0900_cases': cases,
  '20261126T0900_meetings': meetings,
  '20261202T0900_rate_limits': rateLimits,
  '20261202T1000_task_overview': taskOverview,
  '20261202T1100_case_lead_unassigned': caseLeadUnassigned,
  '20261203T1000_meeting_rules': meetingRules,
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
