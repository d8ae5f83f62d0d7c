import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 *  - unit: tests beside the code (src/**\/x.test.ts), no database;
 *  - api:  the HTTP API on both databases (PGlite in-process and one
 *          PostgreSQL server started by the global setup);
 *  - e2e:  Playwright journeys in Chromium, one file at a time, after the others.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'api',
          include: ['test/api/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-postgres.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts its own database; scrypt hashing is CPU-bound: two at a time on two cores.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Run after unit and api, never alongside them.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
