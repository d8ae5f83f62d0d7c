import { sql } from 'kysely';
import { requireCase, visibleCasePredicate } from '../access/case-access.ts';
import { requireUser, type Gateway, type Scope } from '../access/gateway.ts';
import { displayName } from '../people/service.ts';
import { conflict, invalid, notFound } from '../server/errors.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { CASE_STATUS_LABELS, CONTACT_KINDS, RECORD_KINDS, type CaseStatus, type RecordKind } from '../shared/cases.ts';
import { parseDateInput, todayJst } from '../shared/date-input.ts';
import { formatDate } from '../shared/dates.ts';
import { newId } from '../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { dateField } from './schema.ts';
import type { RecordSummary } from './service.ts';

/**
 * 支援経過記録 (support records) of a case: the one timeline every agency of
 * the team writes into. A record is never overwritten: a correction (訂正)
 * inserts a new revision with its reason and the earlier text stays in the
 * history. The number of records is the 延べ対応回数 of the evaluation.
 *
 * Records may be added to closed cases (伴走: someone stays connected after
 * closure) and to suspended ones (a contact attempt while the case rests is
 * exactly what should be on file); the case status does not gate them.
 *
 * Contact records keep `cases.last_contact_at` (最後に本人と接触した日時)
 * current, so the "nobody dropped" checks never read this table.
 */

/* ---------- schemas ---------- */

const JST_OFFSET_MS = 9 * 3600_000;
const FUTURE_GRACE_MS = 5 * 60_000;

/**
 * 日時 as typed: an ISO timestamp with a zone (2025-04-01T05:00:00Z), or a
 * local Japan time 2025-04-01T14:00 / 2025/4/1 14:00 / 令和7年4月1日 14:00.
 * Returns the instant as an ISO string, or null.
 */
export function parseDateTimeInput(input: string): string | null {
  const text = input.normalize('NFKC').trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const m = /^(.+?)(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const date = parseDateInput(m[1]!);
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (!date || h > 23 || min > 59 || s > 59) return null;
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, min, s) - JST_OFFSET_MS).toISOString();
}

/** A date and time as staff type it (2025-04-01T14:00, 令和7年4月1日 14:00), not in the future: `futureMessage` says what to do instead. */
export function pastDateTimeField(futureMessage: string) {
  return z
    .string()
    .trim()
    .max(60)
    .transform((v, ctx) => {
      const parsed = parseDateTimeInput(v);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: '日時を 2025-04-01T14:00 や 令和7年4月1日 14:00 の形で入力してください' });
        return z.NEVER;
      }
      if (Date.parse(parsed) > Date.now() + FUTURE_GRACE_MS) {
        ctx.addIssue({ code: 'custom', message: futureMessage });
        return z.NEVER;
      }
      return parsed;
    });
}

const dateTimeField = pastDateTimeField('未来の日時は記録できません（これからの予定は「次の予定」に入力してください）');

const recordFields = {
  occurredAt: dateTimeField.describe('日時'),
  kind: z.enum(RECORD_KINDS).describe('種別'),
  staffUserId: z.uuid().nullable().optional().describe('対応者'),
  agencyId: z.uuid().nullable().optional().describe('機関'),
  content: z.string().trim().min(1).max(20000).describe('内容'),
  durationMinutes: int32({ min: 0, max: 1440 }).nullable().optional().describe('所要時間（分）'),
  nextAction: z.string().trim().max(2000).nullable().optional().describe('次の予定'),
  nextActionOn: dateField.nullable().optional().describe('次の予定日'),
  contact: z.boolean().optional().describe('本人との接触'),
};

function nextActionComplete(v: { nextAction?: string | null | undefined; nextActionOn?: string | null | undefined }, ctx: z.RefinementCtx) {
  if (v.nextActionOn && !v.nextAction)
    ctx.addIssue({ code: 'custom', path: ['nextAction'], message: '次の予定日を入れたときは、予定の内容も入力してください' });
}

export const recordInputSchema = z.object(recordFields).strict().superRefine(nextActionComplete);
export type RecordInput = z.infer<typeof recordInputSchema>;

export const recordCorrectionSchema = z
  .object({
    ...recordFields,
    correctionReason: z.string().trim().min(1).max(2000).describe('訂正の理由'),
    baseRevision: int32({ min: 1 }).describe('訂正前の版'),
  })
  .strict()
  .superRefine(nextActionComplete);
export type RecordCorrectionInput = z.infer<typeof recordCorrectionSchema>;

