import { sql } from 'kysely';
import { carryableDecision, markCarriedOut, meetingRulesOf } from '../meetings/decisions.ts';
import { requireCase, type CaseAccess } from '../access/case-access.ts';
import { requireUser, type Gateway, type Scope } from '../access/gateway.ts';
import type { PlanAction, PlanEvaluation, PlanGoal } from '../db/types.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import {
  ACHIEVEMENTS,
  CONSENT_METHODS,
  PLAN_STATUS_LABELS,
  changedFields,
  type CaseStatus,
  type PlanStatus,
} from '../shared/cases.ts';
import { todayJst } from '../shared/date-input.ts';
import { formatDate } from '../shared/dates.ts';
import { newId } from '../shared/ids.ts';
import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { dateField } from './schema.ts';

/**
 * 支援プラン of a 多機関協働 case (DOMAIN.md §3): 長期目標, 短期目標, 支援の方向性,
 * the actions with their agencies (役割分担), 主担当機関, 本人の同意 and 次回評価日.
 *
 * States 案 → 承認 (a 重層的支援会議 decision) → 実施中 → 評価済. Every save of a
 * 案 is a new row in `plan_versions`; status changes and other dated facts are
 * rows in `plan_events`. An approved plan is never edited: a revision (見直し)
 * is a new plan (第N回プラン), drafted while the current one goes on.
 *
 * When a newer plan is approved, an older plan still 承認 or 実施中 keeps its
 * status (it was never evaluated, and the history must say so) but gets a
 * 'superseded' event naming the new plan and loses its 次回評価日, so no
 * review reminder is raised for it any more; it can no longer be evaluated or
 * rescheduled. If the case is already 支援中 when the new plan is approved, the
 * new plan starts (実施中) at once — the case transition プラン作成 → 支援中 that
 * would otherwise start it has already happened.
 *
 * `plan_events.status` holds the plan status the event moved to (draft,
 * approved, active, evaluated) or one of two event kinds that do not change
 * the status: 'review_date' (次回評価日の変更) and 'superseded'.
 */

/* ---------------------------------------------------------------- schemas */

const GOAL_KEY = /^[A-Za-z0-9_-]{1,40}$/;
/** The key of the long-term goal in an evaluation. */
export const LONG_TERM_GOAL_KEY = 'long';

const goalSchema = z
  .object({
    key: z.string().trim().regex(GOAL_KEY, '目標の識別子は英数字40文字以内です').nullable().optional(),
    text: z.string().trim().min(1, '目標を入力してください').max(500, '目標は500文字以内で入力してください'),
  })
  .strict();

const actionSchema = z
  .object({
    content: z.string().trim().min(1, '内容を入力してください').max(1000, '内容は1000文字以内で入力してください'),
    agencyId: z.uuid({ error: '担当機関を選んでください' }),
    staffName: z.string().trim().max(100, '担当者は100文字以内で入力してください').default(''),
    frequency: z.string().trim().max(100, '頻度は100文字以内で入力してください').default(''),
    period: z.string().trim().max(100, '期間は100文字以内で入力してください').default(''),
  })
  .strict();

const planContentShape = {
  longTermGoal: z.string().trim().min(1).max(1000).describe('長期目標'),
  shortTermGoals: z
    .array(goalSchema)
    .min(1, '1つ以上入力してください')
    .max(10, '10件以内にしてください')
    .describe('短期目標'),
  direction: z.string().trim().max(4000).default('').describe('支援の方向性'),
  actions: z
    .array(actionSchema)
    .min(1, '1行以上入力してください')
    .max(30, '30行以内にしてください')
    .describe('支援の内容と役割分担'),
  leadAgencyId: z.uuid({ error: '選んでください' }).describe('主担当機関'),
  consentOn: dateField.nullable().optional().describe('本人の同意の日付'),
  consentMethod: z.enum(CONSENT_METHODS, { error: '書面・口頭から選んでください' }).nullable().optional().describe('本人の同意の方法'),
  nextReviewOn: dateField.nullable().optional().describe('次回評価日'),
  changeNote: z.string().trim().max(1000).nullable().optional().describe('変更の内容（メモ）'),
};

export const planCreateSchema = z.object(planContentShape).strict();
export type PlanInput = z.infer<typeof planCreateSchema>;

export const planSaveSchema = z
  .object({ ...planContentShape, baseVersion: int32({ min: 1 }).describe('もとにした版') })
  .strict();
export type PlanSaveInput = z.infer<typeof planSaveSchema>;

