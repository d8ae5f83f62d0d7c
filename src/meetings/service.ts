import { sql } from 'kysely';
import { caseAccess, requireCase } from '../access/case-access.ts';
import { requireUser, type Scope } from '../access/gateway.ts';
import type { UserContext } from '../access/context.ts';
import { approvePlan } from '../cases/plans.ts';
import { latestPlan, recentRecordRows, transitionCase, updateTeamMember } from '../cases/service.ts';
import { displayName, requirePersonAccess } from '../people/service.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { CASE_STATUS_LABELS, type CaseStatus } from '../shared/cases.ts';
import { todayJst } from '../shared/date-input.ts';
import { fiscalYear, formatFiscalYear } from '../shared/dates.ts';
import { newId } from '../shared/ids.ts';
import {
  type MeetingBoundDecision,
  confidentialityNotice,
  confidentialityText,
  confidentialityTextVersion,
  secretariatDecisions,
  type ConfidentialityRule,
  type ServiceDecider,
} from '../shared/meetings.ts';
import { eligibleDecisions, meetingRulesOf, type CarryableDecision } from './decisions.ts';
import {
  CASE_DECISIONS,
  DECISION_KIND_LABELS,
  DECISIONS_BY_MEETING,
  MEETING_KIND_LABELS,
  MEETING_KINDS,
  MEETING_STATUS_LABELS,
  type AgendaAddInput,
  type AttendeeAddInput,
  type DecisionAddInput,
  type DecisionKind,
  type FollowUpAddInput,
  type InfoRequestAddInput,
  type MeetingCreateInput,
  type MeetingKind,
  type MeetingListQuery,
  type MeetingPatchInput,
  type MeetingStatus,
  type MinutesInput,
} from './schema.ts';
import { recordCriteria } from '../audit/criteria.ts';

/**
 * 会議体 (DOMAIN.md §4): meetings of the municipality's meeting bodies and
 * their legal rules.
 *
 *  - A meeting is visible only to the user who convened it and its invited
 *    attendees; to anyone else every endpoint answers 404 and lists show
 *    nothing (the refusal is audited).
 *  - 重層的支援会議 (and the other bodies of the preset): a case or person
 *    goes on the agenda only when the person's current consent to
 *    会議での情報共有 covers every attending agency; otherwise 422
 *    `consent_required` naming the routes (支援会議, or obtain consent).
 *  - 支援会議 (社会福祉法第106条の6): convened by the municipality (事務局)
 *    only; no consent needed, the person may be known only partly; each
 *    attendee acknowledges the 守秘義務 before the agenda, materials or
 *    decisions open; materials are 非公開. Attendance never grants access to
 *    the case or person pages (those read the case team and consent only).
 *  - 重層的支援体制推進会議: no case or person on the agenda.
 * Decisions are recorded per agenda item; プラン承認, 終結 and 中断 go through
 * the cases module (approvePlan / transitionCase), with its own rights
 * (the case's 主担当 or coordinator) and audit.
 */

interface MeetingRow {
  id: string;
  meeting_body_id: string;
  body_name: string;
  body_legal_basis: string | null;
  body_confidentiality: string;
  body_confidentiality_basis: string | null;
  body_convened_by: string | null;
  body_host_agency_id: string | null;
  body_secretariat_attends: boolean;
  kind: string;
  title: string;
  scheduled_at: Date;
  place: string | null;
  online: boolean;
  convener: string | null;
  organizer_agency_id: string | null;
  organizer_name: string | null;
  chair_user_id: string | null;
  status: string;
  joint_group_id: string | null;
  note: string | null;
  version: number;
  created_by_user_id: string;
  created_at: Date;
  updated_at: Date;
}

export interface MeetingAccess {
  meeting: MeetingRow;
  kind: MeetingKind;
  /** The body bears a statutory 守秘義務 (支援会議, 要保護児童対策地域協議会 …): no consent gate, acknowledgement first, attendees only. */
  confidential: boolean;
  /** The article that imposes the duty (e.g. 児童福祉法第25条の5). */
  confidentialityBasis: string | null;
  /** The user's own attendee row (invited and not removed). */
  attendeeId: string | null;
  acknowledgedAt: Date | null;
  /** The convener or the chair: edits the meeting and its attendees. */
  manage: boolean;
  /** The agenda, materials and decisions are open to the user (an attendee; for 支援会議, after the acknowledgement). */
  open: boolean;
}

function asKind(kind: string): MeetingKind {
  return (MEETING_KINDS as readonly string[]).includes(kind) ? (kind as MeetingKind) : 'other';
}

function meetingQuery(scope: Scope) {
  return scope.trx
    .selectFrom('meetings as m')
    .innerJoin('meeting_bodies as b', (j) => j.onRef('b.municipality_id', '=', 'm.municipality_id').onRef('b.id', '=', 'm.meeting_body_id'))
    .leftJoin('agencies as oa', (j) => j.onRef('oa.municipality_id', '=', 'm.municipality_id').onRef('oa.id', '=', 'm.organizer_agency_id'))
    .select([
      'm.id',
      'm.meeting_body_id',
      'b.name as body_name',
      'b.legal_basis as body_legal_basis',
      'b.confidentiality as body_confidentiality',
      'b.confidentiality_basis as body_confidentiality_basis',
      'b.convened_by as body_convened_by',
      'b.host_agency_id as body_host_agency_id',
      'b.secretariat_attends as body_secretariat_attends',
      'm.kind',
      'm.title',
      'm.scheduled_at',
      'm.place',
      'm.online',
      'm.convener',
      'm.organizer_agency_id',
      'oa.name as organizer_name',
      'm.chair_user_id',
      'm.status',
      'm.joint_group_id',
      'm.note',
      'm.version',
      'm.created_by_user_id',
      'm.created_at',
      'm.updated_at',
    ])
    .where('m.municipality_id', '=', scope.municipalityId);
}

/** SQL: the meeting aliased `m` was convened by the user or the user is invited to it. */
function visibleMeetingPredicate(ctx: UserContext, m = 'm') {
  return sql<boolean>`(
    ${sql.ref(`${m}.created_by_user_id`)} = ${ctx.userId}::uuid
    or exists (select 1 from meeting_attendees va
               where va.municipality_id = ${sql.ref(`${m}.municipality_id`)} and va.meeting_id = ${sql.ref(`${m}.id`)}
                 and va.user_id = ${ctx.userId}::uuid and va.removed_at is null)
  )`;
}

/**
 * The user's access to a meeting, or 404 (audited) when they neither convened
 * it nor are invited: its existence is not revealed.
 */
export async function requireMeeting(scope: Scope, meetingId: string, action = 'meeting.read'): Promise<MeetingAccess> {
  const ctx = requireUser(scope);
  const meeting = (await meetingQuery(scope)
    .where('m.id', '=', meetingId)
    .where(visibleMeetingPredicate(ctx, 'm'))
    .executeTakeFirst()) as MeetingRow | undefined;
  if (!meeting) {
    scope.audit(action, { targetType: 'meeting', targetId: meetingId, reason: 'not invited to the meeting' }, 'denied');
    throw notFound('会議');
  }
  const mine = await scope.trx
    .selectFrom('meeting_attendees as a')
    .leftJoin('meeting_acknowledgements as k', (j) =>
      j.onRef('k.municipality_id', '=', 'a.municipality_id').onRef('k.meeting_id', '=', 'a.meeting_id').onRef('k.attendee_id', '=', 'a.id'),
    )
    .select(['a.id', 'a.role', 'k.acknowledged_at'])
    .where('a.municipality_id', '=', scope.municipalityId)
    .where('a.meeting_id', '=', meetingId)
    .where('a.user_id', '=', ctx.userId)
    .where('a.removed_at', 'is', null)
    .executeTakeFirst();
  const kind = asKind(meeting.kind);
  const confidential = kind === 'shien' || meeting.body_confidentiality === 'statutory';
  const acknowledgedAt = mine?.acknowledged_at ? new Date(mine.acknowledged_at) : null;
  return {
    meeting,
    kind,
    confidential,
    confidentialityBasis: confidential ? (meeting.body_confidentiality_basis ?? (kind === 'shien' ? '社会福祉法第106条の6' : null)) : null,
    attendeeId: mine?.id ?? null,
    acknowledgedAt,
    manage: meeting.created_by_user_id === ctx.userId || meeting.chair_user_id === ctx.userId || mine?.role === 'chair',
    open: !!mine && (!confidential || !!acknowledgedAt),
  };
}

/** Refuse what only the meeting's attendees may open; for 支援会議, only after the 守秘義務 acknowledgement. */
function requireOpen(scope: Scope, access: MeetingAccess): void {
  if (!access.attendeeId) scope.deny('not an attendee of the meeting', 'この会議の出席者ではないため、議題・資料・記録は開けません。');
  if (!access.open) {
    scope.deny(
      'confidentiality not acknowledged',
      access.kind === 'shien'
        ? '守秘義務の確認が必要です。支援会議（社会福祉法第106条の6）の資料・記録を開く前に、守秘義務を確認してください。'
        : `守秘義務の確認が必要です。この会議体（${access.confidentialityBasis ?? '法律の規定'}による守秘義務あり）の資料・記録を開く前に、守秘義務を確認してください。`,
    );
  }
}

function requireManage(scope: Scope, access: MeetingAccess): void {
  if (!access.manage) scope.deny('not the convener or chair', 'この操作は会議の招集者または議長が行います。');
}

function requireNotCancelled(access: MeetingAccess): void {
  if (access.meeting.status === 'cancelled') throw new AppError(422, 'invalid_state', '中止した会議には記録できません。');
}

/* ---------- views ---------- */

