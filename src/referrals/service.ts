import { sql, type RawBuilder } from 'kysely';
import { requireUser, type Scope } from '../access/gateway.ts';
import { visibleCasePredicate } from '../access/case-access.ts';
import { consentCovers, fullConsultationPredicate, promoterDepartmentReferralPredicate, visibleConsultationPredicate, visibleReferralPredicate } from '../access/person-access.ts';
import { readSettings } from '../municipalities/settings.ts';
import { notify } from '../notifications/service.ts';
import { displayName, requirePersonAccess } from '../people/service.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { addBusinessDays } from '../shared/business-days.ts';
import { formatDate } from '../shared/dates.ts';
import { newId } from '../shared/ids.ts';
import { REFERRAL_STATUS_LABELS } from '../shared/issues.ts';
import { ANSWER_RESULT_LABELS, REFERRAL_EVENT_LABELS } from '../shared/referral-delivery.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import type { ReferralInput } from './schema.ts';
import type { z } from '../shared/zod-ja.ts';
import type { answerSchema, deliverySchema } from './schema.ts';

export interface ReferralEventView {
  status: string;
  statusLabel: string;
  at: string;
  byUserName: string | null;
  byAgencyName: string | null;
  note: string | null;
}

export interface ReferralView {
  id: string;
  consultationId: string | null;
  person: { id: string; displayName: string; birthDate: string | null } | null;
  fromAgency: { id: string; name: string };
  fromUserName: string | null;
  toAgency: { id: string; name: string };
  toCoordination: boolean;
  chiefComplaint: string;
  content: string;
  reason: string;
  consentConfirmed: boolean;
  status: string;
  statusLabel: string;
  sentAt: string;
  dueAt: string;
  /** Overdue: not accepted in time (unanswered), no progress in time (stalled), or the sheet not sent in time (undelivered). */
  overdue: boolean;
  overdueKind: 'unanswered' | 'stalled' | 'undelivered' | null;
  /** Accepted / 対応中: the moment it is overdue without progress (a status change or a progress note). */
  progressDueAt: string | null;
  lastProgressAt: string | null;
  /** 'offline': the agency has no accounts in kasane; the sender sends the printed sheet and records the answer. */
  delivery: 'online' | 'offline';
  delivered: { at: string; method: string } | null;
  answer: { at: string; by: string; method: string; result: string; resultLabel: string; outcome: string } | null;
  /** Offline, sheet sent, answer not yet recorded: the sender's task, never overdue. */
  awaitingAnswer: boolean;
  returnReason: string | null;
  completionNote: string | null;
  version: number;
  events: ReferralEventView[];
  /** The 多機関協働 case opened from this referral, when the user's agency is on its team. */
  case: { id: string; caseNo: string } | null;
}

/** The agency that receives referrals "to the coordinators" (多機関協働). */
export async function coordinationAgency(scope: Scope): Promise<string> {
  const row = await scope.trx
    .selectFrom('agencies')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('active', '=', true)
    .where(sql<boolean>`'多機関協働' = any(roles)`)
    .orderBy('is_secretariat')
    .orderBy('kana')
    .limit(1)
    .executeTakeFirst();
  if (!row) throw invalid({ toCoordination: '多機関協働を担う機関が機関・窓口に登録されていません（管理者に連絡してください）' });
  return row.id;
}

