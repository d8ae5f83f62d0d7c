import { sql, type Kysely } from 'kysely';

/**
 * The append-only guard of audit_events covered UPDATE and DELETE; a
 * TRUNCATE bypassed it. Refuse TRUNCATE too (statement-level trigger).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function audit_events_no_truncate() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only' using errcode = 'P0001';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_events_no_truncate
    before truncate on audit_events
    for each statement execute function audit_events_no_truncate()`.execute(db);
  for (const table of ['audit_chains', 'audit_anchors']) {
    await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
              for each statement execute function audit_events_no_truncate()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists audit_events_no_truncate on audit_events`.execute(db);
  await sql`drop trigger if exists audit_chains_no_truncate on audit_chains`.execute(db);
  await sql`drop trigger if exists audit_anchors_no_truncate on audit_anchors`.execute(db);
  await sql`drop function if exists audit_events_no_truncate()`.execute(db);
}
