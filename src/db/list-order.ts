import { sql, type Transaction } from 'kysely';
import type { Database } from './types.ts';

/**
 * Move a row of an administrator-ordered list (課, the city's 課題 and consent
 * purposes) one place up or down: it swaps `sort_order` with its neighbour in
 * list order (`sort_order`, then `tiebreak`), locking the neighbour. Equal
 * orders (rows added by hand) are separated so the move changes something.
 * Returns the moved row's new sort order (the caller writes it with its own update).
 */
export async function swapWithNeighbour(
  trx: Transaction<Database>,
  o: {
    table: 'departments' | 'taxonomy_terms';
    municipalityId: string;
    id: string;
    move: 'up' | 'down';
    sortOrder: number;
    tiebreak: { column: 'name' | 'created_at'; value: string | Date };
    /** Only rows of the same list (e.g. taxonomy_terms.kind). */
    sameList?: { column: 'kind'; value: string };
    touchUpdatedAt?: boolean;
  },
): Promise<number> {
  const up = o.move === 'up';
  const tiebreak = sql.ref(o.tiebreak.column);
  const neighbour = await sql<{ id: string; sort_order: number }>`
    select id, sort_order from ${sql.table(o.table)}
    where municipality_id = ${o.municipalityId}::uuid and id <> ${o.id}::uuid
      ${o.sameList ? sql`and ${sql.ref(o.sameList.column)} = ${o.sameList.value}` : sql``}
      and (sort_order, ${tiebreak}) ${up ? sql`<` : sql`>`} (${o.sortOrder}, ${o.tiebreak.value})
    order by sort_order ${up ? sql`desc` : sql`asc`}, ${tiebreak} ${up ? sql`desc` : sql`asc`}
    limit 1
    for update`.execute(trx);
  const row = neighbour.rows[0];
  if (!row) return o.sortOrder;
  await sql`update ${sql.table(o.table)}
    set sort_order = ${o.sortOrder}, version = version + 1 ${o.touchUpdatedAt ? sql`, updated_at = now()` : sql``}
    where municipality_id = ${o.municipalityId}::uuid and id = ${row.id}::uuid`.execute(trx);
  return row.sort_order === o.sortOrder ? o.sortOrder + (up ? -1 : 1) : row.sort_order;
}
