import { sql, type Kysely } from 'kysely';

/**
 * 包括的相談支援: people (本人), households (世帯), 名寄せ links, consent (同意)
 * with scanned forms, consultations (相談受付), routing rules (交通整理),
 * referrals (つなぎ) with their history, emergency access grants and
 * notifications. Every table is keyed by municipality.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table persons (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      name text,
      name_kana text,
      alias text,
      birth_date date,
      age_band text,
      gender text not null default '不明' check (gender in ('男','女','その他','不明')),
      address text,
      phone text,
      contact_caution text,
      name_norm text not null default '',
      kana_norm text not null default '',
      address_norm text not null default '',
      phone_digits text not null default '',
      registered_by_agency_id uuid not null,
      registered_by_user_id uuid,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      check (coalesce(name, '') <> '' or coalesce(alias, '') <> ''),
      foreign key (municipality_id, registered_by_agency_id) references agencies (municipality_id, id)
    )`.execute(db);
  await sql`create index persons_name_trgm on persons using gin (name_norm gin_trgm_ops)`.execute(db);
  await sql`create index persons_kana_trgm on persons using gin (kana_norm gin_trgm_ops)`.execute(db);
  await sql`create index persons_address_trgm on persons using gin (address_norm gin_trgm_ops)`.execute(db);
  await sql`create index persons_birth on persons (municipality_id, birth_date)`.execute(db);
  await sql`create index persons_phone on persons (municipality_id, phone_digits) where phone_digits <> ''`.execute(db);
  await sql`create index persons_registered on persons (municipality_id, registered_by_agency_id)`.execute(db);

  await sql`
    create table person_links (
      municipality_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      other_person_id uuid not null,
      reason text,
      linked_by_user_id uuid,
      linked_at timestamptz not null default now(),
      unlinked_by_user_id uuid,
      unlinked_at timestamptz,
      unlink_reason text,
      primary key (municipality_id, id),
      check (person_id <> other_person_id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id),
      foreign key (municipality_id, other_person_id) references persons (municipality_id, id)
    )`.execute(db);
  await sql`create unique index person_links_active on person_links (municipality_id, least(person_id, other_person_id), greatest(person_id, other_person_id)) where unlinked_at is null`.execute(db);
  await sql`create index person_links_other on person_links (municipality_id, other_person_id)`.execute(db);

  await sql`
    create table households (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      name text not null,
      address text,
      note text,
      registered_by_agency_id uuid not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, registered_by_agency_id) references agencies (municipality_id, id)
    )`.execute(db);

  await sql`
    create table household_members (
      municipality_id uuid not null,
      household_id uuid not null,
      person_id uuid not null,
      relationship text not null,
      living_together boolean not null default true,
      situation text,
      added_at timestamptz not null default now(),
      primary key (municipality_id, household_id, person_id),
      foreign key (municipality_id, household_id) references households (municipality_id, id) on delete cascade,
      foreign key (municipality_id, person_id) references persons (municipality_id, id)
    )`.execute(db);
  await sql`create index household_members_person on household_members (municipality_id, person_id)`.execute(db);

  await sql`
    create table consent_documents (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      person_id uuid not null,
      filename text not null,
      media_type text not null,
      size_bytes integer not null,
      sha256 text not null,
      content bytea not null,
      uploaded_by_user_id uuid,
      created_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id)
    )`.execute(db);

  await sql`
    create table consents (
      municipality_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      version_no integer not null,
      purpose text not null check (purpose in ('meeting_sharing','agency_sharing')),
      decision text not null check (decision in ('granted','refused')),
      scope_kind text not null check (scope_kind in ('all','listed')),
      agency_ids uuid[] not null default '{}',
      consented_on date not null,
      method text not null check (method in ('書面','口頭')),
      obtained_by_user_id uuid,
      obtained_by_agency_id uuid not null,
      note text,
      document_id uuid,
      withdrawn_on date,
      withdrawn_by_user_id uuid,
      withdrawn_reason text,
      created_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, person_id, purpose, version_no),
      foreign key (municipality_id, person_id) references persons (municipality_id, id),
      foreign key (municipality_id, document_id) references consent_documents (municipality_id, id)
    )`.execute(db);
  await sql`create index consents_person on consents (municipality_id, person_id, purpose, version_no desc)`.execute(db);

  await sql`
    create table consultations (
      municipality_id uuid not null,
      id uuid not null,
      received_at timestamptz not null,
      agency_id uuid not null,
      received_by_user_id uuid not null,
      channel text not null,
      consulter_type text not null,
      consulter_relation text,
      consulter_name text,
      anonymous boolean not null default false,
      person_id uuid,
      household_id uuid,
      subject_summary text,
      chief_complaint text not null,
      content text not null default '',
      issues text[] not null default '{}',
      primary_issue text,
      urgency text not null default '通常' check (urgency in ('通常','至急','緊急')),
      urgent_flags text[] not null default '{}',
      response text not null,
      consent_status text not null check (consent_status in ('あり','なし','未確認')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id),
      foreign key (municipality_id, household_id) references households (municipality_id, id)
    )`.execute(db);
  await sql`create index consultations_person on consultations (municipality_id, person_id, received_at desc)`.execute(db);
  await sql`create index consultations_agency on consultations (municipality_id, agency_id, received_at desc)`.execute(db);
  await sql`create index consultations_urgent on consultations (municipality_id, received_at desc) where urgency <> '通常'`.execute(db);

  await sql`
    create table routing_rules (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      priority integer not null default 100,
      name text not null,
      issues_any text[] not null default '{}',
      min_age integer,
      max_age integer,
      household_pattern text,
      min_issue_count integer,
      target_role text,
      target_field text,
      target_name_like text,
      match_area boolean not null default false,
      reason text not null,
      active boolean not null default true,
      version integer not null default 1,
      primary key (municipality_id, id)
    )`.execute(db);

  await sql`
    create table referrals (
      municipality_id uuid not null,
      id uuid not null,
      consultation_id uuid,
      person_id uuid,
      from_agency_id uuid not null,
      from_user_id uuid not null,
      to_agency_id uuid not null,
      to_coordination boolean not null default false,
      chief_complaint text not null,
      content text not null,
      reason text not null,
      consent_confirmed boolean not null,
      status text not null default 'sent' check (status in ('sent','accepted','returned','in_progress','completed')),
      sent_at timestamptz not null default now(),
      due_at timestamptz not null,
      accepted_at timestamptz,
      accepted_by_user_id uuid,
      returned_at timestamptz,
      returned_by_user_id uuid,
      return_reason text,
      started_at timestamptz,
      started_by_user_id uuid,
      completed_at timestamptz,
      completed_by_user_id uuid,
      completion_note text,
      version integer not null default 1,
      primary key (municipality_id, id),
      foreign key (municipality_id, from_agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, to_agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id),
      foreign key (municipality_id, consultation_id) references consultations (municipality_id, id)
    )`.execute(db);
  await sql`create index referrals_inbox on referrals (municipality_id, to_agency_id, status, sent_at desc)`.execute(db);
  await sql`create index referrals_outbox on referrals (municipality_id, from_agency_id, status, sent_at desc)`.execute(db);
  await sql`create index referrals_person on referrals (municipality_id, person_id)`.execute(db);
  await sql`create index referrals_due on referrals (municipality_id, due_at) where status = 'sent'`.execute(db);

  await sql`
    create table referral_events (
      municipality_id uuid not null,
      referral_id uuid not null,
      seq integer not null,
      status text not null,
      at timestamptz not null default now(),
      by_user_id uuid,
      by_agency_id uuid,
      note text,
      primary key (municipality_id, referral_id, seq),
      foreign key (municipality_id, referral_id) references referrals (municipality_id, id)
    )`.execute(db);

  await sql`
    create table emergency_grants (
      municipality_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      user_id uuid not null,
      reason text not null,
      granted_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (municipality_id, id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id)
    )`.execute(db);
  await sql`create index emergency_grants_user on emergency_grants (municipality_id, user_id, expires_at)`.execute(db);

  await sql`
    create table notifications (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      dedupe_key text,
      recipient_agency_id uuid,
      recipient_role text,
      recipient_user_id uuid,
      kind text not null,
      title text not null,
      body text not null default '',
      link text,
      created_at timestamptz not null default now(),
      primary key (municipality_id, id)
    )`.execute(db);
  await sql`create unique index notifications_dedupe on notifications (municipality_id, dedupe_key, coalesce(recipient_agency_id::text, ''), coalesce(recipient_role, ''), coalesce(recipient_user_id::text, '')) where dedupe_key is not null`.execute(db);
  await sql`create index notifications_agency on notifications (municipality_id, recipient_agency_id, created_at desc)`.execute(db);
  await sql`create index notifications_role on notifications (municipality_id, recipient_role, created_at desc)`.execute(db);

  await sql`
    create table notification_reads (
      municipality_id uuid not null,
      notification_id uuid not null,
      user_id uuid not null,
      read_at timestamptz not null default now(),
      primary key (municipality_id, notification_id, user_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'notification_reads',
    'notifications',
    'emergency_grants',
    'referral_events',
    'referrals',
    'routing_rules',
    'consultations',
    'consents',
    'consent_documents',
    'household_members',
    'households',
    'person_links',
    'persons',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
