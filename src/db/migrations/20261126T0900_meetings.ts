import { sql, type Kysely } from 'kysely';

/**
 * 会議体: meetings of the municipality's meeting bodies (重層的支援会議,
 * 支援会議 under 社会福祉法第106条の6, 重層的支援体制推進会議 and the others of
 * the preset), their attendees (users, or external people by name and
 * organisation), the 守秘義務 acknowledgements of 支援会議 attendees, agenda
 * items (a case, a person who may be known only partly, or a topic about the
 * system) with the consent basis they were put on the agenda under, the
 * decisions per item, the resource gaps (資源開発の課題) decided there, the
 * 支援会議 chair's 情報提供の求め, and follow-up actions. Keyed by municipality.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table meetings (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      meeting_body_id uuid not null,
      kind text not null check (kind in ('jusou','shien','suishin','other')),
      title text not null,
      scheduled_at timestamptz not null,
      place text,
      online boolean not null default false,
      convener text,
      organizer_agency_id uuid,
      chair_user_id uuid,
      status text not null default 'scheduled' check (status in ('scheduled','held','cancelled')),
      joint_group_id uuid,
      note text,
      version integer not null default 1,
      created_by_user_id uuid not null,
      created_by_agency_id uuid not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, meeting_body_id) references meeting_bodies (municipality_id, id),
      foreign key (municipality_id, organizer_agency_id) references agencies (municipality_id, id),
      foreign key (municipality_id, created_by_agency_id) references agencies (municipality_id, id)
    )`.execute(db);
  await sql`create index meetings_schedule on meetings (municipality_id, scheduled_at desc, id desc)`.execute(db);
  await sql`create index meetings_joint on meetings (municipality_id, joint_group_id) where joint_group_id is not null`.execute(db);

  await sql`
    create table meeting_attendees (
      municipality_id uuid not null,
      id uuid not null,
      meeting_id uuid not null,
      user_id uuid,
      external_name text,
      external_organization text,
      role text not null default 'member' check (role in ('chair','member')),
      invited_at timestamptz not null default now(),
      invited_by_user_id uuid,
      attended boolean,
      removed_at timestamptz,
      removed_by_user_id uuid,
      primary key (municipality_id, id),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id),
      check ((user_id is not null) <> (external_name is not null))
    )`.execute(db);
  await sql`create unique index meeting_attendees_user on meeting_attendees (municipality_id, meeting_id, user_id) where user_id is not null and removed_at is null`.execute(
    db,
  );
  await sql`create index meeting_attendees_by_user on meeting_attendees (municipality_id, user_id, meeting_id) where removed_at is null`.execute(db);

  await sql`
    create table meeting_acknowledgements (
      municipality_id uuid not null,
      meeting_id uuid not null,
      attendee_id uuid not null,
      user_id uuid not null,
      acknowledged_at timestamptz not null default now(),
      text_version text not null,
      primary key (municipality_id, meeting_id, attendee_id),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id),
      foreign key (municipality_id, attendee_id) references meeting_attendees (municipality_id, id)
    )`.execute(db);

  await sql`
    create table meeting_agenda_items (
      municipality_id uuid not null,
      id uuid not null,
      meeting_id uuid not null,
      seq integer not null,
      kind text not null check (kind in ('case','person','topic')),
      case_id uuid,
      person_id uuid,
      person_alias text,
      title text not null,
      description text,
      consent_basis jsonb,
      minutes text,
      minutes_updated_at timestamptz,
      minutes_updated_by_user_id uuid,
      version integer not null default 1,
      added_by_user_id uuid,
      added_by_agency_id uuid,
      added_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, meeting_id, seq),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id),
      foreign key (municipality_id, case_id) references cases (municipality_id, id),
      foreign key (municipality_id, person_id) references persons (municipality_id, id),
      check (kind <> 'case' or case_id is not null)
    )`.execute(db);
  await sql`create index meeting_agenda_case on meeting_agenda_items (municipality_id, case_id) where case_id is not null`.execute(db);

  await sql`
    create table meeting_decisions (
      municipality_id uuid not null,
      id uuid not null,
      meeting_id uuid not null,
      agenda_item_id uuid not null,
      kind text not null,
      content text not null,
      plan_id uuid,
      plan_version integer,
      case_transition_seq integer,
      details jsonb,
      decided_by_user_id uuid,
      decided_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id),
      foreign key (municipality_id, agenda_item_id) references meeting_agenda_items (municipality_id, id),
      foreign key (municipality_id, plan_id) references plans (municipality_id, id)
    )`.execute(db);
  await sql`create index meeting_decisions_meeting on meeting_decisions (municipality_id, meeting_id, decided_at)`.execute(db);

  await sql`
    create table resource_gaps (
      municipality_id uuid not null,
      id uuid not null,
      meeting_id uuid not null,
      decision_id uuid not null,
      content text not null,
      status text not null default 'open' check (status in ('open','in_progress','resolved')),
      created_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id),
      foreign key (municipality_id, decision_id) references meeting_decisions (municipality_id, id)
    )`.execute(db);
  await sql`create index resource_gaps_status on resource_gaps (municipality_id, status, created_at)`.execute(db);

  await sql`
    create table meeting_info_requests (
      municipality_id uuid not null,
      id uuid not null,
      meeting_id uuid not null,
      agenda_item_id uuid,
      to_agency_id uuid not null,
      question text not null,
      requested_by_user_id uuid,
      requested_at timestamptz not null default now(),
      reply text,
      replied_at timestamptz,
      primary key (municipality_id, id),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id),
      foreign key (municipality_id, to_agency_id) references agencies (municipality_id, id)
    )`.execute(db);

  await sql`
    create table meeting_follow_ups (
      municipality_id uuid not null,
      id uuid not null,
      meeting_id uuid not null,
      agenda_item_id uuid,
      content text not null,
      owner_user_id uuid,
      owner_agency_id uuid,
      due_on date,
      done_at timestamptz,
      created_by_user_id uuid,
      created_at timestamptz not null default now(),
      primary key (municipality_id, id),
      foreign key (municipality_id, meeting_id) references meetings (municipality_id, id)
    )`.execute(db);
  await sql`create index meeting_follow_ups_owner on meeting_follow_ups (municipality_id, owner_user_id, due_on) where done_at is null`.execute(db);
  // わたしの仕事 lists the open actions of the user's agency too.
  await sql`create index meeting_follow_ups_agency on meeting_follow_ups (municipality_id, owner_agency_id, due_on) where done_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'meeting_follow_ups',
    'meeting_info_requests',
    'resource_gaps',
    'meeting_decisions',
    'meeting_agenda_items',
    'meeting_acknowledgements',
    'meeting_attendees',
    'meetings',
  ]) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}
