import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';

/**
 * A child process for test/api/durability.test.ts: opens the embedded
 * database in a data folder as kasane does and commits `count` write
 * transactions one after another, printing `acknowledged N` after each
 * commit; `hold` keeps the process running afterwards (to be killed).
 *   node --import tsx test/support/durable-writes.ts DIR COUNT [hold]
 */
const [dataDir, count, hold] = [process.argv[2]!, Number(process.argv[3] ?? 0), process.argv[4] === 'hold'];
const handle = await openDatabase({ dataDir });
await sql`create table if not exists durable_writes (n integer primary key, note text not null)`.execute(handle.db);
const { rows } = await sql<{ n: number }>`select coalesce(max(n), 0)::int as n from durable_writes`.execute(handle.db);
const start = rows[0]!.n;
console.log('ready');
for (let i = 1; i <= count; i++) {
  await handle.db.transaction().execute(async (trx) => {
    await sql`insert into durable_writes (n, note) values (${start + i}, ${`書き込み ${start + i}`})`.execute(trx);
  });
  console.log(`acknowledged ${start + i}`);
}
if (hold) {
  console.log('holding');
  setInterval(() => {}, 1000);
} else {
  await handle.close();
}
