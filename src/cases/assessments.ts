import { sql } from 'kysely';
import { requireCase, visibleCasePredicate, type CaseAccess } from '../access/case-access.ts';
import { requireUser, type Gateway, type Scope } from '../access/gateway.ts';
import { notify } from '../notifications/service.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import {
  ASSESSMENT_DOMAINS,
  ASSESSMENT_RISKS,
  DOMAIN_STATUSES,
  DOMAIN_STATUS_LABELS,
  INFO_REQUEST_STATUS_LABELS,
  assessmentChanges,
  URGENT_ASSESSMENT_RISKS,
  assessmentIsUrgent,
  type AssessmentContent,
  type DomainStatus,
} from '../shared/cases.ts';
import { todayJst } from '../shared/date-input.ts';
import { formatDate } from '../shared/dates.ts';
import { newId } from '../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { dateField } from './schema.ts';

/**
 * アセスメント and 情報収集依頼 of a 多機関協働 case (DOMAIN.md §3).
 *
 * An assessment is never edited in place: every save is a new version
 * (第N版) carrying the version the writer started from, so two staff saving
 * from the same version cannot overwrite each other (the second gets 409 with
 * both texts). 情報収集依頼 ask one agency of the team a question by a date;
 * its answer is shown beside the assessment.
 */

/* ---------- schemas ---------- */

const DOMAIN_NOTE_MAX = 2000;
const TEXT_MAX = 4000;
const STATUS_WORDS = DOMAIN_STATUSES.map((s) => DOMAIN_STATUS_LABELS[s]).join('・');

/** One life domain: its status and a note. Messages carry the domain's label (nested keys have no describe()). */
function domainSchema(label: string) {
  return z.strictObject(
    {
      status: z.enum(DOMAIN_STATUSES, { error: `${label}の状態：${STATUS_WORDS}から選んでください` }),
      note: z
        .string({ error: `${label}のメモ：文字で入力してください` })
        .trim()
        .max(DOMAIN_NOTE_MAX, { error: `${label}のメモ：${DOMAIN_NOTE_MAX}文字以内で入力してください` })
        .default(''),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `${label}：使えない項目が含まれています（${issue.keys.join('、')}）` : `${label}：状態を選んでください`) },
  );
}

const domainsSchema = z.strictObject(
  Object.fromEntries(ASSESSMENT_DOMAINS.map((d) => [d.key, domainSchema(d.label)])) as Record<(typeof ASSESSMENT_DOMAINS)[number]['key'], ReturnType<typeof domainSchema>>,
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `生活の領域：アセスメントの領域にない項目です（${issue.keys.join('、')}）`
        : `生活の領域：${ASSESSMENT_DOMAINS.length}の領域すべての状態を入力してください`,
  },
);

const longText = (max = TEXT_MAX) => z.string().trim().max(max).default('');

export const assessmentInputSchema = z
  .object({
    baseVersion: int32({ min: 1 }).nullable().describe('編集を始めた版'),
    domains: domainsSchema,
    personWishes: longText().describe('本人の思い・希望'),
    familyWishes: longText().describe('家族の思い'),
    strengths: longText().describe('強み'),
    risks: z.array(z.enum(ASSESSMENT_RISKS)).max(ASSESSMENT_RISKS.length).default([]).describe('リスク'),
    riskNote: longText(DOMAIN_NOTE_MAX).describe('リスクの内容'),
    involvement: z
      .array(z.strictObject({ agencyId: z.uuid(), how: z.string().trim().max(1000).default('') }))
      .max(50)
      .default([])
      .describe('関係機関の関わり'),
    summary: longText().describe('まとめ'),
    changeNote: z.string().trim().max(500).nullable().optional().describe('変更の理由・メモ'),
  })
  .strict();
export type AssessmentInput = z.infer<typeof assessmentInputSchema>;

export const infoRequestSchema = z
  .object({
    toAgencyId: z.uuid().describe('依頼先の機関'),
    question: z.string().trim().min(1).max(2000).describe('知りたいこと（依頼の内容）'),
    dueOn: dateField.describe('回答期限'),
  })
  .strict();