function baseQuery(scope: Scope) {
  return scope.trx
    .selectFrom('referrals as r')
    .innerJoin('agencies as fa', (j) => j.onRef('fa.id', '=', 'r.from_agency_id').onRef('fa.municipality_id', '=', 'r.municipality_id'))
    .innerJoin('agencies as ta', (j) => j.onRef('ta.id', '=', 'r.to_agency_id').onRef('ta.municipality_id', '=', 'r.municipality_id'))
    .leftJoin('users as fu', (j) => j.onRef('fu.id', '=', 'r.from_user_id').onRef('fu.municipality_id', '=', 'r.municipality_id'))
    .leftJoin('persons as p', (j) => j.onRef('p.id', '=', 'r.person_id').onRef('p.municipality_id', '=', 'r.municipality_id'))
    .select([
      'r.id',
      'r.consultation_id',
      'r.person_id',
      'p.name as person_name',
      'p.alias as person_alias',
      'p.birth_date as person_birth_date',
      'r.from_agency_id',
      'fa.name as from_agency_name',
      'fu.name as from_user_name',
      'r.to_agency_id',
      'ta.name as to_agency_name',
      'r.to_coordination',
      'r.chief_complaint',
      'r.content',
      'r.reason',
      'r.consent_confirmed',
      'r.status',
      'r.sent_at',
      'r.due_at',
      'r.return_reason',
      'r.completion_note',
      'r.version',
      'r.delivery',
      'r.delivered_at',
      'r.delivery_method',
      'r.progress_at',
      'r.progress_due_at',
      'r.answered_at',
      'r.answered_by',
      'r.answer_method',
      'r.answer_result',
      'r.answer_outcome',
    ])
    .where('r.municipality_id', '=', scope.municipalityId);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

/** Why a referral is overdue now, if it is (the SQL twin is `overdueSql`). */
function overdueKindOf(
  r: Pick<Row, 'status' | 'due_at' | 'delivered_at' | 'delivery' | 'progress_due_at'>,
  now = Date.now(),
): ReferralView['overdueKind'] {
  if (r.status === 'sent' && !r.delivered_at && new Date(r.due_at).getTime() < now) return r.delivery === 'offline' ? 'undelivered' : 'unanswered';
  if ((r.status === 'accepted' || r.status === 'in_progress') && r.progress_due_at && new Date(r.progress_due_at).getTime() < now) return 'stalled';
  return null;
}

/**
 * SQL: the referral (alias `r`) is overdue — still 送付 past its due time and
 * not sent on paper (an offline referral whose sheet went out waits for the
 * answer the sender records, and is never overdue), or accepted / 対応中
 * with no progress by its progress due time.
 */
export function overdueSql(alias = 'r') {
  const r = sql.raw(alias);
  return sql<boolean>`((${r}.status = 'sent' and ${r}.delivered_at is null and ${r}.due_at < now())
    or (${r}.status in ('accepted', 'in_progress') and ${r}.progress_due_at < now()))`;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function toView(r: Row, events: ReferralEventView[] = []): ReferralView {
  const overdueKind = overdueKindOf(r);
  return {
    id: r.id,
    consultationId: r.consultation_id,
    person: r.person_id
      ? { id: r.person_id, displayName: displayName({ name: r.person_name, alias: r.person_alias }), birthDate: r.person_birth_date }
      : null,
    fromAgency: { id: r.from_agency_id, name: r.from_agency_name },
    fromUserName: r.from_user_name,
    toAgency: { id: r.to_agency_id, name: r.to_agency_name },
    toCoordination: r.to_coordination,
    chiefComplaint: r.chief_complaint,
    content: r.content,
    reason: r.reason,
    consentConfirmed: r.consent_confirmed,
    status: r.status,
    statusLabel: REFERRAL_STATUS_LABELS[r.status] ?? r.status,
    sentAt: new Date(r.sent_at).toISOString(),
    dueAt: new Date(r.due_at).toISOString(),
    overdue: overdueKind !== null,
    overdueKind,
    progressDueAt: r.status === 'accepted' || r.status === 'in_progress' ? iso(r.progress_due_at) : null,
    lastProgressAt: iso(r.progress_at),
    delivery: r.delivery === 'offline' ? 'offline' : 'online',
    delivered: r.delivered_at ? { at: iso(r.delivered_at)!, method: r.delivery_method ?? '' } : null,
    answer: r.answered_at
      ? {
          at: iso(r.answered_at)!,
          by: r.answered_by ?? '',
          method: r.answer_method ?? '',
          result: r.answer_result ?? '',
          resultLabel: ANSWER_RESULT_LABELS[r.answer_result as 'accepted'] ?? '',
          outcome: r.answer_outcome ?? '',
        }
      : null,
    awaitingAnswer: r.delivery === 'offline' && r.status === 'sent' && !!r.delivered_at,
    returnReason: r.return_reason,
    completionNote: r.completion_note,
    version: r.version,
    events,
    case: null,
  };
}

async function addEvent(scope: Scope, referralId: string, status: string, note: string | null): Promise<number> {
  const ctx = requireUser(scope);
  const last = await scope.trx
    .selectFrom('referral_events')
    .select(({ fn }) => fn.max('seq').as('s'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('referral_id', '=', referralId)
    .executeTakeFirst();
  const seq = Number(last?.s ?? 0) + 1;
  await scope.trx
    .insertInto('referral_events')
    .values({
      municipality_id: scope.municipalityId,
      referral_id: referralId,
      seq,
      status,
      by_user_id: ctx.userId,
      by_agency_id: ctx.agencyId,
      note,
    })
    .execute();
  return seq;
}

async function loadReferral(scope: Scope, id: string): Promise<ReferralView> {
  const row = await baseQuery(scope).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('つなぎ');
  const events = await scope.trx
    .selectFrom('referral_events as e')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'e.by_user_id').onRef('u.municipality_id', '=', 'e.municipality_id'))
    .leftJoin('agencies as a', (j) => j.onRef('a.id', '=', 'e.by_agency_id').onRef('a.municipality_id', '=', 'e.municipality_id'))
    .select(['e.status', 'e.at', 'u.name as user_name', 'a.name as agency_name', 'e.note'])
    .where('e.municipality_id', '=', scope.municipalityId)
    .where('e.referral_id', '=', id)
    .orderBy('e.seq')
    .execute();
  const linked = await scope.trx
    .selectFrom('case_links as l')
    .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'l.municipality_id').onRef('k.id', '=', 'l.case_id'))
    .select(['k.id', 'k.case_no'])
    .where('l.municipality_id', '=', scope.municipalityId)
    .where('l.referral_id', '=', id)
    .where(visibleCasePredicate(scope.ctx, 'k'))
    .executeTakeFirst();
  const view = toView(
    row,
    events.map((e) => ({
      status: e.status,
      statusLabel: REFERRAL_EVENT_LABELS[e.status] ?? e.status,
      at: new Date(e.at).toISOString(),
      byUserName: e.user_name,
      byAgencyName: e.agency_name,
      note: e.note,
    })),
  );
  return { ...view, case: linked ? { id: linked.id, caseNo: linked.case_no } : null };
}

