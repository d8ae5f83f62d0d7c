import { Badge, type BadgeTone } from '../components/ui.tsx';
import type { MeetingKind, MeetingSummary } from '../lib/types.ts';

/**
 * Words of the meeting pages: short names of the kinds for tables and badges.
 * The full names and the decision lists are shared with the server.
 */
export const MEETING_KIND_SHORT: Record<MeetingKind, string> = {
  jusou: '重層的支援会議',
  shien: '支援会議',
  suishin: '推進会議',
  other: 'その他',
};

const KIND_TONE: Record<MeetingKind, BadgeTone> = { jusou: 'info', shien: 'warning', suishin: 'success', other: 'neutral' };

/** The decisions, their words and which meeting records which: one list with the server (src/shared/meetings.ts). */
export {
  DECISION_KIND_LABELS as DECISION_LABELS,
  DECISIONS_BY_MEETING as DECISIONS_BY_KIND,
  CASE_DECISIONS as CASE_DECISION_KINDS,
  SERVICE_DECISIONS,
} from '../../shared/meetings.ts';

export function MeetingKindBadge({ kind }: { kind: MeetingKind }) {
  return <Badge tone={KIND_TONE[kind]}>{MEETING_KIND_SHORT[kind]}</Badge>;
}

/** A body with a statutory 守秘義務 (支援会議 and the like): everything shared there is 非公開. */
export function ConfidentialMark() {
  return (
    <span className="meeting-secret" title="守秘義務のある会議体（支援会議など）の資料と記録は非公開です">
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
