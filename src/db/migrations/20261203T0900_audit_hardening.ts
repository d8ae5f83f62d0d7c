import { sql, type Kysely } from 'kysely';

/**
 * Audit hardening.
 *
 * 1. The delete guard no longer trusts a session setting (`kasane.audit_purge`
 *    could be switched on by any session). A row may be deleted only when an
 *    anchor recorded in the same transaction lies strictly above it and the
 *    row is older than that anchor's cut-off; an anchor can only be placed on
 *    an existing row whose hash it repeats, above every earlier anchor, with a
 *    cut-off at least the municipality's retention period in the past.
 *    Anchors are append-only. The chain head only moves forward, onto a row
 *    that exists with that hash, and cannot be deleted.
 * 2. `audit_secrets`: one random key per municipality for the keyed hashes
 *    (HMAC) of search criteria in audit details, kept outside the audit rows.
 *
 * What a database owner (who may disable triggers) can still do, and how the
 * signed anchors outside the database detect it, is in ARCHITECTURE.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_anchors add column purged_before timestamptz`.execute(db);
  await sql`alter table audit_anchors add column purge_txid bigint`.execute(db);

  await sql`
    create function audit_retention_floor(key text) returns timestamptz language sql stable as $$
      select now() - make_interval(years => greatest(1, coalesce(
        (select case when jsonb_typeof(m.settings -> 'auditRetentionYears') = 'number'
                     then (m.settings ->> 'auditRetentionYears')::numeric::int end
           from municipalities m where m.id::text = key), 10)))
    $$`.execute(db);

  await sql`
    create or replace function audit_events_guard() returns trigger language plpgsql as $$
    declare
      a record;
    begin
      if tg_op = 'DELETE' then
        select first_seq, purged_before into a from audit_anchors
         where chain_key = old.chain_key and purge_txid = txid_current()
         order by first_seq desc limit 1;
        if found and old.seq < a.first_seq and old.occurred_at < a.purged_before then
          return old;
        end if;
        raise exception 'audit_events is append-only (only the retention purge may delete rows below its anchor)' using errcode = 'P0001';
      end if;
      raise exception 'audit_events is append-only' using errcode = 'P0001';
    end
    $$`.execute(db);

  await sql`
    create function audit_anchors_guard() returns trigger language plpgsql as $$
    declare
      kept record;
    begin
      if tg_op <> 'INSERT' then
        raise exception 'audit_anchors is append-only' using errcode = 'P0001';
      end if;
      new.purge_txid := txid_current();
      new.created_at := now();
      if new.purged_before is null or new.purged_before > audit_retention_floor(new.chain_key) then
        raise exception 'an audit anchor needs a cut-off older than the retention period' using errcode = 'P0001';
      end if;
      if exists (select 1 from audit_anchors where chain_key = new.chain_key and first_seq >= new.first_seq) then
        raise exception 'an audit anchor must lie above every earlier anchor' using errcode = 'P0001';
      end if;
      select hash, occurred_at into kept from audit_events where chain_key = new.chain_key and seq = new.first_seq - 1;
      if not found or kept.hash <> new.prev_hash or kept.occurred_at >= new.purged_before then
        raise exception 'an audit anchor must repeat the hash of an existing row older than its cut-off' using errcode = 'P0001';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger audit_anchors_append_only
    before insert or update or delete on audit_anchors
    for each row execute function audit_anchors_guard()`.execute(db);

  await sql`
    create function audit_chains_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'audit chain heads cannot be deleted' using errcode = 'P0001';
      end if;
      if tg_op = 'INSERT' then
        if new.last_seq <> 0 or new.last_hash <> repeat('0', 64) then
          raise exception 'an audit chain starts empty' using errcode = 'P0001';
        end if;
        return new;
      end if;
      if new.chain_key <> old.chain_key or new.last_seq <= old.last_seq
         or not exists (select 1 from audit_events where chain_key = new.chain_key and seq = new.last_seq and hash = new.last_hash) then
        raise exception 'an audit chain head only moves forward, onto a stored row' using errcode = 'P0001';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger audit_chains_forward_only
    before insert or update or delete on audit_chains
    for each row execute function audit_chains_guard()`.execute(db);

  await sql`
    create table audit_secrets (
      municipality_id uuid primary key references municipalities(id),
      secret text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists audit_secrets`.execute(db);
  await sql`drop trigger if exists audit_chains_forward_only on audit_chains`.execute(db);
  await sql`drop function if exists audit_chains_guard()`.execute(db);
  await sql`drop trigger if exists audit_anchors_append_only on audit_anchors`.execute(db);
  await sql`drop function if exists audit_anchors_guard()`.execute(db);
  await sql`drop function if exists audit_retention_floor(text)`.execute(db);
  await sql`
    create or replace function audit_events_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and coalesce(current_setting('kasane.audit_purge', true), '') = 'on' then
        return old;
      end if;
      raise exception 'audit_events is append-only' using errcode = 'P0001';
    end
    $$`.execute(db);
  await sql`alter table audit_anchors drop column if exists purge_txid`.execute(db);
  await sql`alter table audit_anchors drop column if exists purged_before`.execute(db);
}
