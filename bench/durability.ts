import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';

/**
 * The cost of durable commits on the embedded database (src/db/pglite-durable.ts):
 * milliseconds per committed one-row write transaction, PGlite as shipped
 * (no fsync) against kasane's durable data folder, in turns.
 *   npx tsx bench/durability.ts [writes=300] [rounds=3]
 * The folder is made under TMPDIR: point it at the disk kasane's data will live on.
 */
const writes = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 3);

async function timeWrites(run: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < writes; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  return times;
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
}

const root = mkdtempSync(join(tmpdir(), 'kasane-durability-'));
try {
  const plain = await PGlite.create(join(root, 'plain'));
  await plain.query('create table w (n integer primary key, note text)');
  const durable = await openDatabase({ dataDir: join(root, 'durable') });
  await sql`create table w (n integer primary key, note text)`.execute(durable.db);
  let n = 0;
  for (let round = 1; round <= rounds; round++) {
    const a = await timeWrites(() => plain.transaction(async (tx) => tx.query('insert into w values ($1, $2)', [++n, '書き込み'])));
    const b = await timeWrites(() =>
      durable.db.transaction().execute((trx) => sql`insert into w values (${++n}, ${'書き込み'})`.execute(trx)),
    );
    console.log(`round ${round}: as shipped (no fsync) ${summary(a)} | durable (fsync per commit) ${summary(b)}`);
  }
  await plain.close();
  await durable.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
