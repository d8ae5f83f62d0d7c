import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { PGliteDialect } from '../../src/db/pglite-dialect.ts';
import type { Database } from '../../src/db/types.ts';
import { postgresAvailable, startPostgres } from './postgres.ts';
import type { ProvidedPostgres } from './provided.ts';

/**
 * Global setup of the api project: one PostgreSQL server for the whole run
 * (as Immich does), with a template database migrated once. Each test file
 * copies the template into a database of its own (see app.ts).
 *
 * For PGlite the same idea: one migrated data folder is dumped to a file
 * once, and each test file starts its in-memory database from that dump,
 * which skips initdb and the migrations (about two seconds per file).
 */
export const TEMPLATE_DATABASE = 'kasane_template';

async function pgliteTemplate(): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'kasane-pglite-'));
  const pglite = await PGlite.create('memory://', { extensions: { pg_trgm } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  try {
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    const file = join(dir, 'template.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    await db.destroy();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = await pgliteTemplate();
  project.provide('pgliteTemplate', template.file);

  if (!postgresAvailable()) {
    const message =
      'PostgreSQL binaries (initdb, pg_ctl) were not found: the API tests cannot run against PostgreSQL.';
    if (process.env.CI) {
      template.remove();
      throw new Error(`${message} CI must test both databases; install PostgreSQL 15.`);
    }
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n${message}\nOnly the PGlite variants run; the PostgreSQL variants are SKIPPED.\n${bar}\n`);
    project.provide('postgres', null);
    return async () => template.remove();
  }

  const server = await startPostgres({ poolSize: 10 });
  try {
    const templateUrl = await server.createDatabase(TEMPLATE_DATABASE);
    const handle = await openDatabase({ url: templateUrl, poolSize: 1 });
    try {
      await migrateToLatest(handle.db);
    } finally {
      // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
      await handle.close();
    }
  } catch (error) {
    await server.stop();
    template.remove();
    throw error;
  }

  const info: ProvidedPostgres = {
    adminUrl: server.urlFor('postgres'),
    baseUrl: server.urlFor(''),
    template: TEMPLATE_DATABASE,
  };
  project.provide('postgres', info);
  return async () => {
    await server.stop();
    template.remove();
  };
}
