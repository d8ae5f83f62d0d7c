import { sql } from 'kysely';
import { requireCase, visibleCasePredicate, type CaseAccess } from '../access/case-access.ts';
import { requireUser, type Scope } from '../access/gateway.ts';
import {
  agencyFullAccessPredicate,
  consultationChiefComplaintSql,
  consultationPersonShownPredicate,
  fullAccessPredicate,
  visibleConsultationPredicate,
  visibleReferralPredicate,
} from '../access/person-access.ts';
import { displayName, requirePersonAccess } from '../people/service.ts';
import { transitionReferral } from '../referrals/service.ts';
import { carryableDecision, markCarriedOut, meetingRulesOf, type CarryableDecision } from '../meetings/decisions.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import {
  CASE_ORIGIN_LABELS,
  CASE_STATUS_LABELS,
  CASE_TRANSITIONS,
  CLOSURE_WITHOUT_FOLLOW_UP,
  PLAN_STATUS_LABELS,
  TEAM_ROLE_LABELS,
  caseFiscalYear,
  formatCaseNo,
  transitionLabel,
  type CaseOrigin,
  type CaseStatus,
  type TeamRole,
} from '../shared/cases.ts';
import { todayJst } from '../shared/date-input.ts';
import { newId } from '../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { recordQuery, toView as recordView, type RecordView } from './records.ts';
import type { CaseOpenInput, TransitionInput } from './schema.ts';

export interface CasePersonView {
  id: string;
  displayName: string;
  nameKana: string | null;
  birthDate: string | null;
  relation: string;
  isPrimary: boolean;
  /** False: a household member this agency may not see (shown without identity). */
  visible: boolean;
}

export interface TeamMemberView {
  id: string;
  agencyId: string;
  agencyName: string;
  userId: string | null;
  userName: string | null;
  role: TeamRole;
  roleLabel: string;
  involvement: string | null;
  addedAt: string;
}

export interface CaseSummary {
  id: string;
  caseNo: string;
  title: string;
  status: CaseStatus;
  statusLabel: string;
  leadAgency: { id: string; name: string };
  primaryPerson: { id: string; displayName: string } | null;
  openedOn: string;
  statusChangedAt: string;
  lastContactAt: string | null;
}

export interface TransitionView {
  seq: number;
  from: CaseStatus | null;
  to: CaseStatus;
  label: string;
  effectiveOn: string;
  reason: string;
  meetingRef: string | null;
  meetingDate: string | null;
  details: Record<string, unknown> | null;
  byUserName: string | null;
  byAgencyName: string | null;
  at: string;
}

export interface CaseDetail extends CaseSummary {
  origin: CaseOrigin;
  originLabel: string;
  originReason: string | null;
  householdId: string | null;
  openedByAgencyName: string;
  closure: {
    reason: string;
    note: string | null;
    closedOn: string | null;
    meetingRef: string | null;
    meetingDate: string | null;
    meetingId: string | null;
    followUpAgency: { id: string; name: string } | null;
    followUpFrequency: string | null;
    followUpIntervalDays: number | null;
  } | null;
  version: number;
  persons: CasePersonView[];
  team: TeamMemberView[];
  consultations: { id: string; receivedAt: string; agencyName: string; chiefComplaint: string }[];
  referrals: { id: string; sentAt: string; fromAgencyName: string; toAgencyName: string; chiefComplaint: string; status: string }[];
  transitions: TransitionView[];
  allowedTransitions: { to: CaseStatus; label: string }[];
  assessment: { versionNo: number; savedAt: string; savedByName: string | null; urgent: boolean } | null;
  plan: {
    id: string;
    planNo: number;
    status: string;
    statusLabel: string;
    versionNo: number;
    nextReviewOn: string | null;
    longTermGoal: string;
    approvedOn: string | null;
    approvalRef: string | null;
  } | null;
  openInfoRequests: number;
  recentRecords: RecordView[];
  access: { teamRole: TeamRole; teamRoleLabel: string; staff: boolean; contribute: boolean; edit: boolean; manage: boolean };
}

export interface RecordSummary {
  id: string;
  rootId: string;
  revision: number;
  occurredAt: string;
  kind: string;
  staffName: string;
  agencyId: string;
  agencyName: string;
  content: string;
  durationMinutes: number | null;
  nextAction: string | null;
  nextActionOn: string | null;
  contact: boolean;
  corrected: boolean;
}

function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

