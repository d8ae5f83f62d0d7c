import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.ts';
import { DATABASE_KINDS, useTestApp } from '../support/app.ts';

/**
 * Issue 6, "beyond one machine": every table that holds a municipality's
 * data is keyed by municipality, so it can be distributed by
 * `municipality_id` (Citus) or split per municipality. Citus needs the
 * distribution column in every primary and unique key and in every foreign
 * key between distributed tables; this test holds the schema to that, so a
 * new table that forgets it fails here.
 */

/** Tables that hold no municipality's data, and why. A new entry needs a reason. */
const NOT_TENANT_TABLES: Record<string, string> = {
  municipalities: 'the tenants themselves (a Citus reference table)',
  job_runs: 'when each background job last ran (installation-wide)',
  kysely_migration: 'schema migrations',
  kysely_migration_lock: 'schema migrations',
  rate_limits: 'login attempts per client address, counted across server processes before anyone is known',
};

/**
 * Staff identity: a user signs in before the municipality is known, so login
 * ids are unique across the installation and a session is found by its
 * token. These rows carry municipality_id (a per-municipality split keeps
 * them apart) but are keyed installation-wide: on Citus they stay on the
 * coordinator (a few thousand staff, not residents' data).
 */
const IDENTITY_TABLES = new Set(['users', 'sessions']);

/**
 * The audit log is kept as one hash chain per municipality: chain_key is
 * the municipality id (chainKeyFor in src/access/audit.ts; 'system' for
 * installation events), so chain_key is these tables' distribution column.
 */
const CHAIN_KEYED_TABLES = new Set(['audit_chains', 'audit_anchors', 'audit_events']);

interface KeyRow {
  table_name: string;
  constraint_name: string;
  constraint_type: 'PRIMARY KEY' | 'UNIQUE' | 'FOREIGN KEY';
  columns: string[];
  foreign_table: string | null;
}

describe.each(DATABASE_KINDS)('tables keyed by municipality (%s)', (kind) => {
  const t = useTestApp(kind);

  async function tables(db: Kysely<Database>): Promise<{ name: string; columns: string[] }[]> {
    const rows = await sql<{ table_name: string; columns: string[] }>`
      select c.relname as table_name,
             array_agg(a.attname::text order by a.attnum) as columns
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       where n.nspname = 'public' and c.relkind in ('r', 'p')
       group by c.relname
       order by c.relname`.execute(db);
    return rows.rows.map((r) => ({ name: r.table_name, columns: r.columns }));
  }

  async function keys(db: Kysely<Database>): Promise<KeyRow[]> {
    const rows = await sql<KeyRow>`
      select rel.relname as table_name,
             con.conname as constraint_name,
             case con.contype when 'p' then 'PRIMARY KEY' when 'u' then 'UNIQUE' else 'FOREIGN KEY' end as constraint_type,
             (select array_agg(a.attname::text order by k.ord)
                from unnest(con.conkey) with ordinality as k(attnum, ord)
                join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
             frel.relname as foreign_table
        from pg_constraint con
        join pg_class rel on rel.oid = con.conrelid
        join pg_namespace n on n.oid = rel.relnamespace
        left join pg_class frel on frel.oid = con.confrelid
       where n.nspname = 'public' and con.contype in ('p', 'u', 'f')
       order by rel.relname, con.conname`.execute(db);
    return rows.rows;
  }

  it('every table is either a tenant table or named here with a reason', async () => {
    const names = (await tables(t.db)).map((x) => x.name);
    for (const known of [...Object.keys(NOT_TENANT_TABLES), ...IDENTITY_TABLES, ...CHAIN_KEYED_TABLES]) {
      if (known.startsWith('kysely_')) continue;
      expect(names, `${known} is listed as not a tenant table but does not exist`).toContain(known);
    }
    // The schema has grown past a handful of tables; an empty result would make the rest vacuous.
    expect(names.length).toBeGreaterThan(30);
  });

  async function keyProblems(db: Kysely<Database>): Promise<string[]> {
    const all = await tables(db);
    const constraints = await keys(db);
    const problems: string[] = [];
    for (const table of all) {
      if (table.name in NOT_TENANT_TABLES) continue;
      const own = constraints.filter((c) => c.table_name === table.name);
      if (CHAIN_KEYED_TABLES.has(table.name)) {
        for (const k of own.filter((c) => c.constraint_type !== 'FOREIGN KEY')) {
          if (k.columns[0] !== 'chain_key') problems.push(`${table.name}: ${k.constraint_name} (${k.columns.join(', ')}) does not start with chain_key`);
        }
        continue;
      }
      if (!table.columns.includes('municipality_id')) {
        problems.push(`${table.name}: no municipality_id column`);
        continue;
      }
      if (IDENTITY_TABLES.has(table.name)) continue;
      const pk = own.find((c) => c.constraint_type === 'PRIMARY KEY');
      if (!pk) problems.push(`${table.name}: no primary key`);
      else if (!pk.columns.includes('municipality_id')) problems.push(`${table.name}: primary key (${pk.columns.join(', ')}) lacks municipality_id`);
      for (const u of own.filter((c) => c.constraint_type === 'UNIQUE')) {
        if (!u.columns.includes('municipality_id')) problems.push(`${table.name}: unique ${u.constraint_name} (${u.columns.join(', ')}) lacks municipality_id`);
      }
    }
    return problems;
  }

  it('every tenant table has municipality_id in its primary key, and in every unique key', async () => {
    expect(await keyProblems(t.db)).toEqual([]);
  });

  it('the check fails for a table keyed without municipality_id', async () => {
    const probe = t.db.transaction().execute(async (trx) => {
      await sql`create table kasane_key_probe (municipality_id uuid not null, id uuid primary key, code text unique)`.execute(trx);
      expect(await keyProblems(trx)).toEqual(['kasane_key_probe: primary key (id) lacks municipality_id', 'kasane_key_probe: unique kasane_key_probe_code_key (code) lacks municipality_id']);
      throw new Error('rolled back');
    });
    await expect(probe).rejects.toThrow('rolled back');
  });


  it('unique indexes outside constraints include municipality_id too', async () => {
    const rows = await sql<{ table_name: string; index_name: string; definition: string }>`
      select t.relname as table_name, i.relname as index_name, pg_get_indexdef(ix.indexrelid) as definition
        from pg_index ix
        join pg_class i on i.oid = ix.indexrelid
        join pg_class t on t.oid = ix.indrelid
        join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = 'public' and ix.indisunique
         and not exists (select 1 from pg_constraint c where c.conindid = ix.indexrelid)`.execute(t.db);
    const problems = rows.rows
      .filter((r) => !(r.table_name in NOT_TENANT_TABLES) && !IDENTITY_TABLES.has(r.table_name) && !CHAIN_KEYED_TABLES.has(r.table_name))
      .filter((r) => !/\bmunicipality_id\b/.test(r.definition))
      .map((r) => `${r.table_name}: ${r.definition}`);
    expect(problems).toEqual([]);
  });

  it('foreign keys between tenant tables carry municipality_id, so rows never point across municipalities', async () => {
    const constraints = await keys(t.db);
    const problems = constraints
      .filter((c) => c.constraint_type === 'FOREIGN KEY')
      .filter((c) => !(c.table_name in NOT_TENANT_TABLES) && c.foreign_table !== null && !(c.foreign_table in NOT_TENANT_TABLES))
      .filter((c) => !c.columns.includes('municipality_id'))
      .map((c) => `${c.table_name}.${c.constraint_name} (${c.columns.join(', ')}) → ${c.foreign_table}`);
    expect(problems).toEqual([]);
  });
});