export const recordListQuery = z
  .object({
    agencyId: z.uuid().optional().describe('機関'),
    kind: z.enum(RECORD_KINDS).optional().describe('種別'),
    from: dateField.optional().describe('期間（から）'),
    to: dateField.optional().describe('期間（まで）'),
    limit: int32Text({ min: 1, max: 100 }).default(30),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type RecordListQuery = z.infer<typeof recordListQuery>;

/* ---------- views ---------- */

export interface RecordView extends RecordSummary {
  caseId: string;
  staffUserId: string | null;
  correctionReason: string | null;
  createdAt: string;
  createdByName: string | null;
  /** Written by the user's agency: the user may correct it. */
  canCorrect: boolean;
}

export interface RecordListResult extends Page<RecordView> {
  /** 延べ対応回数 of the case (current records, all agencies and kinds). */
  total: number;
  counts: {
    byKind: { kind: RecordKind; count: number }[];
    byAgency: { agencyId: string; agencyName: string; count: number }[];
  };
}

export interface RecordRevisionView extends RecordView {
  isCurrent: boolean;
}

export interface TodayCase {
  id: string;
  caseNo: string;
  title: string;
  status: CaseStatus;
  statusLabel: string;
  /** 伴走: a closed case the user's agency keeps the connection with. */
  followUp: boolean;
  primaryPerson: { id: string; displayName: string } | null;
  lastContactAt: string | null;
  nextAction: { text: string; on: string | null } | null;
}

export interface TodayView {
  today: string;
  records: (RecordView & { caseNo: string; caseTitle: string })[];
  cases: TodayCase[];
}

/* ---------- service ---------- */

/** How many cases the "today" picker offers. */
const TODAY_CASES = 200;

export function recordQuery(scope: Scope) {
  return scope.trx
    .selectFrom('support_records as s')
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 's.municipality_id').onRef('a.id', '=', 's.agency_id'))
    .leftJoin('users as cu', (j) => j.onRef('cu.municipality_id', '=', 's.municipality_id').onRef('cu.id', '=', 's.created_by_user_id'))
    .select([
      's.id',
      's.case_id',
      's.root_id',
      's.revision',
      's.is_current',
      's.occurred_at',
      's.kind',
      's.staff_user_id',
      's.staff_name',
      's.agency_id',
      'a.name as agency_name',
      's.content',
      's.duration_minutes',
      's.next_action',
      's.next_action_on',
      's.contact',
      's.correction_reason',
      's.created_at',
      'cu.name as created_by_name',
    ])
    .where('s.municipality_id', '=', scope.municipalityId);
}
type RecordRow = Awaited<ReturnType<ReturnType<typeof recordQuery>['executeTakeFirstOrThrow']>>;

/** A support record as the API shows it; `agencyId` is the reader's (who may correct it). */
export function toView(r: RecordRow, agencyId: string): RecordView {
  return {
    id: r.id,
    caseId: r.case_id,
    rootId: r.root_id,
    revision: r.revision,
    occurredAt: new Date(r.occurred_at).toISOString(),
    kind: r.kind,
    staffUserId: r.staff_user_id,
    staffName: r.staff_name,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    content: r.content,
    durationMinutes: r.duration_minutes,
    nextAction: r.next_action,
    nextActionOn: r.next_action_on,
    contact: r.contact,
    corrected: r.revision > 1,
    correctionReason: r.correction_reason,
    createdAt: new Date(r.created_at).toISOString(),
    createdByName: r.created_by_name,
    canCorrect: r.agency_id === agencyId,
  };
}