async function loadAgency(scope: Scope, agencyId: string) {
  return scope.trx
    .selectFrom('agencies')
    .select(['id', 'name', 'active'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', agencyId)
    .executeTakeFirst();
}

/** Persons on the case for whom `agencyId` lacks full access (so it may not join the team). */
async function personsOutsideConsent(scope: Scope, caseId: string | null, personIds: string[], agencyId: string) {
  let q = scope.trx
    .selectFrom('persons as p')
    .select(['p.id', 'p.name', 'p.alias'])
    .where('p.municipality_id', '=', scope.municipalityId)
    .where(sql<boolean>`not ${agencyFullAccessPredicate(agencyId, 'p')}`);
  if (caseId) {
    q = q.where((eb) =>
      eb.or([
        eb('p.id', 'in', personIds.length ? personIds : ['00000000-0000-0000-0000-000000000000']),
        eb.exists(
          eb
            .selectFrom('case_persons as kp')
            .select('kp.person_id')
            .whereRef('kp.municipality_id', '=', 'p.municipality_id')
            .whereRef('kp.person_id', '=', 'p.id')
            .where('kp.case_id', '=', caseId),
        ),
      ]),
    );
  } else {
    if (!personIds.length) return [];
    q = q.where('p.id', 'in', personIds);
  }
  return q.execute();
}

function consentRefusal(agencyName: string, people: { id: string; name: string | null; alias: string | null }[]) {
  const names = people.map((p) => `${displayName(p)}さん`).join('、');
  return new AppError(
    422,
    'consent_required',
    `${agencyName}は${names}の同意（関係機関への情報提供）の範囲に含まれていないため、チームに加えられません。同意の範囲を確認・記録してから加えてください。`,
    { agencyId: `機関：${names}の同意の範囲に含まれていません` },
    { persons: people.map((p) => ({ id: p.id, displayName: displayName(p), consentLink: `/persons/${p.id}#consent` })) },
  );
}

async function nextCaseNo(scope: Scope, openedOn: string): Promise<{ fiscalYear: number; seq: number; caseNo: string }> {
  const fy = caseFiscalYear(openedOn);
  const row = await scope.trx
    .insertInto('case_counters')
    .values({ municipality_id: scope.municipalityId, fiscal_year: fy, last_seq: 1 })
    .onConflict((oc) => oc.columns(['municipality_id', 'fiscal_year']).doUpdateSet({ last_seq: sql`case_counters.last_seq + 1` }))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return { fiscalYear: fy, seq: row.last_seq, caseNo: formatCaseNo(fy, row.last_seq) };
}

async function addTransitionRow(
  scope: Scope,
  caseId: string,
  from: CaseStatus | null,
  to: CaseStatus,
  rest: {
    effectiveOn: string;
    reason: string;
    meetingRef?: string | null;
    meetingDate?: string | null;
    details?: Record<string, unknown> | null;
    meetingDecisionId?: string | null;
  },
): Promise<number> {
  const ctx = requireUser(scope);
  const last = await scope.trx
    .selectFrom('case_transitions')
    .select(({ fn }) => fn.max('seq').as('s'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  const seq = Number(last?.s ?? 0) + 1;
  await scope.trx
    .insertInto('case_transitions')
    .values({
      municipality_id: scope.municipalityId,
      case_id: caseId,
      seq,
      from_status: from,
      to_status: to,
      effective_on: rest.effectiveOn,
      reason: rest.reason,
      meeting_ref: rest.meetingRef ?? null,
      meeting_date: rest.meetingDate ?? null,
      details: rest.details ? JSON.stringify(rest.details) : null,
      meeting_decision_id: rest.meetingDecisionId ?? null,
      by_user_id: ctx.userId,
      by_agency_id: ctx.agencyId,
    })
    .execute();
  return seq;
}

/**
 * Open a case (事例): by a coordinator, from an accepted referral to their
 * agency, from a consultation they may see, or directly with a reason. The
 * opening agency becomes the 主担当 on the team; the referral moves to 対応中
 * so its sender sees the loop closed.
 */
export async function openCase(scope: Scope, input: CaseOpenInput): Promise<CaseDetail> {
  const ctx = requireUser(scope);
  const personIds = [...new Set(input.personIds)];
  let primary = input.primaryPersonId ?? null;
  let referral: { id: string; person_id: string | null; consultation_id: string | null; status: string } | undefined;
  let consultationId: string | null = null;

  if (input.origin === 'referral') {
    referral = await scope.trx
      .selectFrom('referrals as r')
      .select(['r.id', 'r.person_id', 'r.consultation_id', 'r.status'])
      .where('r.municipality_id', '=', scope.municipalityId)
      .where('r.id', '=', input.referralId!)
      .where('r.to_agency_id', '=', ctx.agencyId)
      .executeTakeFirst();
    if (!referral) throw invalid({ referralId: 'つなぎ：自機関が受けたつなぎから選んでください' });
    if (referral.status !== 'accepted' && referral.status !== 'in_progress') {
      throw invalid({ referralId: 'つなぎ：受理したつなぎから事例を開始できます（先に受理してください）' });
    }
    const existing = await scope.trx
      .selectFrom('case_links as l')
      .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'l.municipality_id').onRef('k.id', '=', 'l.case_id'))
      .select('k.case_no')
      .where('l.municipality_id', '=', scope.municipalityId)
      .where('l.referral_id', '=', referral.id)
      .executeTakeFirst();
    if (existing) throw invalid({ referralId: `つなぎ：このつなぎからはすでに事例 ${existing.case_no} が開始されています` });
    if (!referral.person_id) {
      throw invalid({ referralId: 'つなぎ：本人が特定されていないつなぎです。先に本人を登録し、同意を確認してください' });
    }
    primary = primary ?? referral.person_id;
    personIds.unshift(referral.person_id);
    consultationId = referral.consultation_id;
  } else if (input.origin === 'consultation') {
    const c = await scope.trx
      .selectFrom('consultations as c')
      // Seen through a referral that did not name the person: the person is not revealed (as if anonymous).
      .select(['c.id', sql<string | null>`case when ${consultationPersonShownPredicate(scope.ctx, 'c')} then c.person_id end`.as('person_id')])
      .where('c.municipality_id', '=', scope.municipalityId)
      .where('c.id', '=', input.consultationId!)
      .where(visibleConsultationPredicate(scope.ctx, 'c'))
      .executeTakeFirst();
    if (!c) throw invalid({ consultationId: '相談：閲覧できる相談から選んでください' });
    if (!c.person_id) throw invalid({ consultationId: '相談：本人が特定されていない相談です。先に本人を登録してください' });
    primary = primary ?? c.person_id;
    personIds.unshift(c.person_id);
    consultationId = c.id;
  }
  const ids = [...new Set(personIds)];
  primary = primary ?? ids[0] ?? null;
  if (!primary || !ids.includes(primary)) throw invalid({ primaryPersonId: '本人：対象者の中から選んでください' });
  for (const id of ids) await requirePersonAccess(scope, id, 'full');

  const people = await scope.trx
    .selectFrom('persons')
    .select(['id', 'name', 'alias'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', 'in', ids)
    .execute();
  const primaryRow = people.find((p) => p.id === primary)!;
  const household = await scope.trx
    .selectFrom('household_members')
    .select('household_id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('person_id', '=', primary)
    .executeTakeFirst();

  const openedOn = todayJst();
  const number = await nextCaseNo(scope, openedOn);
  const id = newId();
  await scope.trx
    .insertInto('cases')
    .values({
      municipality_id: scope.municipalityId,
      id,
      case_no: number.caseNo,
      fiscal_year: number.fiscalYear,
      seq: number.seq,
      title: input.title || `${displayName(primaryRow)}さん${ids.length > 1 ? 'の世帯' : ''}`,
      lead_agency_id: ctx.agencyId,
      origin: input.origin,
      origin_reason: input.reason ?? null,
      household_id: household?.household_id ?? null,
      opened_on: openedOn,
      opened_by_user_id: ctx.userId,
      opened_by_agency_id: ctx.agencyId,
      last_contact_at: null,
      closure_reason: null,
      closure_note: null,
      closed_on: null,
      closure_meeting_ref: null,
      closure_meeting_date: null,
      closure_meeting_id: null,
      follow_up_agency_id: null,
      follow_up_frequency: null,
      follow_up_interval_days: null,
    })
    .execute();
  await scope.trx
    .insertInto('case_persons')
    .values(
      ids.map((pid) => ({
        municipality_id: scope.municipalityId,
        case_id: id,
        person_id: pid,
        relation: pid === primary ? '本人' : '世帯員',
        is_primary: pid === primary,
        added_by_user_id: ctx.userId,
      })),
    )
    .execute();
  await scope.trx
    .insertInto('case_members')
    .values([
      {
        municipality_id: scope.municipalityId,
        id: newId(),
        case_id: id,
        agency_id: ctx.agencyId,
        user_id: null,
        role: 'lead',
        involvement: '多機関協働の主担当（事例の開始）',
        added_by_user_id: ctx.userId,
        removed_at: null,
        removed_by_user_id: null,
        removed_reason: null,
      },
      {
        municipality_id: scope.municipalityId,
        id: newId(),
        case_id: id,
        agency_id: ctx.agencyId,
        user_id: ctx.userId,
        role: 'lead',
        involvement: null,
        added_by_user_id: ctx.userId,
        removed_at: null,
        removed_by_user_id: null,
        removed_reason: null,
      },
    ])
    .execute();
  const links: { consultation_id: string | null; referral_id: string | null }[] = [];
  if (referral) links.push({ consultation_id: null, referral_id: referral.id });
  if (consultationId) links.push({ consultation_id: consultationId, referral_id: null });
  if (links.length) {
    await scope.trx
      .insertInto('case_links')
      .values(links.map((l) => ({ municipality_id: scope.municipalityId, id: newId(), case_id: id, ...l, linked_by_user_id: ctx.userId })))
      .execute();
  }
  await addTransitionRow(scope, id, null, 'intake', {
    effectiveOn: openedOn,
    reason: input.reason || `${CASE_ORIGIN_LABELS[input.origin]}多機関協働の事例として受付`,
  });
  if (referral && referral.status === 'accepted') {
    await transitionReferral(scope, referral.id, 'start', { note: `多機関協働の事例 ${number.caseNo} として対応を開始しました` });
  }
  scope.audit('case.open', { targetType: 'case', targetId: id, subjectPersonId: primary, details: { caseNo: number.caseNo, origin: input.origin } });
  return loadCase(scope, id, await requireCase(scope, id, 'read'));
}

function summaryQuery(scope: Scope) {
  return scope.trx
    .selectFrom('cases as k')
    .innerJoin('agencies as la', (j) => j.onRef('la.municipality_id', '=', 'k.municipality_id').onRef('la.id', '=', 'k.lead_agency_id'))
    .leftJoin('case_persons as kp', (j) =>
      j.onRef('kp.municipality_id', '=', 'k.municipality_id').onRef('kp.case_id', '=', 'k.id').on('kp.is_primary', '=', true),
    )
    .leftJoin('persons as p', (j) => j.onRef('p.municipality_id', '=', 'kp.municipality_id').onRef('p.id', '=', 'kp.person_id'))
    .select([
      'k.id',
      'k.case_no',
      'k.title',
      'k.status',
      'k.lead_agency_id',
      'la.name as lead_agency_name',
      'p.id as person_id',
      'p.name as person_name',
      'p.alias as person_alias',
      'k.opened_on',
      'k.status_changed_at',
      'k.last_contact_at',
      'k.fiscal_year',
      'k.seq',
    ])
    .where('k.municipality_id', '=', scope.municipalityId);
}
type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: SummaryRow): CaseSummary {
  return {
    id: r.id,
    caseNo: r.case_no,
    title: r.title,
    status: r.status as CaseStatus,
    statusLabel: CASE_STATUS_LABELS[r.status as CaseStatus],
    leadAgency: { id: r.lead_agency_id, name: r.lead_agency_name },
    primaryPerson: r.person_id ? { id: r.person_id, displayName: displayName({ name: r.person_name, alias: r.person_alias }) } : null,
    openedOn: r.opened_on,
    statusChangedAt: new Date(r.status_changed_at).toISOString(),
    lastContactAt: iso(r.last_contact_at),
  };
}

/** Cases the user's agency is on the team of (within consent), newest number first, with counts by status. */
export async function listCases(
  scope: Scope,
  query: { status?: string | undefined; mine?: string | undefined; personId?: string | undefined; q?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<CaseSummary> & { counts: Record<string, number> }> {
  const ctx = requireUser(scope);
  let q = summaryQuery(scope).where(visibleCasePredicate(ctx, 'k'));
  if (query.status === 'open') q = q.where('k.status', 'not in', ['closed', 'suspended']);
  else if (query.status) q = q.where('k.status', '=', query.status);
  if (query.mine === 'true') {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('case_members as s')
          .select('s.id')
          .whereRef('s.municipality_id', '=', 'k.municipality_id')
          .whereRef('s.case_id', '=', 'k.id')
          .where('s.user_id', '=', ctx.userId)
          .where('s.removed_at', 'is', null),
      ),
    );
  }
  if (query.personId) {
    const personId = query.personId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('case_persons as kp2')
          .select('kp2.person_id')
          .whereRef('kp2.municipality_id', '=', 'k.municipality_id')
          .whereRef('kp2.case_id', '=', 'k.id')
          .where('kp2.person_id', '=', personId),
      ),
    );
  }
  if (query.q) {
    const text = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('k.case_no', 'ilike', text), eb('k.title', 'like', text)]));
  }
  const after = decodeCursor(query.cursor, ['int32', 'int32']);
  if (after) q = q.where(sql<boolean>`(k.fiscal_year, k.seq) < (${after[0]}::int, ${after[1]}::int)`);
  const rows = await q.orderBy('k.fiscal_year', 'desc').orderBy('k.seq', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const countRows = await scope.trx
    .selectFrom('cases as k')
    .select(['k.status', sql<number>`count(*)`.as('n')])
    .where('k.municipality_id', '=', scope.municipalityId)
    .where(visibleCasePredicate(ctx, 'k'))
    .groupBy('k.status')
    .execute();
  const counts: Record<string, number> = { open: 0 };
  for (const r of countRows) {
    counts[r.status] = Number(r.n);
    if (r.status !== 'closed' && r.status !== 'suspended') counts.open! += Number(r.n);
  }
  scope.audit('case.list', { targetType: 'case', details: { count: items.length } });
  const last = items.at(-1);
  return {
    items: items.map(toSummary),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.fiscal_year, last.seq]) : null,
    counts,
  };
}

