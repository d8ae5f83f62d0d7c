/**
 * What the api project's global setup hands to the test files
 * (vitest `project.provide` / `inject`).
 */
export interface ProvidedPostgres {
  /** postgres://… of the server's maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** postgres://user@host:port/ — append a database name. */
  baseUrl: string;
  /** A migrated, empty database to copy for each test file. */
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** null when the PostgreSQL binaries are missing (local runs only; CI fails instead). */
    postgres: ProvidedPostgres | null;
    /** A file holding a migrated PGlite data folder (dumpDataDir) to start each test database from. */
    pgliteTemplate: string;
  }
}