/** Start of a JST calendar day ('YYYY-MM-DD') as an instant. */
function jstDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+09:00`);
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The merged timeline of a case across agencies: current revisions, newest first, with counts for the filter chips. */
export async function listRecords(scope: Scope, caseId: string, query: RecordListQuery): Promise<RecordListResult> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'read', 'record.list');
  let q = recordQuery(scope).where('s.case_id', '=', caseId).where('s.is_current', '=', true);
  if (query.agencyId) q = q.where('s.agency_id', '=', query.agencyId);
  if (query.kind) q = q.where('s.kind', '=', query.kind);
  if (query.from) q = q.where('s.occurred_at', '>=', jstDayStart(query.from));
  if (query.to) q = q.where('s.occurred_at', '<', jstDayStart(nextDay(query.to)));
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after && !Number.isNaN(Date.parse(String(after[0])))) {
    q = q.where(sql<boolean>`(s.occurred_at, s.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const [rows, counts] = await Promise.all([
    q.orderBy('s.occurred_at', 'desc').orderBy('s.id', 'desc').limit(query.limit + 1).execute(),
    scope.trx
      .selectFrom('support_records as s')
      .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 's.municipality_id').onRef('a.id', '=', 's.agency_id'))
      .select(['s.kind', 's.agency_id', 'a.name as agency_name', 'a.kana', sql<string>`count(*)`.as('n')])
      .where('s.municipality_id', '=', scope.municipalityId)
      .where('s.case_id', '=', caseId)
      .where('s.is_current', '=', true)
      .groupBy(['s.kind', 's.agency_id', 'a.name', 'a.kana'])
      .execute(),
  ]);
  const items = rows.slice(0, query.limit);
  const byKind = new Map<string, number>();
  const byAgency = new Map<string, { agencyId: string; agencyName: string; kana: string; count: number }>();
  let total = 0;
  for (const c of counts) {
    const n = Number(c.n);
    total += n;
    byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + n);
    const a = byAgency.get(c.agency_id) ?? { agencyId: c.agency_id, agencyName: c.agency_name, kana: c.kana, count: 0 };
    a.count += n;
    byAgency.set(c.agency_id, a);
  }
  scope.audit('record.list', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { count: items.length, agencyId: query.agencyId ?? null, kind: query.kind ?? null },
  });
  const last = items.at(-1);
  return {
    items: items.map((r) => toView(r, ctx.agencyId)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([new Date(last.occurred_at).toISOString(), last.id]) : null,
    total,
    counts: {
      byKind: RECORD_KINDS.filter((k) => byKind.has(k)).map((kind) => ({ kind, count: byKind.get(kind)! })),
      byAgency: [...byAgency.values()]
        .sort((a, b) => b.count - a.count || a.kana.localeCompare(b.kana, 'ja'))
        .map(({ agencyId, agencyName, count }) => ({ agencyId, agencyName, count })),
    },
  };
}

async function loadRecord(scope: Scope, id: string): Promise<RecordView> {
  const ctx = requireUser(scope);
  return toView(await recordQuery(scope).where('s.id', '=', id).executeTakeFirstOrThrow(), ctx.agencyId);
}

async function teamAgencyName(scope: Scope, caseId: string, agencyId: string): Promise<string | null> {
  const row = await scope.trx
    .selectFrom('case_members as m')
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'm.municipality_id').onRef('a.id', '=', 'm.agency_id'))
    .select('a.name')
    .where('m.municipality_id', '=', scope.municipalityId)
    .where('m.case_id', '=', caseId)
    .where('m.agency_id', '=', agencyId)
    .where('m.user_id', 'is', null)
    .where('m.removed_at', 'is', null)
    .executeTakeFirst();
  return row?.name ?? null;
}

interface Resolved {
  agencyId: string;
  staffUserId: string | null;
  staffName: string;
}

/**
 * Who did it (対応者) and for which agency (機関): both default from the
 * acting user (create) or the record being corrected; the agency must be on
 * the team and the staff member must belong to it. Every problem is a field.
 */