export async function loadTeam(scope: Scope, caseId: string): Promise<TeamMemberView[]> {
  const rows = await scope.trx
    .selectFrom('case_members as m')
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'm.municipality_id').onRef('a.id', '=', 'm.agency_id'))
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'm.municipality_id').onRef('u.id', '=', 'm.user_id'))
    .select(['m.id', 'm.agency_id', 'a.name as agency_name', 'a.kana', 'm.user_id', 'u.name as user_name', 'm.role', 'm.involvement', 'm.added_at'])
    .where('m.municipality_id', '=', scope.municipalityId)
    .where('m.case_id', '=', caseId)
    .where('m.removed_at', 'is', null)
    .execute();
  const order: Record<string, number> = { lead: 0, cooperating: 1, informing: 2 };
  return rows
    .sort(
      (a, b) =>
        (order[a.role] ?? 9) - (order[b.role] ?? 9) ||
        a.kana.localeCompare(b.kana, 'ja') ||
        Number(a.user_id !== null) - Number(b.user_id !== null) ||
        (a.user_name ?? '').localeCompare(b.user_name ?? '', 'ja'),
    )
    .map((r) => ({
      id: r.id,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
      userId: r.user_id,
      userName: r.user_name,
      role: r.role as TeamRole,
      roleLabel: TEAM_ROLE_LABELS[r.role as TeamRole],
      involvement: r.involvement,
      addedAt: new Date(r.added_at).toISOString(),
    }));
}