export interface AttendeeView {
  id: string;
  userId: string | null;
  name: string;
  organization: string | null;
  external: boolean;
  role: 'chair' | 'member';
  invitedAt: string;
  attended: boolean | null;
  acknowledgedAt: string | null;
}

export interface DecisionView {
  id: string;
  agendaItemId: string;
  kind: DecisionKind;
  kindLabel: string;
  content: string;
  planId: string | null;
  planVersion: number | null;
  caseTransitionSeq: number | null;
  details: Record<string, unknown> | null;
  decidedByName: string | null;
  decidedAt: string;
}

export interface AgendaItemView {
  id: string;
  seq: number;
  kind: 'case' | 'person' | 'topic';
  title: string;
  description: string | null;
  case: { id: string; caseNo: string; title: string } | null;
  person: { id: string | null; name: string } | null;
  consentBasis: Record<string, unknown> | null;
  /** 議事録 of this item (非公開 in a 支援会議, like everything shared there). */
  minutes: string | null;
  minutesUpdatedAt: string | null;
  minutesUpdatedByName: string | null;
  version: number;
  addedByName: string | null;
  addedAt: string;
  decisions: DecisionView[];
}

export interface MeetingSummary {
  id: string;
  kind: MeetingKind;
  kindLabel: string;
  bodyName: string;
  title: string;
  scheduledAt: string;
  place: string | null;
  online: boolean;
  status: MeetingStatus;
  statusLabel: string;
}

export interface MeetingDetail extends MeetingSummary {
  meetingBodyId: string;
  legalBasis: string | null;
  convener: string | null;
  organizer: { id: string; name: string } | null;
  chairUserId: string | null;
  jointMeetings: { id: string; title: string; bodyName: string }[];
  note: string | null;
  /** A body with a statutory 守秘義務 (支援会議 and the like): everything shared there is 非公開. */
  confidential: boolean;
  /** The body's rule as the meeting page states it. */
  rule: {
    confidentiality: ConfidentialityRule;
    confidentialityBasis: string | null;
    notice: string;
    convenedBy: 'secretariat' | null;
    host: { id: string; name: string } | null;
    secretariatAttends: boolean;
    /** 参加支援 / アウトリーチ: who decides them in this municipality. */
    serviceDecisions: { participationSupport: ServiceDecider; outreach: ServiceDecider };
  };
  confidentiality: { required: boolean; text: string; textVersion: string; acknowledgedAt: string | null } | null;
  attendees: AttendeeView[];
  /** Null until the agenda is open to the user (支援会議: after the acknowledgement). */
  agenda: AgendaItemView[] | null;
  version: number;
  can: { manage: boolean; acknowledge: boolean; addAgenda: boolean; decide: boolean; decisionKinds: DecisionKind[] };
}

function summaryOf(m: MeetingRow): MeetingSummary {
  const kind = asKind(m.kind);
  const status = m.status as MeetingStatus;
  return {
    id: m.id,
    kind,
    kindLabel: MEETING_KIND_LABELS[kind],
    bodyName: m.body_name,
    title: m.title,
    scheduledAt: new Date(m.scheduled_at).toISOString(),
    place: m.place,
    online: m.online,
    status,
    statusLabel: MEETING_STATUS_LABELS[status],
  };
}

async function loadAttendees(scope: Scope, meetingId: string): Promise<AttendeeView[]> {
  const rows = await scope.trx
    .selectFrom('meeting_attendees as a')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'a.municipality_id').onRef('u.id', '=', 'a.user_id'))
    .leftJoin('agencies as ag', (j) => j.onRef('ag.municipality_id', '=', 'u.municipality_id').onRef('ag.id', '=', 'u.agency_id'))
    .leftJoin('meeting_acknowledgements as k', (j) =>
      j.onRef('k.municipality_id', '=', 'a.municipality_id').onRef('k.meeting_id', '=', 'a.meeting_id').onRef('k.attendee_id', '=', 'a.id'),
    )
    .select([
      'a.id',
      'a.user_id',
      'a.external_name',
      'a.external_organization',
      'a.role',
      'a.invited_at',
      'a.attended',
      'u.name as user_name',
      'ag.name as agency_name',
      'k.acknowledged_at',
    ])
    .where('a.municipality_id', '=', scope.municipalityId)
    .where('a.meeting_id', '=', meetingId)
    .where('a.removed_at', 'is', null)
    .orderBy('a.invited_at')
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    name: r.user_name ?? r.external_name ?? '',
    organization: r.agency_name ?? r.external_organization,
    external: !r.user_id,
    role: r.role as 'chair' | 'member',
    invitedAt: new Date(r.invited_at).toISOString(),
    attended: r.attended,
    acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at).toISOString() : null,
  }));
}

async function loadDecisions(scope: Scope, meetingId: string): Promise<DecisionView[]> {
  const rows = await scope.trx
    .selectFrom('meeting_decisions as d')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'd.municipality_id').onRef('u.id', '=', 'd.decided_by_user_id'))
    .select([
      'd.id',
      'd.agenda_item_id',
      'd.kind',
      'd.content',
      'd.plan_id',
      'd.plan_version',
      'd.case_transition_seq',
      'd.details',
      'u.name as user_name',
      'd.decided_at',
    ])
    .where('d.municipality_id', '=', scope.municipalityId)
    .where('d.meeting_id', '=', meetingId)
    .orderBy('d.decided_at')
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    agendaItemId: r.agenda_item_id,
    kind: r.kind as DecisionKind,
    kindLabel: DECISION_KIND_LABELS[r.kind as DecisionKind] ?? r.kind,
    content: r.content,
    planId: r.plan_id,
    planVersion: r.plan_version,
    caseTransitionSeq: r.case_transition_seq,
    details: r.details,
    decidedByName: r.user_name,
    decidedAt: new Date(r.decided_at).toISOString(),
  }));
}

function agendaRows(scope: Scope) {
  return scope.trx
    .selectFrom('meeting_agenda_items as i')
    .leftJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'i.municipality_id').onRef('k.id', '=', 'i.case_id'))
    .leftJoin('case_persons as kp', (j) =>
      j.onRef('kp.municipality_id', '=', 'k.municipality_id').onRef('kp.case_id', '=', 'k.id').on('kp.is_primary', '=', true),
    )
    .leftJoin('persons as p', (j) =>
      j.onRef('p.municipality_id', '=', 'i.municipality_id').on((eb) => eb.or([eb('p.id', '=', eb.ref('i.person_id')), eb('p.id', '=', eb.ref('kp.person_id'))])),
    )
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'i.municipality_id').onRef('u.id', '=', 'i.added_by_user_id'))
    .leftJoin('users as mu', (j) => j.onRef('mu.municipality_id', '=', 'i.municipality_id').onRef('mu.id', '=', 'i.minutes_updated_by_user_id'))
    .select([
      'i.id',
      'i.seq',
      'i.kind',
      'i.case_id',
      'i.person_id',
      'i.person_alias',
      'i.title',
      'i.description',
      'i.consent_basis',
      'i.minutes',
      'i.minutes_updated_at',
      'mu.name as minutes_user_name',
      'i.version',
      'i.added_at',
      'k.case_no',
      'k.title as case_title',
      'k.status as case_status',
      'k.version as case_version',
      'p.id as subject_person_id',
      'p.name as person_name',
      'p.alias as person_alias_registered',
      'u.name as user_name',
    ])
    .where('i.municipality_id', '=', scope.municipalityId);
}
type AgendaRow = Awaited<ReturnType<ReturnType<typeof agendaRows>['executeTakeFirstOrThrow']>>;

function personOf(r: AgendaRow): AgendaItemView['person'] {
  if (r.subject_person_id) return { id: r.subject_person_id, name: displayName({ name: r.person_name, alias: r.person_alias_registered }) };
  if (r.kind === 'person') return { id: null, name: r.person_alias ?? '氏名不明' };
  return null;
}

async function loadAgenda(scope: Scope, meetingId: string): Promise<AgendaItemView[]> {
  const [rows, decisions] = await Promise.all([
    agendaRows(scope).where('i.meeting_id', '=', meetingId).orderBy('i.seq').execute(),
    loadDecisions(scope, meetingId),
  ]);
  return rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    kind: r.kind as AgendaItemView['kind'],
    title: r.title,
    description: r.description,
    case: r.case_id ? { id: r.case_id, caseNo: r.case_no ?? '', title: r.case_title ?? '' } : null,
    person: personOf(r),
    consentBasis: r.consent_basis,
    minutes: r.minutes,
    minutesUpdatedAt: r.minutes_updated_at ? new Date(r.minutes_updated_at).toISOString() : null,
    minutesUpdatedByName: r.minutes_user_name,
    version: r.version,
    addedByName: r.user_name,
    addedAt: new Date(r.added_at).toISOString(),
    decisions: decisions.filter((d) => d.agendaItemId === r.id),
  }));
}

