import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { PGliteDialect } from './pglite-dialect.ts';
import { DURABLE_START_PARAMS, DurableNodeFS } from './pglite-durable.ts';
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
import * as auditHardening from './migrations/20261203T0900_audit_hardening.ts';
import * as departmentsTaxonomy from './migrations/20261203T1200_departments_taxonomy.ts';
import * as retention from './migrations/20261203T1300_retention.ts';
import * as referralProgress from './migrations/20261203T1100_referral_progress.ts';
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
  /**
   * Told when a PostgreSQL connection breaks (server restarted or gone). The
   * connection is dropped from the pool and a new one is made on the next
   * query; without a listener such an error would end the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** How long a query waits for a PostgreSQL connection (a server that does not answer at all). */
const CONNECT_TIMEOUT_MS = 10_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** Calendar dates stay 'YYYY-MM-DD' strings: no time zone can shift a birth date. */
const DATE_OID = 1082;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    pg.types.setTypeParser(INT8_OID, (v) => Number(v));
    pg.types.setTypeParser(NUMERIC_OID, (v) => Number(v));
    pg.types.setTypeParser(DATE_OID, (v) => v);
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    const connectionError = (error: Error) => options.onConnectionError?.(error);
    // An idle connection that breaks is removed by the pool, which then emits 'error'.
    pool.on('error', connectionError);
    // A connection in use (a transaction) that breaks emits 'error' on its client, which the pool
    // does not listen to while the client is checked out: an unhandled 'error' event would end the
    // process. The query in flight fails (answered 503, src/server/db-errors.ts), and the broken
    // client is not queryable any more, so the pool discards it when Kysely releases it.
    pool.on('connect', (client) => {
      client.on('error', connectionError);
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
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  // A data folder on disk gets durable commits (fsync); a throw-away memory:// database needs none.
  const durable = inMemory ? null : new DurableNodeFS(dataDir);
  const pglite = await PGlite.create(inMemory ? dataDir : undefined, {
    ...(durable ? { fs: durable, startParams: [...DURABLE_START_PARAMS] } : {}),
    extensions: { pg_trgm },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: {
      [INT8_OID]: (v: string) => Number(v),
      [NUMERIC_OID]: (v: string) => Number(v),
      [DATE_OID]: (v: string) => v,
    },
  });
  if (durable) await checkDurable(pglite, durable);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  // Through a Kysely connection so the COPY waits its turn for PGlite's single connection.
  copyLoaders.set(db, (table, columns, chunks) =>
    db.connection().execute(async () => {
      await pglite.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([...chunks]) });
    }),
  );
  return { db, kind: 'pglite', location: dataDir, close: () => db.destroy() };
}

/** Refuse to run a data folder without durable commits when PGlite's internals no longer match pglite-durable.ts. */
async function checkDurable(pglite: PGlite, fs: DurableNodeFS): Promise<void> {
  const { rows } = await pglite.query<{ fsync: string; method: string }>(
    "select current_setting('fsync') as fsync, current_setting('wal_sync_method') as method",
  );
  if (!fs.installed || rows[0]?.fsync !== 'on' || rows[0]?.method !== 'fsync') {
    await pglite.close();
    throw new Error(
      'the embedded database cannot sync its writes to disk with this PGlite version (see src/db/pglite-durable.ts); refusing to start',
    );
  }
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
  '20261203T0900_audit_hardening': auditHardening,
  '20261203T1200_departments_taxonomy': departmentsTaxonomy,
  '20261203T1300_retention': retention,
  '20261203T1100_referral_progress': referralProgress,
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