export async function loadTransitions(scope: Scope, caseId: string): Promise<TransitionView[]> {
  const rows = await scope.trx
    .selectFrom('case_transitions as t')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 't.municipality_id').onRef('u.id', '=', 't.by_user_id'))
    .leftJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 't.municipality_id').onRef('a.id', '=', 't.by_agency_id'))
    .select([
      't.seq',
      't.from_status',
      't.to_status',
      't.effective_on',
      't.reason',
      't.meeting_ref',
      't.meeting_date',
      't.details',
      'u.name as user_name',
      'a.name as agency_name',
      't.at',
    ])
    .where('t.municipality_id', '=', scope.municipalityId)
    .where('t.case_id', '=', caseId)
    .orderBy('t.seq')
    .execute();
  return rows.map((t) => ({
    seq: t.seq,
    from: t.from_status as CaseStatus | null,
    to: t.to_status as CaseStatus,
    label: t.from_status ? transitionLabel(t.from_status as CaseStatus, t.to_status as CaseStatus) : '受付（事例の開始）',
    effectiveOn: t.effective_on,
    reason: t.reason,
    meetingRef: t.meeting_ref,
    meetingDate: t.meeting_date,
    details: t.details,
    byUserName: t.user_name,
    byAgencyName: t.agency_name,
    at: new Date(t.at).toISOString(),
  }));
}

/** The last `limit` current support records of a case, newest first (the merged timeline across agencies). */
export async function recentRecords(scope: Scope, caseId: string, limit = 50): Promise<RecordView[]> {
  const ctx = requireUser(scope);
  const rows = await recentRecordRows(scope, caseId, limit);
  return rows.map((r) => recordView(r, ctx.agencyId));
}

