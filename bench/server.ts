/**
 * Process management for the benches (bench/run.ts, bench/load.ts): temporary
 * folders and cleanups that run on exit and on SIGINT/SIGTERM, a free port, a
 * kasane server as a child process, a throw-away PostgreSQL, signing in over
 * HTTP, and what the machine was like while a bench ran.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { startPostgres, type PostgresServer } from '../test/support/postgres.ts';
import { HttpClient, sessionCookie } from './http.ts';

const ROOT = resolve(import.meta.dirname, '..');

// ---------------------------------------------------------------- cleanup

const cleanups: { name: string; run: () => Promise<void> | void }[] = [];
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Run `run` at the end (runCleanups), last registered first. */
export function addCleanup(name: string, run: () => Promise<void> | void): void {
  cleanups.push({ name, run });
}

/** A temporary folder removed by runCleanups, or on exit at the latest. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const c = cleanups.pop()!;
    try {
      await c.run();
    } catch (error) {
      console.error(`cleanup ${c.name} failed:`, error instanceof Error ? error.message : error);
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// Last resort when the process ends abruptly: no child server, no temp folder left behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- server

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunningServer {
  port: number;
  /** The node process serving (spawned directly, no wrapper): its /proc/<pid> is the server's. */
  pid: number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  preset: string;
  adminPassword: string;
}

/** Start src/server/main.ts as a child process and wait for /api/health. */
export async function startServer(db: { url: string } | { dataDir: string }, options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.KASANE_DATA_DIR;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    ...('url' in db ? { DATABASE_URL: db.url } : { KASANE_DATA_DIR: db.dataDir }),
    KASANE_PRESET: options.preset,
    KASANE_ADMIN_PASSWORD: options.adminPassword,
    KASANE_LOGIN_RATE_LIMIT: '100000',
    KASANE_JOBS: 'off',
    KASANE_LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
    children.delete(child);
  };
  addCleanup(`server :${port}`, stop);

  const probe = new HttpClient(port);
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}:\n${output}`);
      const res = await probe.request('GET', '/api/health').catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`the server did not answer /api/health within 90 s:\n${output}`);
      await sleep(100);
    }
  } finally {
    probe.close();
  }
  return { port, pid: child.pid!, stop };
}

/** A throw-away PostgreSQL (test/support/postgres.ts), stopped by runCleanups. */
export async function startThrowawayPostgres(options: { poolSize?: number } = {}): Promise<PostgresServer> {
  const server = await startPostgres(options);
  addCleanup('postgres', () => server.stop());
  return server;
}

/** Sign in over HTTP and keep the session cookie and CSRF token on the client; returns the session token. */
export async function signIn(client: HttpClient, user: { loginId: string; password: string }): Promise<string> {
  const res = await client.expect('POST', '/api/v1/auth/login', 200, { loginId: user.loginId, password: user.password });
  client.cookie = sessionCookie(res);
  const session = JSON.parse((await client.expect('GET', '/api/v1/auth/session', 200)).body) as { authenticated: boolean; csrfToken?: string };
  if (!session.authenticated || !session.csrfToken) throw new Error(`${user.loginId} is not fully signed in`);
  client.csrfToken = session.csrfToken;
  return decodeURIComponent(client.cookie.slice('kasane_session='.length));
}

// ---------------------------------------------------------------- machine

/** Busy and total CPU time of the whole machine so far, ms. */
export function machineTimes() {
  return os.cpus().reduce(
    (acc, c) => {
      const t = c.times;
      acc.busy += t.user + t.nice + t.sys + t.irq;
      acc.all += t.user + t.nice + t.sys + t.irq + t.idle;
      return acc;
    },
    { busy: 0, all: 0 },
  );
}

/** Share of CPU time the whole machine spent busy over `ms` (before the bench starts: other work). */
export async function cpuBusyPercent(ms: number): Promise<number> {
  const a = machineTimes();
  await sleep(ms);
  const b = machineTimes();
  return b.all > a.all ? Math.round(((b.busy - a.busy) / (b.all - a.all)) * 100) : 0;
}

export function machineInfo() {
  const cpus = os.cpus();
  const pkg = (name: string) =>
    (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    pglitePackage: pkg('@electric-sql/pglite'),
    fastify: pkg('fastify'),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    loadAverageAtEnd: [] as number[],
    /** CPU busy share during 2 s before the bench started. */
    busyBeforeStartPct: 0,
  };
}