export const infoAnswerSchema = z
  .object({
    answer: z.string().trim().min(1).max(TEXT_MAX).describe('回答'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();

export const infoCancelSchema = z
  .object({
    reason: z.string().trim().min(1).max(1000).describe('取り消す理由'),
    version: int32({ min: 1 }).optional().describe('版'),
  })
  .strict();

export const myInfoRequestsQuery = z
  .object({
    status: z.enum(['open', 'answered', 'cancelled', 'all']).default('open').describe('状態'),
    limit: int32Text({ min: 1, max: 100 }).default(30),
    cursor: z.string().max(500).optional(),
  })
  .strict();

/* ---------- views ---------- */

export interface AssessmentVersionSummary {
  versionNo: number;
  savedAt: string;
  savedByName: string | null;
  savedByAgencyName: string | null;
  changeNote: string | null;
  urgent: boolean;
  /** Labels of the items that differ from the previous version (empty for 第1版). */
  changes: string[];
}

export interface AssessmentView extends AssessmentVersionSummary {
  caseId: string;
  domains: Record<string, { status: DomainStatus; note: string }>;
  personWishes: string;
  familyWishes: string;
  strengths: string;
  risks: string[];
  riskNote: string;
  involvement: { agencyId: string; agencyName: string; how: string }[];
  summary: string;
  isLatest: boolean;
}

export interface InfoRequestView {
  id: string;
  caseId: string;
  caseNo: string;
  caseTitle: string;
  toAgency: { id: string; name: string };
  question: string;
  dueOn: string;
  status: 'open' | 'answered' | 'cancelled';
  statusLabel: string;
  /** Still open after the due date (JST). */
  overdue: boolean;
  requestedAt: string;
  requestedByName: string | null;
  requestedByAgency: { id: string; name: string };
  answer: string | null;
  answeredAt: string | null;
  answeredByName: string | null;
  cancelledAt: string | null;
  cancelledByName: string | null;
  cancelReason: string | null;
  version: number;
  /** The acting user may answer (open, addressed to their agency). */
  canAnswer: boolean;
  /** The acting user may cancel (open, their agency asked, or they manage the case and it is not addressed to them). */
  canCancel: boolean;
}

/* ---------- assessments ---------- */

function assessmentQuery(scope: Scope, caseId: string) {
  return scope.trx
    .selectFrom('assessments as s')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 's.municipality_id').onRef('u.id', '=', 's.saved_by_user_id'))
    .leftJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 's.municipality_id').onRef('a.id', '=', 's.saved_by_agency_id'))
    .selectAll('s')
    .select(['u.name as user_name', 'a.name as agency_name'])
    .where('s.municipality_id', '=', scope.municipalityId)
    .where('s.case_id', '=', caseId);
}
type AssessmentRow = Awaited<ReturnType<ReturnType<typeof assessmentQuery>['executeTakeFirstOrThrow']>>;

function contentOf(r: AssessmentRow): AssessmentContent {
  return {
    domains: r.domains,
    personWishes: r.person_wishes,
    familyWishes: r.family_wishes,
    strengths: r.strengths,
    risks: r.risks,
    riskNote: r.risk_note,
    involvement: r.involvement,
    summary: r.summary,
  };
}

function summaryOf(r: AssessmentRow, previous: AssessmentRow | null): AssessmentVersionSummary {
  return {
    versionNo: r.version_no,
    savedAt: new Date(r.saved_at).toISOString(),
    savedByName: r.user_name,
    savedByAgencyName: r.agency_name,
    changeNote: r.change_note,
    urgent: r.urgent,
    changes: previous ? assessmentChanges(contentOf(previous), contentOf(r)) : [],
  };
}

