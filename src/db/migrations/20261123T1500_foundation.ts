import { sql, type Kysely } from 'kysely';

/**
 * Foundation: municipalities (tenants), agency directory, accounts,
 * sessions and the hash-chained audit log.
 *
 * Every tenant table carries municipality_id in its primary key, and
 * references between tenant tables include it, so a row can never point
 * at another municipality's row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  await sql`
    create table municipalities (
      id uuid primary key,
      code text not null unique,
      name text not null,
      kana text not null default '',
      prefecture text not null default '',
      preset_key text unique,
      population integer,
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table departments (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      name text not null,
      note text,
      primary key (municipality_id, id),
      unique (municipality_id, name)
    )`.execute(db);

  await sql`
    create table agencies (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      preset_key text,
      name text not null,
      kana text not null default '',
      organization text,
      fields text[] not null default '{}',
      program_name text,
      legal_basis text,
      description text,
      target_population text,
      site_count integer,
      operation text,
      department text,
      roles text[] not null default '{}',
      area text,
      address text,
      phone text,
      email text,
      hours text,
      is_window boolean not null default true,
      is_secretariat boolean not null default false,
      note text,
      active boolean not null default true,
      search_text text not null default '',
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, preset_key)
    )`.execute(db);
  await sql`create index agencies_search_trgm on agencies using gin (search_text gin_trgm_ops)`.execute(db);
  await sql`create index agencies_name on agencies (municipality_id, kana, id)`.execute(db);

  await sql`
    create table meeting_bodies (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      preset_key text,
      name text not null,
      kind text not null,
      legal_basis text,
      convener text,
      organizer text,
      purpose text,
      members text,
      frequency text,
      consent_required boolean,
      joint_with text[] not null default '{}',
      primary key (municipality_id, id),
      unique (municipality_id, preset_key)
    )`.execute(db);

  await sql`
    create table placements (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      preset_key text not null,
      kind text not null,
      agency_id uuid,
      department text,
      count integer,
      description text,
      primary key (municipality_id, id),
      unique (municipality_id, preset_key),
      foreign key (municipality_id, agency_id) references agencies (municipality_id, id)
    )`.execute(db);

  await sql`
    create table users (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      login_id text not null unique,
      name text not null,
      role text not null check (role in ('intake_clerk','promoter','coordinator','secretariat','agency_staff','admin','auditor')),
      agency_id uuid not null,
      password_hash text not null,
      must_change_password boolean not null default false,
      failed_attempts integer not null default 0,
      locked_at timestamptz,
      totp_secret text,
      totp_enabled boolean not null default false,
      totp_last_step bigint,
      active boolean not null default true,
      last_login_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (id),
      foreign key (municipality_id, agency_id) references agencies (municipality_id, id)
    )`.execute(db);
  await sql`create index users_agency on users (municipality_id, agency_id)`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      municipality_id uuid not null,
      user_id uuid not null,
      csrf_token text not null,
      mfa_state text not null default 'ok',
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      client_ip text,
      user_agent text,
      foreign key (municipality_id, user_id) references users (municipality_id, id) on delete cascade
    )`.execute(db);
  await sql`create index sessions_user on sessions (user_id)`.execute(db);
  await sql`create index sessions_expires on sessions (expires_at)`.execute(db);

  await sql`
    create table audit_chains (
      chain_key text primary key,
      last_seq bigint not null,
      last_hash text not null
    )`.execute(db);

  await sql`
    create table audit_anchors (
      chain_key text not null,
      first_seq bigint not null,
      prev_hash text not null,
      created_at timestamptz not null default now(),
      primary key (chain_key, first_seq)
    )`.execute(db);

  await sql`
    create table audit_events (
      chain_key text not null,
      seq bigint not null,
      municipality_id uuid,
      occurred_at timestamptz not null,
      actor_user_id uuid,
      actor_login text,
      actor_agency_id uuid,
      actor_role text,
      action text not null,
      target_type text,
      target_id text,
      subject_person_id uuid,
      outcome text not null check (outcome in ('success','failure','denied')),
      client_ip text,
      reason text,
      details jsonb not null default '{}'::jsonb,
      prev_hash text not null,
      hash text not null,
      primary key (chain_key, seq)
    )`.execute(db);
  await sql`create index audit_events_time on audit_events (municipality_id, occurred_at desc, seq desc)`.execute(db);
  await sql`create index audit_events_actor on audit_events (municipality_id, actor_user_id, occurred_at desc)`.execute(db);
  await sql`create index audit_events_subject on audit_events (municipality_id, subject_person_id, occurred_at desc)`.execute(db);
  await sql`create index audit_events_action on audit_events (municipality_id, action, occurred_at desc)`.execute(db);

  // Append-only: rows can never be updated, and only the retention job
  // (which sets kasane.audit_purge for its own transaction) may delete.
  await sql`
    create function audit_events_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and coalesce(current_setting('kasane.audit_purge', true), '') = 'on' then
        return old;
      end if;
      raise exception 'audit_events is append-only' using errcode = 'P0001';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_events_append_only
    before update or delete on audit_events
    for each row execute function audit_events_guard()`.execute(db);

  await sql`
    create table job_runs (
      job text not null,
      scope text not null,
      last_run_at timestamptz not null,
      primary key (job, scope)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'job_runs',
    'audit_events',
    'audit_anchors',
    'audit_chains',
    'sessions',
    'users',
    'placements',
    'meeting_bodies',
    'agencies',
    'departments',
    'municipalities',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_events_guard()`.execute(db);
}
