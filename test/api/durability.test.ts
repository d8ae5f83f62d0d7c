import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';

/**
 * The embedded database (PGlite in a data folder, kasane's default) makes
 * every acknowledged write durable: the WAL is fsynced at each commit before
 * the commit returns (counted with strace on a child process doing N
 * committed writes), and a killed process loses nothing.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = 'test/support/durable-writes.ts';
const hasStrace = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).stdout.trim() !== '';
if (!hasStrace && process.env.CI) throw new Error('strace is missing: CI must install it (.ci/run) to test durable commits');

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kasane-durable-'));
  dirs.push(dir);
  return join(dir, 'data');
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('durable commits on the embedded database', () => {
  it.skipIf(!hasStrace)('each of 50 committed writes is preceded by an fsync of the WAL', () => {
    const dir = dataDir();
    const trace = join(dir, '..', 'strace.txt');
    const run = spawnSync(
      'strace',
      ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,write', '-e', 'signal=none', '-o', trace, process.execPath, '--import', 'tsx', SCRIPT, dir, '50'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('acknowledged 50');
    // In the order the calls happened: WAL syncs and the lines the child printed after each commit.
    let walSyncs = 0;
    let sinceLast = 0;
    let acknowledged = 0;
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      if (/\b(fsync|fdatasync)\(\d+<[^>]*\/pg_wal\/[0-9A-F]{24}>\)\s*=\s*0/.test(line)) {
        walSyncs += 1;
        sinceLast += 1;
      } else if (/\bwrite\(1<[^>]*>, "acknowledged \d+\\n"/.test(line)) {
        acknowledged += 1;
        expect(sinceLast, `acknowledgement ${acknowledged} without a WAL sync before it`).toBeGreaterThan(0);
        sinceLast = 0;
      }
    }
    expect(acknowledged).toBe(50);
    expect(walSyncs).toBeGreaterThanOrEqual(50);
  }, 150_000);

  it('a killed process loses none of the writes it acknowledged', async () => {
    const dir = dataDir();
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dir, '20', 'hold'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('holding')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the writer did not finish: ${output}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const handle = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await sql<{ n: number; notes: number }>`select max(n)::int as n, count(*)::int as notes from durable_writes`.execute(handle.db);
      expect(rows[0]).toEqual({ n: 20, notes: 20 });
      const settings = await sql<{ fsync: string }>`select current_setting('fsync') as fsync`.execute(handle.db);
      expect(settings.rows[0]!.fsync).toBe('on');
    } finally {
      await handle.close();
    }
  }, 120_000);
});
