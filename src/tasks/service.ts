import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { agencyVisibleCasePredicate, visibleCasePredicate } from '../access/case-access.ts';
import type { UserContext } from '../access/context.ts';
import { requireUser, type Scope } from '../access/gateway.ts';
import { readSettings } from '../municipalities/settings.ts';
import { displayName } from '../people/service.ts';
import { CASE_STATUSES, CASE_STATUS_LABELS, type CaseStatus } from '../shared/cases.ts';
import { todayJst } from '../shared/date-input.ts';
import { formatDate, formatDateTime } from '../shared/dates.ts';
import type { Database } from '../db/types.ts';

/**
 * 「誰も取りこぼさない」: the work that exists because of the data — plan
 * reviews falling due, unanswered information requests and referrals,
 * people nobody has been in contact with, follow-up (伴走) after closure,
 * and the next actions staff wrote in their records. Every task is computed
 * from the data and says why it exists: わたしの仕事 when asked, the
 * coordinators' overview every few minutes per agency (refreshTaskOverview,
 * below), since it covers a whole agency's caseload.
 *
 * Speed (20,000 cases, 1,000,000 records): one SQL statement per request.
 * The cases in question are selected and checked for visibility once
 * (a materialised CTE); every kind of task is a set-based branch over them
 * that reads an index (plans by case, info_requests by case or by addressee,
 * referrals by agency and status, support_records by staff and date,
 * meeting_follow_ups by owner or owning agency); the
 * no-contact and follow-up checks read only `cases.last_contact_at`; counts
 * and the first 200 tasks come back as JSON from the same statement.
 */
