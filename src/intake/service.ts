import { sql } from 'kysely';
import { requireUser, type Scope } from '../access/gateway.ts';
import { checkConsentAgencies, insertConsentVersion } from '../consents/service.ts';
import {
  basisReferralCondition,
  consentCovers,
  consultationPersonShownPredicate,
  fullConsultationPredicate,
  promoterDepartmentConsultationPredicate,
  visibleConsultationPredicate,
} from '../access/person-access.ts';
import { notify } from '../notifications/service.ts';
import { createPerson, displayName, requirePersonAccess } from '../people/service.ts';
import { AppError, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { REFERRAL_STATUS_LABELS } from '../shared/issues.ts';
import { assertConsentPurposeOffered, assertIssuesOffered } from '../municipalities/taxonomy.ts';
import type { ConsultationInput } from './schema.ts';

export interface ConsultationView {
  id: string;
  receivedAt: string;
  agency: { id: string; name: string };
  receivedBy: { id: string; name: string | null };
  channel: string;
  consulterType: string;
  consulterRelation: string | null;
  consulterName: string | null;
  anonymous: boolean;
  person: { id: string; displayName: string } | null;
  householdId: string | null;
  subjectSummary: string | null;
  chiefComplaint: string;
  content: string;
  issues: string[];
  primaryIssue: string | null;
  urgency: string;
  urgentFlags: string[];
  response: string;
  consentStatus: string;
  version: number;
  referrals: { id: string; toAgencyName: string; status: string; statusLabel: string; sentAt: string }[];
  /**
   * True: the viewer sees this consultation only through a referral (つなぎ)
   * its agency sent or received, so it is masked to what that referral
   * shares — its 主訴 and 相談内容, the person only when the referral names
   * them, no 相談者 name, household or summary of the person, and only the
   * referrals the agency took part in.
   */
  masked: boolean;
  /**
   * Why the viewer sees it: the agency recorded it, the person's consent,
   * an emergency grant, an urgent consultation (緊急; coordinators and 事務局),
   * or a referral (masked).
   */
  basis: ConsultationBasis;
  /** The referral whose content a masked view shows. */
  sharedThrough: { referralId: string; fromAgencyName: string; toAgencyName: string; sentAt: string } | null;
}

export type ConsultationBasis = 'agency' | 'consent' | 'emergency' | 'urgent' | 'referral';

function baseQuery(scope: Scope) {
  const ctx = scope.ctx;
  const agencyId = ctx.kind === 'user' ? ctx.agencyId : null;
  const userId = ctx.kind === 'user' ? ctx.userId : null;
  return scope.trx
    .selectFrom('consultations as c')
    .innerJoin('agencies as a', (j) => j.onRef('a.id', '=', 'c.agency_id').onRef('a.municipality_id', '=', 'c.municipality_id'))
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'c.received_by_user_id').onRef('u.municipality_id', '=', 'c.municipality_id'))
    .leftJoin('persons as p', (j) => j.onRef('p.id', '=', 'c.person_id').onRef('p.municipality_id', '=', 'c.municipality_id'))
    .select([
      'c.id',
      'c.received_at',
      'c.agency_id',
      'a.name as agency_name',
      'c.received_by_user_id',
      'u.name as user_name',
      'c.channel',
      'c.consulter_type',
      'c.consulter_relation',
      'c.consulter_name',
      'c.anonymous',
      'c.person_id',
      'p.name as person_name',
      'p.alias as person_alias',
      'c.household_id',
      'c.subject_summary',
      'c.chief_complaint',
      'c.content',
      'c.issues',
      'c.primary_issue',
      'c.urgency',
      'c.urgent_flags',
      'c.response',
      'c.consent_status',
      'c.version',
      sql<boolean>`${fullConsultationPredicate(ctx, 'c')}`.as('full_view'),
      sql<boolean>`(c.agency_id = ${agencyId}::uuid)`.as('own_agency'),
      // Which basis, for the label only (and not computed for the agency's own consultations).
      sql<boolean>`(case when c.agency_id = ${agencyId}::uuid or p.id is null then false
        else ${consentCovers('p', 'agency_sharing', agencyId)} end)`.as('by_consent'),
    ])
    .select(
      sql<boolean>`(case when c.agency_id = ${agencyId}::uuid or p.id is null then false
        else exists (select 1 from emergency_grants g
          where g.municipality_id = p.municipality_id and g.person_id = p.id and g.user_id = ${userId}::uuid and g.expires_at > now()) end)`.as('by_emergency'),
    )
    .where('c.municipality_id', '=', scope.municipalityId);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