async function agencyNames(scope: Scope, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await scope.trx
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function toView(scope: Scope, r: AssessmentRow, previous: AssessmentRow | null, latestNo: number): Promise<AssessmentView> {
  const names = await agencyNames(
    scope,
    r.involvement.map((i) => i.agencyId),
  );
  const domains: AssessmentView['domains'] = {};
  for (const d of ASSESSMENT_DOMAINS) {
    const v = r.domains[d.key];
    domains[d.key] = { status: (v?.status ?? 'unknown') as DomainStatus, note: v?.note ?? '' };
  }
  return {
    ...summaryOf(r, previous),
    caseId: r.case_id,
    domains,
    personWishes: r.person_wishes,
    familyWishes: r.family_wishes,
    strengths: r.strengths,
    risks: r.risks,
    riskNote: r.risk_note,
    involvement: r.involvement.map((i) => ({ agencyId: i.agencyId, agencyName: names.get(i.agencyId) ?? '（不明な機関）', how: i.how })),
    summary: r.summary,
    isLatest: r.version_no === latestNo,
  };
}

/** One version (or the latest when `versionNo` is null) with its predecessor, for the diff. */
async function loadVersion(scope: Scope, caseId: string, versionNo: number | null): Promise<AssessmentView | null> {
  const latest = await scope.trx
    .selectFrom('assessments')
    .select(({ fn }) => fn.max('version_no').as('n'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  const latestNo = Number(latest?.n ?? 0);
  const wanted = versionNo ?? latestNo;
  if (!wanted) return null;
  const rows = await assessmentQuery(scope, caseId)
    .where('s.version_no', 'in', wanted > 1 ? [wanted, wanted - 1] : [wanted])
    .orderBy('s.version_no', 'desc')
    .execute();
  const row = rows.find((r) => r.version_no === wanted);
  if (!row) return null;
  return toView(scope, row, rows.find((r) => r.version_no === wanted - 1) ?? null, latestNo);
}

function auditRead(scope: Scope, access: CaseAccess, details: Record<string, unknown>) {
  scope.audit('assessment.read', { targetType: 'case', targetId: access.caseId, subjectPersonId: access.primaryPersonId, details });
}

/** Every version of the case's assessment, newest first, with what changed from the one before. */
export async function listAssessments(scope: Scope, caseId: string): Promise<{ items: AssessmentVersionSummary[] }> {
  const access = await requireCase(scope, caseId, 'read', 'assessment.read');
  const rows = await assessmentQuery(scope, caseId).orderBy('s.version_no').execute();
  const items = rows.map((r, i) => summaryOf(r, i > 0 ? rows[i - 1]! : null)).reverse();
  auditRead(scope, access, { versions: items.length });
  return { items };
}

export async function getAssessment(scope: Scope, caseId: string, versionNo: number | null): Promise<AssessmentView> {
  const access = await requireCase(scope, caseId, 'read', 'assessment.read');
  const view = await loadVersion(scope, caseId, versionNo);
  if (!view) throw versionNo === null ? new AppError(404, 'not_found', 'この事例のアセスメントはまだありません。') : notFound(`アセスメントの第${versionNo}版`);
  auditRead(scope, access, { versionNo: view.versionNo });
  return view;
}

function requireOpenCase(access: CaseAccess, what: string) {
  if (access.status === 'closed' || access.status === 'suspended') {
    throw new AppError(
      422,
      'case_not_open',
      `${access.status === 'closed' ? '終結' : '中断'}した事例の${what}はできません。事例を再開してから行ってください。`,
    );
  }
}

/**
 * Save a new version. The writer names the version they started from; when
 * someone saved in between, nothing is saved and the answer (409) carries the
 * latest version and what was sent, so the screen can show both. A save that
 * makes the case urgent alerts the 主担当機関 and the 事務局 (without free text).
 */
export async function saveAssessment(scope: Scope, caseId: string, input: AssessmentInput): Promise<AssessmentView> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'edit', 'assessment.save');
  requireOpenCase(access, 'アセスメントの保存');

  // One writer at a time per case: the next version number is decided under this lock.
  await scope.trx
    .selectFrom('cases')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', caseId)
    .forUpdate()
    .executeTakeFirstOrThrow();

  const fields: Record<string, string> = {};
  const involvedIds = input.involvement.map((i) => i.agencyId);
  const known = await agencyNames(scope, involvedIds);
  const seen = new Set<string>();
  input.involvement.forEach((item, i) => {
    if (!known.has(item.agencyId)) fields[`involvement.${i}.agencyId`] = `関係機関の関わり（${i + 1}件目）：この自治体の機関から選んでください`;
    else if (seen.has(item.agencyId)) fields[`involvement.${i}.agencyId`] = `関係機関の関わり（${i + 1}件目）：${known.get(item.agencyId)}が重複しています`;
    seen.add(item.agencyId);
  });
  if (Object.keys(fields).length) throw invalid(fields);

  const previous = await assessmentQuery(scope, caseId).orderBy('s.version_no', 'desc').limit(1).executeTakeFirst();
  const latestNo = previous?.version_no ?? null;
  if (input.baseVersion !== latestNo) {
    const current = latestNo ? await loadVersion(scope, caseId, latestNo) : null;
    throw conflict(
      latestNo
        ? `ほかの方がアセスメントを先に保存しました（第${latestNo}版）。あなたの入力は消えていません。最新の版と見比べて、必要な内容を反映してから保存してください。`
        : 'アセスメントの版が見つかりません。画面を読み込み直してから保存してください。',
      { current, yours: input },
    );
  }

  const risks = ASSESSMENT_RISKS.filter((r) => input.risks.includes(r));
  const content: AssessmentContent = { ...input, risks };
  const urgent = assessmentIsUrgent(content);
  const versionNo = (latestNo ?? 0) + 1;
  await scope.trx
    .insertInto('assessments')
    .values({
      municipality_id: scope.municipalityId,
      case_id: caseId,
      version_no: versionNo,
      domains: JSON.stringify(input.domains),
      person_wishes: input.personWishes,
      family_wishes: input.familyWishes,
      strengths: input.strengths,
      risks,
      risk_note: input.riskNote,
      involvement: JSON.stringify(input.involvement),
      summary: input.summary,
      urgent,
      change_note: input.changeNote || null,
      saved_by_user_id: ctx.userId,
      saved_by_agency_id: ctx.agencyId,
    })
    .execute();

  if (urgent && !previous?.urgent) {
    // Fixed words only: the domain labels and risk names, never what staff wrote.
    const signs = [
      ...ASSESSMENT_DOMAINS.filter((d) => input.domains[d.key]?.status === 'urgent').map((d) => d.label),
      ...risks.filter((r) => URGENT_ASSESSMENT_RISKS.includes(r)),
    ].join('・');
    const base = {
      kind: 'case_urgent',
      dedupeKey: `case-urgent:${caseId}:${versionNo}`,
      title: `事例 ${access.caseNo} のアセスメントで緊急の対応が必要とされました（${signs}）`,
      body: `事例 ${access.caseNo} のアセスメント（第${versionNo}版）で要緊急対応の項目がありました。至急、主担当機関と状況を確認してください。`,
      link: `/cases/${caseId}/assessment`,
    };
    await notify(scope, { ...base, recipientAgencyId: access.leadAgencyId });
    await notify(scope, { ...base, recipientRole: 'secretariat' });
  }

  scope.audit('assessment.save', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { versionNo, baseVersion: input.baseVersion, urgent },
  });
  return (await loadVersion(scope, caseId, versionNo))!;
}