/** The rows behind `recentRecords` (for callers that show fewer fields, e.g. meeting materials). */
export function recentRecordRows(scope: Scope, caseId: string, limit: number) {
  return recordQuery(scope)
    .where('s.case_id', '=', caseId)
    .where('s.is_current', '=', true)
    .orderBy('s.occurred_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
}

/** The case's newest plan joined with its current version (`pl`, `pv`); callers choose the columns. */
export function latestPlan(scope: Scope, caseId: string) {
  return scope.trx
    .selectFrom('plans as pl')
    .innerJoin('plan_versions as pv', (j) =>
      j.onRef('pv.municipality_id', '=', 'pl.municipality_id').onRef('pv.plan_id', '=', 'pl.id').onRef('pv.version_no', '=', 'pl.current_version'),
    )
    .where('pl.municipality_id', '=', scope.municipalityId)
    .where('pl.case_id', '=', caseId)
    .orderBy('pl.plan_no', 'desc')
    .limit(1);
}

/** The case page: case, persons, team, links, history, latest assessment and plan, last 50 records. */
export async function loadCase(scope: Scope, caseId: string, access: CaseAccess): Promise<CaseDetail> {
  const ctx = requireUser(scope);
  const k = await scope.trx
    .selectFrom('cases as k')
    .innerJoin('agencies as la', (j) => j.onRef('la.municipality_id', '=', 'k.municipality_id').onRef('la.id', '=', 'k.lead_agency_id'))
    .innerJoin('agencies as oa', (j) => j.onRef('oa.municipality_id', '=', 'k.municipality_id').onRef('oa.id', '=', 'k.opened_by_agency_id'))
    .leftJoin('agencies as fa', (j) => j.onRef('fa.municipality_id', '=', 'k.municipality_id').onRef('fa.id', '=', 'k.follow_up_agency_id'))
    .selectAll('k')
    .select(['la.name as lead_agency_name', 'oa.name as opened_by_agency_name', 'fa.name as follow_up_agency_name'])
    .where('k.municipality_id', '=', scope.municipalityId)
    .where('k.id', '=', caseId)
    .executeTakeFirst();
  if (!k) throw notFound('事例');

  const [persons, team, consultations, referrals, transitions, assessment, plan, openInfo, records] = await Promise.all([
    scope.trx
      .selectFrom('case_persons as kp')
      .innerJoin('persons as p', (j) => j.onRef('p.municipality_id', '=', 'kp.municipality_id').onRef('p.id', '=', 'kp.person_id'))
      .select(['p.id', 'p.name', 'p.alias', 'p.name_kana', 'p.birth_date', 'kp.relation', 'kp.is_primary', sql<boolean>`${fullAccessPredicate(ctx, 'p')}`.as('visible')])
      .where('kp.municipality_id', '=', scope.municipalityId)
      .where('kp.case_id', '=', caseId)
      .orderBy('kp.is_primary', 'desc')
      .orderBy('kp.added_at')
      .execute(),
    loadTeam(scope, caseId),
    scope.trx
      .selectFrom('case_links as l')
      .innerJoin('consultations as c', (j) => j.onRef('c.municipality_id', '=', 'l.municipality_id').onRef('c.id', '=', 'l.consultation_id'))
      .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'c.municipality_id').onRef('a.id', '=', 'c.agency_id'))
      .select(['c.id', 'c.received_at', 'a.name as agency_name', consultationChiefComplaintSql(ctx, 'c').as('chief_complaint')])
      .where('l.municipality_id', '=', scope.municipalityId)
      .where('l.case_id', '=', caseId)
      .where(visibleConsultationPredicate(ctx, 'c'))
      .orderBy('c.received_at')
      .execute(),
    scope.trx
      .selectFrom('case_links as l')
      .innerJoin('referrals as r', (j) => j.onRef('r.municipality_id', '=', 'l.municipality_id').onRef('r.id', '=', 'l.referral_id'))
      .innerJoin('agencies as fa', (j) => j.onRef('fa.municipality_id', '=', 'r.municipality_id').onRef('fa.id', '=', 'r.from_agency_id'))
      .innerJoin('agencies as ta', (j) => j.onRef('ta.municipality_id', '=', 'r.municipality_id').onRef('ta.id', '=', 'r.to_agency_id'))
      .select(['r.id', 'r.sent_at', 'fa.name as from_name', 'ta.name as to_name', 'r.chief_complaint', 'r.status'])
      .where('l.municipality_id', '=', scope.municipalityId)
      .where('l.case_id', '=', caseId)
      .where(visibleReferralPredicate(ctx, 'r'))
      .orderBy('r.sent_at')
      .execute(),
    loadTransitions(scope, caseId),
    scope.trx
      .selectFrom('assessments as s')
      .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 's.municipality_id').onRef('u.id', '=', 's.saved_by_user_id'))
      .select(['s.version_no', 's.saved_at', 's.urgent', 'u.name as user_name'])
      .where('s.municipality_id', '=', scope.municipalityId)
      .where('s.case_id', '=', caseId)
      .orderBy('s.version_no', 'desc')
      .limit(1)
      .executeTakeFirst(),
    latestPlan(scope, caseId)
      .select(['pl.id', 'pl.plan_no', 'pl.status', 'pl.current_version', 'pl.next_review_on', 'pv.long_term_goal', 'pl.approved_on', 'pl.approval_ref'])
      .executeTakeFirst(),
    scope.trx
      .selectFrom('info_requests')
      .select(sql<number>`count(*)`.as('n'))
      .where('municipality_id', '=', scope.municipalityId)
      .where('case_id', '=', caseId)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
    recentRecords(scope, caseId, 50),
  ]);

  const primary = persons.find((p) => p.is_primary);
  const status = k.status as CaseStatus;
  return {
    id: k.id,
    caseNo: k.case_no,
    title: k.title,
    status,
    statusLabel: CASE_STATUS_LABELS[status],
    leadAgency: { id: k.lead_agency_id, name: k.lead_agency_name },
    primaryPerson: primary ? { id: primary.id, displayName: displayName(primary) } : null,
    openedOn: k.opened_on,
    statusChangedAt: new Date(k.status_changed_at).toISOString(),
    lastContactAt: iso(k.last_contact_at),
    origin: k.origin as CaseOrigin,
    originLabel: CASE_ORIGIN_LABELS[k.origin as CaseOrigin],
    originReason: k.origin_reason,
    householdId: k.household_id,
    openedByAgencyName: k.opened_by_agency_name,
    closure: k.closure_reason
      ? {
          reason: k.closure_reason,
          note: k.closure_note,
          closedOn: k.closed_on,
          meetingRef: k.closure_meeting_ref,
          meetingDate: k.closure_meeting_date,
          meetingId: k.closure_meeting_id,
          followUpAgency: k.follow_up_agency_id ? { id: k.follow_up_agency_id, name: k.follow_up_agency_name ?? '' } : null,
          followUpFrequency: k.follow_up_frequency,
          followUpIntervalDays: k.follow_up_interval_days,
        }
      : null,
    version: k.version,
    persons: persons.map((p) => ({
      id: p.id,
      displayName: p.visible ? displayName(p) : '（同意の範囲外の世帯員）',
      nameKana: p.visible ? p.name_kana : null,
      birthDate: p.visible ? p.birth_date : null,
      relation: p.relation,
      isPrimary: p.is_primary,
      visible: Boolean(p.visible),
    })),
    team,
    consultations: consultations.map((c) => ({
      id: c.id,
      receivedAt: new Date(c.received_at).toISOString(),
      agencyName: c.agency_name,
      chiefComplaint: c.chief_complaint,
    })),
    referrals: referrals.map((r) => ({
      id: r.id,
      sentAt: new Date(r.sent_at).toISOString(),
      fromAgencyName: r.from_name,
      toAgencyName: r.to_name,
      chiefComplaint: r.chief_complaint,
      status: r.status,
    })),
    transitions,
    allowedTransitions: access.manage ? CASE_TRANSITIONS[status].map((to) => ({ to, label: transitionLabel(status, to) })) : [],
    assessment: assessment
      ? { versionNo: assessment.version_no, savedAt: new Date(assessment.saved_at).toISOString(), savedByName: assessment.user_name, urgent: assessment.urgent }
      : null,
    plan: plan
      ? {
          id: plan.id,
          planNo: plan.plan_no,
          status: plan.status,
          statusLabel: PLAN_STATUS_LABELS[plan.status as keyof typeof PLAN_STATUS_LABELS] ?? plan.status,
          versionNo: plan.current_version,
          nextReviewOn: plan.next_review_on,
          longTermGoal: plan.long_term_goal,
          approvedOn: plan.approved_on,
          approvalRef: plan.approval_ref,
        }
      : null,
    openInfoRequests: Number(openInfo.n),
    recentRecords: records,
    access: {
      teamRole: access.teamRole,
      teamRoleLabel: TEAM_ROLE_LABELS[access.teamRole],
      staff: access.staff,
      contribute: access.contribute,
      edit: access.edit,
      manage: access.manage,
    },
  };
}

export async function getCase(scope: Scope, caseId: string): Promise<CaseDetail> {
  const access = await requireCase(scope, caseId, 'read', 'case.read');
  scope.audit('case.read', { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId });
  return loadCase(scope, caseId, access);
}

function staleCase(current: CaseDetail) {
  return conflict('ほかの方がこの事例を先に更新しました。最新の内容を確認してから、もう一度操作してください。', { current });
}