type ReferralItem = ConsultationView['referrals'][number];

function toView(r: Row, referrals: ReferralItem[] = [], urgent = false): ConsultationView {
  return {
    id: r.id,
    receivedAt: new Date(r.received_at).toISOString(),
    agency: { id: r.agency_id, name: r.agency_name },
    receivedBy: { id: r.received_by_user_id, name: r.user_name },
    channel: r.channel,
    consulterType: r.consulter_type,
    consulterRelation: r.consulter_relation,
    consulterName: r.consulter_name,
    anonymous: r.anonymous,
    person: r.person_id ? { id: r.person_id, displayName: displayName({ name: r.person_name, alias: r.person_alias }) } : null,
    householdId: r.household_id,
    subjectSummary: r.subject_summary,
    chiefComplaint: r.chief_complaint,
    content: r.content,
    issues: r.issues,
    primaryIssue: r.primary_issue,
    urgency: r.urgency,
    urgentFlags: r.urgent_flags,
    response: r.response,
    consentStatus: r.consent_status,
    version: r.version,
    referrals,
    masked: false,
    basis: r.own_agency ? 'agency' : r.by_consent ? 'consent' : r.by_emergency ? 'emergency' : urgent ? 'urgent' : 'referral',
    sharedThrough: null,
  };
}

interface BasisReferral {
  id: string;
  consultation_id: string;
  person_id: string | null;
  chief_complaint: string;
  content: string;
  sent_at: Date | string;
  status: string;
  from_name: string;
  to_name: string;
}

/**
 * The referrals through which the viewer sees each of the given consultations
 * (sent or received by its agency, not returned), newest first.
 */
async function basisReferrals(scope: Scope, consultationIds: string[]): Promise<Map<string, BasisReferral[]>> {
  const byConsultation = new Map<string, BasisReferral[]>();
  if (consultationIds.length === 0) return byConsultation;
  const rows = await scope.trx
    .selectFrom('consultations as c')
    .innerJoin('referrals as r', (j) => j.on(basisReferralCondition(scope.ctx, 'c', 'r')))
    .innerJoin('agencies as fa', (j) => j.onRef('fa.id', '=', 'r.from_agency_id').onRef('fa.municipality_id', '=', 'r.municipality_id'))
    .innerJoin('agencies as ta', (j) => j.onRef('ta.id', '=', 'r.to_agency_id').onRef('ta.municipality_id', '=', 'r.municipality_id'))
    .select(['r.id', 'r.consultation_id', 'r.person_id', 'r.chief_complaint', 'r.content', 'r.sent_at', 'r.status', 'fa.name as from_name', 'ta.name as to_name'])
    .where('c.municipality_id', '=', scope.municipalityId)
    .where('c.id', 'in', consultationIds)
    .orderBy('r.sent_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  for (const r of rows) {
    const list = byConsultation.get(r.consultation_id!) ?? [];
    list.push(r as BasisReferral);
    byConsultation.set(r.consultation_id!, list);
  }
  return byConsultation;
}

/**
 * The masked view of a consultation seen only through a referral: what the
 * sender chose to share. The person appears only when a referral names the
 * same person (identity only, as at the 'referral' person-access level);
 * the free text is the referral's; the consulter's name, the household and
 * the summary of the person are never shown; only the agency's own referrals
 * are listed.
 */
function maskedView(r: Row, basis: BasisReferral[]): ConsultationView {
  const naming = basis.find((b) => b.person_id !== null && b.person_id === r.person_id);
  const shown = naming ?? basis[0];
  const full = toView(r);
  return {
    ...full,
    consulterRelation: null,
    consulterName: null,
    person: naming ? full.person : null,
    householdId: null,
    subjectSummary: null,
    chiefComplaint: shown?.chief_complaint ?? '',
    content: shown?.content ?? '',
    referrals: basis
      .map((b) => ({
        id: b.id,
        toAgencyName: b.to_name,
        status: b.status,
        statusLabel: REFERRAL_STATUS_LABELS[b.status] ?? b.status,
        sentAt: new Date(b.sent_at).toISOString(),
      }))
      .reverse(),
    masked: true,
    basis: 'referral',
    sharedThrough: shown
      ? { referralId: shown.id, fromAgencyName: shown.from_name, toAgencyName: shown.to_name, sentAt: new Date(shown.sent_at).toISOString() }
      : null,
  };
}