export const planApproveSchema = z
  .object({
    decisionId: z.uuid().nullable().optional().describe('承認した重層的支援会議の決定'),
    decisionRef: z.string().trim().min(1).max(200).nullable().optional().describe('承認した会議の決定'),
    decidedOn: dateField.nullable().optional().describe('承認の日付（会議の日付）'),
    meetingId: z.uuid().nullable().optional().describe('会議'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
export interface PlanApproveInput {
  /** The 重層的支援会議 decision carried out; required where the municipality's rules bind approval to a meeting. */
  decisionId?: string | null | undefined;
  /** Free text, only where the rules do not bind approval to a meeting. */
  decisionRef?: string | null | undefined;
  decidedOn?: string | null | undefined;
  meetingId?: string | null | undefined;
  /** The plan's version as read; omitted by callers that hold the plan row already (the meetings module). */
  version?: number | undefined;
}

export const planEvaluateSchema = z
  .object({
    goals: z
      .array(
        z
          .object({
            key: z.string().trim().min(1, '目標を指定してください').max(40),
            achievement: z.enum(ACHIEVEMENTS, { error: '達成・一部達成・未達成から選んでください' }),
            comment: z.string().trim().max(2000, 'コメントは2000文字以内で入力してください').default(''),
          })
          .strict(),
      )
      .min(1, '目標ごとに評価を入力してください')
      .max(11)
      .describe('目標ごとの評価'),
    comment: z.string().trim().max(4000).default('').describe('評価のまとめ'),
    evaluatedOn: dateField.describe('評価日'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
export type PlanEvaluateInput = z.infer<typeof planEvaluateSchema>;

export const planReviewDateSchema = z
  .object({
    nextReviewOn: dateField.describe('次回評価日'),
    reason: z.string().trim().max(1000).nullable().optional().describe('変更の理由'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
export type PlanReviewDateInput = z.infer<typeof planReviewDateSchema>;

/* ------------------------------------------------------------------ views */

export interface PlanActionView extends PlanAction {
  agencyName: string;
}

export interface PlanContent {
  longTermGoal: string;
  shortTermGoals: PlanGoal[];
  direction: string;
  actions: PlanActionView[];
  leadAgency: { id: string; name: string } | null;
  consentOn: string | null;
  consentMethod: string | null;
  nextReviewOn: string | null;
}

export interface PlanVersionSummary {
  versionNo: number;
  savedAt: string;
  byUserName: string | null;
  byAgencyName: string | null;
  changeNote: string | null;
  /** Labels of the items changed from the previous version (empty for the first). */
  changes: string[];
}

export interface PlanVersionView extends PlanVersionSummary, PlanContent {
  planId: string;
  planNo: number;
}

export type PlanEventKind = PlanStatus | 'review_date' | 'superseded';

export interface PlanEventView {
  seq: number;
  kind: PlanEventKind;
  label: string;
  at: string;
  byUserName: string | null;
  byAgencyName: string | null;
  note: string | null;
}

export interface PlanView {
  id: string;
  caseId: string;
  planNo: number;
  status: PlanStatus;
  statusLabel: string;
  currentVersion: number;
  /** The plan's 次回評価日 (the current version's, or as moved after approval). */
  nextReviewOn: string | null;
  startedOn: string | null;
  approval: { approvedOn: string; ref: string; meetingId: string | null; byUserName: string | null } | null;
  evaluation: (PlanEvaluation & { evaluatedOn: string | null; byUserName: string | null }) | null;
  /** Set when a newer plan was approved while this one was 承認 or 実施中. */
  supersededByPlanNo: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  content: PlanContent;
  /** Newest first. */
  versions: PlanVersionSummary[];
  /** Oldest first. */
  events: PlanEventView[];
  can: { edit: boolean; approve: boolean; evaluate: boolean; changeReviewDate: boolean };
}

export interface PlanList {
  /** Newest plan first. */
  items: PlanView[];
  caseStatus: CaseStatus;
  can: { create: boolean; createBlockedReason: string | null; manage: boolean; edit: boolean };
}

/* ---------------------------------------------------------------- helpers */

const EVENT_LABELS: Record<PlanEventKind, string> = {
  draft: '案を作成',
  approved: '承認',
  active: '実施開始',
  evaluated: '評価',
  review_date: '次回評価日の変更',
  superseded: '新しいプランへの見直し',
};

/** Labels of the compared items of a version (history `changes`, comparison). */
export const PLAN_FIELD_LABELS = {
  longTermGoal: '長期目標',
  shortTermGoals: '短期目標',
  direction: '支援の方向性',
  actions: '支援の内容と役割分担',
  leadAgencyId: '主担当機関',
  consentOn: '本人の同意の日付',
  consentMethod: '本人の同意の方法',
  nextReviewOn: '次回評価日',
} as const;

/** Case statuses in which a plan may be drafted. */
const PLANNING_STATUSES: readonly CaseStatus[] = ['assessment', 'planning', 'active', 'evaluation'];
const OPEN_FOR_PLANS: readonly CaseStatus[] = ['intake', ...PLANNING_STATUSES];

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

type VersionRow = {
  plan_id: string;
  version_no: number;
  long_term_goal: string;
  short_term_goals: PlanGoal[];
  direction: string;
  actions: PlanAction[];
  lead_agency_id: string | null;
  consent_on: string | null;
  consent_method: string | null;
  next_review_on: string | null;
  change_note: string | null;
  saved_at: Date;
  user_name: string | null;
  agency_name: string | null;
};

function comparable(v: VersionRow) {
  return {
    longTermGoal: v.long_term_goal,
    shortTermGoals: v.short_term_goals.map((g) => ({ key: g.key, text: g.text })),
    direction: v.direction,
    actions: v.actions.map((a) => ({ content: a.content, agencyId: a.agencyId, staffName: a.staffName, frequency: a.frequency, period: a.period })),
    leadAgencyId: v.lead_agency_id,
    consentOn: v.consent_on,
    consentMethod: v.consent_method,
    nextReviewOn: v.next_review_on,
  };
}

function versionRows(scope: Scope) {
  return scope.trx
    .selectFrom('plan_versions as v')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'v.municipality_id').onRef('u.id', '=', 'v.saved_by_user_id'))
    .leftJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'v.municipality_id').onRef('a.id', '=', 'v.saved_by_agency_id'))
    .select([
      'v.plan_id',
      'v.version_no',
      'v.long_term_goal',
      'v.short_term_goals',
      'v.direction',
      'v.actions',
      'v.lead_agency_id',
      'v.consent_on',
      'v.consent_method',
      'v.next_review_on',
      'v.change_note',
      'v.saved_at',
      'u.name as user_name',
      'a.name as agency_name',
    ])
    .where('v.municipality_id', '=', scope.municipalityId);
}

async function agencyNames(scope: Scope, ids: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(ids)];
  if (!list.length) return new Map();
  const rows = await scope.trx
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', 'in', list)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

function agencyIdsOf(rows: VersionRow[]): string[] {
  return rows.flatMap((v) => [...v.actions.map((a) => a.agencyId), ...(v.lead_agency_id ? [v.lead_agency_id] : [])]);
}

function toContent(v: VersionRow, names: Map<string, string>): PlanContent {
  return {
    longTermGoal: v.long_term_goal,
    shortTermGoals: v.short_term_goals.map((g) => ({ key: g.key, text: g.text })),
    direction: v.direction,
    actions: v.actions.map((a) => ({ ...a, agencyName: names.get(a.agencyId) ?? '（不明な機関）' })),
    leadAgency: v.lead_agency_id ? { id: v.lead_agency_id, name: names.get(v.lead_agency_id) ?? '（不明な機関）' } : null,
    consentOn: v.consent_on,
    consentMethod: v.consent_method,
    nextReviewOn: v.next_review_on,
  };
}

function toSummary(v: VersionRow, previous: VersionRow | undefined): PlanVersionSummary {
  return {
    versionNo: v.version_no,
    savedAt: iso(v.saved_at),
    byUserName: v.user_name,
    byAgencyName: v.agency_name,
    changeNote: v.change_note,
    changes: previous ? changedFields(comparable(previous), comparable(v), PLAN_FIELD_LABELS) : [],
  };
}

function caseIsOpen(status: CaseStatus): boolean {
  return OPEN_FOR_PLANS.includes(status);
}

/** Every plan of a case (or one), newest first, with versions, events and what the user may do. */
async function loadPlans(scope: Scope, caseId: string, access: CaseAccess, planId?: string): Promise<PlanView[]> {
  let q = scope.trx
    .selectFrom('plans as pl')
    .leftJoin('users as au', (j) => j.onRef('au.municipality_id', '=', 'pl.municipality_id').onRef('au.id', '=', 'pl.approved_by_user_id'))
    .leftJoin('users as eu', (j) => j.onRef('eu.municipality_id', '=', 'pl.municipality_id').onRef('eu.id', '=', 'pl.evaluated_by_user_id'))
    .selectAll('pl')
    .select(['au.name as approved_by_name', 'eu.name as evaluated_by_name'])
    .where('pl.municipality_id', '=', scope.municipalityId)
    .where('pl.case_id', '=', caseId);
  if (planId) q = q.where('pl.id', '=', planId);
  const plans = await q.orderBy('pl.plan_no', 'desc').execute();
  if (!plans.length) return [];
  const ids = plans.map((p) => p.id);
  const [approvedNos, versions, events] = await Promise.all([
    scope.trx
      .selectFrom('plans')
      .select('plan_no')
      .where('municipality_id', '=', scope.municipalityId)
      .where('case_id', '=', caseId)
      .where('approved_on', 'is not', null)
      .orderBy('plan_no')
      .execute(),
    versionRows(scope).where('v.plan_id', 'in', ids).orderBy('v.plan_id').orderBy('v.version_no').execute() as Promise<VersionRow[]>,
    scope.trx
      .selectFrom('plan_events as e')
      .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'e.municipality_id').onRef('u.id', '=', 'e.by_user_id'))
      .leftJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'e.municipality_id').onRef('a.id', '=', 'e.by_agency_id'))
      .select(['e.plan_id', 'e.seq', 'e.status', 'e.at', 'e.note', 'u.name as user_name', 'a.name as agency_name'])
      .where('e.municipality_id', '=', scope.municipalityId)
      .where('e.plan_id', 'in', ids)
      .orderBy('e.plan_id')
      .orderBy('e.seq')
      .execute(),
  ]);
  const names = await agencyNames(scope, agencyIdsOf(versions));
  const open = caseIsOpen(access.status);
  return plans.map((p) => {
    const own = versions.filter((v) => v.plan_id === p.id);
    const current = own.find((v) => v.version_no === p.current_version) ?? own.at(-1)!;
    const ownEvents = events.filter((e) => e.plan_id === p.id);
    const superseded = [...ownEvents].reverse().find((e) => e.status === 'superseded');
    const supersededByPlanNo = superseded ? (approvedNos.find((n) => n.plan_no > p.plan_no)?.plan_no ?? null) : null;
    const status = p.status as PlanStatus;
    const live = open && !superseded;
    return {
      id: p.id,
      caseId: p.case_id,
      planNo: p.plan_no,
      status,
      statusLabel: PLAN_STATUS_LABELS[status],
      currentVersion: p.current_version,
      nextReviewOn: p.next_review_on,
      startedOn: p.started_on,
      approval:
        p.approved_on && p.approval_ref
          ? { approvedOn: p.approved_on, ref: p.approval_ref, meetingId: p.approval_meeting_id, byUserName: p.approved_by_name }
          : null,
      evaluation: p.evaluation ? { ...p.evaluation, evaluatedOn: p.evaluated_on, byUserName: p.evaluated_by_name } : null,
      supersededByPlanNo,
      version: p.version,
      createdAt: iso(p.created_at),
      updatedAt: iso(p.updated_at),
      content: toContent(current, names),
      versions: own.map((v, i) => toSummary(v, own[i - 1])).reverse(),
      events: ownEvents.map((e) => ({
        seq: e.seq,
        kind: e.status as PlanEventKind,
        label: EVENT_LABELS[e.status as PlanEventKind] ?? e.status,
        at: iso(e.at),
        byUserName: e.user_name,
        byAgencyName: e.agency_name,
        note: e.note,
      })),
      can: {
        edit: live && access.edit && status === 'draft',
        approve: live && access.manage && status === 'draft',
        evaluate: live && access.manage && (status === 'active' || status === 'approved'),
        changeReviewDate: live && access.manage && (status === 'active' || status === 'approved'),
      },
    };
  });
}

async function loadPlan(scope: Scope, caseId: string, planId: string, access: CaseAccess): Promise<PlanView> {
  const [plan] = await loadPlans(scope, caseId, access, planId);
  if (!plan) throw notFound('プラン');
  return plan;
}

async function lockPlan(scope: Scope, caseId: string, planId: string) {
  const row = await scope.trx
    .selectFrom('plans')
    .select(['id', 'plan_no', 'status', 'current_version', 'next_review_on', 'version'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('id', '=', planId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('プラン');
  return { ...row, status: row.status as PlanStatus };
}

async function addEvent(scope: Scope, planId: string, kind: PlanEventKind, note: string | null): Promise<void> {
  const ctx = requireUser(scope);
  const last = await scope.trx
    .selectFrom('plan_events')
    .select(({ fn }) => fn.max('seq').as('s'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  await scope.trx
    .insertInto('plan_events')
    .values({
      municipality_id: scope.municipalityId,
      plan_id: planId,
      seq: Number(last?.s ?? 0) + 1,
      status: kind,
      by_user_id: ctx.userId,
      by_agency_id: ctx.agencyId,
      note,
    })
    .execute();
}

/** Agencies now on the case team (not individual staff rows). */
async function teamAgencies(scope: Scope, caseId: string): Promise<Set<string>> {
  const rows = await scope.trx
    .selectFrom('case_members')
    .select('agency_id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('user_id', 'is', null)
    .where('removed_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.agency_id));
}

/** Agencies named in the plan must be on the team now; the consent date cannot lie ahead. */
async function checkContent(
  scope: Scope,
  caseId: string,
  content: { actions: { agencyId: string }[]; leadAgencyId: string | null; consentOn?: string | null | undefined },
): Promise<void> {
  const team = await teamAgencies(scope, caseId);
  const fields: Record<string, string> = {};
  content.actions.forEach((a, i) => {
    if (!team.has(a.agencyId)) fields[`actions.${i}.agencyId`] = `支援の内容と役割分担（${i + 1}行目）：担当機関はこの事例のチームの機関から選んでください`;
  });
  if (content.leadAgencyId && !team.has(content.leadAgencyId)) fields.leadAgencyId = '主担当機関：この事例のチームの機関から選んでください';
  if (content.consentOn && content.consentOn > todayJst()) fields.consentOn = '本人の同意の日付：未来の日付は入力できません';
  if (Object.keys(fields).length) throw invalid(fields);
}

/** Keys of the short-term goals: kept when given (unique), new ones numbered after every key the plan has used. */
function assignGoalKeys(goals: { key?: string | null | undefined; text: string }[], usedKeys: Iterable<string>): PlanGoal[] {
  const fields: Record<string, string> = {};
  const seen = new Set<string>();
  goals.forEach((g, i) => {
    if (!g.key) return;
    if (g.key === LONG_TERM_GOAL_KEY) fields[`shortTermGoals.${i}.key`] = `短期目標（${i + 1}つ目）：識別子「${LONG_TERM_GOAL_KEY}」は長期目標のものです`;
    else if (seen.has(g.key)) fields[`shortTermGoals.${i}.key`] = `短期目標（${i + 1}つ目）：同じ識別子の目標がほかにあります`;
    seen.add(g.key);
  });
  if (Object.keys(fields).length) throw invalid(fields);
  let n = 0;
  for (const key of [...usedKeys, ...seen]) {
    const m = /^g(\d+)$/.exec(key);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return goals.map((g) => ({ key: g.key || `g${++n}`, text: g.text }));
}

async function insertVersion(scope: Scope, planId: string, versionNo: number, input: PlanInput, goals: PlanGoal[]): Promise<void> {
  const ctx = requireUser(scope);
  const actions: PlanAction[] = input.actions.map((a) => ({
    content: a.content,
    agencyId: a.agencyId,
    staffName: a.staffName,
    frequency: a.frequency,
    period: a.period,
  }));
  await scope.trx
    .insertInto('plan_versions')
    .values({
      municipality_id: scope.municipalityId,
      plan_id: planId,
      version_no: versionNo,
      long_term_goal: input.longTermGoal,
      short_term_goals: JSON.stringify(goals),
      direction: input.direction,
      actions: JSON.stringify(actions),
      lead_agency_id: input.leadAgencyId,
      consent_on: input.consentOn ?? null,
      consent_method: input.consentMethod ?? null,
      next_review_on: input.nextReviewOn ?? null,
      change_note: input.changeNote ?? null,
      saved_by_user_id: ctx.userId,
      saved_by_agency_id: ctx.agencyId,
    })
    .execute();
}

function closedCaseRefusal(status: CaseStatus): AppError {
  return new AppError(
    422,
    'invalid_state',
    status === 'closed' || status === 'suspended'
      ? `「${status === 'closed' ? '終結' : '中断'}」した事例のプランは変更できません。再開してから操作してください。`
      : 'この事例のプランは変更できません。',
  );
}

function stale(current: PlanView, extra: Record<string, unknown> = {}) {
  return conflict('ほかの方がこのプランを先に更新しました。最新の内容を確認してから、もう一度操作してください。', { current, ...extra });
}

/* --------------------------------------------------------------- services */

export async function listPlans(scope: Scope, caseId: string): Promise<PlanList> {
  const access = await requireCase(scope, caseId, 'read', 'plan.read');
  const items = await loadPlans(scope, caseId, access);
  scope.audit('plan.read', { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId, details: { plans: items.length } });
  let blocked: string | null = null;
  if (!PLANNING_STATUSES.includes(access.status)) {
    blocked =
      access.status === 'intake'
        ? 'プランはアセスメントを始めてから作成します。'
        : '終結・中断した事例では、プランを作成できません。';
  } else if (items.some((p) => p.status === 'draft')) {
    blocked = '作成中の案があります。新しいプランは、案を承認してから作成できます。';
  } else if (!access.edit) {
    blocked = 'チームでの役割（情報提供）ではプランを作成できません。';
  }
  return {
    items,
    caseStatus: access.status,
    can: { create: blocked === null, createBlockedReason: blocked, manage: access.manage, edit: access.edit },
  };
}

export async function getPlan(scope: Scope, caseId: string, planId: string): Promise<PlanView> {
  const access = await requireCase(scope, caseId, 'read', 'plan.read');
  const plan = await loadPlan(scope, caseId, planId, access);
  scope.audit('plan.read', { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId, details: { planId } });
  return plan;
}

export async function getPlanVersion(scope: Scope, caseId: string, planId: string, versionNo: number): Promise<PlanVersionView> {
  const access = await requireCase(scope, caseId, 'read', 'plan.read');
  const plan = await scope.trx
    .selectFrom('plans')
    .select(['id', 'plan_no'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('id', '=', planId)
    .executeTakeFirst();
  if (!plan) throw notFound('プラン');
  const rows = (await versionRows(scope)
    .where('v.plan_id', '=', planId)
    .where('v.version_no', 'in', [versionNo - 1, versionNo])
    .orderBy('v.version_no')
    .execute()) as VersionRow[];
  const version = rows.find((v) => v.version_no === versionNo);
  if (!version) throw notFound('プランの版');
  const names = await agencyNames(scope, agencyIdsOf([version]));
  scope.audit('plan.read', { targetType: 'case', targetId: caseId, subjectPersonId: access.primaryPersonId, details: { planId, versionNo } });
  return {
    planId,
    planNo: plan.plan_no,
    ...toSummary(
      version,
      rows.find((v) => v.version_no === versionNo - 1),
    ),
    ...toContent(version, names),
  };
}

/** Draft a new plan (案), 第N回 after the case's last plan, with its first version. */
export async function createPlan(scope: Scope, caseId: string, input: PlanInput): Promise<PlanView> {
  const access = await requireCase(scope, caseId, 'edit', 'plan.create');
  // Serialise plan creation per case: the number and the one-draft rule.
  await scope.trx.selectFrom('cases').select('id').where('municipality_id', '=', scope.municipalityId).where('id', '=', caseId).forUpdate().execute();
  if (!PLANNING_STATUSES.includes(access.status)) {
    throw new AppError(
      422,
      'invalid_state',
      access.status === 'intake'
        ? '受付の段階の事例にはプランを作成できません。アセスメントを始めてから作成してください。'
        : `「${access.status === 'closed' ? '終結' : '中断'}」した事例にはプランを作成できません。再開してから作成してください。`,
    );
  }
  const existing = await scope.trx
    .selectFrom('plans')
    .select(['plan_no', 'status'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .execute();
  const draft = existing.find((p) => p.status === 'draft');
  if (draft) {
    throw new AppError(
      422,
      'draft_exists',
      `第${draft.plan_no}回プランの案を作成中です。案は一度に1つだけ作れます。作成中の案を編集するか、承認してから新しいプランを作成してください。`,
    );
  }
  await checkContent(scope, caseId, input);
  const goals = assignGoalKeys(input.shortTermGoals, []);
  const planNo = Math.max(0, ...existing.map((p) => p.plan_no)) + 1;
  const id = newId();
  await scope.trx
    .insertInto('plans')
    .values({
      municipality_id: scope.municipalityId,
      id,
      case_id: caseId,
      plan_no: planNo,
      next_review_on: input.nextReviewOn ?? null,
      approved_on: null,
      approval_ref: null,
      approval_meeting_id: null,
      approved_by_user_id: null,
      started_on: null,
      evaluation: null,
      evaluated_on: null,
      evaluated_by_user_id: null,
    })
    .execute();
  await insertVersion(scope, id, 1, input, goals);
  await addEvent(scope, id, 'draft', input.changeNote ?? null);
  scope.audit('plan.create', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { planId: id, planNo, goals: goals.length, actions: input.actions.length },
  });
  return loadPlan(scope, caseId, id, access);
}

/** Save a new version of a 案; a stale base version is a 409 with the current plan and the input. */
export async function savePlan(scope: Scope, caseId: string, planId: string, input: PlanSaveInput): Promise<PlanView> {
  const access = await requireCase(scope, caseId, 'edit', 'plan.save');
  const plan = await lockPlan(scope, caseId, planId);
  if (plan.current_version !== input.baseVersion) throw stale(await loadPlan(scope, caseId, planId, access), { yours: input });
  if (plan.status !== 'draft') {
    throw new AppError(422, 'plan_locked', '承認済みのプランは変更できません。見直す場合は新しいプランを作成してください');
  }
  if (!caseIsOpen(access.status)) throw closedCaseRefusal(access.status);
  await checkContent(scope, caseId, input);
  const used = await scope.trx
    .selectFrom('plan_versions')
    .select('short_term_goals')
    .where('municipality_id', '=', scope.municipalityId)
    .where('plan_id', '=', planId)
    .execute();
  const goals = assignGoalKeys(
    input.shortTermGoals,
    used.flatMap((v) => v.short_term_goals.map((g) => g.key)),
  );
  const versionNo = plan.current_version + 1;
  await insertVersion(scope, planId, versionNo, input, goals);
  await scope.trx
    .updateTable('plans')
    .set({ current_version: versionNo, next_review_on: input.nextReviewOn ?? null, version: plan.version + 1, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', planId)
    .execute();
  scope.audit('plan.save', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { planId, versionNo },
  });
  return loadPlan(scope, caseId, planId, access);
}

/**
 * Record the approval of a 案 (承認: a 重層的支援会議 decision). Needs the
 * person's consent (date and method) and the 次回評価日 on the current version.
 * Also called by the meetings module when a meeting's decision approves a
 * plan (`version` may then be omitted).
 */
export async function approvePlan(scope: Scope, caseId: string, planId: string, input: PlanApproveInput): Promise<PlanView> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'manage', 'plan.approve');
  const plan = await lockPlan(scope, caseId, planId);
  if (input.version !== undefined && plan.version !== input.version) throw stale(await loadPlan(scope, caseId, planId, access));
  if (plan.status !== 'draft') {
    throw new AppError(422, 'invalid_state', `このプランはすでに「${PLAN_STATUS_LABELS[plan.status]}」です。承認できるのは案のプランだけです。`);
  }
  if (!caseIsOpen(access.status)) throw closedCaseRefusal(access.status);
  const today = todayJst();
  const basis = await approvalBasis(scope, caseId, planId, input);
  if (basis.decidedOn > today) throw invalid({ decidedOn: '承認の日付（会議の日付）：未来の日付は入力できません' });
  const current = (await versionRows(scope)
    .where('v.plan_id', '=', planId)
    .where('v.version_no', '=', plan.current_version)
    .executeTakeFirstOrThrow()) as VersionRow;
  const missing: Record<string, string> = {};
  if (!current.consent_on) missing.consentOn = '本人の同意の日付：承認の前に、本人の同意を得た日付をプランに入力してください';
  if (!current.consent_method) missing.consentMethod = '本人の同意の方法：承認の前に、同意の方法（書面・口頭）をプランに入力してください';
  if (!current.next_review_on) missing.nextReviewOn = '次回評価日：承認の前に、次回評価日をプランに入力してください';
  else if (current.next_review_on <= basis.decidedOn) missing.nextReviewOn = '次回評価日：承認の日付より後の日付をプランに入力してください';
  if (Object.keys(missing).length) {
    throw invalid(missing, `承認するには、プランに次の項目が必要です（${Object.keys(missing).length}件）。プランを編集して入力してから承認してください。`);
  }
  await checkContent(scope, caseId, { actions: current.actions, leadAgencyId: current.lead_agency_id, consentOn: current.consent_on });

  // Older plans still running are superseded (see the module comment).
  const older = await scope.trx
    .selectFrom('plans')
    .select(['id', 'plan_no'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('id', '!=', planId)
    .where('status', 'in', ['approved', 'active'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('plan_events as e')
            .select('e.seq')
            .whereRef('e.municipality_id', '=', 'plans.municipality_id')
            .whereRef('e.plan_id', '=', 'plans.id')
            .where('e.status', '=', 'superseded'),
        ),
      ),
    )
    .execute();
  for (const o of older) {
    await scope.trx
      .updateTable('plans')
      .set({ next_review_on: null, version: sql`version + 1`, updated_at: new Date() })
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', o.id)
      .execute();
    await addEvent(scope, o.id, 'superseded', `第${plan.plan_no}回プランの承認（${basis.decisionRef}）により見直し`);
  }

  const startsNow = access.status === 'active';
  await scope.trx
    .updateTable('plans')
    .set({
      status: startsNow ? 'active' : 'approved',
      approved_on: basis.decidedOn,
      approval_ref: basis.decisionRef,
      approval_meeting_id: basis.meetingId,
      approval_decision_id: basis.decisionId,
      approved_by_user_id: ctx.userId,
      ...(startsNow ? { started_on: basis.decidedOn } : {}),
      next_review_on: current.next_review_on,
      version: plan.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', planId)
    .execute();
  if (basis.decisionId) await markCarriedOut(scope, basis.decisionId, { planVersion: plan.current_version });
  await addEvent(scope, planId, 'approved', `${basis.decisionRef}｜会議の日付：${formatDate(basis.decidedOn)}`);
  if (startsNow) await addEvent(scope, planId, 'active', '支援中の事例のため、承認と同時に実施を開始');
  scope.audit('plan.approve', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { planId, planNo: plan.plan_no, decisionRef: basis.decisionRef, decidedOn: basis.decidedOn, meetingId: basis.meetingId, meetingDecisionId: basis.decisionId, superseded: older.map((o) => o.id) },
  });
  return loadPlan(scope, caseId, planId, access);
}

/** Record the evaluation: an achievement for the long-term goal and every short-term goal of the current version. */
export async function evaluatePlan(scope: Scope, caseId: string, planId: string, input: PlanEvaluateInput): Promise<PlanView> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'manage', 'plan.evaluate');
  const plan = await lockPlan(scope, caseId, planId);
  if (plan.version !== input.version) throw stale(await loadPlan(scope, caseId, planId, access));
  const view = await loadPlan(scope, caseId, planId, access);
  if (plan.status !== 'active' && plan.status !== 'approved') {
    throw new AppError(
      422,
      'invalid_state',
      plan.status === 'draft' ? '案のプランは評価できません。承認して実施してから評価してください。' : 'このプランはすでに評価済みです。',
    );
  }
  if (view.supersededByPlanNo) {
    throw new AppError(422, 'invalid_state', `このプランは第${view.supersededByPlanNo}回プランに見直されました。評価は新しいプランで行ってください。`);
  }
  if (!caseIsOpen(access.status)) throw closedCaseRefusal(access.status);
  if (input.evaluatedOn > todayJst()) throw invalid({ evaluatedOn: '評価日：未来の日付は入力できません' });

  const targets = [{ key: LONG_TERM_GOAL_KEY, text: view.content.longTermGoal, label: '長期目標' }].concat(
    view.content.shortTermGoals.map((g, i) => ({ key: g.key, text: g.text, label: `短期目標${i + 1}` })),
  );
  const fields: Record<string, string> = {};
  const given = new Map<string, (typeof input.goals)[number]>();
  input.goals.forEach((g, i) => {
    if (!targets.some((t) => t.key === g.key)) fields[`goals.${i}.key`] = `目標ごとの評価：このプランにない目標です（${g.key}）`;
    else if (given.has(g.key)) fields[`goals.${i}.key`] = '目標ごとの評価：同じ目標の評価が2つあります';
    given.set(g.key, g);
  });
  for (const t of targets) {
    if (!given.has(t.key)) fields[`goals.${t.key}`] = `目標ごとの評価：${t.label}「${t.text.slice(0, 30)}」の評価（達成・一部達成・未達成）を選んでください`;
  }
  if (Object.keys(fields).length) throw invalid(fields);

  const evaluation: PlanEvaluation = {
    goals: targets.map((t) => ({ key: t.key, text: t.text, achievement: given.get(t.key)!.achievement, comment: given.get(t.key)!.comment })),
    comment: input.comment,
  };
  await scope.trx
    .updateTable('plans')
    .set({
      status: 'evaluated',
      evaluation: JSON.stringify(evaluation),
      evaluated_on: input.evaluatedOn,
      evaluated_by_user_id: ctx.userId,
      version: plan.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', planId)
    .execute();
  const counts = ACHIEVEMENTS.map((a) => [a, evaluation.goals.filter((g) => g.achievement === a).length] as const).filter(([, n]) => n > 0);
  await addEvent(scope, planId, 'evaluated', `${formatDate(input.evaluatedOn)}：${counts.map(([a, n]) => `${a}${n}`).join('・')}`);
  scope.audit('plan.evaluate', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { planId, evaluatedOn: input.evaluatedOn, achievements: Object.fromEntries(counts) },
  });
  return loadPlan(scope, caseId, planId, access);
}

/** Move the 次回評価日 of an approved or running plan (a review-due task rescheduled), dated in the history. */
export async function changeReviewDate(scope: Scope, caseId: string, planId: string, input: PlanReviewDateInput): Promise<PlanView> {
  const access = await requireCase(scope, caseId, 'manage', 'plan.review_date');
  const plan = await lockPlan(scope, caseId, planId);
  if (plan.version !== input.version) throw stale(await loadPlan(scope, caseId, planId, access));
  const view = await loadPlan(scope, caseId, planId, access);
  if (plan.status !== 'active' && plan.status !== 'approved') {
    throw new AppError(
      422,
      'invalid_state',
      plan.status === 'draft'
        ? '案のプランの次回評価日は、プランの編集で変更してください。'
        : '評価済みのプランの次回評価日は変更できません。',
    );
  }
  if (view.supersededByPlanNo) {
    throw new AppError(422, 'invalid_state', `このプランは第${view.supersededByPlanNo}回プランに見直されたため、次回評価日はありません。`);
  }
  if (!caseIsOpen(access.status)) throw closedCaseRefusal(access.status);
  if (input.nextReviewOn < todayJst()) throw invalid({ nextReviewOn: '次回評価日：今日以降の日付を入力してください' });
  if (input.nextReviewOn === plan.next_review_on) throw invalid({ nextReviewOn: '次回評価日：いまの次回評価日と同じです' });
  await scope.trx
    .updateTable('plans')
    .set({ next_review_on: input.nextReviewOn, version: plan.version + 1, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', planId)
    .execute();
  const from = plan.next_review_on ? formatDate(plan.next_review_on) : '未設定';
  await addEvent(scope, planId, 'review_date', `${from} → ${formatDate(input.nextReviewOn)}${input.reason ? `（${input.reason}）` : ''}`);
  scope.audit('plan.review_date', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    reason: input.reason ?? null,
    details: { planId, from: plan.next_review_on, to: input.nextReviewOn },
  });
  return loadPlan(scope, caseId, planId, access);
}

/* ----------------------------------------------------------------- routes */

const caseParams = z.object({ id: z.uuid() });
const planParams = z.object({ id: z.uuid(), planId: z.uuid() });
const versionParams = z.object({ id: z.uuid(), planId: z.uuid(), versionNo: int32Text({ min: 1, max: 100000 }) });

/** 支援プラン: list, versions, drafting, approval, evaluation and the 次回評価日. */
export function planRoutes(gateway: Gateway): AnyRoute[] {
  const tag = '多機関協働';
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/plans',
      summary: '事例の支援プラン（新しい順。版の履歴・状態の履歴・承認・評価つき）',
      tag,
      params: caseParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => listPlans(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/plans',
      summary: '支援プランの案を作成（第N回プラン。案は一度に1つ）',
      tag,
      params: caseParams,
      body: planCreateSchema,
      action: 'case.write',
      status: 201,
      handler: ({ scope, params, body }) => createPlan(scope, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/plans/:planId',
      summary: '支援プラン（いまの内容と履歴）',
      tag,
      params: planParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => getPlan(scope, params.id, params.planId)),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/cases/:id/plans/:planId',
      summary: '案の保存（新しい版。もとにした版が古いと409。承認後は変更できません）',
      tag,
      params: planParams,
      body: planSaveSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => savePlan(scope, params.id, params.planId, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/plans/:planId/versions/:versionNo',
      summary: '支援プランの過去の版',
      tag,
      params: versionParams,
      handler: ({ ctx, params }) =>
        gateway.run(ctx, 'case.read', (scope) => getPlanVersion(scope, params.id, params.planId, params.versionNo)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/plans/:planId/approve',
      summary: '承認の記録（重層的支援会議の決定。本人の同意と次回評価日が必要。主担当機関・コーディネーター）',
      tag,
      params: planParams,
      body: planApproveSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => approvePlan(scope, params.id, params.planId, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/plans/:planId/evaluate',
      summary: '評価の記録（長期目標と短期目標ごとに達成・一部達成・未達成）',
      tag,
      params: planParams,
      body: planEvaluateSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => evaluatePlan(scope, params.id, params.planId, body)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/cases/:id/plans/:planId/review-date',
      summary: '次回評価日の変更（承認・実施中のプラン。変更前後の日付を履歴に記録）',
      tag,
      params: planParams,
      body: planReviewDateSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => changeReviewDate(scope, params.id, params.planId, body)),
    }),
  ];
}

/**
 * What an approval rests on: the named 重層的支援会議 decision (checked:
 * held meeting of a jusou body, this case on the agenda, this plan, not
 * carried out before) — required where the municipality's rules bind plan
 * approval to a meeting — or, where they do not, the typed reference and date.
 */
async function approvalBasis(
  scope: Scope,
  caseId: string,
  planId: string,
  input: PlanApproveInput,
): Promise<{ decisionRef: string; decidedOn: string; meetingId: string | null; decisionId: string | null }> {
  if (input.decisionId) {
    const d = await carryableDecision(scope, { caseId, kind: 'plan_approval', decisionId: input.decisionId, planId, field: 'decisionId' });
    return { decisionRef: d.ref, decidedOn: d.meetingDate, meetingId: d.meetingId, decisionId: d.id };
  }
  const rules = await meetingRulesOf(scope);
  if (rules.meetingDecisions.includes('plan_approval')) {
    throw new AppError(
      422,
      'meeting_decision_required',
      'プランの承認は重層的支援会議で決定します。開催済みの重層的支援会議でこのプランの承認を決定し、その決定を選んでください。',
      { decisionId: '会議の決定：プランを承認した重層的支援会議の決定を選んでください' },
    );
  }
  const missing: Record<string, string> = {};
  if (!input.decisionRef) missing.decisionRef = '承認した会議の決定：入力してください';
  if (!input.decidedOn) missing.decidedOn = '承認の日付（会議の日付）：入力してください';
  if (Object.keys(missing).length) throw invalid(missing);
  return { decisionRef: input.decisionRef!, decidedOn: input.decidedOn!, meetingId: input.meetingId ?? null, decisionId: null };
}
