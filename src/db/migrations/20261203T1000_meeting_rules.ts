import { sql, type Kysely } from 'kysely';

/**
 * Meeting rules as municipality data (issue 12 items 2–4):
 *
 *  - meeting bodies carry the rule their legal basis gives them:
 *    `confidentiality` 'statutory' (a statutory 守秘義務: no consent gate,
 *    acknowledgement before materials, attendees only — 社会福祉法第106条の6,
 *    児童福祉法第25条の5, 生活困窮者自立支援法第9条, 介護保険法第115条の48 …)
 *    or 'consent' (本人同意が必要), with the article that imposes the duty;
 *    who convenes (`convened_by` 'secretariat': the 市 only), who hosts
 *    (`host_agency_id`, 主催) and whether the 市 attends every meeting
 *    (`secretariat_attends`); a `version` for the administrator's edits;
 *  - a closure, a suspension and a plan approval name the meeting decision
 *    they carry out: `cases.closure_decision_id`, `plans.approval_decision_id`,
 *    `case_transitions.meeting_decision_id`; `cases.closure_meeting_id` and
 *    `plans.approval_meeting_id` get their foreign keys (ids that point at no
 *    meeting are cleared first: they never named one).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table meeting_bodies
      add column confidentiality text not null default 'consent' check (confidentiality in ('statutory','consent')),
      add column confidentiality_basis text,
      add column convened_by text check (convened_by in ('secretariat')),
      add column host_agency_id uuid,
      add column secretariat_attends boolean not null default false,
      add column version integer not null default 1,
      add foreign key (municipality_id, host_agency_id) references agencies (municipality_id, id)`.execute(db);
  // The bodies already loaded: their legal basis (or, where the preset gave none, their statutory name) decides.
  await sql`
    update meeting_bodies set confidentiality = 'statutory',
      confidentiality_basis = case
        when kind = 'shien' or legal_basis like '%106条の6%' then '社会福祉法第106条の6'
        when legal_basis like '%児童福祉法%' or name like '%要保護児童対策地域協議会%' then '児童福祉法第25条の5'
        when legal_basis like '%生活困窮者自立支援法%9条%' or name like '%生活困窮者自立支援法第9条%' then '生活困窮者自立支援法第9条'
        else '介護保険法第115条の48' end
    where kind = 'shien' or legal_basis like '%106条の6%'
       or legal_basis like '%児童福祉法%25条の2%' or name like '%要保護児童対策地域協議会%'
       or legal_basis like '%生活困窮者自立支援法%9条%' or name like '%生活困窮者自立支援法第9条%'
       or legal_basis like '%介護保険法%115条の48%' or name like '%地域ケア会議%'`.execute(db);

  await sql`update cases k set closure_meeting_id = null where closure_meeting_id is not null
    and not exists (select 1 from meetings m where m.municipality_id = k.municipality_id and m.id = k.closure_meeting_id)`.execute(db);
  await sql`update plans p set approval_meeting_id = null where approval_meeting_id is not null
    and not exists (select 1 from meetings m where m.municipality_id = p.municipality_id and m.id = p.approval_meeting_id)`.execute(db);
  await sql`
    alter table cases
      add column closure_decision_id uuid,
      add constraint cases_closure_meeting_fk foreign key (municipality_id, closure_meeting_id) references meetings (municipality_id, id),
      add constraint cases_closure_decision_fk foreign key (municipality_id, closure_decision_id) references meeting_decisions (municipality_id, id)`.execute(db);
  await sql`
    alter table plans
      add column approval_decision_id uuid,
      add constraint plans_approval_meeting_fk foreign key (municipality_id, approval_meeting_id) references meetings (municipality_id, id),
      add constraint plans_approval_decision_fk foreign key (municipality_id, approval_decision_id) references meeting_decisions (municipality_id, id)`.execute(db);
  await sql`
    alter table case_transitions
      add column meeting_decision_id uuid,
      add constraint case_transitions_decision_fk foreign key (municipality_id, meeting_decision_id) references meeting_decisions (municipality_id, id)`.execute(db);
  // A decision is carried out once.
  await sql`create unique index case_transitions_decision on case_transitions (municipality_id, meeting_decision_id) where meeting_decision_id is not null`.execute(db);
  await sql`create unique index plans_approval_decision on plans (municipality_id, approval_decision_id) where approval_decision_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists plans_approval_decision`.execute(db);
  await sql`drop index if exists case_transitions_decision`.execute(db);
  await sql`alter table case_transitions drop column if exists meeting_decision_id`.execute(db);
  await sql`alter table plans drop constraint if exists plans_approval_meeting_fk, drop column if exists approval_decision_id`.execute(db);
  await sql`alter table cases drop constraint if exists cases_closure_meeting_fk, drop column if exists closure_decision_id`.execute(db);
  await sql`
    alter table meeting_bodies
      drop column if exists confidentiality,
      drop column if exists confidentiality_basis,
      drop column if exists convened_by,
      drop column if exists host_agency_id,
      drop column if exists secretariat_attends,
      drop column if exists version`.execute(db);
}