async function resolveWho(
  scope: Scope,
  caseId: string,
  occurredAt: string,
  input: { staffUserId?: string | null | undefined; agencyId?: string | null | undefined },
  defaults: { staffUserId: string | null; staffName: string; agencyId: string | null },
): Promise<Resolved> {
  const fields: Record<string, string> = {};
  const k = await scope.trx
    .selectFrom('cases')
    .select('opened_on')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  const earliest = jstDayStart(k.opened_on);
  earliest.setUTCFullYear(earliest.getUTCFullYear() - 1);
  if (Date.parse(occurredAt) < earliest.getTime()) {
    fields.occurredAt = `日時：事例の開始日（${formatDate(k.opened_on)}）より1年以上前の日時は記録できません`;
  }

  let staffUserId = defaults.staffUserId;
  let staffName = defaults.staffName;
  let staffAgencyId: string | null = null;
  if (input.staffUserId || (defaults.staffUserId && !defaults.agencyId)) {
    const id = input.staffUserId ?? defaults.staffUserId!;
    const user = await scope.trx
      .selectFrom('users')
      .select(['id', 'name', 'agency_id', 'active'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user || (!user.active && input.staffUserId)) {
      fields.staffUserId = '対応者：職員が見つかりません';
    } else {
      staffUserId = user.id;
      staffName = user.name;
      staffAgencyId = user.agency_id;
    }
  }
  const agencyId = input.agencyId ?? defaults.agencyId ?? staffAgencyId;
  if (!agencyId) throw invalid({ agencyId: '機関：記録した機関を選んでください', ...fields });
  const agencyName = await teamAgencyName(scope, caseId, agencyId);
  if (!agencyName) {
    if (input.agencyId || defaults.agencyId || fields.staffUserId) fields.agencyId = '機関：この事例のチームに入っていない機関です';
    else fields.staffUserId = '対応者：この事例のチームに入っていない機関の職員です';
  } else if (staffAgencyId && staffAgencyId !== agencyId && !fields.staffUserId) {
    fields.staffUserId = `対応者：${agencyName}の職員を選んでください`;
  }
  if (Object.keys(fields).length) throw invalid(fields);
  return { agencyId, staffUserId, staffName };
}

async function refreshLastContact(scope: Scope, caseId: string) {
  await scope.trx
    .updateTable('cases')
    .set({
      last_contact_at: sql`(select max(s.occurred_at) from support_records s
                             where s.municipality_id = ${scope.municipalityId}::uuid and s.case_id = ${caseId}::uuid
                               and s.is_current and s.contact)`,
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', caseId)
    .execute();
}

/** Insert one revision of a record (the first, or a correction of `rootId`). */
async function insertRevision(
  scope: Scope,
  row: { id: string; caseId: string; rootId: string; revision: number; createdBy: string; correctionReason: string | null },
  input: RecordInput,
  who: Resolved,
): Promise<boolean> {
  const contact = input.contact ?? CONTACT_KINDS.includes(input.kind);
  await scope.trx
    .insertInto('support_records')
    .values({
      municipality_id: scope.municipalityId,
      id: row.id,
      case_id: row.caseId,
      root_id: row.rootId,
      revision: row.revision,
      is_current: true,
      occurred_at: input.occurredAt,
      kind: input.kind,
      staff_user_id: who.staffUserId,
      staff_name: who.staffName,
      agency_id: who.agencyId,
      content: input.content,
      duration_minutes: input.durationMinutes ?? null,
      next_action: input.nextAction || null,
      next_action_on: input.nextActionOn ?? null,
      contact,
      correction_reason: row.correctionReason,
      created_by_user_id: row.createdBy,
    })
    .execute();
  return contact;
}

/** Add a record to the case (any team member, whatever the case status). */
export async function createRecord(scope: Scope, caseId: string, input: RecordInput): Promise<RecordView> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'contribute', 'record.create');
  const who = await resolveWho(scope, caseId, input.occurredAt, input, { staffUserId: ctx.userId, staffName: ctx.name, agencyId: null });
  const id = newId();
  const contact = await insertRevision(scope, { id, caseId, rootId: id, revision: 1, createdBy: ctx.userId, correctionReason: null }, input, who);
  if (contact) {
    await scope.trx
      .updateTable('cases')
      .set({ last_contact_at: sql`greatest(last_contact_at, ${input.occurredAt}::timestamptz)` })
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', caseId)
      .execute();
  }
  scope.audit('record.create', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { recordId: id, kind: input.kind, agencyId: who.agencyId },
  });
  return loadRecord(scope, id);
}