export async function updateCase(scope: Scope, caseId: string, patch: { title: string; version: number }): Promise<CaseDetail> {
  const access = await requireCase(scope, caseId, 'manage', 'case.update');
  const updated = await scope.trx
    .updateTable('cases')
    .set({ title: patch.title, version: sql`version + 1`, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', caseId)
    .where('version', '=', patch.version)
    .executeTakeFirst();
  if (!updated.numUpdatedRows) throw staleCase(await loadCase(scope, caseId, access));
  scope.audit('case.update', { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId });
  return loadCase(scope, caseId, { ...access, version: patch.version + 1 });
}

/* ---------- team ---------- */

export async function addTeamMember(
  scope: Scope,
  caseId: string,
  input: { agencyId: string; userId?: string | null | undefined; role: TeamRole; involvement?: string | null | undefined },
): Promise<TeamMemberView[]> {
  const ctx = requireUser(scope);
  // Staff of a team agency may name themselves on the team; everything else is the manager's.
  const selfAdd = input.userId === ctx.userId && input.agencyId === ctx.agencyId;
  const access = await requireCase(scope, caseId, selfAdd ? 'contribute' : 'manage', 'case.team.add');
  const agency = await loadAgency(scope, input.agencyId);
  if (!agency || !agency.active) throw invalid({ agencyId: '機関：この自治体の利用中の機関から選んでください' });
  if (access.status === 'closed' || access.status === 'suspended') {
    throw invalid({ agencyId: '終結・中断した事例のチームは変更できません（再開してから変更してください）' });
  }
  if (input.role === 'lead' && !input.userId) throw invalid({ role: '役割：主担当機関の変更は、チームの機関の役割を「主担当」に変えて行います' });

  if (input.userId) {
    const user = await scope.trx
      .selectFrom('users')
      .select(['id', 'agency_id', 'active'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', input.userId)
      .executeTakeFirst();
    if (!user || !user.active || user.agency_id !== input.agencyId) throw invalid({ userId: '担当者：選んだ機関の職員から選んでください' });
    const agencyOnTeam = await scope.trx
      .selectFrom('case_members')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('case_id', '=', caseId)
      .where('agency_id', '=', input.agencyId)
      .where('user_id', 'is', null)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (!agencyOnTeam) throw invalid({ userId: '担当者：先にその機関をチームに加えてください' });
  } else {
    const outside = await personsOutsideConsent(scope, caseId, [], input.agencyId);
    if (outside.length) {
      scope.audit(
        'case.team.add',
        { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId, reason: 'agency outside consent', details: { agencyId: input.agencyId } },
        'denied',
      );
      throw consentRefusal(agency.name, outside);
    }
  }
  const existing = await scope.trx
    .selectFrom('case_members')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('agency_id', '=', input.agencyId)
    .where((eb) => (input.userId ? eb('user_id', '=', input.userId) : eb('user_id', 'is', null)))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (existing) throw invalid({ [input.userId ? 'userId' : 'agencyId']: input.userId ? '担当者：すでにチームにいます' : '機関：すでにチームにいます' });
  await scope.trx
    .insertInto('case_members')
    .values({
      municipality_id: scope.municipalityId,
      id: newId(),
      case_id: caseId,
      agency_id: input.agencyId,
      user_id: input.userId ?? null,
      role: input.role,
      involvement: input.involvement ?? null,
      added_by_user_id: ctx.userId,
      removed_at: null,
      removed_by_user_id: null,
      removed_reason: null,
    })
    .execute();
  scope.audit('case.team.add', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { agencyId: input.agencyId, userId: input.userId ?? null, role: input.role },
  });
  return loadTeam(scope, caseId);
}

/** A current member row of the case team, or 404. */
async function activeMember(scope: Scope, caseId: string, memberId: string) {
  const member = await scope.trx
    .selectFrom('case_members')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('id', '=', memberId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!member) throw notFound('チームのメンバー');
  return member;
}

export async function updateTeamMember(
  scope: Scope,
  caseId: string,
  memberId: string,
  patch: { role?: TeamRole | undefined; involvement?: string | null | undefined },
): Promise<TeamMemberView[]> {
  const access = await requireCase(scope, caseId, 'manage', 'case.team.update');
  const member = await activeMember(scope, caseId, memberId);
  const set: Record<string, unknown> = {};
  if (patch.involvement !== undefined) set.involvement = patch.involvement;
  if (patch.role && patch.role !== member.role) {
    if (member.user_id === null && member.role === 'lead') {
      throw invalid({ role: '役割：主担当機関を変えるには、新しく主担当になる機関の役割を「主担当」にしてください' });
    }
    if (member.user_id === null && patch.role === 'lead') {
      // One lead agency: the previous lead becomes 協力, the case's 主担当機関 changes.
      await scope.trx
        .updateTable('case_members')
        .set({ role: 'cooperating' })
        .where('municipality_id', '=', scope.municipalityId)
        .where('case_id', '=', caseId)
        .where('user_id', 'is', null)
        .where('role', '=', 'lead')
        .where('removed_at', 'is', null)
        .execute();
      await scope.trx
        .updateTable('cases')
        .set({ lead_agency_id: member.agency_id, updated_at: new Date() })
        .where('municipality_id', '=', scope.municipalityId)
        .where('id', '=', caseId)
        .execute();
    }
    set.role = patch.role;
  }
  if (Object.keys(set).length) {
    await scope.trx.updateTable('case_members').set(set).where('municipality_id', '=', scope.municipalityId).where('id', '=', memberId).execute();
  }
  scope.audit('case.team.update', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { memberId, ...patch },
  });
  return loadTeam(scope, caseId);
}

export async function removeTeamMember(scope: Scope, caseId: string, memberId: string, reason: string): Promise<TeamMemberView[]> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'manage', 'case.team.remove');
  const member = await activeMember(scope, caseId, memberId);
  if (member.user_id === null && member.role === 'lead') {
    throw invalid({ memberId: '主担当機関はチームから外せません。先に別の機関を主担当にしてください' });
  }
  const now = new Date();
  let q = scope.trx
    .updateTable('case_members')
    .set({ removed_at: now, removed_by_user_id: ctx.userId, removed_reason: reason })
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('removed_at', 'is', null);
  // Removing an agency removes its staff too: its access ends at once.
  q = member.user_id === null ? q.where('agency_id', '=', member.agency_id) : q.where('id', '=', memberId);
  await q.execute();
  scope.audit('case.team.remove', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    reason,
    details: { agencyId: member.agency_id, userId: member.user_id },
  });
  return loadTeam(scope, caseId);
}

/* ---------- persons and links ---------- */

