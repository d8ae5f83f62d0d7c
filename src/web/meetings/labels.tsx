import { Badge, type BadgeTone } from '../components/ui.tsx';
import type { DecisionKind, MeetingKind, MeetingSummary } from '../lib/types.ts';

/**
 * Words of the meeting pages. The server's lists (src/meetings/schema.ts)
 * carry zod, so the browser keeps its own copy of the few it needs; the
 * types tie them to the server's kinds.
 */
export const MEETING_KIND_SHORT: Record<MeetingKind, string> = {
  jusou: '重層的支援会議',
  shien: '支援会議',
  suishin: '推進会議',
  other: 'その他',
};

const KIND_TONE: Record<MeetingKind, BadgeTone> = { jusou: 'info', shien: 'warning', suishin: 'success', other: 'neutral' };

export const DECISION_LABELS: Record<DecisionKind, string> = {
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

/** The decisions each kind of meeting records (DOMAIN.md §4, as the server enforces). */
export const DECISIONS_BY_KIND: Record<MeetingKind, readonly DecisionKind[]> = {
  jusou: ['plan_approval', 'role_split', 'lead_decision', 'closure', 'suspension', 'resource_gap', 'participation_support', 'outreach', 'other'],
  shien: ['role_split', 'lead_decision', 'resource_gap', 'other'],
  suishin: ['system_collaboration', 'system_issue', 'system_evaluation', 'resource_gap', 'other'],
  other: ['role_split', 'lead_decision', 'resource_gap', 'other'],
};

/** Decisions about one case (need a case on the agenda item). */
export const CASE_DECISION_KINDS: readonly DecisionKind[] = ['plan_approval', 'closure', 'suspension', 'participation_support', 'outreach'];
/** Decided by the municipality (事務局) only. */
export const SECRETARIAT_DECISIONS: readonly DecisionKind[] = ['participation_support', 'outreach'];

export function MeetingKindBadge({ kind }: { kind: MeetingKind }) {
  return <Badge tone={KIND_TONE[kind]}>{MEETING_KIND_SHORT[kind]}</Badge>;
}

/** 支援会議: everything shared there is 非公開. */
export function ConfidentialMark() {
  return (
    <span className="meeting-secret" title="支援会議（社会福祉法第106条の6）の資料と記録は非公開です">
      非公開
    </span>
  );
}

export function MeetingStatusBadge({ meeting }: { meeting: Pick<MeetingSummary, 'status' | 'statusLabel'> }) {
  const tone: BadgeTone = meeting.status === 'held' ? 'success' : meeting.status === 'cancelled' ? 'neutral' : 'info';
  return <Badge tone={tone}>{meeting.statusLabel}</Badge>;
}

/** "2026年11月24日（令和8年）14:00" is long in tables: 11月24日（火）14:00 with the year when not this year. */
export function meetingWhen(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000);
  const now = new Date(Date.now() + 9 * 3600_000);
  const wd = '日月火水木金土'[d.getUTCDay()];
  const hm = `${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const year = d.getUTCFullYear() === now.getUTCFullYear() ? '' : `${d.getUTCFullYear()}年`;
  return `${year}${d.getUTCMonth() + 1}月${d.getUTCDate()}日（${wd}）${hm}`;
}

/** The value of a datetime-local input as an instant in Japan time. */
export function jstInstant(local: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+09:00` : local;
}