export const TASK_KINDS = [
  'plan_review',
  'info_request_overdue',
  'info_request_open',
  'no_contact',
  'follow_up',
  'referral_unanswered',
  'next_action',
  'meeting_follow_up',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_KIND_LABELS: Record<TaskKind, string> = {
  plan_review: 'プランの評価',
  info_request_overdue: '情報提供の期限切れ',
  info_request_open: '情報提供の依頼',
  no_contact: '本人と接触なし',
  follow_up: '終結後の伴走',
  referral_unanswered: 'つなぎの未対応',
  next_action: '次の予定',
  meeting_follow_up: '会議で決まった対応',
};

export type TaskSeverity = 'overdue' | 'due_soon';

export interface TaskView {
  key: string;
  kind: TaskKind;
  kindLabel: string;
  title: string;
  /** Why the task exists, in one sentence. */
  why: string;
  dueOn: string | null;
  severity: TaskSeverity;
  severityLabel: string;
  case: {
    id: string;
    caseNo: string;
    title: string;
    status: CaseStatus;
    statusLabel: string;
    leadAgencyName: string;
    primaryPersonName: string | null;
  } | null;
  referral: { id: string } | null;
  /** The meeting a 会議で決まった対応 was decided at (its page is the link). */
  meeting: { id: string; title: string; heldOn: string; confidential: boolean } | null;
  link: string;
}

export interface TaskCount {
  kind: TaskKind;
  label: string;
  count: number;
  overdue: number;
}

export interface TaskList {
  today: string;
  items: TaskView[];
  counts: TaskCount[];
  total: number;
  overdue: number;
  /** More tasks exist than listed (the list stops at `limit`). */
  truncated: boolean;
  noContactAlertDays: number;
  /** 伴走 is chased for this many days after closure. */
  followUpDays: number;
}

export interface TaskOverview extends TaskList {
  /** When the counts and the list were computed (a job recomputes them every few minutes). */
  refreshedAt: string;
  refreshedAtLabel: string;
  refreshEveryMinutes: number;
  byStatus: { status: CaseStatus; label: string; count: number }[];
  byLeadAgency: { agencyId: string; agencyName: string; openCases: number; tasks: number; overdue: number }[];
}

export interface OverviewFilter {
  kind?: TaskKind | undefined;
  severity?: TaskSeverity | undefined;
  status?: CaseStatus | undefined;
  leadAgencyId?: string | undefined;
}

const LIST_LIMIT = 200;
/** 伴走 is chased for this many days after closure. */
export const FOLLOW_UP_DAYS = 365;
/** 次の予定 overdue by more than this many days are no longer listed. */
export const NEXT_ACTION_DAYS = 180;

/* ---------- dates ---------- */

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The JST calendar date of an instant. */
function jstDate(at: string | Date): string {
  return todayJst(new Date(at));
}

/** Start of a JST calendar day as an instant. */
function jstStart(date: string): string {
  return new Date(`${date}T00:00:00+09:00`).toISOString();
}

/** SQL: a DATE column as the instant its JST day starts (independent of the session time zone). */
function dayStart(column: string): RawBuilder<Date> {
  return sql<Date>`(${sql.ref(column)}::text || ' 00:00:00+09')::timestamptz`;
}

/* ---------- the SQL ---------- */

interface Params {
  m: string;
  agencyId: string;
  userId: string;
  today: string;
  noContactDays: number;
}

/*
 * Every branch yields the same columns:
 *   kind, case_id, referral_id, ref_id, due_on, base_at, days, note, party, role, sort_at, overdue, k_status, k_lead
 * `set` names a CTE of cases with SET_COLUMNS. Branches do not check the
 * visibility of the case themselves: `visibleTasks` checks it once per
 * distinct case that has a task (the check reads the consent of the case's
 * 本人, the costly part, so it runs for the few cases with work, not for
 * every case of a busy agency).
 */
const SET_COLUMNS = sql`k.id, k.municipality_id, k.status, k.lead_agency_id, k.opened_on, k.last_contact_at, k.closed_on, k.status_changed_at,
                        k.follow_up_agency_id, k.follow_up_interval_days`;

/** The latest plan of an open case, 承認 or 実施中, with its 次回評価日 within 7 days or past. */
function planReview(p: Params, set: string) {
  return sql`
    select 'plan_review'::text as kind, pl.case_id, null::uuid as referral_id, pl.id as ref_id, pl.next_review_on as due_on,
           null::timestamptz as base_at, pl.plan_no as days, null::text as note, null::uuid as party, null::text as role,
           ${dayStart('pl.next_review_on')} as sort_at, pl.next_review_on < ${p.today}::date as overdue, k.status as k_status, k.lead_agency_id as k_lead
    from ${sql.table(set)} k
    join plans pl on pl.municipality_id = ${p.m}::uuid and pl.case_id = k.id
    where k.status not in ('closed', 'suspended')
      and pl.status in ('approved', 'active') and pl.next_review_on <= ${addDays(p.today, 7)}::date
      and not exists (select 1 from plans p2 where p2.municipality_id = pl.municipality_id and p2.case_id = pl.case_id and p2.plan_no > pl.plan_no)`;
}

/** Open requests addressed to the user's agency. */
function infoRequestsToAgency(p: Params) {
  return sql`
    select case when ir.due_on < ${p.today}::date then 'info_request_overdue' else 'info_request_open' end,
           ir.case_id, null::uuid, ir.id, ir.due_on, null::timestamptz, null::int, left(ir.question, 80), ir.requested_by_agency_id, 'to'::text,
           ${dayStart('ir.due_on')}, ir.due_on < ${p.today}::date, k.status, k.lead_agency_id
    from info_requests ir
    join cases k on k.municipality_id = ir.municipality_id and k.id = ir.case_id
    where ir.municipality_id = ${p.m}::uuid and ir.status = 'open' and ir.to_agency_id = ${p.agencyId}::uuid`;
}

/** Overdue requests of cases in `set` that the user's agency waits for (it asked, or it is 主担当); all of them when `all`. */
function infoRequestsWaiting(p: Params, set: string, all: boolean) {
  return sql`
    select 'info_request_overdue'::text, ir.case_id, null::uuid, ir.id, ir.due_on, null::timestamptz, null::int, left(ir.question, 80), ir.to_agency_id, 'from'::text,
           ${dayStart('ir.due_on')}, true, k.status, k.lead_agency_id
    from ${sql.table(set)} k
    join info_requests ir on ir.municipality_id = ${p.m}::uuid and ir.case_id = k.id
    where ir.status = 'open' and ir.due_on < ${p.today}::date
      and ${all ? sql`true` : sql`ir.to_agency_id <> ${p.agencyId}::uuid and (k.lead_agency_id = ${p.agencyId}::uuid or ir.requested_by_agency_id = ${p.agencyId}::uuid)`}`;
}

/** Open cases whose last contact with the person (or opening, if none) is older than the setting. */
function noContact(p: Params, set: string) {
  const cutoff = addDays(p.today, -p.noContactDays);
  return sql`
    select 'no_contact'::text, k.id, null::uuid, k.id, k.opened_on, k.last_contact_at, ${p.noContactDays}::int, null::text, null::uuid, null::text,
           coalesce(k.last_contact_at, ${dayStart('k.opened_on')}) + ${p.noContactDays}::int * interval '1 day', true, k.status, k.lead_agency_id
    from ${sql.table(set)} k
    where k.status not in ('closed', 'suspended')
      and case when k.last_contact_at is null then k.opened_on < ${cutoff}::date
               else k.last_contact_at < ${jstStart(cutoff)}::timestamptz end`;
}

/** SQL: the moment a closed case's follow-up interval counts from (the later of the last contact and closure). */
const FOLLOW_UP_SINCE = sql`greatest(k.last_contact_at, coalesce(${dayStart('k.closed_on')}, k.status_changed_at))`;

/**
 * The follow-up (伴走) of a closed case is overdue: no contact within its
 * interval since closure or the last contact — during the first
 * FOLLOW_UP_DAYS after closure. The schema has no end of 伴走; without a
 * horizon every case closed years ago would stay "overdue" for good and
 * bury this year's follow-ups.
 */
function followUpDue(p: Params) {
  return sql`k.status = 'closed' and k.follow_up_interval_days is not null and k.follow_up_agency_id is not null
    and coalesce(${dayStart('k.closed_on')}, k.status_changed_at) >= ${jstStart(addDays(p.today, -FOLLOW_UP_DAYS))}::timestamptz
    and ${FOLLOW_UP_SINCE} < ${jstStart(p.today)}::timestamptz - k.follow_up_interval_days * interval '1 day'`;
}

/** Closed cases in `set` whose follow-up is overdue; the agency is named only in the overview (`all`). */
function followUp(p: Params, set: string, all: boolean) {
  return sql`
    select 'follow_up'::text, k.id, null::uuid, k.id, coalesce(k.closed_on, k.opened_on), k.last_contact_at, k.follow_up_interval_days, null::text,
           ${all ? sql`k.follow_up_agency_id` : sql`null::uuid`}, null::text,
           ${FOLLOW_UP_SINCE} + k.follow_up_interval_days * interval '1 day', true, k.status, k.lead_agency_id
    from ${sql.table(set)} k
    where ${followUpDue(p)}`;
}

/**
 * Referrals: to the agency, still 送付 (due soon or overdue) or accepted / 対応中
 * with no progress by their progress due time (stalled); sent by it, overdue
 * or stalled at the other end; and its offline referrals (the agency sent to
 * has no accounts): the sheet to send (overdue past the due time) and, once
 * sent, the answer to record (never overdue). Only overdue ones when
 * `overdueOnly`. The role column says which.
 */
function referrals(p: Params, overdueOnly: boolean) {
  return sql`
    select 'referral_unanswered'::text, null::uuid, r.id, r.id, null::date, r.due_at, null::int, left(r.chief_complaint, 80), r.from_agency_id, 'to'::text,
           r.due_at, r.due_at < now(), null::text, null::uuid
    from referrals r
    where r.municipality_id = ${p.m}::uuid and r.to_agency_id = ${p.agencyId}::uuid and r.status = 'sent' and r.delivered_at is null
      ${overdueOnly ? sql`and r.due_at < now()` : sql``}
    union all
    select 'referral_unanswered'::text, null::uuid, r.id, r.id, null::date, r.progress_due_at, null::int, left(r.chief_complaint, 80), r.from_agency_id, 'to_stalled'::text,
           r.progress_due_at, true, null::text, null::uuid
    from referrals r
    where r.municipality_id = ${p.m}::uuid and r.to_agency_id = ${p.agencyId}::uuid and r.status in ('accepted', 'in_progress')
      and r.progress_due_at < now()
    union all
    select 'referral_unanswered'::text, null::uuid, r.id, r.id, null::date, r.due_at, null::int, left(r.chief_complaint, 80), r.to_agency_id,
           case when r.delivery = 'offline' then 'from_deliver' else 'from' end,
           r.due_at, r.due_at < now(), null::text, null::uuid
    from referrals r
    where r.municipality_id = ${p.m}::uuid and r.from_agency_id = ${p.agencyId}::uuid and r.status = 'sent' and r.delivered_at is null
      and r.to_agency_id <> ${p.agencyId}::uuid
      and ${overdueOnly ? sql`r.due_at < now()` : sql`(r.due_at < now() or r.delivery = 'offline')`}
    union all
    select 'referral_unanswered'::text, null::uuid, r.id, r.id, null::date, r.progress_due_at, null::int, left(r.chief_complaint, 80), r.to_agency_id, 'from_stalled'::text,
           r.progress_due_at, true, null::text, null::uuid
    from referrals r
    where r.municipality_id = ${p.m}::uuid and r.from_agency_id = ${p.agencyId}::uuid and r.status in ('accepted', 'in_progress')
      and r.progress_due_at < now() and r.to_agency_id <> ${p.agencyId}::uuid
    ${
      overdueOnly
        ? sql``
        : sql`union all
    select 'referral_unanswered'::text, null::uuid, r.id, r.id, null::date, r.delivered_at, null::int, left(r.chief_complaint, 80), r.to_agency_id, 'from_answer'::text,
           r.delivered_at, false, null::text, null::uuid
    from referrals r
    where r.municipality_id = ${p.m}::uuid and r.from_agency_id = ${p.agencyId}::uuid and r.status = 'sent' and r.delivered_at is not null`
    }`;
}

/**
 * 次の予定 the user wrote as 対応者, due within three days or at most
 * NEXT_ACTION_DAYS past, on cases not suspended (index
 * support_records_next_action). A later record of the same agency on the
 * case supersedes it (that record says what happens next). Older plans that
 * nobody followed are left to the no-contact check of the case.
 */
function nextActions(p: Params) {
  return sql`
    select 'next_action'::text, s.case_id, null::uuid, s.root_id, s.next_action_on, s.occurred_at, null::int, left(s.next_action, 120), null::uuid, s.kind,
           ${dayStart('s.next_action_on')}, s.next_action_on < ${p.today}::date, k.status, k.lead_agency_id
    from support_records s
    join cases k on k.municipality_id = s.municipality_id and k.id = s.case_id
    where s.municipality_id = ${p.m}::uuid and s.staff_user_id = ${p.userId}::uuid and s.is_current
      and s.next_action_on between ${addDays(p.today, -NEXT_ACTION_DAYS)}::date and ${addDays(p.today, 3)}::date
      and k.status <> 'suspended'
      and not exists (select 1 from support_records s2
                      where s2.municipality_id = s.municipality_id and s2.case_id = s.case_id and s2.is_current
                        and s2.agency_id = s.agency_id and s2.occurred_at > s.occurred_at)`;
}

/** 会議で決まった対応 due within this many days are listed (overdue ones until done). */
export const MEETING_FOLLOW_UP_DAYS = 7;

/**
 * Open follow-up actions decided at a meeting, owned by the user or by the
 * user's agency, due within MEETING_FOLLOW_UP_DAYS or past (indexes
 * meeting_follow_ups_owner and meeting_follow_ups_agency). Only of meetings
 * the user can open (attendee or convener; not cancelled); of a 支援会議
 * only once the user acknowledged the 守秘義務. The text of the action
 * (`note`) is given only when the meetings service would show it to the
 * user (an attendee); otherwise the task has a neutral title. No case is
 * attached: attending a meeting never opens the case.
 */
function meetingFollowUps(p: Params) {
  return sql`
    select 'meeting_follow_up'::text, null::uuid, null::uuid, f.id, f.due_on, m.scheduled_at, null::int,
           case when a.id is not null then left(f.content, 120) end, null::uuid,
           case when f.owner_user_id = ${p.userId}::uuid then 'mine' else 'agency' end,
           ${dayStart('f.due_on')}, f.due_on < ${p.today}::date, null::text, null::uuid
    from meeting_follow_ups f
    join meetings m on m.municipality_id = f.municipality_id and m.id = f.meeting_id
    left join meeting_attendees a on a.municipality_id = f.municipality_id and a.meeting_id = f.meeting_id
                                 and a.user_id = ${p.userId}::uuid and a.removed_at is null
    left join meeting_acknowledgements ma on ma.municipality_id = a.municipality_id and ma.meeting_id = a.meeting_id and ma.attendee_id = a.id
    where f.municipality_id = ${p.m}::uuid and f.done_at is null and f.due_on <= ${addDays(p.today, MEETING_FOLLOW_UP_DAYS)}::date
      and (f.owner_user_id = ${p.userId}::uuid or f.owner_agency_id = ${p.agencyId}::uuid)
      and m.status <> 'cancelled'
      and (a.id is not null or m.created_by_user_id = ${p.userId}::uuid)
      and (m.kind <> 'shien' or ma.acknowledged_at is not null)`;
}

/** CTEs `seen` and `tasks`: the raw tasks (CTE `raw`) of cases the user may see, checked once per case. */
function visibleTasks(p: Params, ctx: UserContext) {
  return sql`
    seen as materialized (
      select k.id from cases k
      where k.municipality_id = ${p.m}::uuid and k.id in (select case_id from raw where case_id is not null)
        and ${visibleCasePredicate(ctx, 'k')}
    ),
    tasks as materialized (
      select * from raw where case_id is null or case_id in (select id from seen)
    )`;
}

interface TaskRow {
  kind: TaskKind;
  case_id: string | null;
  referral_id: string | null;
  ref_id: string;
  due_on: string | null;
  base_at: string | null;
  days: number | null;
  note: string | null;
  party: string | null;
  role: string | null;
  sort_at: string;
  overdue: boolean;
  case_no: string | null;
  case_title: string | null;
  case_status: string | null;
  lead_agency_name: string | null;
  party_name: string | null;
  person_name: string | null;
  person_alias: string | null;
  meeting_id: string | null;
  meeting_title: string | null;
  meeting_kind: string | null;
  owner_name: string | null;
}

interface ResultRow {
  items: TaskRow[] | null;
  counts: { kind: TaskKind; n: number; overdue: number }[] | null;
}

/** The first LIST_LIMIT + 1 tasks of CTE `tasks` (overdue first, then by due date), as a subquery aliased t. */
const FIRST_TASKS = sql`(select * from tasks t order by t.overdue desc, t.sort_at, t.kind, t.ref_id limit ${LIST_LIMIT + 1}) t`;

/**
 * The listed tasks (`listed`, a subquery aliased t, in list order) with
 * their case, agency and person names, as JSON.
 */
function itemsJson(p: Params, listed: RawBuilder<unknown>) {
  return sql`(
    select coalesce(json_agg(x order by x.overdue desc, x.sort_at, x.kind, x.ref_id), '[]'::json) from (
      select t.*, k.case_no, k.title as case_title, k.status as case_status, la.name as lead_agency_name, pa.name as party_name,
             pp.name as person_name, pp.alias as person_alias, mm.id as meeting_id, mm.title as meeting_title, mm.kind as meeting_kind, mu.name as owner_name
      from ${listed}
      left join cases k on k.municipality_id = ${p.m}::uuid and k.id = t.case_id
      left join agencies la on la.municipality_id = k.municipality_id and la.id = k.lead_agency_id
      left join agencies pa on pa.municipality_id = ${p.m}::uuid and pa.id = t.party
      left join case_persons kp on kp.municipality_id = k.municipality_id and kp.case_id = k.id and kp.is_primary
      left join persons pp on pp.municipality_id = kp.municipality_id and pp.id = kp.person_id
      left join meeting_follow_ups mf on t.kind = 'meeting_follow_up' and mf.municipality_id = ${p.m}::uuid and mf.id = t.ref_id
      left join meetings mm on mm.municipality_id = mf.municipality_id and mm.id = mf.meeting_id
      left join users mu on mu.municipality_id = mf.municipality_id and mu.id = mf.owner_user_id
    ) x)`;
}

const COUNTS_JSON = sql`(
  select coalesce(json_agg(c), '[]'::json) from (
    select kind, count(*)::int as n, (count(*) filter (where overdue))::int as overdue from tasks group by kind
  ) c)`;

/**
 * These statements are planned with high costs (many rows, many sub-plans),
 * which passes PostgreSQL's jit_above_cost: compiling the plan with LLVM took
 * longer (~0.5 s) than running it; and a parallel scan of a staff member's
 * records cost more in worker start-up than it saved. Both are off for this
 * transaction only.
 */
async function withoutJit(trx: Transaction<Database>) {
  await sql`set local jit = off`.execute(trx);
  await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
}

/**
 * わたしの仕事 starts from the few cases of one user and every join after
 * that is a lookup by key; the planner, guessing a thousand cases where
 * there are fifty, hashed whole tables instead (every plan due in the
 * municipality, every meeting follow-up, every agency): 22 ms instead of
 * 15 ms at 200,000 people, growing with the municipality. Hash and merge
 * joins are off for this transaction only.
 */
async function lookupsOnly(trx: Transaction<Database>) {
  await sql`set local enable_hashjoin = off`.execute(trx);
  await sql`set local enable_mergejoin = off`.execute(trx);
}

/* ---------- turning rows into tasks ---------- */

function severityOf(overdue: boolean): { severity: TaskSeverity; severityLabel: string } {
  return overdue ? { severity: 'overdue', severityLabel: '期限切れ' } : { severity: 'due_soon', severityLabel: '期限間近' };
}

function untilText(today: string, due: string): string {
  const n = daysBetween(today, due);
  return n === 0 ? '今日です' : `あと${n}日です`;
}

function explain(r: TaskRow, today: string): { title: string; why: string; dueOn: string | null; link: string } {
  const party = r.party_name ?? '相手の機関';
  const caseLink = r.case_id ? `/cases/${r.case_id}` : '/';
  switch (r.kind) {
    case 'plan_review': {
      const due = r.due_on!;
      return {
        title: '支援プランの評価（見直し）',
        why: r.overdue ? `次回評価日（${formatDate(due)}）を過ぎています` : `次回評価日（${formatDate(due)}）まで${untilText(today, due)}`,
        dueOn: due,
        link: `${caseLink}/plans`,
      };
    }
    case 'info_request_overdue':
    case 'info_request_open': {
      const due = r.due_on!;
      const question = r.note ? `「${r.note}」` : '';
      if (r.role === 'from') {
        return {
          title: '情報提供の依頼（回答待ち）',
          why: `${party}への依頼${question}が、回答期限（${formatDate(due)}）を過ぎても回答されていません`,
          dueOn: due,
          link: `${caseLink}/assessment`,
        };
      }
      return {
        title: '情報提供の依頼への回答',
        why: r.overdue
          ? `${party}からの依頼${question}の回答期限（${formatDate(due)}）を過ぎています`
          : `${party}から情報提供の依頼${question}が届いています（回答期限：${formatDate(due)}）`,
        dueOn: due,
        link: `${caseLink}/assessment`,
      };
    }
    case 'no_contact': {
      const days = r.days!;
      if (r.base_at) {
        const last = jstDate(r.base_at);
        return {
          title: '本人との接触',
          why: `最後に本人と接触してから${daysBetween(last, today)}日たっています（基準：${days}日）`,
          dueOn: addDays(last, days),
          link: `${caseLink}/records`,
        };
      }
      const opened = r.due_on!;
      return {
        title: '本人との接触',
        why: `事例の開始（${formatDate(opened)}）から${daysBetween(opened, today)}日、本人と接触した記録がありません（基準：${days}日）`,
        dueOn: addDays(opened, days),
        link: `${caseLink}/records`,
      };
    }
    case 'follow_up': {
      const interval = r.days!;
      const closed = r.due_on!;
      const last = r.base_at && jstDate(r.base_at) > closed ? jstDate(r.base_at) : null;
      const who = r.party_name ? `（伴走：${r.party_name}）` : '';
      return {
        title: '終結後の伴走（つながりの確認）',
        why: last
          ? `終結後、最後に本人と接触してから${daysBetween(last, today)}日たっています（連絡の間隔：${interval}日）${who}`
          : `終結（${formatDate(closed)}）から${daysBetween(closed, today)}日、本人と接触した記録がありません（連絡の間隔：${interval}日）${who}`,
        dueOn: addDays(last ?? closed, interval),
        link: `${caseLink}/records`,
      };
    }
    case 'referral_unanswered': {
      const due = jstDate(r.base_at!);
      const subject = r.note ? `「${r.note}」` : '';
      const link = `/referrals/${r.referral_id}`;
      switch (r.role) {
        case 'from':
          return {
            title: '送ったつなぎ（受理待ち）',
            why: `${party}へのつなぎ${subject}が、期限（${formatDate(due)}）を過ぎても受理されていません`,
            dueOn: due,
            link,
          };
        case 'from_deliver':
          return {
            title: 'つなぎの共通様式を紙・FAXで送る',
            why: `${party}は kasane を使っていません。つなぎ${subject}の共通様式を印刷してFAX・郵送・持参で送り、送付を記録してください${r.overdue ? `（期限 ${formatDate(due)} を過ぎています）` : `（${formatDate(due)}まで）`}`,
            dueOn: due,
            link,
          };
        case 'from_answer':
          return {
            title: 'つなぎ先からの回答を記録する',
            why: `${party}へ${formatDate(due)}に紙・FAXで送ったつなぎ${subject}の回答（回答者・日時・方法・結果）を記録してください`,
            dueOn: null,
            link,
          };
        case 'from_stalled':
        case 'to_stalled':
          return {
            title: r.role === 'to_stalled' ? '受けたつなぎの経過の記録' : '送ったつなぎ（対応が止まっています）',
            why:
              r.role === 'to_stalled'
                ? `${party}からのつなぎ${subject}に、期限（${formatDate(due)}）までに経過の記録も状態の更新もありません。経過を記録するか、完了にしてください`
                : `${party}へのつなぎ${subject}が、受理のあと期限（${formatDate(due)}）まで経過の記録がありません`,
            dueOn: due,
            link,
          };
        default:
          return {
            title: '届いたつなぎの受理・差戻し',
            why: r.overdue
              ? `${party}からのつなぎ${subject}が、期限（${formatDate(due)}）を過ぎても送付のままです`
              : `${party}からつなぎ${subject}が届いています。${formatDate(due)}までに受理か差戻しをしてください`,
            dueOn: due,
            link,
          };
      }
    }
    case 'meeting_follow_up': {
      const due = r.due_on!;
      const meeting = `${r.meeting_title ?? '会議'}（${formatDate(jstDate(r.base_at!))}）`;
      const owner = r.role === 'agency' ? `担当：${r.owner_name ?? '自機関の職員'}。` : '';
      return {
        title: r.note ?? '会議で決まった対応（内容は会議のページで確認してください）',
        why: `${meeting}で決まった対応です。${owner}期限：${formatDate(due)}${r.overdue ? '（過ぎています）' : daysBetween(today, due) === 0 ? '（今日まで）' : `（あと${daysBetween(today, due)}日）`}`,
        dueOn: due,
        link: `/meetings/${r.meeting_id}`,
      };
    }
    case 'next_action': {
      const due = r.due_on!;
      const from = `${formatDate(jstDate(r.base_at!))}の${r.role ?? ''}の記録で予定した対応です`;
      return {
        title: `次の予定：${r.note ?? ''}`,
        why: r.overdue ? `予定日（${formatDate(due)}）を過ぎています。${from}` : `予定日（${formatDate(due)}）まで${untilText(today, due)}。${from}`,
        dueOn: due,
        link: `${caseLink}/records`,
      };
    }
  }
}

function toTask(r: TaskRow, today: string): TaskView {
  const d = explain(r, today);
  const status = r.case_status as CaseStatus | null;
  return {
    key: `${r.kind}:${r.ref_id}${r.role === 'from' ? ':from' : ''}`,
    kind: r.kind,
    kindLabel: TASK_KIND_LABELS[r.kind],
    title: d.title,
    why: d.why,
    dueOn: d.dueOn,
    ...severityOf(r.overdue),
    case:
      r.case_id && status
        ? {
            id: r.case_id,
            caseNo: r.case_no ?? '',
            title: r.case_title ?? '',
            status,
            statusLabel: CASE_STATUS_LABELS[status],
            leadAgencyName: r.lead_agency_name ?? '',
            primaryPersonName: r.person_name || r.person_alias ? displayName({ name: r.person_name, alias: r.person_alias }) : null,
          }
        : null,
    referral: r.referral_id ? { id: r.referral_id } : null,
    meeting:
      r.kind === 'meeting_follow_up' && r.meeting_id
        ? { id: r.meeting_id, title: r.meeting_title ?? '', heldOn: jstDate(r.base_at!), confidential: r.meeting_kind === 'shien' }
        : null,
    link: d.link,
  };
}

function summarise(result: ResultRow, today: string, noContactAlertDays: number): TaskList {
  const rows = result.items ?? [];
  const counted = new Map((result.counts ?? []).map((c) => [c.kind, c]));
  const counts = TASK_KINDS.map((kind) => ({
    kind,
    label: TASK_KIND_LABELS[kind],
    count: Number(counted.get(kind)?.n ?? 0),
    overdue: Number(counted.get(kind)?.overdue ?? 0),
  }));
  return {
    today,
    items: rows.slice(0, LIST_LIMIT).map((r) => toTask(r, today)),
    counts,
    total: counts.reduce((s, c) => s + c.count, 0),
    overdue: counts.reduce((s, c) => s + c.overdue, 0),
    truncated: rows.length > LIST_LIMIT,
    noContactAlertDays,
    followUpDays: FOLLOW_UP_DAYS,
  };
}

async function params(scope: Scope, ctx: UserContext): Promise<Params> {
  const m = await scope.trx.selectFrom('municipalities').select('settings').where('id', '=', scope.municipalityId).executeTakeFirstOrThrow();
  return { m: scope.municipalityId, agencyId: ctx.agencyId, userId: ctx.userId, today: todayJst(), noContactDays: readSettings(m.settings).noContactAlertDays };
}

/**
 * わたしの仕事: tasks of the cases the user works on (named on the team, or
 * the agency is 主担当 and has named nobody yet — so an unassigned case is
 * everyone's at that agency until someone takes it; closed cases the agency
 * keeps the connection with),
 * requests and referrals addressed to the agency, the user's own next
 * actions, and the follow-up actions decided at meetings (the user's or the
 * agency's).
 *
 * The three kinds of case are three index reads (the user's team rows and
 * then their cases by key; the agency's open lead cases nobody there is
 * named on, index cases_lead_unassigned over the trigger-kept
 * `cases.lead_unassigned`; the closed ones it follows, cases_follow_up),
 * not one pass over every case of the municipality or of the agency.
 */
export async function myTasks(scope: Scope): Promise<TaskList> {
  const ctx = requireUser(scope);
  const p = await params(scope, ctx);
  await withoutJit(scope.trx);
  await lookupsOnly(scope.trx);
  const { rows } = await sql<ResultRow>`
    with mine as materialized (
      select ${SET_COLUMNS}
      from cases k
      where k.municipality_id = ${p.m}::uuid and k.status not in ('closed', 'suspended')
        and k.id = any(array(select s.case_id from case_members s
                             where s.municipality_id = ${p.m}::uuid and s.user_id = ${p.userId}::uuid and s.removed_at is null))
      union
      select ${SET_COLUMNS}
      from cases k
      where k.municipality_id = ${p.m}::uuid and k.status not in ('closed', 'suspended') and k.lead_agency_id = ${p.agencyId}::uuid
        and k.lead_unassigned
      union
      select ${SET_COLUMNS}
      from cases k
      where k.municipality_id = ${p.m}::uuid and k.status = 'closed' and k.follow_up_agency_id = ${p.agencyId}::uuid
    ),
    raw as materialized (
      ${planReview(p, 'mine')}
      union all ${infoRequestsToAgency(p)}
      union all ${infoRequestsWaiting(p, 'mine', false)}
      union all ${noContact(p, 'mine')}
      union all ${followUp(p, 'mine', false)}
      union all ${referrals(p, false)}
      union all ${nextActions(p)}
      union all ${meetingFollowUps(p)}
    ),
    ${visibleTasks(p, ctx)}
    select ${itemsJson(p, FIRST_TASKS)} as items, ${COUNTS_JSON} as counts`.execute(scope.trx);
  const result = summarise(rows[0] ?? { items: [], counts: [] }, p.today, p.noContactDays);
  scope.audit('task.list', { targetType: 'case', details: { total: result.total, overdue: result.overdue } });
  return result;
}

/** The overview is recomputed by a job this often (src/server/jobs.ts). */
export const OVERVIEW_REFRESH_MS = 5 * 60_000;
/** Older than this (jobs off, or a new agency), the page recomputes it before answering. */
export const OVERVIEW_MAX_AGE_MS = 15 * 60_000;

/**
 * Recompute the coordinators' overview of one agency: every case the agency
 * is on the team of and may see as an agency (the 本人's consent) — counts
 * of tasks by kind, cases by status, open cases and tasks by 主担当機関, and
 * the tasks themselves (keys, dates and states; no text). The cost is in
 * proportion to the agency's caseload (≈0.1–0.2 s for 2,000 open cases),
 * which is why it runs in the background and not on every page view.
 * Refreshes of one agency queue on its run row (several processes, the
 * job and a page view may meet); the last one wins with the same result.
 */
export async function refreshTaskOverview(trx: Transaction<Database>, municipalityId: string, agencyId: string, now = new Date()): Promise<void> {
  const m = await trx.selectFrom('municipalities').select('settings').where('id', '=', municipalityId).executeTakeFirstOrThrow();
  const p: Params = { m: municipalityId, agencyId, userId: '', today: todayJst(now), noContactDays: readSettings(m.settings).noContactAlertDays };
  const empty = JSON.stringify([]);
  await trx
    .insertInto('task_overview_runs')
    .values({ municipality_id: p.m, agency_id: agencyId, refreshed_at: now, today: p.today, no_contact_days: p.noContactDays, counts: empty, by_status: empty, by_lead: empty })
    .onConflict((oc) => oc.columns(['municipality_id', 'agency_id']).doUpdateSet({ refreshed_at: now }))
    .execute();
  await trx.deleteFrom('task_overview_rows').where('municipality_id', '=', p.m).where('agency_id', '=', agencyId).execute();
  await withoutJit(trx);
  const { rows } = await sql<{ counts: unknown; by_status: unknown; by_lead: unknown }>`
    with base as materialized (
      select ${SET_COLUMNS}
      from cases k
      where k.municipality_id = ${p.m}::uuid and k.status not in ('closed', 'suspended') and ${agencyVisibleCasePredicate(agencyId, 'k')}
    ),
    closed as materialized (
      select ${SET_COLUMNS}
      from cases k
      where k.municipality_id = ${p.m}::uuid and ${followUpDue(p)} and ${agencyVisibleCasePredicate(agencyId, 'k')}
    ),
    tasks as materialized (
      ${planReview(p, 'base')}
      union all ${infoRequestsWaiting(p, 'base', true)}
      union all ${noContact(p, 'base')}
      union all ${followUp(p, 'closed', true)}
      union all ${referrals(p, true)}
    ),
    saved as (
      insert into task_overview_rows (municipality_id, agency_id, kind, ref_id, case_id, referral_id, due_on, base_at, days, party, role, sort_at, overdue, k_status, k_lead)
      select ${p.m}::uuid, ${agencyId}::uuid, kind, ref_id, case_id, referral_id, due_on, base_at, days, party, role, sort_at, overdue, k_status, k_lead
      from tasks
    )
    select ${COUNTS_JSON} as counts,
      (select coalesce(json_agg(s), '[]'::json) from (select status, count(*)::int as n from base group by status) s) as by_status,
      (select coalesce(json_agg(l order by l.open_cases desc, l.name), '[]'::json) from (
         select a.id as agency_id, a.name, coalesce(b.n, 0)::int as open_cases, coalesce(tc.n, 0)::int as tasks, coalesce(tc.overdue, 0)::int as overdue
         from (select lead_agency_id, count(*) as n from base group by lead_agency_id) b
         full join (select k_lead, count(*) as n, count(*) filter (where overdue) as overdue from tasks where k_lead is not null group by k_lead) tc
           on tc.k_lead = b.lead_agency_id
         join agencies a on a.municipality_id = ${p.m}::uuid and a.id = coalesce(b.lead_agency_id, tc.k_lead)
      ) l) as by_lead`.execute(trx);
  const row = rows[0]!;
  await trx
    .updateTable('task_overview_runs')
    .set({
      refreshed_at: now,
      today: p.today,
      no_contact_days: p.noContactDays,
      counts: JSON.stringify(row.counts ?? []),
      by_status: JSON.stringify(row.by_status ?? []),
      by_lead: JSON.stringify(row.by_lead ?? []),
    })
    .where('municipality_id', '=', p.m)
    .where('agency_id', '=', agencyId)
    .execute();
}

/** The job: recompute the overview of every agency with an active coordinator or secretariat account. */
export async function refreshAllTaskOverviews(db: Kysely<Database>, now = new Date()): Promise<number> {
  const agencies = await db
    .selectFrom('users')
    .select(['municipality_id', 'agency_id'])
    .distinct()
    .where('active', '=', true)
    .where('role', 'in', ['coordinator', 'secretariat'])
    .execute();
  for (const a of agencies) {
    await db.transaction().execute((trx) => refreshTaskOverview(trx, a.municipality_id, a.agency_id, now));
  }
  return agencies.length;
}

/**
 * コーディネーター向けの全体状況: the agency's overview as last computed
 * (every OVERVIEW_REFRESH_MS by a job; recomputed first when it is missing,
 * from another day, or older than OVERVIEW_MAX_AGE_MS). Counts come from
 * the computation; the list is read in its order and each listed task's
 * case is checked against the user's access now, so a withdrawal of
 * consent or a removal from the team hides it at once. Reading costs the
 * same whatever the caseload. Staff's personal 次の予定 are not part of it.
 */
export async function taskOverview(scope: Scope, filter: OverviewFilter): Promise<TaskOverview> {
  const ctx = requireUser(scope);
  if (!ctx.roles.some((r) => r === 'coordinator' || r === 'secretariat')) {
    scope.deny(`role ${ctx.role} may not see the coordinator overview`, '全体状況は地域福祉コーディネーターと事務局の方が使う画面です。ご自分の仕事は「わたしの仕事」で確認できます。');
  }
  const now = new Date();
  const readRun = () =>
    scope.trx
      .selectFrom('task_overview_runs')
      .selectAll()
      .where('municipality_id', '=', scope.municipalityId)
      .where('agency_id', '=', ctx.agencyId)
      .executeTakeFirst();
  let run = await readRun();
  if (!run || run.today !== todayJst(now) || now.getTime() - new Date(run.refreshed_at).getTime() > OVERVIEW_MAX_AGE_MS) {
    await refreshTaskOverview(scope.trx, scope.municipalityId, ctx.agencyId, now);
    run = (await readRun())!;
  }
  const p: Params = { m: scope.municipalityId, agencyId: ctx.agencyId, userId: ctx.userId, today: run.today, noContactDays: run.no_contact_days };
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filter.kind) conditions.push(sql`t.kind = ${filter.kind}`);
  if (filter.severity) conditions.push(sql`t.overdue = ${filter.severity === 'overdue'}`);
  if (filter.status) conditions.push(sql`t.k_status = ${filter.status}`);
  if (filter.leadAgencyId) conditions.push(sql`t.k_lead = ${filter.leadAgencyId}::uuid`);
  // In list order (index task_overview_rows_order), checked one by one until the page is full.
  const page = sql`(
    select v.kind, v.case_id, v.referral_id, v.ref_id, v.due_on, v.base_at, v.days,
           case when v.kind in ('info_request_overdue', 'info_request_open')
                  then (select left(ir.question, 80) from info_requests ir where ir.municipality_id = ${p.m}::uuid and ir.id = v.ref_id)
                when v.kind = 'referral_unanswered'
                  then (select left(r.chief_complaint, 80) from referrals r where r.municipality_id = ${p.m}::uuid and r.id = v.ref_id)
           end as note,
           v.party, v.role, v.sort_at, v.overdue, v.k_status, v.k_lead
    from (
      select t.* from (
        select * from task_overview_rows t
        where t.municipality_id = ${p.m}::uuid and t.agency_id = ${p.agencyId}::uuid and ${sql.join(conditions, sql` and `)}
        order by t.overdue desc, t.sort_at, t.kind, t.ref_id
        offset 0
      ) t
      where t.case_id is null
         or exists (select 1 from cases k where k.municipality_id = ${p.m}::uuid and k.id = t.case_id and ${visibleCasePredicate(ctx, 'k')})
      order by t.overdue desc, t.sort_at, t.kind, t.ref_id
      limit ${LIST_LIMIT + 1}
    ) v
  ) t`;
  const { rows } = await sql<Pick<ResultRow, 'items'>>`select ${itemsJson(p, page)} as items`.execute(scope.trx);
  const result = summarise({ items: rows[0]?.items ?? [], counts: run.counts as ResultRow['counts'] }, p.today, p.noContactDays);
  const byStatus = new Map(run.by_status.map((s) => [s.status, Number(s.n)]));
  const refreshedAt = new Date(run.refreshed_at);
  scope.audit('task.overview', { targetType: 'case', details: { total: result.total, overdue: result.overdue, filter: { ...filter } } });
  return {
    ...result,
    refreshedAt: refreshedAt.toISOString(),
    refreshedAtLabel: formatDateTime(refreshedAt),
    refreshEveryMinutes: OVERVIEW_REFRESH_MS / 60_000,
    byStatus: CASE_STATUSES.map((status) => ({ status, label: CASE_STATUS_LABELS[status], count: byStatus.get(status) ?? 0 })),
    byLeadAgency: run.by_lead.map((l) => ({ agencyId: l.agency_id, agencyName: l.name, openCases: Number(l.open_cases), tasks: Number(l.tasks), overdue: Number(l.overdue) })),
  };
}
