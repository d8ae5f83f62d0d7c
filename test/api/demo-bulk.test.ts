import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { copyFromOf } from '../../src/db/database.ts';
import { bulkInsert } from '../../src/demo/bulk.ts';
import { DATABASE_KINDS, useTestApp } from '../support/app.ts';

/**
 * The bulk loader (src/demo/bulk.ts) round-trips awkward values through
 * COPY on both databases, and agrees with the INSERT path it falls back to
 * inside a transaction.
 */
describe.each(DATABASE_KINDS)('demo bulk loader (%s)', (kind) => {
  const t = useTestApp(kind);

  const rows = [
    {
      id: 1,
      body: 'tab\there\nnew line\r\nback\\slash "quote" \'single\' \\N 日本語',
      empty: '',
      nothing: null,
      tags: ['a,b', 'say "hi"', 'back\\slash', '{brace}', 'NULL', '', null, 'tab\tnl\n'],
      doc: JSON.stringify({ text: 'line\nnext\t"q" \\ end', list: [1, 'two', null], nested: { ok: true } }),
      obj: { k: 'v\\w', n: [1, 2] },
      at: new Date('2026-04-01T00:30:00.123Z'),
      flag: false,
      day: '2026-03-31',
      amount: 12.5,
    },
    { id: 2, body: '\\', empty: '', nothing: 'x', tags: [], doc: '[]', obj: null, at: null, flag: true, day: null, amount: null },
  ];

  const read = async (table: string) =>
    (
      await sql<Record<string, unknown>>`select id, body, empty, nothing, tags, doc, obj, at, flag, day, amount from ${sql.table(table)} order by id`.execute(
        t.db,
      )
    ).rows;

  it('round-trips tabs, newlines, backslashes, quotes, NULL, empty strings, arrays and jsonb', async () => {
    for (const table of ['bulk_copy', 'bulk_insert']) {
      await sql`create table ${sql.table(table)} (id int primary key, body text, empty text, nothing text, tags text[], doc jsonb, obj jsonb,
        at timestamptz, flag boolean, day date, amount numeric)`.execute(t.db);
    }
    expect(copyFromOf(t.db)).toBeDefined();
    await bulkInsert(t.db, 'bulk_copy', rows);
    // Inside a transaction there is no COPY: the same rows go through INSERT.
    await t.db.transaction().execute(async (trx) => {
      expect(copyFromOf(trx)).toBeUndefined();
      await bulkInsert(trx, 'bulk_insert', rows);
    });
    const copied = await read('bulk_copy');
    expect(copied).toEqual(await read('bulk_insert'));
    const [first, second] = copied;
    expect(first!.body).toBe(rows[0]!.body);
    expect(first!.empty).toBe('');
    expect(first!.nothing).toBeNull();
    expect(first!.tags).toEqual(rows[0]!.tags);
    expect(first!.doc).toEqual(JSON.parse(rows[0]!.doc));
    expect(first!.obj).toEqual(rows[0]!.obj);
    expect(new Date(first!.at as string).toISOString()).toBe('2026-04-01T00:30:00.123Z');
    expect(first!.flag).toBe(false);
    expect(first!.day).toBe('2026-03-31');
    expect(first!.amount).toBe(12.5);
    expect(second).toMatchObject({ body: '\\', tags: [], doc: [], obj: null, at: null, flag: true, day: null, amount: null });
  });

  it('loads many rows in several COPY batches and reports progress', async () => {
    await sql`create table bulk_many (id int primary key, label text)`.execute(t.db);
    const many = Array.from({ length: 2500 }, (_, i) => ({ id: i, label: `行${i}\t${i % 7 === 0 ? '\\' : ''}` }));
    const seen: number[] = [];
    await bulkInsert(t.db, 'bulk_many', many, { batch: 1000, progress: (d) => seen.push(d) });
    expect(seen).toEqual([1000, 2000, 2500]);
    const [stats] = (await sql<{ n: number; tabs: number }>`select count(*)::int as n, count(*) filter (where label like '%' || chr(9) || '%')::int as tabs from bulk_many`.execute(t.db)).rows;
    expect(stats).toEqual({ n: 2500, tabs: 2500 });
  });
});
