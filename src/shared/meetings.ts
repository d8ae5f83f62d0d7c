/**
 * The words and rules of meetings that both the server and the browser need:
 * pure data, no zod (src/meetings/schema.ts re-exports them).
 */

/** Kinds of meeting body (presets/*.json meetingBodies[].kind). */
export const MEETING_KINDS = ['jusou', 'shien', 'suishin', 'other'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
  jusou: '重層的支援会議',
  shien: '支援会議（社会福祉法第106条の6）',
  suishin: '重層的支援体制推進会議',
  other: 'その他の会議',
};

export const MEETING_STATUSES = ['scheduled', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = { scheduled: '開催予定', held: '開催済', cancelled: '中止' };

export const AGENDA_KINDS = ['case', 'person', 'topic'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

export const DECISION_KINDS = [
  'plan_approval',
  'role_split',
  'lead_decision',
  'closure',
  'suspension',
  'resource_gap',
  'participation_support',
  'outreach',
  'system_collaboration',
  'system_issue',
  'system_evaluation',
  'other',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  plan_approval: 'プラン承認',
  role_split: '役割分担の合意',
  lead_decision: '主担当の決定',
  closure: '終結',
  suspension: '中断',
  resource_gap: '資源開発の課題',
  participation_support: '参加支援の利用決定',
  outreach: 'アウトリーチの利用決定',
  system_collaboration: '連携体制',
  system_issue: '体制の課題',
  system_evaluation: '評価',
  other: 'その他',
};

/** The decisions each kind of meeting may record (DOMAIN.md §4). */
export const DECISIONS_BY_MEETING: Record<MeetingKind, readonly DecisionKind[]> = {
  jusou: ['plan_approval', 'role_split', 'lead_decision', 'closure', 'suspension', 'resource_gap', 'participation_support', 'outreach', 'other'],
  // 支援会議 shares information and agrees roles; approval, closure and the use of services need consent (重層的支援会議).
  shien: ['role_split', 'lead_decision', 'resource_gap', 'other'],
  suishin: ['system_collaboration', 'system_issue', 'system_evaluation', 'resource_gap', 'other'],
  other: ['role_split', 'lead_decision', 'resource_gap', 'other'],
};

/** Decisions about one case: they need a case on the agenda item. */
export const CASE_DECISIONS: readonly DecisionKind[] = ['plan_approval', 'closure', 'suspension', 'participation_support', 'outreach'];
/** 参加支援 / アウトリーチ: who decides them is a municipal setting (see secretariatDecisions below). */
export const SERVICE_DECISIONS: readonly DecisionKind[] = ['participation_support', 'outreach'];

/** The 守秘義務 text every 支援会議 attendee acknowledges; its version is recorded with the acknowledgement. */
export const CONFIDENTIALITY_TEXT_VERSION = '2026-11';
export const CONFIDENTIALITY_TEXT =
  '支援会議（社会福祉法第106条の6）の構成員には守秘義務があり、正当な理由なく会議の事務に関して知り得た秘密を漏らしてはなりません（違反した場合は1年以下の拘禁刑または100万円以下の罰金）。会議の資料と記録は非公開です。';

/* ---------- each city's rules (issue 12 items 2–4) ---------- */

/**
 * A body's confidentiality rule. 'statutory': its members bear a 守秘義務 by
 * law, so it works like the 支援会議 of 社会福祉法第106条の6 (no consent gate,
 * each attendee acknowledges before the agenda and materials open, attendees
 * only). 'consent': a case or person enters only within the person's consent
 * to 会議での情報共有 (重層的支援会議 and most others).
 */
export const CONFIDENTIALITY_RULES = ['statutory', 'consent'] as const;
export type ConfidentialityRule = (typeof CONFIDENTIALITY_RULES)[number];
export const CONFIDENTIALITY_RULE_LABELS: Record<ConfidentialityRule, string> = {
  statutory: '法律上の守秘義務あり（本人同意なしで検討できる）',
  consent: '本人同意が必要',
};

/**
 * The statutory 守秘義務 a legal basis carries, as the article to cite, or
 * null. 障害者の地域自立支援協議会 is not derived: whether its members bear
 * the duty follows its own rules (the administrator sets it per body).
 */
export function statutoryConfidentialityOf(body: { kind: string; legalBasis: string | null; name: string }): string | null {
  const basis = (body.legalBasis ?? '').replace(/\s/g, '');
  if (body.kind === 'shien' || /106条の6/.test(basis)) return '社会福祉法第106条の6';
  if (/児童福祉法第?25条の[25]/.test(basis) || /要保護児童対策地域協議会/.test(body.name)) return '児童福祉法第25条の5';
  if (/生活困窮者自立支援法第?9条/.test(basis) || /生活困窮者自立支援法第9条/.test(body.name)) return '生活困窮者自立支援法第9条';
  if (/介護保険法第?115条の48/.test(basis) || /地域ケア会議/.test(body.name)) return '介護保険法第115条の48';
  return null;
}

/** What the meeting page says about a body's rule. */
export function confidentialityNotice(rule: ConfidentialityRule, basis: string | null): string {
  return rule === 'statutory'
    ? `守秘義務のある会議体（${basis ?? '法律の規定'}）：同意がなくても検討できます。出席者は守秘義務の確認が必要です。`
    : '本人同意が必要な会議体：本人の同意（会議での情報共有）が出席するすべての機関を含む事例・本人だけを検討できます。';
}

/** The 守秘義務 text for a body other than the 106条の6 支援会議; its version is recorded with the acknowledgement. */
export const STATUTORY_CONFIDENTIALITY_TEXT_VERSION = '2026-12';
export function confidentialityText(bodyName: string, basis: string | null): string {
  if (basis === '社会福祉法第106条の6') return CONFIDENTIALITY_TEXT;
  return `${bodyName}（${basis ?? '法律の規定'}）の構成員には守秘義務があり、正当な理由なく会議の事務に関して知り得た秘密を漏らしてはなりません。会議の資料と記録は非公開で、この会議の出席者だけが閲覧できます。`;
}
export function confidentialityTextVersion(basis: string | null): string {
  return basis === '社会福祉法第106条の6' ? CONFIDENTIALITY_TEXT_VERSION : STATUTORY_CONFIDENTIALITY_TEXT_VERSION;
}

/** Decisions about a case that a municipality may bind to a 重層的支援会議 (settings.meetingRules.meetingDecisions). */
export const MEETING_BOUND_DECISIONS = ['plan_approval', 'closure', 'suspension'] as const;
export type MeetingBoundDecision = (typeof MEETING_BOUND_DECISIONS)[number];

/** Who decides the use of 参加支援 / アウトリーチ: the 市 (事務局) based on the plan, or the 重層的支援会議. */
export const SERVICE_DECIDERS = ['secretariat', 'meeting'] as const;
export type ServiceDecider = (typeof SERVICE_DECIDERS)[number];
export const SERVICE_DECIDER_LABELS: Record<ServiceDecider, string> = {
  secretariat: 'プランにもとづいて市（事務局）が決定する',
  meeting: '重層的支援会議で決定する',
};

/** The decisions a municipality's rules reserve for the 事務局 (replaces the former fixed list, 小金井市's rule). */
export function secretariatDecisions(rules: { participationSupportDecidedBy: ServiceDecider; outreachDecidedBy: ServiceDecider }): DecisionKind[] {
  const kinds: DecisionKind[] = [];
  if (rules.participationSupportDecidedBy === 'secretariat') kinds.push('participation_support');
  if (rules.outreachDecidedBy === 'secretariat') kinds.push('outreach');
  return kinds;
}
