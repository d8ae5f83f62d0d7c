import { sql, type Kysely } from 'kysely';

/**
 * The coordinators' overview (全体状況) as a periodic aggregate: one run per
 * agency (when it was computed, for which day, the counts) and the tasks of
 * the cases the agency is on the team of. A background job recomputes it
 * every few minutes; the page reads it and checks the listed rows against
 * the live access rules. No text of the records is copied here: the rows
 * hold keys, dates and states; the page joins names and subjects when it
 * shows them. See src/tasks/service.ts (refreshTaskOverview).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table task_overview_runs (
      municipality_id uuid not null references municipalities (id),
      agency_id uuid not null,
      refreshed_at timestamptz not null,
      today date not null,
      no_contact_days integer not null,
      counts jsonb not null,
      by_status jsonb not null,
      by_lead jsonb not null,
      primary key (municipality_id, agency_id),
      foreign key (municipality_id, agency_id) references agencies (municipality_id, id)
    )`.execute(db);
  await sql`
    create table task_overview_rows (
      municipality_id uuid not null,
      agency_id uuid not null,
      kind text not null,
      ref_id uuid not null,
      case_id uuid,
      referral_id uuid,
      due_on date,
      base_at timestamptz,
      days integer,
      party uuid,
      role text,
      sort_at timestamptz not null,
      overdue boolean not null,
      k_status text,
      k_lead uuid,
      primary key (municipality_id, agency_id, kind, ref_id),
      foreign key (municipality_id, agency_id) references task_overview_runs (municipality_id, agency_id) on delete cascade
    )`.execute(db);
  // The list order of the page (overdue first, then by due date).
  await sql`create index task_overview_rows_order on task_overview_rows (municipality_id, agency_id, overdue desc, sort_at, kind, ref_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists task_overview_rows`.execute(db);
  await sql`drop table if exists task_overview_runs`.execute(db);
}
