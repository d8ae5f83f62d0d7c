import { sql, type Kysely } from 'kysely';

/**
 * `cases.lead_unassigned`: nobody of the 主担当 agency is named on the case
 * team (an active case_members row of that agency with a user). わたしの仕事
 * gives such an open case to everyone at the lead agency until someone takes
 * it; with the flag and a partial index those cases are found directly
 * instead of probing every open case the agency leads (2,210 at 200,000
 * people). Triggers keep it true to case_members, whoever writes: the case
 * and team services, the demo generator's bulk COPY, the CLI.
 *  - case_members: one statement-level trigger per event, over the changed
 *    rows' cases (transition tables; a COPY of 100,000 members is one update);
 *  - cases: a BEFORE UPDATE trigger when the lead agency changes.
 */
const UNASSIGNED = (k: string) => sql.raw(`not exists (
  select 1 from case_members s
  where s.municipality_id = ${k}.municipality_id and s.case_id = ${k}.id and s.agency_id = ${k}.lead_agency_id
    and s.user_id is not null and s.removed_at is null)`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column lead_unassigned boolean not null default true`.execute(db);
  await sql`update cases k set lead_unassigned = ${UNASSIGNED('k')}`.execute(db);
  await sql`
    create function case_members_lead_unassigned() returns trigger language plpgsql as $$
    begin
      update cases k set lead_unassigned = ${UNASSIGNED('k')}
      where (k.municipality_id, k.id) in (select distinct c.municipality_id, c.case_id from changed c)
        and k.lead_unassigned is distinct from ${UNASSIGNED('k')};
      return null;
    end $$`.execute(db);
  for (const [event, table] of [
    ['insert', 'new'],
    ['update', 'new'],
    ['delete', 'old'],
  ] as const) {
    await sql`
      create trigger ${sql.id(`case_members_lead_unassigned_${event}`)}
      after ${sql.raw(event)} on case_members
      referencing ${sql.raw(table)} table as changed
      for each statement execute function case_members_lead_unassigned()`.execute(db);
  }
  await sql`
    create function cases_lead_unassigned() returns trigger language plpgsql as $$
    begin
      new.lead_unassigned := ${UNASSIGNED('new')};
      return new;
    end $$`.execute(db);
  await sql`
    create trigger cases_lead_unassigned before update of lead_agency_id on cases
    for each row when (old.lead_agency_id is distinct from new.lead_agency_id)
    execute function cases_lead_unassigned()`.execute(db);
  await sql`create index cases_lead_unassigned on cases (municipality_id, lead_agency_id) where lead_unassigned and status not in ('closed', 'suspended')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists cases_lead_unassigned`.execute(db);
  await sql`drop trigger if exists cases_lead_unassigned on cases`.execute(db);
  for (const event of ['insert', 'update', 'delete']) {
    await sql`drop trigger if exists ${sql.id(`case_members_lead_unassigned_${event}`)} on case_members`.execute(db);
  }
  await sql`drop function if exists case_members_lead_unassigned()`.execute(db);
  await sql`drop function if exists cases_lead_unassigned()`.execute(db);
  await sql`alter table cases drop column if exists lead_unassigned`.execute(db);
}