/** The root id of a record of the case (any revision's id is accepted), or 404. */
async function recordRoot(scope: Scope, caseId: string, recordId: string): Promise<string> {
  const row = await scope.trx
    .selectFrom('support_records')
    .select('root_id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('case_id', '=', caseId)
    .where('id', '=', recordId)
    .executeTakeFirst();
  if (!row) throw notFound('支援経過記録');
  return row.root_id;
}

/**
 * 訂正: only the agency that wrote the record corrects it; the correction is
 * a new revision with its reason, the earlier revision stays (is_current
 * false). A stale base revision is a 409 with the current record.
 */
export async function correctRecord(scope: Scope, caseId: string, recordId: string, input: RecordCorrectionInput): Promise<RecordView> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'contribute', 'record.correct');
  const rootId = await recordRoot(scope, caseId, recordId);
  // Corrections of one record take turns on its first revision's row (which
  // never goes away), then read the current revision afresh. Locking the
  // current row itself is not enough: a waiting correction would find that
  // row no longer current once the first one commits, and no row at all.
  await scope.trx
    .selectFrom('support_records')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', rootId)
    .forNoKeyUpdate()
    .execute();
  const current = await scope.trx
    .selectFrom('support_records as s')
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 's.municipality_id').onRef('a.id', '=', 's.agency_id'))
    .select(['s.id', 's.revision', 's.agency_id', 'a.name as agency_name', 's.staff_user_id', 's.staff_name'])
    .where('s.municipality_id', '=', scope.municipalityId)
    .where('s.root_id', '=', rootId)
    .where('s.is_current', '=', true)
    .orderBy('s.revision', 'desc')
    .executeTakeFirst();
  if (!current) throw notFound('支援経過記録');
  if (current.agency_id !== ctx.agencyId) {
    scope.deny(
      `record ${rootId} belongs to agency ${current.agency_id}`,
      `この記録を訂正できるのは、記録した機関（${current.agency_name}）だけです。内容に誤りがあれば、その機関に連絡してください。`,
    );
  }
  if (current.revision !== input.baseRevision) {
    throw conflict('ほかの方がこの記録を先に訂正しました。最新の内容を確認してから、もう一度訂正してください。', {
      current: await loadRecord(scope, current.id),
    });
  }
  const who = await resolveWho(scope, caseId, input.occurredAt, input, {
    staffUserId: current.staff_user_id,
    staffName: current.staff_name,
    agencyId: current.agency_id,
  });
  await scope.trx
    .updateTable('support_records')
    .set({ is_current: false })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', current.id)
    .execute();
  const id = newId();
  await insertRevision(
    scope,
    { id, caseId, rootId, revision: current.revision + 1, createdBy: ctx.userId, correctionReason: input.correctionReason },
    input,
    who,
  );
  await refreshLastContact(scope, caseId);
  scope.audit('record.correct', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { recordId: rootId, revision: current.revision + 1 },
  });
  return loadRecord(scope, id);
}

/** Every revision of a record, oldest first (the original text and each correction with its reason). */
export async function recordHistory(scope: Scope, caseId: string, recordId: string): Promise<{ items: RecordRevisionView[] }> {
  const ctx = requireUser(scope);
  const access = await requireCase(scope, caseId, 'read', 'record.history');
  const rootId = await recordRoot(scope, caseId, recordId);
  const rows = await recordQuery(scope).where('s.root_id', '=', rootId).orderBy('s.revision').execute();
  scope.audit('record.history', {
    targetType: 'case',
    targetId: caseId,
    subjectPersonId: access.primaryPersonId,
    details: { recordId: rootId, revisions: rows.length },
  });
  return { items: rows.map((r) => ({ ...toView(r, ctx.agencyId), isCurrent: r.is_current })) };
}

/**
 * 今日の記録: the user's own records entered today (JST) on cases still
 * visible, and the cases the user works on (named on the team, or the
 * agency is 主担当; closed ones the agency keeps the connection with) so a
 * record can be entered from one screen.
 */