/* ---------- information requests (情報収集依頼) ---------- */

function infoRequestQuery(scope: Scope) {
  return scope.trx
    .selectFrom('info_requests as r')
    .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'r.municipality_id').onRef('k.id', '=', 'r.case_id'))
    .innerJoin('agencies as ta', (j) => j.onRef('ta.municipality_id', '=', 'r.municipality_id').onRef('ta.id', '=', 'r.to_agency_id'))
    .innerJoin('agencies as fa', (j) => j.onRef('fa.municipality_id', '=', 'r.municipality_id').onRef('fa.id', '=', 'r.requested_by_agency_id'))
    .leftJoin('users as ru', (j) => j.onRef('ru.municipality_id', '=', 'r.municipality_id').onRef('ru.id', '=', 'r.requested_by_user_id'))
    .leftJoin('users as au', (j) => j.onRef('au.municipality_id', '=', 'r.municipality_id').onRef('au.id', '=', 'r.answered_by_user_id'))
    .leftJoin('users as cu', (j) => j.onRef('cu.municipality_id', '=', 'r.municipality_id').onRef('cu.id', '=', 'r.cancelled_by_user_id'))
    .selectAll('r')
    .select([
      'k.case_no',
      'k.title as case_title',
      'ta.name as to_agency_name',
      'fa.name as from_agency_name',
      'ru.name as requested_by_name',
      'au.name as answered_by_name',
      'cu.name as cancelled_by_name',
    ])
    .where('r.municipality_id', '=', scope.municipalityId);
}
type InfoRequestRow = Awaited<ReturnType<ReturnType<typeof infoRequestQuery>['executeTakeFirstOrThrow']>>;