async function loadDetail(scope: Scope, access: MeetingAccess): Promise<MeetingDetail> {
  const m = access.meeting;
  const ctx = requireUser(scope);
  const [attendees, agenda, joint, rules, host] = await Promise.all([
    loadAttendees(scope, m.id),
    access.open ? loadAgenda(scope, m.id) : Promise.resolve(null),
    m.joint_group_id
      ? meetingQuery(scope).where('m.joint_group_id', '=', m.joint_group_id).where('m.id', '!=', m.id).orderBy('m.scheduled_at').execute()
      : Promise.resolve([] as MeetingRow[]),
    meetingRulesOf(scope),
    m.body_host_agency_id
      ? scope.trx.selectFrom('agencies').select(['id', 'name']).where('municipality_id', '=', scope.municipalityId).where('id', '=', m.body_host_agency_id).executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const reserved = secretariatDecisions(rules);
  const confidentiality: ConfidentialityRule = access.confidential ? 'statutory' : 'consent';
  return {
    ...summaryOf(m),
    meetingBodyId: m.meeting_body_id,
    legalBasis: m.body_legal_basis,
    convener: m.convener,
    organizer: m.organizer_agency_id ? { id: m.organizer_agency_id, name: m.organizer_name ?? '' } : null,
    chairUserId: m.chair_user_id,
    jointMeetings: joint.map((j) => ({ id: j.id, title: j.title, bodyName: j.body_name })),
    note: m.note,
    confidential: access.confidential,
    rule: {
      confidentiality,
      confidentialityBasis: access.confidentialityBasis,
      notice: confidentialityNotice(confidentiality, access.confidentialityBasis),
      convenedBy: m.body_convened_by === 'secretariat' ? 'secretariat' : null,
      host: host ?? null,
      secretariatAttends: m.body_secretariat_attends,
      serviceDecisions: { participationSupport: rules.participationSupportDecidedBy, outreach: rules.outreachDecidedBy },
    },
    confidentiality:
      access.confidential
        ? {
            required: !access.acknowledgedAt,
            text: confidentialityText(m.body_name, access.confidentialityBasis),
            textVersion: confidentialityTextVersion(access.confidentialityBasis),
            acknowledgedAt: access.acknowledgedAt ? access.acknowledgedAt.toISOString() : null,
          }
        : null,
    attendees,
    agenda,
    version: m.version,
    can: {
      manage: access.manage && m.status !== 'cancelled',
      acknowledge: access.confidential && !!access.attendeeId && !access.acknowledgedAt,
      addAgenda: access.open && m.status !== 'cancelled',
      decide: access.open && m.status !== 'cancelled',
      decisionKinds: DECISIONS_BY_MEETING[access.kind].filter((k) => ctx.roles.includes('secretariat') || !reserved.includes(k)),
    },
  };
}

/* ---------- consent (重層的支援会議) ---------- */

interface ConsentCheck {
  ok: boolean;
  basis: Record<string, unknown> | null;
  /** Attending agencies the consent does not list. */
  missingAgencies: { id: string; name: string }[];
}

/** Agencies of the meeting's staff attendees (plus `extra`): the agencies a 重層的支援会議 shares with. */
async function attendingAgencies(scope: Scope, meetingId: string, extra: string[] = []): Promise<string[]> {
  const rows = await scope.trx
    .selectFrom('meeting_attendees as a')
    .innerJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'a.municipality_id').onRef('u.id', '=', 'a.user_id'))
    .select('u.agency_id')
    .distinct()
    .where('a.municipality_id', '=', scope.municipalityId)
    .where('a.meeting_id', '=', meetingId)
    .where('a.removed_at', 'is', null)
    .execute();
  return [...new Set([...rows.map((r) => r.agency_id), ...extra])];
}

