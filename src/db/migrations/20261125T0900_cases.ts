import { sql, type Kysely } from 'kysely';

/**
 * 多機関協働: cases (事例) with their numbering per 年度, status history, team
 * (agencies and staff with roles), linked persons, consultations and
 * referrals; versioned assessments and information requests; support plans
 * with their versions and status history; support records (corrections are
 * new revisions, the original stays). Every table is keyed by municipality.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table cases (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      case_no text not null,
      fiscal_year integer not null,
      seq integer not null,
      title text not null,
      status text not null default 'intake'
        check (status in ('intake','assessment','planning','active','evaluation','closed','suspended')),
      lead_agency_id uuid not null,
      origin text not null check (origin in ('referral','consultation','direct')),
      origin_reason text,
      household_id uuid,
      opened_on date not null,
      opened_by_user_id uuid,
      opened_by_agency_id uuid not null,
      status_changed_at timestamptz not null default now(),
      last_contact_at timestamptz,
      closure_reason text,
      closure_note text,
      closed_on date,
      closure_meeting_ref text,
      closure_meeting_date date,
      closure_meeting_id uuid,
      follow_up_agency_id uuid,
      follow_up_frequency text,
      follow_up_interval_days integer check (follow_up_interval_days between 1 and 366),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, case_no),
      unique (municipality_id, fiscal_year, seq),
      foreign key (municipality_id, lead_agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, opened_by_agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, follow_up_agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, household_id) references households (municipality_id, id)
    )`.execute(db);
  await sql`create index cases_status on cases (municipality_id, status, status_changed_at)`.execute(db);
  await sql`create index cases_follow_up on cases (municipality_id, follow_up_agency_id) where status = 'closed' and follow_up_agency_id is not null`.execute(
    db,
  );
  await sql`create index cases_household on cases (municipality_id, household_id) where household_id is not null`.execute(db);

  await sql`
    create table case_counters (
      municipality_id uuid not null references municipalities(id),
      fiscal_year integer not null,
      last_seq integer not null,
      primary key (municipality_id, fiscal_year)
    )`.execute(db);

  await sql`
    create table case_transitions (
      municipality_id uuid not null,
      case_id uuid not null,
      seq integer not null,
      from_status text,
      to_status text not null,
      effective_on date not null,
      reason text not null,
      meeting_ref text,
      meeting_date date,
      details jsonb,
      by_user_id uuid,
      by_agency_id uuid,
      at timestamptz not null default now(),
      primary key (municipality_id, case_id, seq),
      foreign key (municipality_id, case_id) references cases (municipality_id, id)
    )`.execute(db);

  await sql`
    create table case_members (
      municipality_id uuid not null,
      id uuid not null,
      case_id uuid not null,
      agency_id uuid not null,
      user_id uuid,
      role text not null check (role in ('lead','cooperating','informing')),
      involvement text,
      added_at timestamptz not null default now(),
      added_by_user_id uuid,
      removed_at timestamptz,
      removed_by_user_id uuid,
      removed_reason text,
      primary key (municipality_id, id),
      foreign key (municipality_id, case_id) references cases (municipality_id, id),
      foreign key (municipality_id, agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, user_id) references users (municipality_id, id)
    )`.execute(db);
  await sql`create unique index case_members_agency on case_members (municipality_id, case_id, agency_id) where user_id is null and removed_at is null`.execute(
    db,
  );
  await sql`create unique index case_members_user on case_members (municipality_id, case_id, user_id) where user_id is not null and removed_at is null`.execute(
    db,
  );
  await sql`create index case_members_by_agency on case_members (municipality_id, agency_id, case_id) where removed_at is null`.execute(db);
  await sql`create index case_members_by_user on case_members (municipality_id, user_id, case_id) where user_id is not null and removed_at is null`.execute(
    db,
  );
  await sql`create index case_members_case on case_members (municipality_id, case_id)`.execute(db);

  await sql`
    create table case_persons (
      municipality_id uuid not null,
      case_id uuid not null,
      person_id uuid not null,
      relation text not null,
      is_primary boolean not null default false,
      added_at timestamptz not null default now(),
      added_by_user_id uuid,
      primary key (municipality_id, case_id, person_id),
      foreign key (municipality_id, case_id) references cases (municipality_id, id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id)
    )`.execute(db);
  await sql`create index case_persons_person on case_persons (municipality_id, person_id)`.execute(db);
  await sql`create unique index case_persons_primary on case_persons (municipality_id, case_id) where is_primary`.execute(db);

  await sql`
    create table case_links (
      municipality_id uuid not null,
      id uuid not null,
      case_id uuid not null,
      consultation_id uuid,
      referral_id uuid,
      linked_at timestamptz not null default now(),
      linked_by_user_id uuid,
      primary key (municipality_id, id),
      check ((consultation_id is null) <> (referral_id is null)),
      foreign key (municipality_id, case_id) references cases (municipality_id, id),
      foreign key (municipality_id, consultation_id) references consultations (municipality_id, id),
      foreign key (municipality_id, referral_id) references referrals (municipality_id, id)
    )`.execute(db);
  await sql`create index case_links_case on case_links (municipality_id, case_id)`.execute(db);
  await sql`create unique index case_links_consultation on case_links (municipality_id, case_id, consultation_id) where consultation_id is not null`.execute(
    db,
  );
  await sql`create unique index case_links_referral on case_links (municipality_id, case_id, referral_id) where referral_id is not null`.execute(db);
  await sql`create index case_links_by_referral on case_links (municipality_id, referral_id) where referral_id is not null`.execute(db);

  await sql`
    create table assessments (
      municipality_id uuid not null,
      case_id uuid not null,
      version_no integer not null,
      domains jsonb not null,
      person_wishes text not null default '',
      family_wishes text not null default '',
      strengths text not null default '',
      risks text[] not null default '{}',
      risk_note text not null default '',
      involvement jsonb not null default '[]',
      summary text not null default '',
      urgent boolean not null default false,
      change_note text,
      saved_by_user_id uuid,
      saved_by_agency_id uuid,
      saved_at timestamptz not null default now(),
      primary key (municipality_id, case_id, version_no),
      foreign key (municipality_id, case_id) references cases (municipality_id, id)
    )`.execute(db);

  await sql`
    create table info_requests (
      municipality_id uuid not null,
      id uuid not null,
      case_id uuid not null,
      to_agency_id uuid not null,
      question text not null,
      due_on date not null,
      status text not null default 'open' check (status in ('open','answered','cancelled')),
      requested_by_user_id uuid,
      requested_by_agency_id uuid not null,
      requested_at timestamptz not null default now(),
      answer text,
      answered_by_user_id uuid,
      answered_at timestamptz,
      cancelled_at timestamptz,
      cancelled_by_user_id uuid,
      cancel_reason text,
      version integer not null default 1,
      primary key (municipality_id, id),
      foreign key (municipality_id, case_id) references cases (municipality_id, id),
      foreign key (municipality_id, to_agency_id) references agencies (municipality_id, id)
    )`.execute(db);
  await sql`create index info_requests_case on info_requests (municipality_id, case_id, requested_at)`.execute(db);
  await sql`create index info_requests_open on info_requests (municipality_id, to_agency_id, due_on) where status = 'open'`.execute(db);

  await sql`
    create table plans (
      municipality_id uuid not null,
      id uuid not null,
      case_id uuid not null,
      plan_no integer not null,
      status text not null default 'draft' check (status in ('draft','approved','active','evaluated')),
      current_version integer not null default 1,
      next_review_on date,
      approved_on date,
      approval_ref text,
      approval_meeting_id uuid,
      approved_by_user_id uuid,
      started_on date,
      evaluation jsonb,
      evaluated_on date,
      evaluated_by_user_id uuid,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, case_id, plan_no),
      foreign key (municipality_id, case_id) references cases (municipality_id, id)
    )`.execute(db);
  await sql`create index plans_review on plans (municipality_id, next_review_on) where status in ('approved','active')`.execute(db);

  await sql`
    create table plan_versions (
      municipality_id uuid not null,
      plan_id uuid not null,
      version_no integer not null,
      long_term_goal text not null default '',
      short_term_goals jsonb not null default '[]',
      direction text not null default '',
      actions jsonb not null default '[]',
      lead_agency_id uuid,
      consent_on date,
      consent_method text,
      next_review_on date,
      change_note text,
      saved_by_user_id uuid,
      saved_by_agency_id uuid,
      saved_at timestamptz not null default now(),
      primary key (municipality_id, plan_id, version_no),
      foreign key (municipality_id, plan_id) references plans (municipality_id, id)
    )`.execute(db);

  await sql`
    create table plan_events (
      municipality_id uuid not null,
      plan_id uuid not null,
      seq integer not null,
      status text not null,
      at timestamptz not null default now(),
      by_user_id uuid,
      by_agency_id uuid,
      note text,
      primary key (municipality_id, plan_id, seq),
      foreign key (municipality_id, plan_id) references plans (municipality_id, id)
    )`.execute(db);

  await sql`
    create table support_records (
      municipality_id uuid not null,
      id uuid not null,
      case_id uuid not null,
      root_id uuid not null,
      revision integer not null default 1,
      is_current boolean not null default true,
      occurred_at timestamptz not null,
      kind text not null,
      staff_user_id uuid,
      staff_name text not null,
      agency_id uuid not null,
      content text not null,
      duration_minutes integer check (duration_minutes between 0 and 1440),
      next_action text,
      next_action_on date,
      contact boolean not null default false,
      correction_reason text,
      created_by_user_id uuid,
      created_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, case_id) references cases (municipality_id, id),
      foreign key (municipality_id, agency_id) references agencies (municipality_id, id)
    )`.execute(db);
  await sql`create index support_records_case on support_records (municipality_id, case_id, occurred_at desc, id desc) where is_current`.execute(db);
  await sql`create index support_records_root on support_records (municipality_id, root_id, revision)`.execute(db);
  await sql`create index support_records_creator on support_records (municipality_id, created_by_user_id, created_at)`.execute(db);
  // わたしの仕事: a staff member's 次の予定 falling due (src/tasks/service.ts).
  await sql`create index support_records_next_action on support_records (municipality_id, staff_user_id, next_action_on) where is_current and next_action_on is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'support_records',
    'plan_events',
    'plan_versions',
    'plans',
    'info_requests',
    'assessments',
    'case_links',
    'case_persons',
    'case_members',
    'case_transitions',
    'case_counters',
    'cases',
  ]) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}