export async function addCasePerson(scope: Scope, caseId: string, input: { personId: string; relation: string }): Promise<CaseDetail> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'manage', 'case.person.add');
  await requirePersonAccess(scope, input.personId, 'full');
  const already = await scope.trx
    .selectFrom('case_persons')
    .select('person_id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('person_id', '=', input.personId)
    .executeTakeFirst();
  if (already) throw invalid({ personId: '対象者：すでにこの事例の対象者です' });
  // Every agency on the team must be within this person's consent too.
  const agencies = await scope.trx
    .selectFrom('case_members as m')
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'm.municipality_id').onRef('a.id', '=', 'm.agency_id'))
    .select(['a.id', 'a.name'])
    .where('m.municipality_id', '=', scope.municipalityId)
    .where('m.case_id', '=', caseId)
    .where('m.user_id', 'is', null)
    .where('m.removed_at', 'is', null)
    .execute();
  const outsideAgencies: string[] = [];
  for (const a of agencies) {
    const outside = await personsOutsideConsent(scope, null, [input.personId], a.id);
    if (outside.length) outsideAgencies.push(a.name);
  }
  if (outsideAgencies.length) {
    throw new AppError(
      422,
      'consent_required',
      `この方の同意（関係機関への情報提供）の範囲に、チームの機関（${outsideAgencies.join('、')}）が含まれていません。同意の範囲を確認・記録してから加えてください。`,
      { personId: `対象者：チームの機関（${outsideAgencies.join('、')}）が同意の範囲に含まれていません` },
      { persons: [{ id: input.personId, consentLink: `/persons/${input.personId}#consent` }] },
    );
  }
  await scope.trx
    .insertInto('case_persons')
    .values({
      municipality_id: scope.municipalityId,
      case_id: caseId,
      person_id: input.personId,
      relation: input.relation,
      is_primary: false,
      added_by_user_id: ctx.userId,
    })
    .execute();
  scope.audit('case.person.add', { targetType: 'case', targetId: caseId, subjectPersonId: input.personId });
  return loadCase(scope, caseId, access);
}