/** The person's current consent to 会議での情報共有, and whether it covers every agency in `agencyIds`. */
async function meetingConsent(scope: Scope, personId: string, agencyIds: string[]): Promise<ConsentCheck> {
  const row = await scope.trx
    .selectFrom('consents')
    .select(['version_no', 'decision', 'scope_kind', 'agency_ids', 'consented_on', 'withdrawn_on'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('person_id', '=', personId)
    .where('purpose', '=', 'meeting_sharing')
    .orderBy('version_no', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.decision !== 'granted' || row.withdrawn_on) return { ok: false, basis: null, missingAgencies: [] };
  const listed = new Set<string>((row.agency_ids as string[] | null) ?? []);
  const missingIds = row.scope_kind === 'all' ? [] : agencyIds.filter((a) => !listed.has(a));
  const missing = missingIds.length
    ? await scope.trx.selectFrom('agencies').select(['id', 'name']).where('municipality_id', '=', scope.municipalityId).where('id', 'in', missingIds).execute()
    : [];
  return {
    ok: missing.length === 0 && missingIds.length === 0,
    basis: {
      basis: 'consent',
      purpose: 'meeting_sharing',
      versionNo: row.version_no,
      scopeKind: row.scope_kind,
      consentedOn: row.consented_on,
    },
    missingAgencies: missing,
  };
}

function consentRequired(personId: string, check: ConsentCheck): AppError {
  const names = check.missingAgencies.map((a) => a.name).join('、');
  const message = check.basis
    ? `本人の同意（会議での情報共有）が出席する機関（${names}）を含んでいないため、重層的支援会議の議題にできません。同意の範囲を広げるか、支援会議（社会福祉法第106条の6）で検討してください。`
    : '本人の同意（会議での情報共有）がないため、重層的支援会議の議題にできません。支援会議（社会福祉法第106条の6）で検討するか、本人の同意を得てください。';
  return new AppError(
    422,
    'consent_required',
    message,
    {},
    {
      missingAgencies: check.missingAgencies,
      routes: [
        { kind: 'shien', label: '支援会議（社会福祉法第106条の6）で検討する' },
        { kind: 'consent', label: '本人の同意（会議での情報共有）を得る', href: `/persons/${personId}#consent` },
      ],
    },
  );
}

/* ---------- meetings ---------- */

export async function createMeeting(scope: Scope, input: MeetingCreateInput): Promise<MeetingDetail> {
  const ctx = requireUser(scope);
  const body = await scope.trx
    .selectFrom('meeting_bodies')
    .select(['id', 'kind', 'convener', 'name', 'convened_by', 'host_agency_id'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', input.meetingBodyId)
    .executeTakeFirst();
  if (!body) throw invalid({ meetingBodyId: '会議体：この自治体の会議体から選んでください' });
  const kind = asKind(body.kind);
  if (kind === 'shien' && !ctx.roles.includes('secretariat')) {
    scope.deny('支援会議 is convened by the municipality (secretariat) only', '支援会議（社会福祉法第106条の6）は市（事務局）が招集します。');
  }
  if (body.convened_by === 'secretariat' && !ctx.roles.includes('secretariat')) {
    scope.deny('the body is convened by the municipality (secretariat)', `${body.name}は市（事務局）が招集します（この自治体の会議体の設定）。`);
  }
  // 主催: a body with a host agency is hosted by it (小金井市: 重層的支援会議は社協が主催).
  if (body.host_agency_id && input.organizerAgencyId && input.organizerAgencyId !== body.host_agency_id) {
    const hostName = await scope.trx.selectFrom('agencies').select('name').where('municipality_id', '=', scope.municipalityId).where('id', '=', body.host_agency_id).executeTakeFirst();
    throw invalid({ organizerAgencyId: `主催者：${body.name}の主催は${hostName?.name ?? '会議体で決められた機関'}です（この自治体の会議体の設定）` });
  }
  const organizerAgencyId = input.organizerAgencyId ?? body.host_agency_id ?? null;
  const scheduledAt = new Date(input.scheduledAt);
  if (input.organizerAgencyId) {
    const agency = await scope.trx
      .selectFrom('agencies')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', input.organizerAgencyId)
      .executeTakeFirst();
    if (!agency) throw invalid({ organizerAgencyId: '主催者：この自治体の機関から選んでください' });
  }
  let jointGroupId: string | null = null;
  if (input.jointWithMeetingId) {
    const other = await requireMeeting(scope, input.jointWithMeetingId);
    jointGroupId = other.meeting.joint_group_id ?? newId();
    if (!other.meeting.joint_group_id) {
      await scope.trx
        .updateTable('meetings')
        .set({ joint_group_id: jointGroupId, version: sql`version + 1`, updated_at: new Date() })
        .where('municipality_id', '=', scope.municipalityId)
        .where('id', '=', other.meeting.id)
        .execute();
    }
  }
  const id = newId();
  await scope.trx
    .insertInto('meetings')
    .values({
      municipality_id: scope.municipalityId,
      id,
      meeting_body_id: body.id,
      kind,
      title: input.title,
      scheduled_at: scheduledAt,
      place: input.place ?? null,
      online: input.online,
      convener: input.convener ?? body.convener ?? null,
      organizer_agency_id: organizerAgencyId,
      chair_user_id: ctx.userId,
      joint_group_id: jointGroupId,
      note: input.note ?? null,
      created_by_user_id: ctx.userId,
      created_by_agency_id: ctx.agencyId,
    })
    .execute();
  await scope.trx
    .insertInto('meeting_attendees')
    .values({ municipality_id: scope.municipalityId, id: newId(), meeting_id: id, user_id: ctx.userId, role: 'chair', invited_by_user_id: ctx.userId })
    .execute();
  scope.audit('meeting.create', { targetType: 'meeting', targetId: id, details: { kind, meetingBodyId: body.id, jointGroupId } });
  return loadDetail(scope, await requireMeeting(scope, id));
}

export async function listMeetings(scope: Scope, query: MeetingListQuery): Promise<{ items: MeetingSummary[] }> {
  const ctx = requireUser(scope);
  let q = meetingQuery(scope).where(visibleMeetingPredicate(ctx, 'm'));
  if (query.kind) q = q.where('m.kind', '=', query.kind);
  if (query.q) q = q.where('m.title', 'ilike', `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = (await q.orderBy('m.scheduled_at', 'desc').orderBy('m.id', 'desc').limit(query.limit).execute()) as MeetingRow[];
  const criteria = await recordCriteria(scope.trx, scope.municipalityId, { meetingTitle: query.q });
  scope.audit(query.q ? 'meeting.search' : 'meeting.list', { details: { kind: query.kind ?? null, criteria, count: rows.length } });
  return { items: rows.map(summaryOf) };
}

export async function getMeeting(scope: Scope, meetingId: string): Promise<MeetingDetail> {
  const access = await requireMeeting(scope, meetingId);
  scope.audit('meeting.read', { targetType: 'meeting', targetId: meetingId, details: { agendaOpen: access.open } });
  return loadDetail(scope, access);
}

export async function updateMeeting(scope: Scope, meetingId: string, input: MeetingPatchInput): Promise<MeetingDetail> {
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireManage(scope, access);
  const row = await scope.trx
    .selectFrom('meetings')
    .select(['version', 'online', 'place'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', meetingId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (row.version !== input.version) {
    throw conflict('ほかの方が会議を先に更新しました。最新の内容を確認してから、もう一度保存してください。', {
      current: await loadDetail(scope, await requireMeeting(scope, meetingId)),
    });
  }
  if (input.status === 'held' && access.meeting.status !== 'held') await requireSecretariatPresent(scope, access);
  const online = input.online ?? row.online;
  const place = input.place === undefined ? row.place : input.place;
  if (!online && !place) throw invalid({ place: '場所：場所を入力するか、オンラインを選んでください' });
  await scope.trx
    .updateTable('meetings')
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.scheduledAt !== undefined ? { scheduled_at: new Date(input.scheduledAt) } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.note !== undefined ? { note: input.note } : {}),
      place,
      online,
      version: row.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', meetingId)
    .execute();
  scope.audit('meeting.update', { targetType: 'meeting', targetId: meetingId, details: { fields: Object.keys(input).filter((k) => k !== 'version') } });
  return loadDetail(scope, await requireMeeting(scope, meetingId));
}

/* ---------- attendees and acknowledgements ---------- */

export async function listAttendees(scope: Scope, meetingId: string): Promise<{ items: AttendeeView[] }> {
  await requireMeeting(scope, meetingId);
  scope.audit('meeting.attendees.read', { targetType: 'meeting', targetId: meetingId });
  return { items: await loadAttendees(scope, meetingId) };
}

export async function addAttendee(scope: Scope, meetingId: string, input: AttendeeAddInput): Promise<{ items: AttendeeView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireManage(scope, access);
  requireNotCancelled(access);
  if (input.userId) {
    const user = await scope.trx
      .selectFrom('users')
      .select(['id', 'agency_id', 'role'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', input.userId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!user) throw invalid({ userId: '出席者（職員）：この自治体の職員から選んでください' });
    if (user.role === 'admin' || user.role === 'auditor') throw invalid({ userId: '出席者（職員）：管理者・監査担当は会議の出席者にできません' });
    const already = await scope.trx
      .selectFrom('meeting_attendees')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', input.userId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (already) throw invalid({ userId: '出席者（職員）：この職員はすでに出席者です' });
    if (!access.confidential && access.kind !== 'suishin') {
      // 重層的支援会議: every person on the agenda must have consented to sharing with the new attendee's agency.
      const subjects = await agendaSubjects(scope, meetingId);
      for (const personId of subjects) {
        const check = await meetingConsent(scope, personId, [user.agency_id]);
        if (!check.ok) {
          throw new AppError(
            422,
            'consent_required',
            '議題の本人の同意（会議での情報共有）がこの職員の機関を含んでいないため、出席者に加えられません。同意の範囲を確認してください。',
            { userId: '出席者（職員）：議題の本人の同意の範囲外の機関です' },
            { missingAgencies: check.missingAgencies },
          );
        }
      }
    }
  }
  const id = newId();
  await scope.trx
    .insertInto('meeting_attendees')
    .values({
      municipality_id: scope.municipalityId,
      id,
      meeting_id: meetingId,
      user_id: input.userId ?? null,
      external_name: input.userId ? null : (input.externalName ?? null),
      external_organization: input.userId ? null : (input.externalOrganization ?? null),
      role: input.role,
      invited_by_user_id: ctx.userId,
    })
    .execute();
  if (input.role === 'chair' && input.userId) {
    await scope.trx
      .updateTable('meetings')
      .set({ chair_user_id: input.userId, version: sql`version + 1`, updated_at: new Date() })
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', meetingId)
      .execute();
  }
  scope.audit('meeting.attendee.add', {
    targetType: 'meeting',
    targetId: meetingId,
    details: { attendeeId: id, userId: input.userId ?? null, external: !input.userId, role: input.role },
  });
  return { items: await loadAttendees(scope, meetingId) };
}

/** The persons on a meeting's agenda (cases' 本人 and persons), for the consent checks. */
async function agendaSubjects(scope: Scope, meetingId: string): Promise<string[]> {
  const rows = await agendaRows(scope).where('i.meeting_id', '=', meetingId).where('i.kind', 'in', ['case', 'person']).execute();
  return [...new Set(rows.map((r) => r.subject_person_id).filter((p): p is string => !!p))];
}

export async function removeAttendee(scope: Scope, meetingId: string, attendeeId: string): Promise<{ items: AttendeeView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireManage(scope, access);
  const row = await scope.trx
    .selectFrom('meeting_attendees')
    .select(['id', 'user_id'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('meeting_id', '=', meetingId)
    .where('id', '=', attendeeId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('出席者');
  if (row.user_id && row.user_id === access.meeting.created_by_user_id) {
    throw new AppError(422, 'invalid_state', '会議を招集した職員は出席者から外せません。');
  }
  await scope.trx
    .updateTable('meeting_attendees')
    .set({ removed_at: new Date(), removed_by_user_id: ctx.userId })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', attendeeId)
    .execute();
  if (row.user_id && row.user_id === access.meeting.chair_user_id) {
    await scope.trx
      .updateTable('meetings')
      .set({ chair_user_id: access.meeting.created_by_user_id, version: sql`version + 1`, updated_at: new Date() })
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', meetingId)
      .execute();
  }
  scope.audit('meeting.attendee.remove', { targetType: 'meeting', targetId: meetingId, details: { attendeeId, userId: row.user_id } });
  return { items: await loadAttendees(scope, meetingId) };
}

/** Record whether an attendee was present (the convener or chair). */
export async function setAttendance(scope: Scope, meetingId: string, attendeeId: string, attended: boolean): Promise<{ items: AttendeeView[] }> {
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireManage(scope, access);
  requireNotCancelled(access);
  const updated = await scope.trx
    .updateTable('meeting_attendees')
    .set({ attended })
    .where('municipality_id', '=', scope.municipalityId)
    .where('meeting_id', '=', meetingId)
    .where('id', '=', attendeeId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!Number(updated.numUpdatedRows)) throw notFound('出席者');
  scope.audit('meeting.attendance', { targetType: 'meeting', targetId: meetingId, details: { attendeeId, attended } });
  return { items: await loadAttendees(scope, meetingId) };
}

export interface AcknowledgementView {
  attendeeId: string;
  acknowledgedAt: string;
  textVersion: string;
  text: string;
}

/** The attendee's own 守秘義務 acknowledgement (支援会議), recorded with its time and the text's version. */
export async function acknowledge(scope: Scope, meetingId: string): Promise<{ created: boolean; acknowledgement: AcknowledgementView }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  if (!access.confidential) {
    throw new AppError(422, 'not_applicable', '守秘義務の確認は、法律上の守秘義務のある会議体（支援会議など）の出席者が行います。この会議では不要です。');
  }
  const text = confidentialityText(access.meeting.body_name, access.confidentialityBasis);
  const textVersion = confidentialityTextVersion(access.confidentialityBasis);
  if (!access.attendeeId) scope.deny('not an attendee of the meeting', '守秘義務の確認は、この会議の出席者本人が行います。');
  if (access.acknowledgedAt) {
    const existing = await scope.trx
      .selectFrom('meeting_acknowledgements')
      .select(['acknowledged_at', 'text_version'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('meeting_id', '=', meetingId)
      .where('attendee_id', '=', access.attendeeId)
      .executeTakeFirstOrThrow();
    return {
      created: false,
      acknowledgement: {
        attendeeId: access.attendeeId,
        acknowledgedAt: new Date(existing.acknowledged_at).toISOString(),
        textVersion: existing.text_version,
        text,
      },
    };
  }
  const at = new Date();
  await scope.trx
    .insertInto('meeting_acknowledgements')
    .values({
      municipality_id: scope.municipalityId,
      meeting_id: meetingId,
      attendee_id: access.attendeeId,
      user_id: ctx.userId,
      acknowledged_at: at,
      text_version: textVersion,
    })
    .execute();
  scope.audit('meeting.acknowledge', {
    targetType: 'meeting',
    targetId: meetingId,
    details: { attendeeId: access.attendeeId, textVersion: textVersion },
  });
  return {
    created: true,
    acknowledgement: { attendeeId: access.attendeeId, acknowledgedAt: at.toISOString(), textVersion: textVersion, text },
  };
}

export async function listAcknowledgements(scope: Scope, meetingId: string): Promise<{ items: { attendeeId: string; name: string; acknowledgedAt: string | null }[] }> {
  await requireMeeting(scope, meetingId);
  scope.audit('meeting.acknowledgements.read', { targetType: 'meeting', targetId: meetingId });
  const attendees = await loadAttendees(scope, meetingId);
  return { items: attendees.filter((a) => !a.external).map((a) => ({ attendeeId: a.id, name: a.name, acknowledgedAt: a.acknowledgedAt })) };
}

/* ---------- agenda ---------- */

export async function getAgenda(scope: Scope, meetingId: string): Promise<{ items: AgendaItemView[] }> {
  const access = await requireMeeting(scope, meetingId);
  requireOpen(scope, access);
  const items = await loadAgenda(scope, meetingId);
  scope.audit('meeting.agenda.read', { targetType: 'meeting', targetId: meetingId, details: { items: items.length } });
  return { items };
}

export async function addAgendaItem(scope: Scope, meetingId: string, input: AgendaAddInput): Promise<{ items: AgendaItemView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  requireNotCancelled(access);
  const kind = access.kind;
  if (kind === 'suishin' && input.kind !== 'topic') {
    throw new AppError(
      422,
      'individual_not_allowed',
      '重層的支援体制推進会議では個別の事例や本人を扱いません。体制（連携体制・課題・評価）についての議題を入力してください。',
      { kind: '議題の種類：推進会議の議題は「体制についての議題」だけです' },
    );
  }
  // Serialize the numbering of the meeting's items.
  await scope.trx.selectFrom('meetings').select('id').where('municipality_id', '=', scope.municipalityId).where('id', '=', meetingId).forUpdate().execute();

  let caseId: string | null = null;
  let personId: string | null = null;
  let consentBasis: Record<string, unknown> | null = null;
  if (input.kind === 'case') {
    // Only a case the user may see (its team, within consent); 404 otherwise.
    const caseAccess = await requireCase(scope, input.caseId!, 'read', 'meeting.agenda.add');
    caseId = caseAccess.caseId;
    personId = caseAccess.primaryPersonId;
    const dup = await scope.trx
      .selectFrom('meeting_agenda_items')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('meeting_id', '=', meetingId)
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    if (dup) throw invalid({ caseId: '事例：この事例はすでにこの会議の議題にあります' });
  } else if (input.kind === 'person' && input.personId) {
    await requirePersonAccess(scope, input.personId, 'full');
    personId = input.personId;
  }
  if (input.kind !== 'topic') {
    if (kind === 'shien') {
      consentBasis = { basis: 'shien_106_6', label: '社会福祉法第106条の6（支援会議）：本人の同意は不要' };
    } else if (access.confidential) {
      consentBasis = { basis: 'statutory_confidentiality', law: access.confidentialityBasis, label: `${access.confidentialityBasis ?? '法律'}の守秘義務のある会議体：本人の同意は不要` };
    } else {
      if (!personId) {
        throw new AppError(
          422,
          'consent_required',
          '重層的支援会議では、本人の同意（会議での情報共有）を確認できる本人の議題だけを扱います。氏名の分からない方は支援会議（社会福祉法第106条の6）で検討してください。',
          { personId: '本人：同意を確認できる本人を選んでください' },
          { routes: [{ kind: 'shien', label: '支援会議（社会福祉法第106条の6）で検討する' }] },
        );
      }
      const check = await meetingConsent(scope, personId, await attendingAgencies(scope, meetingId, [ctx.agencyId]));
      if (!check.ok) {
        scope.audit(
          'meeting.agenda.add',
          { targetType: 'meeting', targetId: meetingId, subjectPersonId: personId, reason: 'no meeting_sharing consent', details: { caseId } },
          'denied',
        );
        throw consentRequired(personId, check);
      }
      consentBasis = check.basis;
    }
  }
  const last = await scope.trx
    .selectFrom('meeting_agenda_items')
    .select(({ fn }) => fn.max('seq').as('s'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst();
  const id = newId();
  await scope.trx
    .insertInto('meeting_agenda_items')
    .values({
      municipality_id: scope.municipalityId,
      id,
      meeting_id: meetingId,
      seq: Number(last?.s ?? 0) + 1,
      kind: input.kind,
      case_id: caseId,
      person_id: input.kind === 'person' ? personId : null,
      person_alias: input.kind === 'person' ? (input.personAlias ?? null) : null,
      title: input.title,
      description: input.description ?? null,
      consent_basis: consentBasis ? JSON.stringify(consentBasis) : null,
      added_by_user_id: ctx.userId,
      added_by_agency_id: ctx.agencyId,
    })
    .execute();
  scope.audit('meeting.agenda.add', {
    targetType: 'meeting',
    targetId: meetingId,
    subjectPersonId: personId,
    details: { itemId: id, kind: input.kind, caseId, basis: consentBasis?.basis ?? null },
  });
  return { items: await loadAgenda(scope, meetingId) };
}

/** Record the 議事録 of one agenda item (any attendee with the agenda open; a stale version is a 409 with the current item). */
export async function saveMinutes(scope: Scope, meetingId: string, itemId: string, input: MinutesInput): Promise<AgendaItemView> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  requireNotCancelled(access);
  const row = await scope.trx
    .selectFrom('meeting_agenda_items')
    .select(['id', 'version'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('meeting_id', '=', meetingId)
    .where('id', '=', itemId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('議題');
  const current = async () => (await loadAgenda(scope, meetingId)).find((i) => i.id === itemId)!;
  if (row.version !== input.version) {
    throw conflict('ほかの方が議事録を先に更新しました。最新の内容を確認してから、もう一度保存してください。', { current: await current() });
  }
  await scope.trx
    .updateTable('meeting_agenda_items')
    .set({ minutes: input.minutes || null, minutes_updated_at: new Date(), minutes_updated_by_user_id: ctx.userId, version: row.version + 1 })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', itemId)
    .execute();
  scope.audit('meeting.minutes.save', { targetType: 'meeting', targetId: meetingId, details: { itemId, version: row.version + 1 } });
  return current();
}

/* ---------- materials ---------- */

export interface MaterialItem {
  agendaItemId: string;
  seq: number;
  title: string;
  kind: 'case' | 'person' | 'topic';
  description: string | null;
  person: { id: string | null; name: string } | null;
  /** Set when the materials of this item cannot be shown (e.g. the consent was withdrawn since). */
  withheld: string | null;
  case: {
    id: string;
    caseNo: string;
    title: string;
    status: CaseStatus;
    statusLabel: string;
    assessment: { versionNo: number; summary: string; risks: string[]; urgent: boolean; savedAt: string } | null;
    plan: {
      id: string;
      planNo: number;
      status: string;
      currentVersion: number;
      longTermGoal: string;
      shortTermGoals: { key: string; text: string }[];
      direction: string;
      nextReviewOn: string | null;
    } | null;
    records: { occurredAt: string; kind: string; agencyName: string; staffName: string; content: string }[];
  } | null;
}

export interface Materials {
  meetingId: string;
  title: string;
  kind: MeetingKind;
  /** 非公開 (支援会議): visible only to this meeting's attendees. */
  confidential: boolean;
  confidentialityLabel: string | null;
  compiledAt: string;
  items: MaterialItem[];
}

const RECENT_RECORDS = 10;

/**
 * Materials compiled from the cases on the agenda: the latest assessment's
 * summary, the current plan (or draft) and the 10 most recent records. Only
 * for the meeting's attendees; for 支援会議 after the acknowledgement and
 * marked 非公開; for 重層的支援会議 only while the person's consent still
 * covers the attending agencies. Opening them does not give access to the
 * case or person pages.
 */
export async function getMaterials(scope: Scope, meetingId: string): Promise<Materials> {
  const access = await requireMeeting(scope, meetingId);
  requireOpen(scope, access);
  const rows = await agendaRows(scope).where('i.meeting_id', '=', meetingId).orderBy('i.seq').execute();
  const agencies = access.confidential ? [] : await attendingAgencies(scope, meetingId);
  const items: MaterialItem[] = [];
  for (const r of rows) {
    const base = {
      agendaItemId: r.id,
      seq: r.seq,
      title: r.title,
      kind: r.kind as MaterialItem['kind'],
      description: r.description,
      person: personOf(r),
      withheld: null as string | null,
      case: null as MaterialItem['case'],
    };
    if (r.kind !== 'topic' && !access.confidential && r.subject_person_id) {
      const check = await meetingConsent(scope, r.subject_person_id, agencies);
      if (!check.ok) {
        items.push({ ...base, withheld: '本人の同意（会議での情報共有）が現在は出席する機関を含まないため、資料を表示できません。' });
        continue;
      }
    }
    if (r.kind === 'case' && r.case_id) base.case = await caseMaterials(scope, r.case_id, r);
    if (r.subject_person_id || r.case_id) {
      scope.audit('meeting.materials.read', {
        targetType: r.case_id ? 'case' : 'person',
        targetId: r.case_id ?? r.subject_person_id,
        subjectPersonId: r.subject_person_id,
        details: { meetingId, agendaItemId: r.id, kind: access.kind },
      });
    }
    items.push(base);
  }
  scope.audit('meeting.materials.read', { targetType: 'meeting', targetId: meetingId, details: { items: items.length, confidential: access.confidential } });
  return {
    meetingId,
    title: access.meeting.title,
    kind: access.kind,
    confidential: access.confidential,
    confidentialityLabel: access.confidential
      ? access.kind === 'shien'
        ? '非公開（支援会議・守秘義務あり）'
        : `非公開（${access.confidentialityBasis ?? '法律'}の守秘義務あり）`
      : null,
    compiledAt: new Date().toISOString(),
    items,
  };
}

async function caseMaterials(scope: Scope, caseId: string, r: AgendaRow): Promise<NonNullable<MaterialItem['case']>> {
  const [assessment, plan, records] = await Promise.all([
    scope.trx
      .selectFrom('assessments')
      .select(['version_no', 'summary', 'risks', 'urgent', 'saved_at'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('case_id', '=', caseId)
      .orderBy('version_no', 'desc')
      .limit(1)
      .executeTakeFirst(),
    latestPlan(scope, caseId)
      .select(['pl.id', 'pl.plan_no', 'pl.status', 'pl.current_version', 'pl.next_review_on', 'pv.long_term_goal', 'pv.short_term_goals', 'pv.direction'])
      .executeTakeFirst(),
    recentRecordRows(scope, caseId, RECENT_RECORDS),
  ]);
  const status = r.case_status as CaseStatus;
  return {
    id: caseId,
    caseNo: r.case_no ?? '',
    title: r.case_title ?? '',
    status,
    statusLabel: CASE_STATUS_LABELS[status],
    assessment: assessment
      ? {
          versionNo: assessment.version_no,
          summary: assessment.summary,
          risks: assessment.risks,
          urgent: assessment.urgent,
          savedAt: new Date(assessment.saved_at).toISOString(),
        }
      : null,
    plan: plan
      ? {
          id: plan.id,
          planNo: plan.plan_no,
          status: plan.status,
          currentVersion: plan.current_version,
          longTermGoal: plan.long_term_goal,
          shortTermGoals: plan.short_term_goals,
          direction: plan.direction,
          nextReviewOn: plan.next_review_on,
        }
      : null,
    records: records.map((s) => ({
      occurredAt: new Date(s.occurred_at).toISOString(),
      kind: s.kind,
      agencyName: s.agency_name,
      staffName: s.staff_name,
      content: s.content,
    })),
  };
}

/* ---------- decisions ---------- */

export async function listDecisions(scope: Scope, meetingId: string): Promise<{ items: DecisionView[] }> {
  const access = await requireMeeting(scope, meetingId);
  requireOpen(scope, access);
  scope.audit('meeting.decisions.read', { targetType: 'meeting', targetId: meetingId });
  return { items: await loadDecisions(scope, meetingId) };
}

export async function addDecision(scope: Scope, meetingId: string, input: DecisionAddInput): Promise<{ decision: DecisionView; items: DecisionView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  requireNotCancelled(access);
  const m = access.meeting;
  if (!DECISIONS_BY_MEETING[access.kind].includes(input.kind)) {
    throw new AppError(
      422,
      'decision_not_allowed',
      `「${DECISION_KIND_LABELS[input.kind]}」は${MEETING_KIND_LABELS[access.kind]}では決定できません。${
        access.kind === 'shien' && CASE_DECISIONS.includes(input.kind) ? '本人の同意を得てから、重層的支援会議で決定してください。' : ''
      }`,
      { kind: '決定の種類：この会議では選べません' },
    );
  }
  // 参加支援 / アウトリーチ: decided as the municipality's rules say (小金井市: the 市 based on the plan; 福生市: the 重層的支援会議).
  const rules = await meetingRulesOf(scope);
  if (secretariatDecisions(rules).includes(input.kind) && !ctx.roles.includes('secretariat')) {
    scope.deny(
      `${input.kind} is decided by the municipality (settings.meetingRules)`,
      `${input.kind === 'participation_support' ? '参加支援' : 'アウトリーチ'}の利用は、この自治体ではプランにもとづいて市（事務局）が決定します。`,
    );
  }
  if (new Date(m.scheduled_at) > new Date()) throw new AppError(422, 'invalid_state', '決定は会議の開催後に記録します（開催予定の日時より前です）。');
  await requireSecretariatPresent(scope, access);
  const item = await agendaRows(scope).where('i.meeting_id', '=', meetingId).where('i.id', '=', input.agendaItemId).executeTakeFirst();
  if (!item) throw invalid({ agendaItemId: '議題：この会議の議題から選んでください' });
  if (CASE_DECISIONS.includes(input.kind) && (item.kind !== 'case' || !item.case_id)) {
    throw invalid({ agendaItemId: `議題：「${DECISION_KIND_LABELS[input.kind]}」は事例の議題について決定します` });
  }
  if (item.case_id && item.subject_person_id && !access.confidential && access.kind !== 'suishin') {
    const check = await meetingConsent(scope, item.subject_person_id, await attendingAgencies(scope, meetingId));
    if (!check.ok) throw consentRequired(item.subject_person_id, check);
  }
  // 主担当の決定 changes the case's lead agency when decided with consent (重層的支援会議 or another consent-based body);
  // at a body with a statutory 守秘義務 it is recorded only: the case team may not be within the person's consent.
  const changesLead = input.kind === 'lead_decision' && !!item.case_id && !access.confidential && (access.kind === 'jusou' || access.kind === 'other');
  if (input.kind === 'lead_decision' && input.leadAgencyId && !changesLead) {
    throw invalid({
      leadAgencyId: access.confidential
        ? '主担当にする機関：守秘義務のある会議体（支援会議など）では主担当の決定を記録だけします（機関は選びません）'
        : '主担当にする機関：事例の議題のときだけ選びます',
    });
  }
  if (changesLead && !input.leadAgencyId) throw invalid({ leadAgencyId: '主担当にする機関：選んでください' });
  const actsOnCase = input.kind === 'plan_approval' || input.kind === 'closure' || input.kind === 'suspension';
  // carryOut false: the meeting's decision is recorded only; the case's 主担当 carries it out later by naming it.
  const carryOut = actsOnCase ? input.carryOut !== false : true;
  if ((actsOnCase && carryOut) || changesLead) {
    // These change the case: recorded by its 主担当 agency or a coordinator on its team (the cases module checks again).
    const onCase = await caseAccess(scope, item.case_id!);
    if (!onCase?.manage) {
      scope.deny(
        `${input.kind} needs the case's lead agency or a coordinator on its team`,
        `「${DECISION_KIND_LABELS[input.kind]}」を事例に反映できるのは、この事例の主担当機関またはチームのコーディネーターです。決定だけを記録し、事例への反映は主担当機関に任せることもできます。`,
      );
    }
  }
  const caseId = item.case_id;
  let planId: string | null = null;
  if (input.kind === 'plan_approval') {
    const plan = await scope.trx
      .selectFrom('plans')
      .select(['id', 'status'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('case_id', '=', caseId!)
      .where('id', '=', input.planId!)
      .executeTakeFirst();
    if (!plan) throw invalid({ planId: '承認するプラン：この事例のプランから選んでください' });
    if (plan.status !== 'draft') throw invalid({ planId: '承認するプラン：承認できるのは案のプランだけです' });
    planId = plan.id;
  }
  // A decision recorded after the meeting's time means it took place: the meeting becomes 開催済.
  if (m.status !== 'held') {
    await scope.trx
      .updateTable('meetings')
      .set({ status: 'held', version: sql`version + 1`, updated_at: new Date() })
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', meetingId)
      .execute();
  }
  const id = newId();
  await scope.trx
    .insertInto('meeting_decisions')
    .values({
      municipality_id: scope.municipalityId,
      id,
      meeting_id: meetingId,
      agenda_item_id: item.id,
      kind: input.kind,
      content: input.content,
      plan_id: planId,
      plan_version: null,
      case_transition_seq: null,
      details: input.kind === 'closure' ? JSON.stringify({ closure: input.closure }) : null,
      decided_by_user_id: ctx.userId,
    })
    .execute();

  let details: Record<string, unknown> | null = null;
  if (input.kind === 'plan_approval' && carryOut) {
    const plan = await approvePlan(scope, caseId!, planId!, { decisionId: id });
    details = { planNo: plan.planNo, status: plan.status };
  } else if ((input.kind === 'closure' || input.kind === 'suspension') && carryOut) {
    const current = await scope.trx
      .selectFrom('cases')
      .select('version')
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', caseId!)
      .executeTakeFirstOrThrow();
    const detail = await transitionCase(scope, caseId!, {
      to: input.kind === 'closure' ? 'closed' : 'suspended',
      reason: input.content,
      effectiveOn: null,
      decisionId: input.kind === 'suspension' ? id : null,
      closure:
        input.kind === 'closure'
          ? {
              reason: input.closure!.reason,
              note: input.closure!.note ?? null,
              decisionId: id,
              followUpAgencyId: input.closure!.followUpAgencyId ?? null,
              followUpFrequency: input.closure!.followUpFrequency ?? null,
              followUpIntervalDays: input.closure!.followUpIntervalDays ?? null,
            }
          : null,
      version: current.version,
    });
    details = { status: detail.status };
  } else if (actsOnCase) {
    details = { pending: true };
  } else if (changesLead) {
    const member = await scope.trx
      .selectFrom('case_members')
      .select(['id', 'role'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('case_id', '=', caseId!)
      .where('agency_id', '=', input.leadAgencyId!)
      .where('user_id', 'is', null)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (!member) throw invalid({ leadAgencyId: '主担当にする機関：事例のチームの機関から選んでください' });
    // Already the lead: the decision is recorded only.
    if (member.role !== 'lead') await updateTeamMember(scope, caseId!, member.id, { role: 'lead' });
    details = { leadAgencyId: input.leadAgencyId! };
  }
  if (details) {
    const recorded = input.kind === 'closure' ? { closure: input.closure, ...details } : details;
    await scope.trx
      .updateTable('meeting_decisions')
      .set({ details: JSON.stringify(recorded) })
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', id)
      .execute();
  }
  if (input.kind === 'resource_gap') {
    await scope.trx
      .insertInto('resource_gaps')
      .values({ municipality_id: scope.municipalityId, id: newId(), meeting_id: meetingId, decision_id: id, content: input.content })
      .execute();
  }
  const items = await loadDecisions(scope, meetingId);
  const decision = items.find((d) => d.id === id)!;
  scope.audit('meeting.decision', {
    targetType: caseId ? 'case' : 'meeting',
    targetId: caseId ?? meetingId,
    subjectPersonId: item.subject_person_id,
    details: {
      meetingId,
      decisionId: id,
      agendaItemId: item.id,
      kind: input.kind,
      planId,
      transitionSeq: decision.caseTransitionSeq,
      ...(actsOnCase && !carryOut ? { pending: true } : {}),
      ...(changesLead ? { leadAgencyId: input.leadAgencyId } : {}),
    },
  });
  return { decision, items };
}

/**
 * 市 attends every meeting (a body's `secretariat_attends`, 小金井市's
 * 重層的支援会議): such a meeting is not held, nor decides, without a staff
 * attendee of the 事務局 (not marked absent).
 */
async function requireSecretariatPresent(scope: Scope, access: MeetingAccess): Promise<void> {
  if (!access.meeting.body_secretariat_attends) return;
  const present = await scope.trx
    .selectFrom('meeting_attendees as a')
    .innerJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'a.municipality_id').onRef('u.id', '=', 'a.user_id'))
    .select('a.id')
    .where('a.municipality_id', '=', scope.municipalityId)
    .where('a.meeting_id', '=', access.meeting.id)
    .where('a.removed_at', 'is', null)
    .where('u.role', '=', 'secretariat')
    .where((eb) => eb.or([eb('a.attended', 'is', null), eb('a.attended', '=', true)]))
    .executeTakeFirst();
  if (!present) {
    throw new AppError(
      422,
      'secretariat_required',
      `${access.meeting.body_name}には市（事務局）が毎回出席します（この自治体の会議体の設定）。事務局の職員を出席者に加えてから、開催済みにするか決定を記録してください。`,
    );
  }
}

export interface CaseDecisionChoices {
  kind: MeetingBoundDecision;
  /** The municipality's rules bind this decision to a 重層的支援会議. */
  required: boolean;
  /** Closure reasons that may go without a meeting decision (recorded with a reason). */
  closureExceptions: string[];
  items: CarryableDecision[];
}

/** The eligible decisions for the case page's closure / suspension / approval form (the case's managers only). */
export async function caseDecisionChoices(scope: Scope, caseId: string, kind: MeetingBoundDecision, planId: string | undefined): Promise<CaseDecisionChoices> {
  await requireCase(scope, caseId, 'manage', 'case.meeting_decisions');
  const [rules, items] = await Promise.all([meetingRulesOf(scope), eligibleDecisions(scope, caseId, kind, planId)]);
  scope.audit('case.meeting_decisions', { targetType: 'case', targetId: caseId, details: { kind, count: items.length } });
  return { kind, required: rules.meetingDecisions.includes(kind), closureExceptions: kind === 'closure' ? rules.closureExceptions : [], items };
}

/* ---------- follow-up actions ---------- */

export interface FollowUpView {
  id: string;
  agendaItemId: string | null;
  content: string;
  owner: { userId: string | null; name: string | null; agencyName: string | null };
  dueOn: string | null;
  overdue: boolean;
  doneAt: string | null;
  createdAt: string;
}

function followUpRows(scope: Scope) {
  return scope.trx
    .selectFrom('meeting_follow_ups as f')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'f.municipality_id').onRef('u.id', '=', 'f.owner_user_id'))
    .leftJoin('agencies as ag', (j) => j.onRef('ag.municipality_id', '=', 'f.municipality_id').onRef('ag.id', '=', 'f.owner_agency_id'))
    .select([
      'f.id',
      'f.meeting_id',
      'f.agenda_item_id',
      'f.content',
      'f.owner_user_id',
      'u.name as owner_name',
      'ag.name as owner_agency_name',
      'f.due_on',
      'f.done_at',
      'f.created_at',
    ])
    .where('f.municipality_id', '=', scope.municipalityId);
}
type FollowUpRow = Awaited<ReturnType<ReturnType<typeof followUpRows>['executeTakeFirstOrThrow']>>;

function followUpView(r: FollowUpRow): FollowUpView {
  return {
    id: r.id,
    agendaItemId: r.agenda_item_id,
    content: r.content,
    owner: { userId: r.owner_user_id, name: r.owner_name, agencyName: r.owner_agency_name },
    dueOn: r.due_on,
    overdue: !r.done_at && !!r.due_on && r.due_on < todayJst(),
    doneAt: r.done_at ? new Date(r.done_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

async function loadFollowUps(scope: Scope, meetingId: string): Promise<FollowUpView[]> {
  const rows = await followUpRows(scope).where('f.meeting_id', '=', meetingId).orderBy('f.due_on').orderBy('f.created_at').execute();
  return rows.map(followUpView);
}

export async function listFollowUps(scope: Scope, meetingId: string): Promise<{ items: FollowUpView[] }> {
  const access = await requireMeeting(scope, meetingId);
  requireOpen(scope, access);
  scope.audit('meeting.follow_ups.read', { targetType: 'meeting', targetId: meetingId });
  return { items: await loadFollowUps(scope, meetingId) };
}

/** A follow-up action with its owner (an attendee) and due date; it appears in the owner's work list. */
export async function addFollowUp(scope: Scope, meetingId: string, input: FollowUpAddInput): Promise<{ items: FollowUpView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  requireNotCancelled(access);
  if (input.agendaItemId) {
    const item = await scope.trx
      .selectFrom('meeting_agenda_items')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('meeting_id', '=', meetingId)
      .where('id', '=', input.agendaItemId)
      .executeTakeFirst();
    if (!item) throw invalid({ agendaItemId: '議題：この会議の議題から選んでください' });
  }
  const owner = await scope.trx
    .selectFrom('meeting_attendees as a')
    .innerJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'a.municipality_id').onRef('u.id', '=', 'a.user_id'))
    .select(['u.id', 'u.agency_id'])
    .where('a.municipality_id', '=', scope.municipalityId)
    .where('a.meeting_id', '=', meetingId)
    .where('a.user_id', '=', input.ownerUserId)
    .where('a.removed_at', 'is', null)
    .executeTakeFirst();
  if (!owner) throw invalid({ ownerUserId: '担当者：この会議の出席者（職員）から選んでください' });
  const id = newId();
  await scope.trx
    .insertInto('meeting_follow_ups')
    .values({
      municipality_id: scope.municipalityId,
      id,
      meeting_id: meetingId,
      agenda_item_id: input.agendaItemId ?? null,
      content: input.content,
      owner_user_id: owner.id,
      owner_agency_id: owner.agency_id,
      due_on: input.dueOn,
      created_by_user_id: ctx.userId,
    })
    .execute();
  scope.audit('meeting.follow_up.add', { targetType: 'meeting', targetId: meetingId, details: { followUpId: id, ownerUserId: owner.id, dueOn: input.dueOn } });
  return { items: await loadFollowUps(scope, meetingId) };
}

/** Mark a follow-up action done: its owner, or the convener or chair. */
export async function completeFollowUp(scope: Scope, meetingId: string, followUpId: string): Promise<{ items: FollowUpView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  const row = await scope.trx
    .selectFrom('meeting_follow_ups')
    .select(['id', 'owner_user_id', 'done_at'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('meeting_id', '=', meetingId)
    .where('id', '=', followUpId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('会議のあとのやること');
  if (row.owner_user_id !== ctx.userId) requireManage(scope, access);
  if (row.done_at) throw new AppError(422, 'invalid_state', 'このやることはすでに済んでいます。');
  await scope.trx
    .updateTable('meeting_follow_ups')
    .set({ done_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', followUpId)
    .execute();
  scope.audit('meeting.follow_up.done', { targetType: 'meeting', targetId: meetingId, details: { followUpId } });
  return { items: await loadFollowUps(scope, meetingId) };
}

export interface MyFollowUpView extends FollowUpView {
  meeting: { id: string; title: string; kind: MeetingKind; kindLabel: string; scheduledAt: string; confidential: boolean };
}

/**
 * わたしの仕事: the open follow-up actions the user owns, of meetings they
 * still attend (支援会議: once they acknowledged the 守秘義務), by due date.
 */
export async function myFollowUps(scope: Scope): Promise<{ items: MyFollowUpView[] }> {
  const ctx = requireUser(scope);
  const rows = await followUpRows(scope)
    .innerJoin('meetings as m', (j) => j.onRef('m.municipality_id', '=', 'f.municipality_id').onRef('m.id', '=', 'f.meeting_id'))
    .innerJoin('meeting_attendees as a', (j) =>
      j
        .onRef('a.municipality_id', '=', 'f.municipality_id')
        .onRef('a.meeting_id', '=', 'f.meeting_id')
        .on('a.user_id', '=', ctx.userId)
        .on('a.removed_at', 'is', null),
    )
    .leftJoin('meeting_acknowledgements as k', (j) =>
      j.onRef('k.municipality_id', '=', 'a.municipality_id').onRef('k.meeting_id', '=', 'a.meeting_id').onRef('k.attendee_id', '=', 'a.id'),
    )
    .innerJoin('meeting_bodies as b', (j) => j.onRef('b.municipality_id', '=', 'm.municipality_id').onRef('b.id', '=', 'm.meeting_body_id'))
    .select(['m.title as meeting_title', 'm.kind as meeting_kind', 'm.scheduled_at', 'b.confidentiality as body_confidentiality'])
    .where('f.owner_user_id', '=', ctx.userId)
    .where('f.done_at', 'is', null)
    .where('m.status', '!=', 'cancelled')
    .where((eb) => eb.or([eb.and([eb('m.kind', '!=', 'shien'), eb('b.confidentiality', '!=', 'statutory')]), eb('k.acknowledged_at', 'is not', null)]))
    .orderBy('f.due_on')
    .orderBy('f.created_at')
    .limit(200)
    .execute();
  scope.audit('meeting.follow_ups.mine', { details: { count: rows.length } });
  return {
    items: rows.map((r) => {
      const kind = asKind(r.meeting_kind);
      return {
        ...followUpView(r),
        meeting: {
          id: r.meeting_id,
          title: r.meeting_title,
          kind,
          kindLabel: MEETING_KIND_LABELS[kind],
          scheduledAt: new Date(r.scheduled_at).toISOString(),
          confidential: kind === 'shien' || r.body_confidentiality === 'statutory',
        },
      };
    }),
  };
}

/* ---------- 情報提供の求め (支援会議) ---------- */

export interface MeetingInfoRequestView {
  id: string;
  agendaItemId: string | null;
  toAgency: { id: string; name: string };
  question: string;
  requestedAt: string;
  requestedByName: string | null;
  reply: string | null;
  repliedAt: string | null;
}

async function loadInfoRequests(scope: Scope, meetingId: string): Promise<MeetingInfoRequestView[]> {
  const rows = await scope.trx
    .selectFrom('meeting_info_requests as r')
    .innerJoin('agencies as ag', (j) => j.onRef('ag.municipality_id', '=', 'r.municipality_id').onRef('ag.id', '=', 'r.to_agency_id'))
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'r.municipality_id').onRef('u.id', '=', 'r.requested_by_user_id'))
    .select(['r.id', 'r.agenda_item_id', 'r.to_agency_id', 'ag.name as agency_name', 'r.question', 'r.requested_at', 'u.name as user_name', 'r.reply', 'r.replied_at'])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.meeting_id', '=', meetingId)
    .orderBy('r.requested_at')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    agendaItemId: r.agenda_item_id,
    toAgency: { id: r.to_agency_id, name: r.agency_name },
    question: r.question,
    requestedAt: new Date(r.requested_at).toISOString(),
    requestedByName: r.user_name,
    reply: r.reply,
    repliedAt: r.replied_at ? new Date(r.replied_at).toISOString() : null,
  }));
}

function requireShienChair(scope: Scope, access: MeetingAccess): void {
  if (access.kind !== 'shien') {
    throw new AppError(422, 'not_applicable', '情報提供の求め（社会福祉法第106条の6第3項）は支援会議で行います。');
  }
  requireManage(scope, access);
}

export async function listInfoRequests(scope: Scope, meetingId: string): Promise<{ items: MeetingInfoRequestView[] }> {
  const access = await requireMeeting(scope, meetingId);
  requireOpen(scope, access);
  scope.audit('meeting.info_requests.read', { targetType: 'meeting', targetId: meetingId });
  return { items: await loadInfoRequests(scope, meetingId) };
}

/** The 支援会議 chair records a 情報提供の求め to an agency. */
export async function addInfoRequest(scope: Scope, meetingId: string, input: InfoRequestAddInput): Promise<{ items: MeetingInfoRequestView[] }> {
  const ctx = requireUser(scope);
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  requireShienChair(scope, access);
  requireNotCancelled(access);
  const agency = await scope.trx
    .selectFrom('agencies')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', input.toAgencyId)
    .executeTakeFirst();
  if (!agency) throw invalid({ toAgencyId: '求める先の機関：この自治体の機関から選んでください' });
  if (input.agendaItemId) {
    const item = await scope.trx
      .selectFrom('meeting_agenda_items')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('meeting_id', '=', meetingId)
      .where('id', '=', input.agendaItemId)
      .executeTakeFirst();
    if (!item) throw invalid({ agendaItemId: '議題：この会議の議題から選んでください' });
  }
  const id = newId();
  await scope.trx
    .insertInto('meeting_info_requests')
    .values({
      municipality_id: scope.municipalityId,
      id,
      meeting_id: meetingId,
      agenda_item_id: input.agendaItemId ?? null,
      to_agency_id: input.toAgencyId,
      question: input.question,
      requested_by_user_id: ctx.userId,
    })
    .execute();
  scope.audit('meeting.info_request.add', { targetType: 'meeting', targetId: meetingId, details: { requestId: id, toAgencyId: input.toAgencyId } });
  return { items: await loadInfoRequests(scope, meetingId) };
}

/** The chair records the agency's reply. */
export async function replyInfoRequest(scope: Scope, meetingId: string, requestId: string, reply: string): Promise<{ items: MeetingInfoRequestView[] }> {
  const access = await requireMeeting(scope, meetingId, 'meeting.write');
  requireOpen(scope, access);
  requireShienChair(scope, access);
  const row = await scope.trx
    .selectFrom('meeting_info_requests')
    .select(['id', 'reply'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('meeting_id', '=', meetingId)
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('情報提供の求め');
  if (row.reply) throw new AppError(422, 'invalid_state', 'この求めへの回答はすでに記録されています。');
  await scope.trx
    .updateTable('meeting_info_requests')
    .set({ reply, replied_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', requestId)
    .execute();
  scope.audit('meeting.info_request.reply', { targetType: 'meeting', targetId: meetingId, details: { requestId } });
  return { items: await loadInfoRequests(scope, meetingId) };
}

/* ---------- counts for the indicators ---------- */

export interface MeetingCounts {
  fiscalYear: number;
  fiscalYearLabel: string;
  kinds: { kind: MeetingKind; kindLabel: string; held: number; casesDiscussed: number }[];
  decisions: { kind: DecisionKind; kindLabel: string; count: number }[];
}

/**
 * 評価指標 (per 年度): meetings held per kind (not cancelled, already
 * started), distinct cases discussed, decisions by kind. Numbers only; for
 * the 事務局.
 */
export async function meetingCounts(scope: Scope, year: number | undefined): Promise<MeetingCounts> {
  const ctx = requireUser(scope);
  if (!ctx.roles.includes('secretariat')) scope.deny('meeting counts are for the secretariat', '会議の集計は事務局が閲覧します。');
  const fy = year ?? fiscalYear(new Date());
  const from = new Date(`${fy}-04-01T00:00:00+09:00`);
  const to = new Date(`${fy + 1}-04-01T00:00:00+09:00`);
  const now = new Date();
  const held = () =>
    scope.trx
      .selectFrom('meetings as m')
      .where('m.municipality_id', '=', scope.municipalityId)
      .where('m.status', '!=', 'cancelled')
      .where('m.scheduled_at', '>=', from)
      .where('m.scheduled_at', '<', to)
      .where('m.scheduled_at', '<=', now);
  const [meetings, cases, decisions] = await Promise.all([
    held()
      .select(['m.kind', sql<number>`count(*)::int`.as('n')])
      .groupBy('m.kind')
      .execute(),
    held()
      .innerJoin('meeting_agenda_items as i', (j) => j.onRef('i.municipality_id', '=', 'm.municipality_id').onRef('i.meeting_id', '=', 'm.id'))
      .where('i.case_id', 'is not', null)
      .select(['m.kind', sql<number>`count(distinct i.case_id)::int`.as('n')])
      .groupBy('m.kind')
      .execute(),
    held()
      .innerJoin('meeting_decisions as d', (j) => j.onRef('d.municipality_id', '=', 'm.municipality_id').onRef('d.meeting_id', '=', 'm.id'))
      .select(['d.kind', sql<number>`count(*)::int`.as('n')])
      .groupBy('d.kind')
      .execute(),
  ]);
  const countOf = (rows: { kind: string; n: number }[], kind: string) => rows.find((r) => r.kind === kind)?.n ?? 0;
  scope.audit('meeting.counts', { details: { fiscalYear: fy } });
  return {
    fiscalYear: fy,
    fiscalYearLabel: formatFiscalYear(fy),
    kinds: MEETING_KINDS.map((kind) => ({ kind, kindLabel: MEETING_KIND_LABELS[kind], held: countOf(meetings, kind), casesDiscussed: countOf(cases, kind) })),
    decisions: (Object.keys(DECISION_KIND_LABELS) as DecisionKind[]).map((kind) => ({ kind, kindLabel: DECISION_KIND_LABELS[kind], count: countOf(decisions, kind) })),
  };
}

/* ---------- resource gaps (資源開発の課題) ---------- */

export interface ResourceGapView {
  id: string;
  content: string;
  status: string;
  createdAt: string;
  meeting: { id: string; title: string; kind: MeetingKind; kindLabel: string; scheduledAt: string; confidential: boolean };
}

/**
 * The resource gaps decided at meetings, for community work to pick up
 * (newest first). A gap decided at a 支援会議 is 非公開 like everything
 * shared there: only that meeting's attendees who acknowledged see it.
 */
export async function listResourceGaps(scope: Scope): Promise<{ items: ResourceGapView[] }> {
  const ctx = requireUser(scope);
  const rows = await scope.trx
    .selectFrom('resource_gaps as g')
    .innerJoin('meetings as m', (j) => j.onRef('m.municipality_id', '=', 'g.municipality_id').onRef('m.id', '=', 'g.meeting_id'))
    .innerJoin('meeting_bodies as b', (j) => j.onRef('b.municipality_id', '=', 'm.municipality_id').onRef('b.id', '=', 'm.meeting_body_id'))
    .select(['g.id', 'g.content', 'g.status', 'g.created_at', 'm.id as meeting_id', 'm.title', 'm.kind', 'm.scheduled_at', 'b.confidentiality as body_confidentiality'])
    .where('g.municipality_id', '=', scope.municipalityId)
    .where((eb) =>
      eb.or([
        eb.and([eb('m.kind', '!=', 'shien'), eb('b.confidentiality', '!=', 'statutory')]),
        eb.exists(
          eb
            .selectFrom('meeting_attendees as a')
            .innerJoin('meeting_acknowledgements as k', (j) =>
              j.onRef('k.municipality_id', '=', 'a.municipality_id').onRef('k.meeting_id', '=', 'a.meeting_id').onRef('k.attendee_id', '=', 'a.id'),
            )
            .select('a.id')
            .whereRef('a.municipality_id', '=', 'm.municipality_id')
            .whereRef('a.meeting_id', '=', 'm.id')
            .where('a.user_id', '=', ctx.userId)
            .where('a.removed_at', 'is', null),
        ),
      ]),
    )
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(200)
    .execute();
  scope.audit('meeting.resource_gaps.read', { details: { count: rows.length } });
  return {
    items: rows.map((r) => {
      const kind = asKind(r.kind);
      return {
        id: r.id,
        content: r.content,
        status: r.status,
        createdAt: new Date(r.created_at).toISOString(),
        meeting: {
          id: r.meeting_id,
          title: r.title,
          kind,
          kindLabel: MEETING_KIND_LABELS[kind],
          scheduledAt: new Date(r.scheduled_at).toISOString(),
          confidential: kind === 'shien' || r.body_confidentiality === 'statutory',
        },
      };
    }),
  };
}