/** Roles whose accounts can act on a referral (管理者 and 監査担当 never see its content). */
const REFERRAL_ROLES = ['intake_clerk', 'promoter', 'coordinator', 'secretariat', 'agency_staff'];

/**
 * "The agency has no accounts in kasane" is decided by the data, at the
 * moment of sending: no active user of the agency in a role that can act on
 * a referral. Such a referral stays `offline` (an account created later
 * does not recall the sheet already on its way) unless the agency, having
 * got an account, acts on it in kasane.
 */
export async function agencyHasAccounts(scope: Pick<Scope, 'trx' | 'municipalityId'>, agencyId: string): Promise<boolean> {
  const row = await scope.trx
    .selectFrom('users')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('agency_id', '=', agencyId)
    .where('active', '=', true)
    .where('role', 'in', REFERRAL_ROLES)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

async function municipalitySettings(scope: Pick<Scope, 'trx' | 'municipalityId'>) {
  return readSettings(
    (await scope.trx.selectFrom('municipalities').select('settings').where('id', '=', scope.municipalityId).executeTakeFirstOrThrow()).settings,
  );
}

export async function createReferral(scope: Scope, input: ReferralInput): Promise<ReferralView> {
  const ctx = requireUser(scope);
  const toAgencyId = input.toCoordination ? await coordinationAgency(scope) : input.toAgencyId!;
  const target = await scope.trx
    .selectFrom('agencies')
    .select(['id', 'name', 'active'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', toAgencyId)
    .executeTakeFirst();
  if (!target || !target.active) throw invalid({ toAgencyId: 'つなぎ先：この自治体の利用中の機関から選んでください' });
  if (toAgencyId === ctx.agencyId) throw invalid({ toAgencyId: 'つなぎ先：自分の機関にはつなげません' });

  let personId = input.personId ?? null;
  if (input.consultationId) {
    const c = await scope.trx
      .selectFrom('consultations as c')
      .select(['c.id', 'c.person_id', sql<boolean>`${fullConsultationPredicate(scope.ctx, 'c')}`.as('full')])
      .where('c.municipality_id', '=', scope.municipalityId)
      .where('c.id', '=', input.consultationId)
      .where(visibleConsultationPredicate(scope.ctx, 'c'))
      .executeTakeFirst();
    if (!c) throw invalid({ consultationId: '元の相談が見つかりません' });
    // Seen only through a referral (masked): passing it on would share more than its sender did.
    if (!c.full) {
      throw invalid({ consultationId: '元の相談：つなぎで共有された相談は、元の相談として指定できません（受付機関に相談してください）' });
    }
    if (personId && c.person_id && personId !== c.person_id) throw invalid({ personId: '本人が元の相談と異なります' });
    personId = personId ?? c.person_id;
  }
  if (personId) {
    await requirePersonAccess(scope, personId, 'full');
    if (!input.consentConfirmed) {
      throw invalid(
        { consentConfirmed: '情報共有の同意確認：本人を特定できる情報をつなぐには、本人の同意が必要です' },
        '本人の同意がないため、本人を特定してつなぐことはできません。同意を記録するか、本人を特定しない（匿名の）つなぎにしてください。',
      );
    }
    const covered = await scope.trx
      .selectFrom('persons as p')
      .select(consentCovers('p', 'agency_sharing', toAgencyId).as('ok'))
      .where('p.municipality_id', '=', scope.municipalityId)
      .where('p.id', '=', personId)
      .executeTakeFirstOrThrow();
    if (!covered.ok) {
      throw new AppError(
        422,
        'consent_required',
        `${target.name}は本人の同意（関係機関への情報提供）の範囲に含まれていません。同意の範囲を確認・記録してからつないでください。`,
        { consentConfirmed: '情報共有の同意確認：つなぎ先が同意の範囲に含まれていません' },
        { personId },
      );
    }
  }
  const settings = await municipalitySettings(scope);
  const delivery = (await agencyHasAccounts(scope, toAgencyId)) ? 'online' : 'offline';
  const id = newId();
  const now = new Date();
  await scope.trx
    .insertInto('referrals')
    .values({
      municipality_id: scope.municipalityId,
      id,
      consultation_id: input.consultationId ?? null,
      person_id: personId,
      from_agency_id: ctx.agencyId,
      from_user_id: ctx.userId,
      to_agency_id: toAgencyId,
      to_coordination: input.toCoordination,
      chief_complaint: input.chiefComplaint,
      content: input.content,
      reason: input.reason,
      consent_confirmed: input.consentConfirmed,
      sent_at: now,
      due_at: addBusinessDays(now, settings.referralAlertBusinessDays, settings.holidays),
      accepted_at: null,
      accepted_by_user_id: null,
      returned_at: null,
      returned_by_user_id: null,
      return_reason: null,
      started_at: null,
      started_by_user_id: null,
      completed_at: null,
      completed_by_user_id: null,
      completion_note: null,
      delivery,
    })
    .execute();
  await addEvent(scope, id, 'sent', null);
  // An agency without accounts reads no お知らせ; the sender prints or faxes the sheet instead.
  if (delivery === 'online') await notify(scope, {
    recipientAgencyId: toAgencyId,
    kind: 'referral_received',
    dedupeKey: `referral:${id}`,
    title: `つなぎが届きました（${ctx.name}から）`,
    body: input.chiefComplaint.slice(0, 100),
    link: `/referrals/${id}`,
  });
  scope.audit('referral.create', { targetType: 'referral', targetId: id, subjectPersonId: personId, details: { toAgencyId, delivery } });
  return loadReferral(scope, id);
}

const ownAgency = (scope: Scope) => (scope.ctx.kind === 'user' ? scope.ctx.agencyId : null);

export async function getReferral(scope: Scope, id: string): Promise<ReferralView> {
  const row = await scope.trx
    .selectFrom('referrals as r')
    .select([
      'r.id',
      'r.person_id',
      sql<boolean>`(r.from_agency_id = ${ownAgency(scope)}::uuid or r.to_agency_id = ${ownAgency(scope)}::uuid)`.as('own'),
    ])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.id', '=', id)
    .where(visibleReferralPredicate(scope.ctx, 'r'))
    .executeTakeFirst();
  if (!row) {
    scope.audit('referral.read', { targetType: 'referral', targetId: id, reason: 'no access' }, 'denied');
    throw notFound('つなぎ');
  }
  scope.audit('referral.read', {
    targetType: 'referral',
    targetId: id,
    subjectPersonId: row.person_id,
    // Otherwise visible only as a referral of a window of the promoter's department.
    ...(row.own ? {} : { reason: 'department window of the promoter', details: { basis: 'promoter_department' } }),
  });
  return loadReferral(scope, id);
}

export async function listReferrals(
  scope: Scope,
  query: { box: 'inbox' | 'outbox' | 'department'; status?: string | undefined; personId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ReferralView> & { counts: Record<string, number> }> {
  const ctx = requireUser(scope);
  let q =
    query.box === 'department'
      ? baseQuery(scope).where(promoterDepartmentReferralPredicate(scope.ctx, 'r'))
      : baseQuery(scope).where(query.box === 'inbox' ? 'r.to_agency_id' : 'r.from_agency_id', '=', ctx.agencyId);
  if (query.status) q = q.where('r.status', '=', query.status);
  if (query.personId) q = q.where('r.person_id', '=', query.personId);
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after) q = q.where(sql<boolean>`(r.sent_at, r.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('r.sent_at', 'desc').orderBy('r.id', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const counts = await referralCounts(scope);
  scope.audit('referral.list', {
    targetType: 'referral',
    details: { box: query.box, count: items.length, ...(query.box === 'department' ? { basis: 'promoter_department' } : {}) },
  });
  const last = items.at(-1);
  return {
    items: items.map((r) => toView(r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([new Date(last.sent_at).toISOString(), last.id]) : null,
    counts: query.box === 'department' ? {} : counts[query.box],
  };
}

/** The statuses the counts cover: referrals still being worked on. */
export const OPEN_REFERRAL_STATUSES = ['sent', 'accepted', 'in_progress'] as const;

/**
 * Inbox and outbox counts per open status (送付・受理・対応中), plus overdue
 * and all open, for the user's agency. Completed and returned referrals are
 * not counted: their number only grows with the years and asks nothing of
 * anyone, and counting them read the agency's whole history on every view
 * (43,000 index entries for the coordinators at 200,000 people).
 */
export async function referralCounts(scope: Scope): Promise<{ inbox: Record<string, number>; outbox: Record<string, number> }> {
  const ctx = requireUser(scope);
  // One aggregate per box, so each reads only the open part of its covering index
  // (referrals_inbox, referrals_outbox: agency, status, …): a referral to the agency
  // is in its inbox, one from it to another agency in its outbox.
  const box = (which: 'inbox' | 'outbox') => {
    const q = scope.trx
      .selectFrom('referrals as r')
      .select([
        sql<string>`${which}::text`.as('box'),
        'r.status',
        sql<number>`count(*)`.as('n'),
        sql<number>`count(*) filter (where ${overdueSql('r')})`.as('overdue'),
      ])
      .where('r.municipality_id', '=', scope.municipalityId)
      .where('r.status', 'in', OPEN_REFERRAL_STATUSES);
    return (
      which === 'inbox'
        ? q.where('r.to_agency_id', '=', ctx.agencyId)
        : q.where('r.from_agency_id', '=', ctx.agencyId).where('r.to_agency_id', '<>', ctx.agencyId)
    ).groupBy('r.status');
  };
  const rows = await box('inbox').unionAll(box('outbox')).execute();
  const empty = () => ({ sent: 0, accepted: 0, in_progress: 0, overdue: 0, open: 0 });
  const result = { inbox: empty(), outbox: empty() } as { inbox: Record<string, number>; outbox: Record<string, number> };
  for (const r of rows) {
    const box = result[r.box as 'inbox' | 'outbox'];
    box[r.status] = Number(r.n);
    box.overdue! += Number(r.overdue);
    box.open! += Number(r.n);
  }
  return result;
}

type Transition = 'accept' | 'return' | 'start' | 'complete';

const ALLOWED: Record<Transition, { from: string[]; to: string; label: string }> = {
  accept: { from: ['sent'], to: 'accepted', label: '受理' },
  return: { from: ['sent'], to: 'returned', label: '差戻し' },
  start: { from: ['accepted'], to: 'in_progress', label: '対応開始' },
  complete: { from: ['accepted', 'in_progress'], to: 'completed', label: '完了' },
};

export async function transitionReferral(
  scope: Scope,
  id: string,
  action: Transition,
  options: { note?: string | null | undefined; version?: number | undefined } = {},
): Promise<ReferralView> {
  const ctx = requireUser(scope);
  const row = await scope.trx
    .selectFrom('referrals')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row || (row.to_agency_id !== ctx.agencyId && row.from_agency_id !== ctx.agencyId)) {
    scope.audit(`referral.${action}`, { targetType: 'referral', targetId: id, reason: 'no access' }, 'denied');
    throw notFound('つなぎ');
  }
  if (row.to_agency_id !== ctx.agencyId) {
    scope.deny('only the receiving agency changes the status', 'つなぎの状態を変更できるのは、つなぎ先の機関だけです。');
  }
  if (options.version !== undefined && options.version !== row.version) {
    throw conflict('ほかの方がこのつなぎを先に更新しました。最新の状態を確認してください。', { current: await loadReferral(scope, id) });
  }
  const rule = ALLOWED[action];
  if (!rule.from.includes(row.status)) {
    throw new AppError(
      409,
      'invalid_transition',
      `「${REFERRAL_STATUS_LABELS[row.status]}」のつなぎは${rule.label}できません。`,
      {},
      { current: await loadReferral(scope, id) },
    );
  }
  const now = new Date();
  const set: Record<string, unknown> = { status: rule.to, version: row.version + 1 };
  // A status change is progress: accepted and 対応中 referrals are due for the next one; a closed one is due for none.
  if (rule.to === 'accepted' || rule.to === 'in_progress') {
    const settings = await municipalitySettings(scope);
    Object.assign(set, { progress_at: now, progress_due_at: addBusinessDays(now, settings.referralStallBusinessDays, settings.holidays) });
  } else {
    Object.assign(set, { progress_due_at: null });
  }
  // The agency acted in kasane: whatever was decided at sending, it is online now.
  if (row.delivery === 'offline') Object.assign(set, { delivery: 'online' });
  if (action === 'accept') Object.assign(set, { accepted_at: now, accepted_by_user_id: ctx.userId });
  if (action === 'return') Object.assign(set, { returned_at: now, returned_by_user_id: ctx.userId, return_reason: options.note });
  if (action === 'start') Object.assign(set, { started_at: now, started_by_user_id: ctx.userId });
  if (action === 'complete') Object.assign(set, { completed_at: now, completed_by_user_id: ctx.userId, completion_note: options.note ?? null });
  await scope.trx.updateTable('referrals').set(set).where('municipality_id', '=', scope.municipalityId).where('id', '=', id).execute();
  await addEvent(scope, id, rule.to, options.note ?? null);
  await notify(scope, {
    recipientAgencyId: row.from_agency_id,
    kind: `referral_${rule.to}`,
    dedupeKey: `referral:${id}:${rule.to}`,
    title: `送ったつなぎが「${REFERRAL_STATUS_LABELS[rule.to]}」になりました`,
    body: action === 'return' ? `差戻しの理由：${options.note ?? ''}` : row.chief_complaint.slice(0, 100),
    link: `/referrals/${id}`,
  });
  scope.audit(`referral.${action}`, { targetType: 'referral', targetId: id, subjectPersonId: row.person_id, reason: options.note ?? null });
  return loadReferral(scope, id);
}

/** The referral row for a write by the agency that `side` names, locked; 404 to anyone else (audited). */
async function lockForWrite(scope: Scope, id: string, action: string, side: 'to' | 'from') {
  const ctx = requireUser(scope);
  const row = await scope.trx
    .selectFrom('referrals')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row || (row.to_agency_id !== ctx.agencyId && row.from_agency_id !== ctx.agencyId)) {
    scope.audit(action, { targetType: 'referral', targetId: id, reason: 'no access' }, 'denied');
    throw notFound('つなぎ');
  }
  if (side === 'to' && row.to_agency_id !== ctx.agencyId) {
    scope.deny('only the receiving agency records progress', '経過を記録できるのは、つなぎ先の機関だけです。');
  }
  if (side === 'from' && row.from_agency_id !== ctx.agencyId) {
    scope.deny('only the sending agency records an offline delivery or answer', '紙・FAXでの送付と回答を記録できるのは、つないだ機関だけです。');
  }
  return row;
}

async function refused(scope: Scope, id: string, message: string): Promise<never> {
  throw new AppError(409, 'invalid_transition', message, {}, { current: await loadReferral(scope, id) });
}

/**
 * 経過の記録: the receiving agency notes progress on an accepted or 対応中
 * referral. Progress resets the stall alert: the referral is due for the
 * next progress N business days from now.
 */
export async function addProgressNote(scope: Scope, id: string, input: { note: string; version?: number | undefined }): Promise<ReferralView> {
  const row = await lockForWrite(scope, id, 'referral.progress', 'to');
  if (input.version !== undefined && input.version !== row.version) {
    throw conflict('ほかの方がこのつなぎを先に更新しました。最新の状態を確認してください。', { current: await loadReferral(scope, id) });
  }
  if (row.status !== 'accepted' && row.status !== 'in_progress') {
    await refused(scope, id, `「${REFERRAL_STATUS_LABELS[row.status]}」のつなぎには経過を記録できません（受理・対応中のつなぎに記録します）。`);
  }
  const settings = await municipalitySettings(scope);
  const now = new Date();
  await scope.trx
    .updateTable('referrals')
    .set({
      version: row.version + 1,
      progress_at: now,
      progress_due_at: addBusinessDays(now, settings.referralStallBusinessDays, settings.holidays),
      ...(row.delivery === 'offline' ? { delivery: 'online' } : {}),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  const seq = await addEvent(scope, id, 'progress', input.note);
  await notify(scope, {
    recipientAgencyId: row.from_agency_id,
    kind: 'referral_progress',
    dedupeKey: `referral:${id}:progress:${seq}`,
    title: '送ったつなぎに経過が記録されました',
    body: input.note.slice(0, 100),
    link: `/referrals/${id}`,
  });
  scope.audit('referral.progress', { targetType: 'referral', targetId: id, subjectPersonId: row.person_id });
  return loadReferral(scope, id);
}

/**
 * 送付の記録: the sender of an offline referral (the agency has no accounts)
 * records that the printed sheet went out by FAX, post or by hand. From then
 * on the referral waits for the answer the sender records: no overdue rule,
 * no alert, a task to record the answer instead.
 */
export async function recordDelivery(scope: Scope, id: string, input: z.infer<typeof deliverySchema>): Promise<ReferralView> {
  const ctx = requireUser(scope);
  const row = await lockForWrite(scope, id, 'referral.deliver', 'from');
  if (row.delivery !== 'offline') await refused(scope, id, 'このつなぎはつなぎ先が kasane で受け取ります。紙・FAXでの送付の記録は要りません。');
  if (row.status !== 'sent') await refused(scope, id, `「${REFERRAL_STATUS_LABELS[row.status]}」のつなぎの送付は記録できません。`);
  if (row.delivered_at) await refused(scope, id, 'このつなぎの送付はすでに記録されています。');
  const at = input.deliveredAt ? new Date(input.deliveredAt) : new Date();
  if (at.getTime() < new Date(row.sent_at).getTime() - 60_000) {
    throw invalid({ deliveredAt: '送付日時：つなぎを作成した日時より前にはできません' });
  }
  await scope.trx
    .updateTable('referrals')
    .set({ version: row.version + 1, delivered_at: at, delivered_by_user_id: ctx.userId, delivery_method: input.method })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  await addEvent(scope, id, 'delivered', [input.method, input.note].filter(Boolean).join('：'));
  scope.audit('referral.deliver', { targetType: 'referral', targetId: id, subjectPersonId: row.person_id, details: { method: input.method } });
  return loadReferral(scope, id);
}

/**
 * 回答の記録: the sender records the offline agency's answer — who
 * answered, when, by what means (電話 / FAX / 郵送 / 面談) and the outcome.
 * That closes the loop: 引き受けてもらえた → 完了, 引き受けてもらえなかった →
 * 差戻し with the outcome as the reason.
 */
export async function recordAnswer(scope: Scope, id: string, input: z.infer<typeof answerSchema>): Promise<ReferralView> {
  const ctx = requireUser(scope);
  const row = await lockForWrite(scope, id, 'referral.answer', 'from');
  if (row.delivery !== 'offline') await refused(scope, id, 'このつなぎはつなぎ先が kasane で回答します。回答の記録は要りません。');
  if (row.status !== 'sent') await refused(scope, id, `「${REFERRAL_STATUS_LABELS[row.status]}」のつなぎには回答を記録できません。`);
  if (!row.delivered_at) await refused(scope, id, '先に、紙・FAXで送付したことを記録してください。');
  const at = new Date(input.answeredAt);
  if (at.getTime() < new Date(row.delivered_at!).getTime() - 60_000) {
    throw invalid({ answeredAt: '回答日時：送付した日時より前にはできません' });
  }
  const now = new Date();
  const accepted = input.result === 'accepted';
  await scope.trx
    .updateTable('referrals')
    .set({
      version: row.version + 1,
      status: accepted ? 'completed' : 'returned',
      answered_at: at,
      answered_by: input.answeredBy,
      answer_method: input.method,
      answer_result: input.result,
      answer_outcome: input.outcome,
      answer_recorded_by_user_id: ctx.userId,
      ...(accepted
        ? { completed_at: now, completed_by_user_id: ctx.userId, completion_note: input.outcome }
        : { returned_at: now, returned_by_user_id: ctx.userId, return_reason: input.outcome }),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  await addEvent(scope, id, 'answered', `${input.answeredBy}（${input.method}）：${ANSWER_RESULT_LABELS[input.result]}。${input.outcome}`);
  await addEvent(scope, id, accepted ? 'completed' : 'returned', input.outcome);
  scope.audit('referral.answer', { targetType: 'referral', targetId: id, subjectPersonId: row.person_id, details: { method: input.method, result: input.result } });
  return loadReferral(scope, id);
}

/**
 * Alert job (the closed loop): one alert per referral and deadline, to the
 * receiving agency (when it has accounts), the sender, and the 推進員 and
 * 事務局 —
 *  - not accepted (or, offline, the sheet not sent) by its due time;
 *  - accepted or 対応中 with no progress by its progress due time; progress
 *    moves that time, so a referral that stalls again alerts again.
 * An offline referral whose sheet went out raises none: it waits for the
 * answer the sender records (a task in わたしの仕事).
 */
/**
 * Accepted / 対応中 referrals written without a progress deadline (the demo
 * generator's COPY, a script, rows older than the rule) get one, counted
 * from their last progress — the later of acceptance, start and the last
 * event. Run by the alert job before it looks for stalled referrals, so no
 * writer can leave a referral that never stalls. Returns the rows filled.
 */
export async function fillProgressDeadlines(scope: Pick<Scope, 'trx' | 'municipalityId'>): Promise<number> {
  const rows = await sql<{ id: string; at: Date }>`
    select r.id,
           greatest(r.accepted_at, r.started_at, r.sent_at,
                    (select max(e.at) from referral_events e where e.municipality_id = r.municipality_id and e.referral_id = r.id)) as at
    from referrals r
    where r.municipality_id = ${scope.municipalityId}::uuid and r.status in ('accepted', 'in_progress') and r.progress_due_at is null
    limit 5000`.execute(scope.trx);
  if (!rows.rows.length) return 0;
  const settings = await municipalitySettings(scope);
  const values = rows.rows.map(
    (r) =>
      sql`(${r.id}::uuid, ${new Date(r.at)}::timestamptz, ${addBusinessDays(new Date(r.at), settings.referralStallBusinessDays, settings.holidays)}::timestamptz)`,
  );
  await sql`
    update referrals r set progress_at = coalesce(r.progress_at, v.at), progress_due_at = v.due
    from (values ${sql.join(values)}) as v(id, at, due)
    where r.municipality_id = ${scope.municipalityId}::uuid and r.id = v.id and r.progress_due_at is null`.execute(scope.trx);
  return rows.rows.length;
}

export async function raiseOverdueReferralAlerts(scope: Pick<Scope, 'trx' | 'municipalityId'>, now = new Date()): Promise<number> {
  await fillProgressDeadlines(scope);
  const unalerted = (key: RawBuilder<string>) => sql<boolean>`not exists (
    select 1 from notifications n where n.municipality_id = r.municipality_id and n.dedupe_key = ${key})`;
  const stallKey = sql<string>`'stalled:' || r.id::text || ':' || floor(extract(epoch from r.progress_due_at) * 1000)::bigint::text`;
  const base = () =>
    scope.trx
      .selectFrom('referrals as r')
      .innerJoin('agencies as ta', (j) => j.onRef('ta.id', '=', 'r.to_agency_id').onRef('ta.municipality_id', '=', 'r.municipality_id'))
      .innerJoin('agencies as fa', (j) => j.onRef('fa.id', '=', 'r.from_agency_id').onRef('fa.municipality_id', '=', 'r.municipality_id'))
      .select(['r.id', 'r.to_agency_id', 'r.from_agency_id', 'ta.name as to_name', 'fa.name as from_name', 'r.sent_at', 'r.delivery', 'r.progress_at', 'r.progress_due_at'])
      .where('r.municipality_id', '=', scope.municipalityId);
  const unanswered = await base()
    .where('r.status', '=', 'sent')
    .where('r.due_at', '<', now)
    .where('r.delivered_at', 'is', null)
    .where(unalerted(sql<string>`'overdue:' || r.id::text`))
    .execute();
  const stalled = await base()
    .where('r.status', 'in', ['accepted', 'in_progress'])
    .where('r.progress_due_at', '<', now)
    .where(unalerted(stallKey))
    .execute();
  const settings = stalled.length ? await municipalitySettings(scope) : null;
  const send = async (r: (typeof unanswered)[number], alert: { dedupeKey: string; title: string; body: string }) => {
    const n = { kind: 'referral_overdue', link: `/referrals/${r.id}`, ...alert };
    if (r.delivery === 'online') await notify(scope, { ...n, recipientAgencyId: r.to_agency_id });
    await notify(scope, { ...n, recipientAgencyId: r.from_agency_id });
    await notify(scope, { ...n, recipientRole: 'promoter' });
    await notify(scope, { ...n, recipientRole: 'secretariat' });
  };
  for (const r of unanswered) {
    const sent = `送付日時：${formatDate(new Date(r.sent_at))}。`;
    await send(
      r,
      r.delivery === 'offline'
        ? {
            dedupeKey: `overdue:${r.id}`,
            title: `紙・FAXで送るつなぎの送付が記録されていません（${r.from_name} → ${r.to_name}）`,
            body: `${sent}${r.to_name}は kasane を使っていません。共通様式を印刷してFAX・郵送・持参で送り、送付を記録してください。`,
          }
        : {
            dedupeKey: `overdue:${r.id}`,
            title: `つなぎが期限までに受理されていません（${r.from_name} → ${r.to_name}）`,
            body: `${sent}受理または差戻しの対応を確認してください。`,
          },
    );
  }
  for (const r of stalled) {
    const last = r.progress_at ? formatDate(new Date(r.progress_at)) : formatDate(new Date(r.sent_at));
    await send(r, {
      dedupeKey: `stalled:${r.id}:${Math.floor(new Date(r.progress_due_at!).getTime())}`,
      title: `つなぎの対応が止まっています（${r.from_name} → ${r.to_name}）`,
      body: `最後の経過：${last}。${settings!.referralStallBusinessDays}営業日、経過の記録も状態の更新もありません。経過を記録するか、完了にしてください。`,
    });
  }
  return unanswered.length + stalled.length;
}
