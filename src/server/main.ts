import { loadConfig } from '../config.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap.ts';
import { isDatabaseUnavailable } from './db-errors.ts';
import { newBridgeToken, processAlive, readBridgeFile, registerCliBridge, removeBridgeFile, writeBridgeFile } from './cli-bridge.ts';
import { startJobs } from './jobs.ts';

/** npm start: open (and on first start create) the database, migrate, serve. */
async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) {
    const other = readBridgeFile(config.dataDir);
    if (other && other.pid !== process.pid && processAlive(other.pid)) {
      console.error(
        `kasane is already running on this data folder (pid ${other.pid}, port ${other.port}).\n` +
          'The embedded database allows one server per folder: stop it first, use another KASANE_DATA_DIR, or use PostgreSQL (DATABASE_URL) for several processes.',
      );
      process.exit(1);
    }
  }
  // A broken PostgreSQL connection (the server restarted) is logged, not fatal: the pool makes a new one,
  // and requests meanwhile are answered 503 (src/server/db-errors.ts).
  let logConnectionError = (error: Error) => console.warn(`database connection lost: ${error.message}`);
  const handle = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    onConnectionError: (error) => logConnectionError(error),
  });
  const migrated = await migrateToLatest(handle.db);
  const boot = await bootstrap(handle.db, { preset: config.preset, adminPassword: config.adminPassword });

  const app = await buildApp({
    db: handle.db,
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    loginRateLimit: config.loginRateLimit,
  });
  logConnectionError = (error) => app.log.warn({ err: error }, 'database connection lost');
  const token = newBridgeToken();
  if (handle.kind === 'pglite') registerCliBridge(app, handle.db, token);

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (handle.kind === 'pglite') writeBridgeFile(config.dataDir, { pid: process.pid, port, token });

  const stopJobs = config.jobs
    ? startJobs(handle.db, handle.kind, {
        onRun: (job, ms) => app.log.info({ job, ms }, 'background job ran'),
        onError: (error, job) =>
          isDatabaseUnavailable(error)
            ? app.log.warn({ job, err: error }, 'background job skipped: database unavailable')
            : app.log.error({ err: error, job }, 'background job failed'),
      })
    : () => {};

  const where = handle.kind === 'pglite' ? `embedded database in ${handle.location}` : `PostgreSQL ${handle.location}`;
  console.log(`\nkasane is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}  (${where})`);
  if (migrated.applied.length) console.log(`database migrated: ${migrated.applied.join(', ')}`);
  if (boot.installed) {
    console.log(`first start: municipality ${boot.municipalityName} created with administrator "admin"`);
    if (boot.generatedPassword) {
      console.log('\n  ================================================================');
      console.log(`  admin password (shown only this once): ${boot.generatedPassword}`);
      console.log('  Keep it safe. Reset it with: npm run kasane -- user reset-password --login admin');
      console.log('  ================================================================\n');
    }
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: shutting down`);
    stopJobs();
    if (handle.kind === 'pglite') removeBridgeFile(config.dataDir);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `kasane could not start: ${error.message}` : error);
  process.exit(1);
});
