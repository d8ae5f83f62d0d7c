import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { postgresAvailable, startPostgres } from './postgres.ts';
import type { ProvidedPostgres } from './provided.ts';

/**
 * Global setup of the api project: one PostgreSQL server for the whole run
 * (as Immich does), with a template database migrated once. Each test file
 * copies the template into a database of its own (see app.ts).
 */
export const TEMPLATE_DATABASE = 'kasane_template';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!postgresAvailable()) {
    const message =
      'PostgreSQL binaries (initdb, pg_ctl) were not found: the API tests cannot run against PostgreSQL.';
    if (process.env.CI) throw new Error(`${message} CI must test both databases; install PostgreSQL 15.`);
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n${message}\nOnly the PGlite variants run; the PostgreSQL variants are SKIPPED.\n${bar}\n`);
    project.provide('postgres', null);
    return undefined;
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
  };
}