function toInfoView(scope: Scope, r: InfoRequestRow, manage: boolean, today = todayJst()): InfoRequestView {
  const ctx = requireUser(scope);
  const status = r.status as InfoRequestView['status'];
  const open = status === 'open';
  return {
    id: r.id,
    caseId: r.case_id,
    caseNo: r.case_no,
    caseTitle: r.case_title,
    toAgency: { id: r.to_agency_id, name: r.to_agency_name },
    question: r.question,
    dueOn: r.due_on,
    status,
    statusLabel: INFO_REQUEST_STATUS_LABELS[status] ?? status,
    overdue: open && r.due_on < today,
    requestedAt: new Date(r.requested_at).toISOString(),
    requestedByName: r.requested_by_name,
    requestedByAgency: { id: r.requested_by_agency_id, name: r.from_agency_name },
    answer: r.answer,
    answeredAt: r.answered_at ? new Date(r.answered_at).toISOString() : null,
    answeredByName: r.answered_by_name,
    cancelledAt: r.cancelled_at ? new Date(r.cancelled_at).toISOString() : null,
    cancelledByName: r.cancelled_by_name,
    cancelReason: r.cancel_reason,
    version: r.version,
    canAnswer: open && r.to_agency_id === ctx.agencyId,
    canCancel: open && (r.requested_by_agency_id === ctx.agencyId || (manage && r.to_agency_id !== ctx.agencyId)),
  };
}

/** Open first (earliest due first), then answered and cancelled (newest first). */
function byUrgency(a: InfoRequestView, b: InfoRequestView): number {
  const ao = a.status === 'open' ? 0 : 1;
  const bo = b.status === 'open' ? 0 : 1;
  if (ao !== bo) return ao - bo;
  if (ao === 0) return a.dueOn.localeCompare(b.dueOn) || a.requestedAt.localeCompare(b.requestedAt);
  return b.requestedAt.localeCompare(a.requestedAt);
}

function infoAudit(scope: Scope, action: string, access: CaseAccess, details: Record<string, unknown>, reason?: string) {
  scope.audit(action, {
    targetType: 'case',
    targetId: access.caseId,
    subjectPersonId: access.primaryPersonId,
    details,
    ...(reason ? { reason } : {}),
  });
}

async function loadInfoRequest(scope: Scope, id: string, access: CaseAccess): Promise<InfoRequestView> {
  const row = await infoRequestQuery(scope).where('r.id', '=', id).executeTakeFirstOrThrow();
  return toInfoView(scope, row, access.manage);
}

export async function listInfoRequests(scope: Scope, caseId: string): Promise<{ items: InfoRequestView[] }> {
  const access = await requireCase(scope, caseId, 'read', 'info_request.read');
  const rows = await infoRequestQuery(scope).where('r.case_id', '=', caseId).execute();
  const today = todayJst();
  const items = rows.map((r) => toInfoView(scope, r, access.manage, today)).sort(byUrgency);
  infoAudit(scope, 'info_request.read', access, { count: items.length });
  return { items };
}

/** Ask an agency on the team for information by a date; the agency is notified (without the question's text). */
export async function createInfoRequest(
  scope: Scope,
  caseId: string,
  input: { toAgencyId: string; question: string; dueOn: string },
): Promise<InfoRequestView> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'edit', 'info_request.create');
  requireOpenCase(access, '情報収集依頼');
  const fields: Record<string, string> = {};
  const member = await scope.trx
    .selectFrom('case_members as m')
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'm.municipality_id').onRef('a.id', '=', 'm.agency_id'))
    .select(['a.id', 'a.name'])
    .where('m.municipality_id', '=', scope.municipalityId)
    .where('m.case_id', '=', caseId)
    .where('m.agency_id', '=', input.toAgencyId)
    .where('m.user_id', 'is', null)
    .where('m.removed_at', 'is', null)
    .executeTakeFirst();
  if (!member) fields.toAgencyId = '依頼先の機関：この事例のチームの機関から選んでください（チームにない機関には、先にチームに加えてから依頼します）';
  else if (member.id === ctx.agencyId) fields.toAgencyId = '依頼先の機関：自機関には依頼できません。チームのほかの機関を選んでください';
  if (input.dueOn < todayJst()) fields.dueOn = '回答期限：今日以降の日付を入力してください';
  if (Object.keys(fields).length) throw invalid(fields);

  const id = newId();
  await scope.trx
    .insertInto('info_requests')
    .values({
      municipality_id: scope.municipalityId,
      id,
      case_id: caseId,
      to_agency_id: input.toAgencyId,
      question: input.question,
      due_on: input.dueOn,
      requested_by_user_id: ctx.userId,
      requested_by_agency_id: ctx.agencyId,
    })
    .execute();
  const requester = await agencyNames(scope, [ctx.agencyId]);
  await notify(scope, {
    recipientAgencyId: input.toAgencyId,
    kind: 'info_request',
    dedupeKey: `info-request:${id}`,
    title: `事例 ${access.caseNo} について情報収集の依頼が届きました（${requester.get(ctx.agencyId) ?? '依頼元'}から）`,
    body: `回答期限は${formatDate(input.dueOn)}です。事例のアセスメントの画面で依頼の内容を確認し、回答してください。`,
    link: `/cases/${caseId}/assessment#info-requests`,
  });
  infoAudit(scope, 'info_request.create', access, { requestId: id, toAgencyId: input.toAgencyId, dueOn: input.dueOn });
  return loadInfoRequest(scope, id, access);
}

