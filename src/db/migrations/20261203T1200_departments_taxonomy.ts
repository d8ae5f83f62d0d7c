import { sql, type Kysely } from 'kysely';

/**
 * Roles, departments and the municipality's own taxonomy (issue 12, items 4 and 6).
 *  - users.role accepts `community_worker` (福祉活動専門員).
 *  - departments (課) become the data agencies point at: kana, order, an active
 *    flag and a version; agencies.department_id references one (composite key
 *    with the municipality). The old free text `agencies.department` stays,
 *    kept equal to the linked department's name, so old rows read as before;
 *    every text found there is turned into a department row and linked
 *    (a combined 「A課／B」 links to A課 when that department exists).
 *  - taxonomy_terms: a municipality's own 課題 and consent purposes (kind),
 *    with order and an active flag. Records store the 課題 label and the
 *    purpose code, so deactivating a term never changes an old record.
 *    consents.purpose accepts the built-in purposes or a municipality's code (x_…).
 */
const ROLES_BEFORE = `'intake_clerk','promoter','coordinator','secretariat','agency_staff','admin','auditor'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql.raw(`alter table users add constraint users_role_check check (role in (${ROLES_BEFORE},'community_worker'))`).execute(db);

  await sql`alter table departments add column kana text not null default ''`.execute(db);
  await sql`alter table departments add column sort_order integer not null default 0`.execute(db);
  await sql`alter table departments add column active boolean not null default true`.execute(db);
  await sql`alter table departments add column version integer not null default 1`.execute(db);
  await sql`alter table agencies add column department_id uuid`.execute(db);
  await sql`
    alter table agencies add constraint agencies_department_fk
      foreign key (municipality_id, department_id) references departments (municipality_id, id)`.execute(db);
  await sql`create index agencies_department on agencies (municipality_id, department_id) where department_id is not null`.execute(db);

  // Number the existing departments in their name order, then link the agencies' texts.
  await sql`
    update departments d set sort_order = n.rn * 10
    from (select municipality_id, id, row_number() over (partition by municipality_id order by name) as rn from departments) n
    where n.municipality_id = d.municipality_id and n.id = d.id`.execute(db);
  const link = sql`
    update agencies a set department_id = d.id
    from departments d
    where d.municipality_id = a.municipality_id and a.department_id is null
      and nullif(btrim(a.department), '') is not null
      and d.name = btrim(a.department)`;
  await link.execute(db);
  await sql`
    update agencies a set department_id = d.id
    from departments d
    where d.municipality_id = a.municipality_id and a.department_id is null
      and position('／' in a.department) > 0
      and d.name = btrim(split_part(a.department, '／', 1))`.execute(db);
  await sql`
    insert into departments (municipality_id, id, name, sort_order)
    select s.municipality_id, gen_random_uuid(), s.name,
           coalesce((select max(sort_order) from departments x where x.municipality_id = s.municipality_id), 0)
             + 10 * row_number() over (partition by s.municipality_id order by s.name)
    from (select distinct municipality_id, btrim(department) as name from agencies
          where department_id is null and nullif(btrim(department), '') is not null) s`.execute(db);
  await link.execute(db);

  await sql`
    create table taxonomy_terms (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      kind text not null check (kind in ('issue','consent_purpose')),
      code text not null,
      label text not null,
      description text,
      sort_order integer not null default 0,
      active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, kind, code),
      unique (municipality_id, kind, label)
    )`.execute(db);

  await sql`alter table consents drop constraint consents_purpose_check`.execute(db);
  await sql`
    alter table consents add constraint consents_purpose_check
      check (purpose in ('meeting_sharing','agency_sharing') or purpose ~ '^x_[a-z0-9]{1,40}$')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from consents where purpose not in ('meeting_sharing','agency_sharing')`.execute(db);
  await sql`alter table consents drop constraint consents_purpose_check`.execute(db);
  await sql`alter table consents add constraint consents_purpose_check check (purpose in ('meeting_sharing','agency_sharing'))`.execute(db);
  await sql`drop table taxonomy_terms`.execute(db);
  await sql`drop index agencies_department`.execute(db);
  await sql`alter table agencies drop constraint agencies_department_fk`.execute(db);
  await sql`alter table agencies drop column department_id`.execute(db);
  await sql`alter table departments drop column version`.execute(db);
  await sql`alter table departments drop column active`.execute(db);
  await sql`alter table departments drop column sort_order`.execute(db);
  await sql`alter table departments drop column kana`.execute(db);
  await sql`update users set role = 'agency_staff' where role = 'community_worker'`.execute(db);
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql.raw(`alter table users add constraint users_role_check check (role in (${ROLES_BEFORE}))`).execute(db);
}
