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
/** Decided by the municipality (事務局) only. */
export const SECRETARIAT_DECISIONS: readonly DecisionKind[] = ['participation_support', 'outreach'];

/** The 守秘義務 text every 支援会議 attendee acknowledges; its version is recorded with the acknowledgement. */
export const CONFIDENTIALITY_TEXT_VERSION = '2026-11';
export const CONFIDENTIALITY_TEXT =
  '支援会議（社会福祉法第106条の6）の構成員には守秘義務があり、正当な理由なく会議の事務に関して知り得た秘密を漏らしてはなりません（違反した場合は1年以下の拘禁刑または100万円以下の罰金）。会議の資料と記録は非公開です。';