export async function removeCasePerson(scope: Scope, caseId: string, personId: string): Promise<CaseDetail> {
  const access = await requireCase(scope, caseId, 'manage', 'case.person.remove');
  const row = await scope.trx
    .selectFrom('case_persons')
    .select(['is_primary'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (!row) throw notFound('対象者');
  if (row.is_primary) throw invalid({ personId: '本人は事例から外せません' });
  await scope.trx
    .deleteFrom('case_persons')
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('person_id', '=', personId)
    .execute();
  scope.audit('case.person.remove', { targetType: 'case', targetId: caseId, subjectPersonId: personId });
  return loadCase(scope, caseId, access);
}

export async function linkToCase(
  scope: Scope,
  caseId: string,
  input: { consultationId?: string | null | undefined; referralId?: string | null | undefined },
): Promise<CaseDetail> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'edit', 'case.link');
  if (input.consultationId) {
    const c = await scope.trx
      .selectFrom('consultations as c')
      .select('c.id')
      .where('c.municipality_id', '=', scope.municipalityId)
      .where('c.id', '=', input.consultationId)
      .where(visibleConsultationPredicate(ctx, 'c'))
      .executeTakeFirst();
    if (!c) throw invalid({ consultationId: '相談：閲覧できる相談から選んでください' });
  } else {
    const r = await scope.trx
      .selectFrom('referrals as r')
      .select('r.id')
      .where('r.municipality_id', '=', scope.municipalityId)
      .where('r.id', '=', input.referralId!)
      .where(visibleReferralPredicate(ctx, 'r'))
      .executeTakeFirst();
    if (!r) throw invalid({ referralId: 'つなぎ：自機関が送った、または受けたつなぎから選んでください' });
  }
  await scope.trx
    .insertInto('case_links')
    .values({
      municipality_id: scope.municipalityId,
      id: newId(),
      case_id: caseId,
      consultation_id: input.consultationId ?? null,
      referral_id: input.referralId ?? null,
      linked_by_user_id: ctx.userId,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  scope.audit('case.link', { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId, details: input });
  return loadCase(scope, caseId, access);
}

/* ---------- status transitions ---------- */

/**
 * Move the case along its flow (CASE_TRANSITIONS), dated, by whom, why.
 * プラン作成 → 支援中 needs an approved plan (which becomes 実施中);
 * 評価 → 終結 needs the plan evaluated, the 終結理由, the deciding meeting
 * (重層的支援会議) and who keeps the connection (伴走); reopening keeps the history.
 */
export async function transitionCase(scope: Scope, caseId: string, input: TransitionInput): Promise<CaseDetail> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'manage', 'case.transition');
  const row = await scope.trx
    .selectFrom('cases')
    .select(['status', 'version'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', caseId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (row.version !== input.version) throw staleCase(await loadCase(scope, caseId, access));
  const from = row.status as CaseStatus;
  const to = input.to;
  if (!CASE_TRANSITIONS[from].includes(to)) {
    throw new AppError(
      409,
      'invalid_transition',
      `「${CASE_STATUS_LABELS[from]}」の事例は「${CASE_STATUS_LABELS[to]}」にできません。${
        to === 'closed' ? '終結は評価を行ってから、重層的支援会議の決定にもとづいて行います。' : ''
      }`,
      {},
      { current: await loadCase(scope, caseId, access) },
    );
  }
  const today = todayJst();
  const effectiveOn = input.effectiveOn ?? today;
  if (effectiveOn > today) throw invalid({ effectiveOn: '日付：未来の日付は入力できません' });
  if (input.meetingDate && input.meetingDate > today) throw invalid({ meetingDate: '会議の日付：未来の日付は入力できません' });
  const decided = await meetingBasis(scope, caseId, to, input);

  const latestPlan = await scope.trx
    .selectFrom('plans')
    .select(['id', 'status', 'version'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .orderBy('plan_no', 'desc')
    .limit(1)
    .executeTakeFirst();

  const set: Record<string, unknown> = { status: to, status_changed_at: new Date(), updated_at: new Date(), version: row.version + 1 };
  let details: Record<string, unknown> | null = null;

  if (from === 'planning' && to === 'active') {
    if (!latestPlan || (latestPlan.status !== 'approved' && latestPlan.status !== 'active')) {
      throw invalid(
        { to: '次の状態：承認されたプランがありません' },
        '支援を始めるには、プランが重層的支援会議で承認されている必要があります。プランを承認してから進めてください。',
      );
    }
    if (latestPlan.status === 'approved') {
      await scope.trx
        .updateTable('plans')
        .set({ status: 'active', started_on: effectiveOn, version: latestPlan.version + 1, updated_at: new Date() })
        .where('municipality_id', '=', scope.municipalityId)
        .where('id', '=', latestPlan.id)
        .execute();
      const last = await scope.trx
        .selectFrom('plan_events')
        .select(({ fn }) => fn.max('seq').as('s'))
        .where('municipality_id', '=', scope.municipalityId)
        .where('plan_id', '=', latestPlan.id)
        .executeTakeFirst();
      await scope.trx
        .insertInto('plan_events')
        .values({
          municipality_id: scope.municipalityId,
          plan_id: latestPlan.id,
          seq: Number(last?.s ?? 0) + 1,
          status: 'active',
          by_user_id: ctx.userId,
          by_agency_id: ctx.agencyId,
          note: input.reason,
        })
        .execute();
    }
  }

  if (to === 'closed') {
    const c = input.closure!;
    if (latestPlan && latestPlan.status !== 'evaluated') {
      throw invalid(
        { to: '次の状態：プランの評価が記録されていません' },
        '終結の前に、プランの目標ごとの評価（達成・一部達成・未達成）を記録してください。',
      );
    }
    if (decided?.decision) {
      c.meetingRef = decided.decision.ref;
      c.meetingDate = decided.decision.meetingDate;
      c.meetingId = decided.decision.meetingId;
    }
    if (c.meetingDate && c.meetingDate > today) throw invalid({ 'closure.meetingDate': '会議の日付：未来の日付は入力できません' });
    if (c.followUpAgencyId) {
      const onTeam = await scope.trx
        .selectFrom('case_members')
        .select('id')
        .where('municipality_id', '=', scope.municipalityId)
        .where('case_id', '=', caseId)
        .where('agency_id', '=', c.followUpAgencyId)
        .where('user_id', 'is', null)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (!onTeam) throw invalid({ 'closure.followUpAgencyId': '伴走する機関：チームの機関から選んでください' });
    }
    if (CLOSURE_WITHOUT_FOLLOW_UP.includes(c.reason) && !c.followUpAgencyId) {
      c.followUpFrequency = null;
      c.followUpIntervalDays = null;
    }
    Object.assign(set, {
      closure_reason: c.reason,
      closure_note: c.note ?? null,
      closed_on: effectiveOn,
      closure_meeting_ref: c.meetingRef ?? null,
      closure_meeting_date: c.meetingDate ?? null,
      closure_meeting_id: c.meetingId ?? null,
      closure_decision_id: decided?.decision?.id ?? null,
      follow_up_agency_id: c.followUpAgencyId ?? null,
      follow_up_frequency: c.followUpFrequency ?? null,
      follow_up_interval_days: c.followUpIntervalDays ?? null,
    });
    details = { closure: c };
  }

  if (from === 'closed' || from === 'suspended') {
    // Reopening: the closure stays in the history (transition details), not on the case.
    Object.assign(set, {
      closure_reason: null,
      closure_note: null,
      closed_on: null,
      closure_meeting_ref: null,
      closure_meeting_date: null,
      closure_meeting_id: null,
      closure_decision_id: null,
      follow_up_agency_id: null,
      follow_up_frequency: null,
      follow_up_interval_days: null,
    });
  }
  if (decided?.exception) details = { ...details, exception: decided.exception };

  await scope.trx.updateTable('cases').set(set).where('municipality_id', '=', scope.municipalityId).where('id', '=', caseId).execute();
  const seq = await addTransitionRow(scope, caseId, from, to, {
    effectiveOn,
    reason: input.reason,
    meetingRef: decided?.decision?.ref ?? (to === 'closed' ? input.closure!.meetingRef : input.meetingRef) ?? null,
    meetingDate: decided?.decision?.meetingDate ?? (to === 'closed' ? input.closure!.meetingDate : input.meetingDate) ?? null,
    details,
    meetingDecisionId: decided?.decision?.id ?? null,
  });
  if (decided?.decision) await markCarriedOut(scope, decided.decision.id, { transitionSeq: seq });
  scope.audit('case.transition', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    reason: input.reason,
    details: {
      from,
      to,
      ...(decided?.decision ? { meetingDecisionId: decided.decision.id, meetingId: decided.decision.meetingId } : {}),
      ...(decided?.exception ? { exception: decided.exception } : {}),
    },
  });
  return loadCase(scope, caseId, { ...access, status: to, version: row.version + 1 });
}

/**
 * The meeting decision a closure or suspension carries out (DOMAIN.md §4
 * rules 1, 6). When the municipality's rules bind the move to a
 * 重層的支援会議 it must name an eligible decision (meetings/decisions.ts),
 * unless it is a closure for a reason the rules exempt (e.g. 死亡・転居),
 * recorded with its reason; otherwise 422 with the reason. A named decision
 * is checked even where the rules do not require one. Other moves: null.
 */
async function meetingBasis(
  scope: Scope,
  caseId: string,
  to: CaseStatus,
  input: TransitionInput,
): Promise<{ decision: CarryableDecision | null; exception: { closureReason: string; reason: string } | null } | null> {
  if (to !== 'closed' && to !== 'suspended') return null;
  const kind = to === 'closed' ? 'closure' : 'suspension';
  const field = to === 'closed' ? 'closure.decisionId' : 'decisionId';
  const decisionId = to === 'closed' ? input.closure?.decisionId : input.decisionId;
  if (decisionId) return { decision: await carryableDecision(scope, { caseId, kind, decisionId, field }), exception: null };
  const rules = await meetingRulesOf(scope);
  const exceptionReason = to === 'closed' ? input.closure?.exceptionReason : null;
  if (!rules.meetingDecisions.includes(kind)) {
    if (to === 'closed' && !input.closure?.meetingRef) {
      throw invalid({ 'closure.meetingRef': '終結を決めた会議：会議名を入力してください' }, '終結を決めた会議と日付を入力してください。');
    }
    return null;
  }
  const label = to === 'closed' ? '終結' : '中断';
  if (to === 'closed' && exceptionReason) {
    const reason = input.closure!.reason;
    if (!rules.closureExceptions.includes(reason)) {
      throw new AppError(
        422,
        'meeting_decision_required',
        `「${reason}」による終結は、この自治体のルールでは重層的支援会議の決定が必要です。会議の決定を選んでください。`,
        { 'closure.exceptionReason': `会議の決定によらない理由：「${reason}」は会議の決定なしに終結できる理由に含まれていません` },
      );
    }
    return { decision: null, exception: { closureReason: reason, reason: exceptionReason } };
  }
  const exempt = to === 'closed' && rules.closureExceptions.includes(input.closure!.reason);
  throw new AppError(
    422,
    'meeting_decision_required',
    exempt
      ? `「${input.closure!.reason}」による終結は会議の決定なしでもできますが、その理由の記録が必要です。会議の決定を選ぶか、会議の決定によらない理由を入力してください。`
      : `${label}は重層的支援会議で決定します。開催済みの重層的支援会議でこの事例の${label}を決定し、その決定を選んでください。`,
    exempt ? { 'closure.exceptionReason': '会議の決定によらない理由：入力してください' } : { [field]: `会議の決定：${label}を決めた重層的支援会議の決定を選んでください` },
  );
}