export async function todayView(scope: Scope): Promise<TodayView> {
  const ctx = requireUser(scope);
  const today = todayJst();
  const [records, cases] = await Promise.all([
    recordQuery(scope)
      .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 's.municipality_id').onRef('k.id', '=', 's.case_id'))
      .select(['k.case_no', 'k.title as case_title'])
      .where('s.created_by_user_id', '=', ctx.userId)
      .where('s.created_at', '>=', jstDayStart(today))
      .where('s.is_current', '=', true)
      .where(visibleCasePredicate(ctx, 'k'))
      .orderBy('s.created_at', 'desc')
      .limit(100)
      .execute(),
    scope.trx
      .selectFrom((eb) =>
        eb
          .selectFrom('cases as k')
          .select(['k.municipality_id', 'k.id', 'k.case_no', 'k.title', 'k.status', 'k.last_contact_at', 'k.fiscal_year', 'k.seq'])
          .where('k.municipality_id', '=', scope.municipalityId)
          .where((w) =>
            w.or([
              w.and([
                w('k.status', 'not in', ['closed', 'suspended']),
                w.or([
                  w('k.lead_agency_id', '=', ctx.agencyId),
                  w.exists(
                    w
                      .selectFrom('case_members as s')
                      .select('s.id')
                      .whereRef('s.municipality_id', '=', 'k.municipality_id')
                      .whereRef('s.case_id', '=', 'k.id')
                      .where('s.user_id', '=', ctx.userId)
                      .where('s.removed_at', 'is', null),
                  ),
                ]),
              ]),
              w.and([w('k.status', '=', 'closed'), w('k.follow_up_agency_id', '=', ctx.agencyId)]),
            ]),
          )
          .where(visibleCasePredicate(ctx, 'k'))
          // Newest first, and only as many as a picker can show: the visibility
          // check (consent of each 本人) stops once enough cases are found.
          .orderBy('k.fiscal_year', 'desc')
          .orderBy('k.seq', 'desc')
          .limit(TODAY_CASES)
          .as('k'),
      )
      .leftJoin('case_persons as kp', (j) =>
        j.onRef('kp.municipality_id', '=', 'k.municipality_id').onRef('kp.case_id', '=', 'k.id').on('kp.is_primary', '=', true),
      )
      .leftJoin('persons as p', (j) => j.onRef('p.municipality_id', '=', 'kp.municipality_id').onRef('p.id', '=', 'kp.person_id'))
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('support_records as n')
            .select(['n.next_action', 'n.next_action_on'])
            .whereRef('n.municipality_id', '=', 'k.municipality_id')
            .whereRef('n.case_id', '=', 'k.id')
            .where('n.is_current', '=', true)
            .where('n.next_action', 'is not', null)
            .orderBy('n.occurred_at', 'desc')
            .orderBy('n.id', 'desc')
            .limit(1)
            .as('na'),
        (j) => j.onTrue(),
      )
      .select([
        'k.id',
        'k.case_no',
        'k.title',
        'k.status',
        'k.last_contact_at',
        'p.id as person_id',
        'p.name as person_name',
        'p.alias as person_alias',
        'na.next_action',
        'na.next_action_on',
        sql<boolean>`k.status = 'closed'`.as('follow_up'),
      ])
      .orderBy('k.fiscal_year', 'desc')
      .orderBy('k.seq', 'desc')
      .execute(),
  ]);
  scope.audit('record.today', { targetType: 'case', details: { records: records.length, cases: cases.length } });
  return {
    today,
    records: records.map((r) => ({ ...toView(r, ctx.agencyId), caseNo: r.case_no, caseTitle: r.case_title })),
    cases: cases.map((k) => ({
      id: k.id,
      caseNo: k.case_no,
      title: k.title,
      status: k.status as CaseStatus,
      statusLabel: CASE_STATUS_LABELS[k.status as CaseStatus],
      followUp: k.follow_up,
      primaryPerson: k.person_id ? { id: k.person_id, displayName: displayName({ name: k.person_name, alias: k.person_alias }) } : null,
      lastContactAt: k.last_contact_at ? new Date(k.last_contact_at).toISOString() : null,
      nextAction: k.next_action ? { text: k.next_action, on: k.next_action_on } : null,
    })),
  };
}

/* ---------- routes ---------- */

const caseParams = z.object({ id: z.uuid() });
const recordParams = z.object({ id: z.uuid(), recordId: z.uuid() });

/** 支援経過記録: the merged timeline, entry, correction with history, and the "today" view. */
export function recordRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/records',
      summary: '支援経過記録（チームの全機関の記録を一つの時系列で。機関・種別・期間で絞り込み、件数つき）',
      tag: '多機関協働',
      params: caseParams,
      query: recordListQuery,
      handler: ({ ctx, params, query }) => gateway.run(ctx, 'case.read', (scope) => listRecords(scope, params.id, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/records',
      summary: '支援経過記録を書く（チームの機関なら誰でも。終結・中断した事例にも記録できます）',
      tag: '多機関協働',
      params: caseParams,
      body: recordInputSchema,
      action: 'case.write',
      status: 201,
      handler: ({ scope, params, body }) => createRecord(scope, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/records/:recordId/corrections',
      summary: '支援経過記録の訂正（記録した機関だけ。理由は必須。もとの記録は履歴に残ります。版が古いと409）',
      tag: '多機関協働',
      params: recordParams,
      body: recordCorrectionSchema,
      action: 'case.write',
      status: 201,
      handler: ({ scope, params, body }) => correctRecord(scope, params.id, params.recordId, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/records/:recordId/history',
      summary: '支援経過記録の訂正履歴（もとの記録と各訂正、古い順）',
      tag: '多機関協働',
      params: recordParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => recordHistory(scope, params.id, params.recordId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/records/today',
      summary: '今日の記録（自分が今日書いた記録と、記録を書ける担当事例の一覧）',
      tag: '多機関協働',
      handler: ({ ctx }) => gateway.run(ctx, 'case.read', (scope) => todayView(scope)),
    }),
  ];
}