/** The request and the case access for acting on it; a request on a case the user may not see is 404. */
async function requestForAction(scope: Scope, requestId: string, need: 'contribute' | 'edit', action: string) {
  const row = await scope.trx
    .selectFrom('info_requests')
    .select(['case_id'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!row) throw notFound('情報収集依頼');
  const access = await requireCase(scope, row.case_id, need, action);
  await scope.trx
    .selectFrom('info_requests')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const request = await infoRequestQuery(scope).where('r.id', '=', requestId).executeTakeFirstOrThrow();
  return { access, request };
}

function notOpen(request: InfoRequestRow, view: InfoRequestView): AppError {
  return new AppError(
    409,
    'invalid_state',
    request.status === 'answered' ? 'この依頼にはすでに回答があります。' : 'この依頼は取り消されています。',
    {},
    { current: view },
  );
}

/** Answer a request addressed to the user's agency; the requesting agency is notified. */
export async function answerInfoRequest(scope: Scope, requestId: string, input: { answer: string; version: number }): Promise<InfoRequestView> {
  const ctx = requireUser(scope);
  const { access, request } = await requestForAction(scope, requestId, 'contribute', 'info_request.answer');
  if (request.to_agency_id !== ctx.agencyId) {
    scope.deny('not the requested agency', `この依頼に回答できるのは、依頼先の${request.to_agency_name}の職員です。`);
  }
  const current = toInfoView(scope, request, access.manage);
  if (request.version !== input.version) {
    throw conflict('ほかの方がこの依頼を先に更新しました。最新の内容を確認してください。', { current });
  }
  if (request.status !== 'open') throw notOpen(request, current);
  await scope.trx
    .updateTable('info_requests')
    .set({ status: 'answered', answer: input.answer, answered_by_user_id: ctx.userId, answered_at: new Date(), version: request.version + 1 })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', requestId)
    .execute();
  await notify(scope, {
    recipientAgencyId: request.requested_by_agency_id,
    kind: 'info_request_answered',
    dedupeKey: `info-request:${requestId}:answered`,
    title: `事例 ${access.caseNo} の情報収集依頼に回答がありました（${request.to_agency_name}から）`,
    body: '事例のアセスメントの画面で回答を確認してください。',
    link: `/cases/${access.caseId}/assessment#info-requests`,
  });
  infoAudit(scope, 'info_request.answer', access, { requestId });
  return loadInfoRequest(scope, requestId, access);
}

/** Cancel an open request (the requesting agency, or who manages the case), with a reason. */
export async function cancelInfoRequest(scope: Scope, requestId: string, input: { reason: string; version?: number | undefined }): Promise<InfoRequestView> {
  const ctx = requireUser(scope);
  const { access, request } = await requestForAction(scope, requestId, 'edit', 'info_request.cancel');
  const requester = request.requested_by_agency_id === ctx.agencyId;
  if (!requester && !(access.manage && request.to_agency_id !== ctx.agencyId)) {
    scope.deny('not the requesting agency', `この依頼を取り消せるのは、依頼した${request.from_agency_name}の職員です。`);
  }
  const current = toInfoView(scope, request, access.manage);
  if (input.version !== undefined && request.version !== input.version) {
    throw conflict('ほかの方がこの依頼を先に更新しました。最新の内容を確認してください。', { current });
  }
  if (request.status !== 'open') throw notOpen(request, current);
  await scope.trx
    .updateTable('info_requests')
    .set({ status: 'cancelled', cancel_reason: input.reason, cancelled_by_user_id: ctx.userId, cancelled_at: new Date(), version: request.version + 1 })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', requestId)
    .execute();
  infoAudit(scope, 'info_request.cancel', access, { requestId }, input.reason);
  return loadInfoRequest(scope, requestId, access);
}

/** Requests addressed to the user's agency on cases it may see (for the agency's own to-do list), earliest due first. */
export async function listMyInfoRequests(
  scope: Scope,
  query: { status: 'open' | 'answered' | 'cancelled' | 'all'; limit: number; cursor?: string | undefined },
): Promise<Page<InfoRequestView> & { counts: { open: number; overdue: number } }> {
  const ctx = requireUser(scope);
  const today = todayJst();
  let q = infoRequestQuery(scope).where('r.to_agency_id', '=', ctx.agencyId).where(visibleCasePredicate(ctx, 'k'));
  if (query.status !== 'all') q = q.where('r.status', '=', query.status);
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after) q = q.where(sql<boolean>`(r.due_on, r.id) > (${after[0]}::date, ${after[1]}::uuid)`);
  const rows = await q.orderBy('r.due_on').orderBy('r.id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const counts = await scope.trx
    .selectFrom('info_requests as r')
    .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'r.municipality_id').onRef('k.id', '=', 'r.case_id'))
    .select([sql<number>`count(*)`.as('open'), sql<number>`count(*) filter (where r.due_on < ${today}::date)`.as('overdue')])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.to_agency_id', '=', ctx.agencyId)
    .where('r.status', '=', 'open')
    .where(visibleCasePredicate(ctx, 'k'))
    .executeTakeFirstOrThrow();
  scope.audit('info_request.read', { targetType: 'case', details: { mine: true, status: query.status, count: page.length } });
  const last = page.at(-1);
  return {
    items: page.map((r) => toInfoView(scope, r, false, today)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.due_on, last.id]) : null,
    counts: { open: Number(counts.open), overdue: Number(counts.overdue) },
  };
}