/** Views of the rows: in full where the viewer may see them in full (or `urgent`), else masked. */
async function viewsOf(scope: Scope, rows: Row[], urgent = false): Promise<ConsultationView[]> {
  const masked = rows.filter((r) => !r.full_view && !urgent).map((r) => r.id);
  const basis = await basisReferrals(scope, masked);
  return rows.map((r) => (r.full_view || urgent ? toView(r, [], urgent) : maskedView(r, basis.get(r.id) ?? [])));
}

export async function createConsultation(scope: Scope, input: ConsultationInput): Promise<ConsultationView> {
  const ctx = requireUser(scope);
  await assertIssuesOffered(scope, input.issues, input.primaryIssue);
  for (const purpose of input.consent?.purposes ?? []) await assertConsentPurposeOffered(scope, purpose, 'consent.purposes');
  let personId = input.personId ?? null;
  if (input.newPerson) {
    const created = await createPerson(scope, input.newPerson);
    if (!('person' in created)) throw new AppError(409, 'possible_duplicates', '同じ人が既に登録されている可能性があります。');
    personId = created.person.id;
  } else if (personId) {
    await requirePersonAccess(scope, personId);
  }
  if (input.householdId) {
    const member = personId
      ? await scope.trx
          .selectFrom('household_members')
          .select('person_id')
          .where('municipality_id', '=', scope.municipalityId)
          .where('household_id', '=', input.householdId)
          .where('person_id', '=', personId)
          .executeTakeFirst()
      : null;
    if (!member) throw invalid({ householdId: '世帯：本人が世帯員になっている世帯を選んでください' });
  }
  const agencyIds = input.consent?.scopeKind === 'listed' ? await checkConsentAgencies(scope, input.consent.agencyIds, 'consent.agencyIds') : [];
  const id = newId();
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : new Date();
  const urgency = input.urgentFlags.length ? '緊急' : input.urgency;
  await scope.trx
    .insertInto('consultations')
    .values({
      municipality_id: scope.municipalityId,
      id,
      received_at: receivedAt,
      agency_id: ctx.agencyId,
      received_by_user_id: ctx.userId,
      channel: input.channel,
      consulter_type: input.consulterType,
      consulter_relation: input.consulterRelation || null,
      consulter_name: input.consulterName || null,
      anonymous: input.anonymous,
      person_id: personId,
      household_id: input.householdId ?? null,
      subject_summary: input.subjectSummary || null,
      chief_complaint: input.chiefComplaint,
      content: input.content,
      issues: input.issues,
      primary_issue: input.primaryIssue ?? null,
      urgency,
      urgent_flags: input.urgentFlags,
      response: input.response,
      consent_status: input.consentStatus,
      updated_at: new Date(),
    })
    .execute();

  if (personId && input.consent && (input.consentStatus === 'あり' || input.consentStatus === 'なし')) {
    const decision = input.consentStatus === 'あり' ? 'granted' : 'refused';
    const day = new Date(receivedAt.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    for (const purpose of input.consent.purposes) {
      await insertConsentVersion(scope, {
        personId,
        purpose,
        decision,
        scopeKind: input.consent.scopeKind,
        agencyIds,
        consentedOn: day,
        method: input.consent.method,
        note: '相談受付時に確認',
      });
    }
  }

  if (urgency === '緊急') {
    const flags = input.urgentFlags.length ? input.urgentFlags.join('・') : '緊急';
    const agency = await scope.trx
      .selectFrom('agencies')
      .select('name')
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', ctx.agencyId)
      .executeTakeFirst();
    for (const role of ['coordinator', 'secretariat']) {
      await notify(scope, {
        recipientRole: role,
        kind: 'urgent_consultation',
        dedupeKey: `urgent:${id}`,
        title: `緊急の相談を受け付けました（${flags}）`,
        // No free text here: the chief complaint may name people, and this goes to every coordinator.
        body: `${agency?.name ?? '受付機関'}の${ctx.name}さんが緊急の兆候（${flags}）のある相談を受け付けました。至急、受付機関と連絡を取り、状況を確認してください。`,
        link: `/consultations/${id}`,
      });
    }
  }
  scope.audit('consultation.create', {
    targetType: 'consultation',
    targetId: id,
    subjectPersonId: personId,
    details: { urgency, anonymous: input.anonymous },
  });
  return getConsultationIn(scope, id);
}

async function getConsultationIn(scope: Scope, id: string, urgent = false): Promise<ConsultationView> {
  const row = await baseQuery(scope).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('相談の記録');
  const [view] = await viewsOf(scope, [row], urgent);
  if (view!.masked) return view!;
  const referrals = await scope.trx
    .selectFrom('referrals as r')
    .innerJoin('agencies as a', (j) => j.onRef('a.id', '=', 'r.to_agency_id').onRef('a.municipality_id', '=', 'r.municipality_id'))
    .select(['r.id', 'a.name', 'r.status', 'r.sent_at'])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.consultation_id', '=', id)
    .orderBy('r.sent_at')
    .execute();
  return {
    ...view!,
    referrals: referrals.map((r) => ({
      id: r.id,
      toAgencyName: r.name,
      status: r.status,
      statusLabel: REFERRAL_STATUS_LABELS[r.status] ?? r.status,
      sentAt: new Date(r.sent_at).toISOString(),
    })),
  };
}

/** Roles alerted to urgent consultations (希死念慮, 虐待, DV with danger), who must be able to open them. */
const URGENT_READERS = new Set(['coordinator', 'secretariat']);

/**
 * One consultation, if the user may see it. Besides the consent rules, the
 * coordinators and the 事務局 — whom an urgent intake alerts — may open an
 * urgent (緊急) consultation: sharing to protect life or body needs no
 * consent (個人情報保護法 第27条第1項第2号). Such reads are audited with that basis.
 */
export async function getConsultation(scope: Scope, id: string): Promise<ConsultationView> {
  const urgentReader = scope.ctx.kind === 'user' && URGENT_READERS.has(scope.ctx.role);
  const visible = await scope.trx
    .selectFrom('consultations as c')
    .select([
      'c.id',
      'c.person_id',
      'c.urgency',
      sql<boolean>`${visibleConsultationPredicate(scope.ctx, 'c')}`.as('by_rule'),
      sql<boolean>`(${promoterDepartmentConsultationPredicate(scope.ctx, 'c')} and c.agency_id <> ${scope.ctx.kind === 'user' ? scope.ctx.agencyId : null}::uuid)`.as(
        'by_department',
      ),
      sql<boolean>`${fullConsultationPredicate(scope.ctx, 'c')}`.as('full'),
    ])
    .where('c.municipality_id', '=', scope.municipalityId)
    .where('c.id', '=', id)
    .where((eb) =>
      urgentReader ? eb.or([visibleConsultationPredicate(scope.ctx, 'c'), eb('c.urgency', '=', '緊急')]) : visibleConsultationPredicate(scope.ctx, 'c'),
    )
    .executeTakeFirst();
  if (!visible) {
    scope.audit('consultation.read', { targetType: 'consultation', targetId: id, reason: 'no access' }, 'denied');
    throw notFound('相談の記録');
  }
  // An urgent consultation opens in full to its alerted readers, even when they also hold a referral.
  const urgent = urgentReader && visible.urgency === '緊急';
  const view = await getConsultationIn(scope, id, urgent && !visible.full);
  scope.audit('consultation.read', {
    targetType: 'consultation',
    targetId: id,
    subjectPersonId: visible.person_id,
    ...(visible.by_rule ? {} : { reason: 'urgent consultation: protection of life or body', details: { urgent: true } }),
    ...(visible.by_department ? { reason: 'department window of the promoter', details: { basis: 'promoter_department' } } : {}),
    ...(view.masked ? { details: { masked: true, basis: 'referral', referralId: view.sharedThrough?.referralId ?? null } } : {}),
  });
  return view;
}

export async function listConsultations(
  scope: Scope,
  query: { personId?: string | undefined; scope: 'mine' | 'visible'; urgentOnly?: 'true' | 'false' | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ConsultationView>> {
  const ctx = requireUser(scope);
  let q = baseQuery(scope);
  q = query.scope === 'mine' ? q.where('c.agency_id', '=', ctx.agencyId) : q.where(visibleConsultationPredicate(scope.ctx, 'c'));
  // A consultation seen only through a referral that did not name its person is not found by that person.
  if (query.personId) q = q.where('c.person_id', '=', query.personId).where(consultationPersonShownPredicate(scope.ctx, 'c'));
  if (query.urgentOnly === 'true') q = q.where('c.urgency', '!=', '通常');
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after) q = q.where(sql<boolean>`(c.received_at, c.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('c.received_at', 'desc').orderBy('c.id', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  // A promoter's list of visible consultations includes those of the department's windows.
  const byDepartment = query.scope === 'visible' && ctx.roles.includes('promoter');
  scope.audit('consultation.list', {
    targetType: 'consultation',
    details: { scope: query.scope, personId: query.personId ?? null, count: items.length, ...(byDepartment ? { basis: 'promoter_department' } : {}) },
  });
  const last = items.at(-1);
  return {
    items: await viewsOf(scope, items),
    nextCursor: rows.length > query.limit && last ? encodeCursor([new Date(last.received_at).toISOString(), last.id]) : null,
  };
}
