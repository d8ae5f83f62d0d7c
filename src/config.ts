import { resolve } from 'node:path';

/** Server configuration from the environment (README lists every variable). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL connections per process (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  preset: string;
  adminPassword: string | undefined;
  trustProxy: boolean;
  loginRateLimit: number;
  logLevel: string;
  jobs: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const databasePoolSize = Number(env.DATABASE_POOL_SIZE || 10);
  if (!Number.isInteger(databasePoolSize) || databasePoolSize < 1 || databasePoolSize > 200) {
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 1 to 200, got "${env.DATABASE_POOL_SIZE}"`);
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(env.KASANE_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize,
    preset: env.KASANE_PRESET ?? 'デモ市',
    adminPassword: env.KASANE_ADMIN_PASSWORD || undefined,
    trustProxy: env.KASANE_TRUST_PROXY === '1' || env.KASANE_TRUST_PROXY === 'true',
    loginRateLimit: Number(env.KASANE_LOGIN_RATE_LIMIT ?? 30),
    logLevel: env.KASANE_LOG_LEVEL ?? 'info',
    jobs: env.KASANE_JOBS !== 'off',
  };
}
