import type { Scope } from '../access/gateway.ts';
import { AppError } from '../server/errors.ts';
import { readSettings, type MeetingRules } from '../municipalities/settings.ts';
import { todayJst } from '../shared/date-input.ts';
import { DECISION_KIND_LABELS, MEETING_STATUS_LABELS, type DecisionKind, type MeetingBoundDecision, type MeetingStatus } from '../shared/meetings.ts';

/**
 * Decisions that need a meeting really need one (DOMAIN.md §4 rules 1, 6).
 * A closure, a suspension or a plan approval that the municipality's rules
 * (settings.meetingRules.meetingDecisions) bind to a 重層的支援会議 names the
 * decision it carries out: a decision of that kind, of a held meeting of a
 * body of kind jusou, on an agenda item about this very case (and, for an
 * approval, this plan), not carried out before. The cases module calls
 * `carryableDecision` on every path (the case page and the meeting page alike)
 * and `markCarriedOut` in the same transaction.
 */

export async function meetingRulesOf(scope: Scope): Promise<MeetingRules> {
  const row = await scope.trx.selectFrom('municipalities').select('settings').where('id', '=', scope.municipalityId).executeTakeFirst();
  return readSettings(row?.settings).meetingRules;
}

export interface CarryableDecision {
  id: string;
  meetingId: string;
  meetingTitle: string;
  /** The meeting's date (JST): the date of the decision. */
  meetingDate: string;
  /** 「会議名（議題N：議題名）」 as recorded with the case or plan. */
  ref: string;
  content: string;
  details: Record<string, unknown> | null;
}

const KIND_WORD: Record<MeetingBoundDecision, string> = { closure: '終結', suspension: '中断', plan_approval: 'プランの承認' };

function refused(message: string, field: string): AppError {
  return new AppError(422, 'meeting_decision_invalid', message, { [field]: `会議の決定：${message}` });
}

/** The rows eligible decisions are read from (decision, its meeting and body, its agenda item). */
function decisionRows(scope: Scope) {
  return scope.trx
    .selectFrom('meeting_decisions as d')
    .innerJoin('meetings as m', (j) => j.onRef('m.municipality_id', '=', 'd.municipality_id').onRef('m.id', '=', 'd.meeting_id'))
    .innerJoin('meeting_bodies as b', (j) => j.onRef('b.municipality_id', '=', 'm.municipality_id').onRef('b.id', '=', 'm.meeting_body_id'))
    .innerJoin('meeting_agenda_items as i', (j) => j.onRef('i.municipality_id', '=', 'd.municipality_id').onRef('i.id', '=', 'd.agenda_item_id'))
    .select([
      'd.id',
      'd.kind',
      'd.content',
      'd.details',
      'd.plan_id',
      'd.plan_version',
      'd.case_transition_seq',
      'd.decided_at',
      'm.id as meeting_id',
      'm.title as meeting_title',
      'm.status as meeting_status',
      'm.scheduled_at',
      'b.kind as body_kind',
      'b.name as body_name',
      'i.seq as item_seq',
      'i.title as item_title',
      'i.case_id as item_case_id',
    ])
    .where('d.municipality_id', '=', scope.municipalityId);
}
type DecisionRow = Awaited<ReturnType<ReturnType<typeof decisionRows>['executeTakeFirstOrThrow']>>;

function carriedOut(r: DecisionRow, kind: MeetingBoundDecision): boolean {
  return kind === 'plan_approval' ? r.plan_version !== null : r.case_transition_seq !== null;
}

function viewOf(r: DecisionRow): CarryableDecision {
  return {
    id: r.id,
    meetingId: r.meeting_id,
    meetingTitle: r.meeting_title,
    meetingDate: todayJst(new Date(r.scheduled_at)),
    ref: `${r.meeting_title}（議題${r.item_seq}：${r.item_title}）`.slice(0, 200),
    content: r.content,
    details: r.details,
  };
}

/**
 * The named decision, checked; otherwise 422 with the reason in Japanese
 * (`field` names the input it came from, e.g. closure.decisionId).
 */
export async function carryableDecision(
  scope: Scope,
  input: { caseId: string; kind: MeetingBoundDecision; decisionId: string; planId?: string; field: string },
): Promise<CarryableDecision> {
  const r = await decisionRows(scope).where('d.id', '=', input.decisionId).executeTakeFirst();
  const word = KIND_WORD[input.kind];
  if (!r) throw refused('指定された会議の決定が見つかりません。重層的支援会議で記録された決定を選んでください。', input.field);
  if (r.meeting_status !== 'held') {
    throw refused(
      `この決定の会議（${r.meeting_title}）は開催済みになっていません（${MEETING_STATUS_LABELS[r.meeting_status as MeetingStatus] ?? r.meeting_status}）。開催した重層的支援会議の決定を選んでください。`,
      input.field,
    );
  }
  if (r.body_kind !== 'jusou') {
    throw refused(`この決定の会議体（${r.body_name}）は重層的支援会議ではありません。${word}は重層的支援会議で決定します。`, input.field);
  }
  if (r.item_case_id !== input.caseId) {
    const onAgenda = await scope.trx
      .selectFrom('meeting_agenda_items')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('meeting_id', '=', r.meeting_id)
      .where('case_id', '=', input.caseId)
      .executeTakeFirst();
    throw refused(
      onAgenda ? 'この決定は同じ会議の別の議題（別の事例）についての決定です。この事例の議題の決定を選んでください。' : `この事例はその会議（${r.meeting_title}）の議題にありません。`,
      input.field,
    );
  }
  if (r.kind !== input.kind) {
    throw refused(`この決定は「${DECISION_KIND_LABELS[r.kind as DecisionKind] ?? r.kind}」です。「${DECISION_KIND_LABELS[input.kind]}」の決定を選んでください。`, input.field);
  }
  if (input.kind === 'plan_approval' && r.plan_id !== input.planId) {
    throw refused('この決定は別のプランの承認です。このプランを承認した決定を選んでください。', input.field);
  }
  if (carriedOut(r, input.kind)) throw refused('この決定はすでに事例に反映されています。', input.field);
  return viewOf(r);
}

/** Record on the decision what carried it out (the case's transition, or the approved plan version). */
export async function markCarriedOut(scope: Scope, decisionId: string, done: { transitionSeq: number } | { planVersion: number }): Promise<void> {
  await scope.trx
    .updateTable('meeting_decisions')
    .set('transitionSeq' in done ? { case_transition_seq: done.transitionSeq } : { plan_version: done.planVersion })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', decisionId)
    .execute();
}

/**
 * The decisions a case's closure, suspension or plan approval may carry out
 * (for the picker on the case and plan pages): held 重層的支援会議, this
 * case on the agenda, the right kind, not carried out yet.
 */
export async function eligibleDecisions(scope: Scope, caseId: string, kind: MeetingBoundDecision, planId?: string): Promise<CarryableDecision[]> {
  let q = decisionRows(scope)
    .where('d.kind', '=', kind)
    .where('i.case_id', '=', caseId)
    .where('m.status', '=', 'held')
    .where('b.kind', '=', 'jusou');
  q = kind === 'plan_approval' ? q.where('d.plan_version', 'is', null) : q.where('d.case_transition_seq', 'is', null);
  if (planId) q = q.where('d.plan_id', '=', planId);
  const rows = await q.orderBy('m.scheduled_at', 'desc').orderBy('d.decided_at', 'desc').limit(50).execute();
  return rows.map(viewOf);
}
