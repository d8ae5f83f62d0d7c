import { sql } from 'kysely';
import { requireUser, type Scope } from '../access/gateway.ts';
import { visibleCasePredicate } from '../access/case-access.ts';
import { consentCovers, fullConsultationPredicate, visibleConsultationPredicate, visibleReferralPredicate } from '../access/person-access.ts';
import { readSettings } from '../municipalities/settings.ts';
import { notify } from '../notifications/service.ts';
import { displayName, requirePersonAccess } from '../people/service.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { addBusinessDays } from '../shared/business-days.ts';
import { newId } from '../shared/ids.ts';
import { REFERRAL_STATUS_LABELS } from '../shared/issues.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import type { ReferralInput } from './schema.ts';

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
  overdue: boolean;
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
    ])
    .where('r.municipality_id', '=', scope.municipalityId);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(r: Row, events: ReferralEventView[] = []): ReferralView {
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
    overdue: r.status === 'sent' && new Date(r.due_at).getTime() < Date.now(),
    returnReason: r.return_reason,
    completionNote: r.completion_note,
    version: r.version,
    events,
    case: null,
  };
}

async function addEvent(scope: Scope, referralId: string, status: string, note: string | null) {
  const ctx = requireUser(scope);
  const last = await scope.trx
    .selectFrom('referral_events')
    .select(({ fn }) => fn.max('seq').as('s'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('referral_id', '=', referralId)
    .executeTakeFirst();
  await scope.trx
    .insertInto('referral_events')
    .values({
      municipality_id: scope.municipalityId,
      referral_id: referralId,
      seq: Number(last?.s ?? 0) + 1,
      status,
      by_user_id: ctx.userId,
      by_agency_id: ctx.agencyId,
      note,
    })
    .execute();
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
      statusLabel: REFERRAL_STATUS_LABELS[e.status] ?? e.status,
      at: new Date(e.at).toISOString(),
      byUserName: e.user_name,
      byAgencyName: e.agency_name,
      note: e.note,
    })),
  );
  return { ...view, case: linked ? { id: linked.id, caseNo: linked.case_no } : null };
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
  const settings = readSettings(
    (await scope.trx.selectFrom('municipalities').select('settings').where('id', '=', scope.municipalityId).executeTakeFirstOrThrow()).settings,
  );
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
    })
    .execute();
  await addEvent(scope, id, 'sent', null);
  await notify(scope, {
    recipientAgencyId: toAgencyId,
    kind: 'referral_received',
    dedupeKey: `referral:${id}`,
    title: `つなぎが届きました（${ctx.name}から）`,
    body: input.chiefComplaint.slice(0, 100),
    link: `/referrals/${id}`,
  });
  scope.audit('referral.create', { targetType: 'referral', targetId: id, subjectPersonId: personId, details: { toAgencyId } });
  return loadReferral(scope, id);
}

export async function getReferral(scope: Scope, id: string): Promise<ReferralView> {
  const row = await scope.trx
    .selectFrom('referrals as r')
    .select(['r.id', 'r.person_id'])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.id', '=', id)
    .where(visibleReferralPredicate(scope.ctx, 'r'))
    .executeTakeFirst();
  if (!row) {
    scope.audit('referral.read', { targetType: 'referral', targetId: id, reason: 'no access' }, 'denied');
    throw notFound('つなぎ');
  }
  scope.audit('referral.read', { targetType: 'referral', targetId: id, subjectPersonId: row.person_id });
  return loadReferral(scope, id);
}

export async function listReferrals(
  scope: Scope,
  query: { box: 'inbox' | 'outbox'; status?: string | undefined; personId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ReferralView> & { counts: Record<string, number> }> {
  const ctx = requireUser(scope);
  const column = query.box === 'inbox' ? 'r.to_agency_id' : 'r.from_agency_id';
  let q = baseQuery(scope).where(column, '=', ctx.agencyId);
  if (query.status) q = q.where('r.status', '=', query.status);
  if (query.personId) q = q.where('r.person_id', '=', query.personId);
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after) q = q.where(sql<boolean>`(r.sent_at, r.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('r.sent_at', 'desc').orderBy('r.id', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const counts = await referralCounts(scope);
  scope.audit('referral.list', { targetType: 'referral', details: { box: query.box, count: items.length } });
  const last = items.at(-1);
  return {
    items: items.map((r) => toView(r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([new Date(last.sent_at).toISOString(), last.id]) : null,
    counts: counts[query.box],
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
        sql<number>`count(*) filter (where r.status = 'sent' and r.due_at < now())`.as('overdue'),
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

/**
 * Alert job: referrals not accepted by their due time raise one alert each
 * to the receiving agency, the sender, and the 推進員 and 事務局.
 */
export async function raiseOverdueReferralAlerts(scope: Pick<Scope, 'trx' | 'municipalityId'>, now = new Date()): Promise<number> {
  const overdue = await scope.trx
    .selectFrom('referrals as r')
    .innerJoin('agencies as ta', (j) => j.onRef('ta.id', '=', 'r.to_agency_id').onRef('ta.municipality_id', '=', 'r.municipality_id'))
    .innerJoin('agencies as fa', (j) => j.onRef('fa.id', '=', 'r.from_agency_id').onRef('fa.municipality_id', '=', 'r.municipality_id'))
    .select(['r.id', 'r.to_agency_id', 'r.from_agency_id', 'ta.name as to_name', 'fa.name as from_name', 'r.sent_at'])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.status', '=', 'sent')
    .where('r.due_at', '<', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notifications as n')
            .select('n.id')
            .whereRef('n.municipality_id', '=', 'r.municipality_id')
            .where('n.dedupe_key', '=', sql<string>`'overdue:' || r.id::text`),
        ),
      ),
    )
    .execute();
  for (const r of overdue) {
    const title = `つなぎが期限までに受理されていません（${r.from_name} → ${r.to_name}）`;
    const body = `送付日時：${new Date(r.sent_at).toISOString().slice(0, 10)}。受理または差戻しの対応を確認してください。`;
    const base = { kind: 'referral_overdue', dedupeKey: `overdue:${r.id}`, title, body, link: `/referrals/${r.id}` };
    await notify(scope, { ...base, recipientAgencyId: r.to_agency_id });
    await notify(scope, { ...base, recipientAgencyId: r.from_agency_id });
    await notify(scope, { ...base, recipientRole: 'promoter' });
    await notify(scope, { ...base, recipientRole: 'secretariat' });
  }
  return overdue.length;
}