/* ---------- routes ---------- */

const idParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), versionNo: int32Text({ min: 1, max: 1_000_000 }) });
const requestParams = z.object({ requestId: z.uuid() });

/** 多機関協働: the versioned assessment of a case and its information requests. */
export function assessmentRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/assessments',
      summary: 'アセスメントの版の一覧（新しい順。保存日時・保存した人と機関・前の版から変わった項目）',
      tag: '多機関協働',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => listAssessments(scope, params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/assessments/latest',
      summary: '最新のアセスメント（まだなければ404）',
      tag: '多機関協働',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => getAssessment(scope, params.id, null)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/assessments/:versionNo',
      summary: 'アセスメントの指定した版（第N版）',
      tag: '多機関協働',
      params: versionParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => getAssessment(scope, params.id, params.versionNo)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/assessments',
      summary: 'アセスメントを新しい版として保存（編集を始めた版が最新でなければ409。最新の版と送った内容を返します）',
      tag: '多機関協働',
      params: idParams,
      body: assessmentInputSchema,
      action: 'case.write',
      status: 201,
      handler: ({ scope, params, body }) => saveAssessment(scope, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/info-requests',
      summary: '事例の情報収集依頼（依頼中を期限順に、回答済・取消を新しい順に）',
      tag: '多機関協働',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => listInfoRequests(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/info-requests',
      summary: 'チームの機関に情報収集を依頼する（回答期限つき。依頼先に通知）',
      tag: '多機関協働',
      params: idParams,
      body: infoRequestSchema,
      action: 'case.write',
      status: 201,
      handler: ({ scope, params, body }) => createInfoRequest(scope, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/info-requests',
      summary: '自機関あての情報収集依頼（期限の近い順。依頼中・期限切れの件数つき）',
      tag: '多機関協働',
      query: myInfoRequestsQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'case.read', (scope) => listMyInfoRequests(scope, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/info-requests/:requestId/answer',
      summary: '情報収集依頼に回答する（依頼先の機関の職員。版が古いと409。依頼元に通知）',
      tag: '多機関協働',
      params: requestParams,
      body: infoAnswerSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => answerInfoRequest(scope, params.requestId, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/info-requests/:requestId/cancel',
      summary: '情報収集依頼を取り消す（依頼した機関。理由は必須）',
      tag: '多機関協働',
      params: requestParams,
      body: infoCancelSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => cancelInfoRequest(scope, params.requestId, body)),
    }),
  ];
}
