import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Starts a throw-away PostgreSQL server for tests and benchmarks:
 * initdb --locale=C.UTF-8 in a temporary folder, pg_ctl on a free port on
 * loopback with a socket in that folder. As root, the server runs as the
 * unprivileged "postgres" (or "nobody") user, since PostgreSQL refuses root.
 */
export interface PostgresServer {
  /** postgres://… of the database "kasane" on this server. */
  url: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  /** Create an empty database (optionally from a template) and return its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
  /** Stop the server as an operator does for a restart (pg_ctl stop -m fast: sessions are ended, 57P01); the data stays. */
  pause(): Promise<void>;
  /** Start it again after pause(), on the same port and data folder. */
  resume(): Promise<void>;
}

function findBin(name: string): string | null {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  for (const version of readdirSync(base).sort().reverse()) {
    const candidate = join(base, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function postgresAvailable(): boolean {
  return findBin('initdb') !== null && findBin('pg_ctl') !== null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function unprivilegedUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root but neither a "postgres" nor a "nobody" user exists to run PostgreSQL');
}

/** run() without blocking the event loop (so a test's requests go on while pg_ctl works). */
async function runAsync(user: { name: string } | null, bin: string, args: string[]): Promise<void> {
  const [cmd, cmdArgs] = user ? ['runuser', ['-u', user.name, '--', bin, ...args]] : [bin, args];
  await new Promise<void>((ok, fail) => {
    execFile(cmd, cmdArgs, { env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } }, (error, stdout, stderr) =>
      error ? fail(new Error(`${bin} failed: ${stderr || stdout || error.message}`)) : ok(),
    );
  });
}

function run(user: { name: string } | null, bin: string, args: string[]): void {
  const [cmd, cmdArgs] = user ? ['runuser', ['-u', user.name, '--', bin, ...args]] : [bin, args];
  try {
    execFileSync(cmd, cmdArgs, { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`${bin} failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
  }
}

export async function startPostgres(options: { poolSize?: number } = {}): Promise<PostgresServer> {
  const initdb = findBin('initdb');
  const pgCtl = findBin('pg_ctl');
  if (!initdb || !pgCtl) {
    throw new Error('PostgreSQL binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin');
  }
  const user = unprivilegedUser();
  const dir = mkdtempSync(join(tmpdir(), 'kasane-pg-'));
  chmodSync(dir, 0o755);
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  run(user, initdb, ['-D', dataDir, '--locale=C.UTF-8', '-E', 'UTF8', '-U', 'kasane', '--auth=trust', '--no-sync']);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    `-c max_connections=${Math.max(100, (options.poolSize ?? 10) * 4)}`,
    '-c shared_buffers=256MB',
  ].join(' ');
  const startArgs = ['-D', dataDir, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'];
  run(user, pgCtl, startArgs);

  const urlFor = (database: string) => `postgres://kasane@127.0.0.1:${port}/${database}`;
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  // Ended by pause() (a restart test): its next query fails instead of the process.
  admin.on('error', () => {});
  await admin.connect();
  await admin.query('create database kasane');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await admin.end().catch(() => {});
    try {
      run(user, pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', () => {
    if (!stopped) {
      try {
        run(user, pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop']);
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  return {
    url: urlFor('kasane'),
    urlFor,
    createDatabase: async (name, template) => {
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
      await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
      return urlFor(name);
    },
    stop,
    pause: () => runAsync(user, pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']),
    resume: () => runAsync(user, pgCtl, startArgs),
  };
}
