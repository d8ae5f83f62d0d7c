import { formatDate } from '../../shared/dates.ts';
import { REFERRAL_STATUS_LABELS } from '../../shared/issues.ts';
import { REFERRAL_EVENT_LABELS } from '../../shared/referral-delivery.ts';
import { Badge, type BadgeTone } from '../components/ui.tsx';

export { REFERRAL_STATUS_LABELS };
/** The statuses in the order of the closed loop: 送付 → 受理 | 差戻し → 対応中 → 完了. */
export const REFERRAL_STATUSES = ['sent', 'accepted', 'in_progress', 'completed', 'returned'] as const;

export function statusTone(status: string): BadgeTone {
  if (status === 'sent') return 'info';
  if (status === 'accepted' || status === 'in_progress') return 'success';
  if (status === 'completed') return 'neutral';
  if (status === 'returned') return 'error';
  return 'neutral';
}

export function ReferralStatus({ status, overdue = false }: { status: string; overdue?: boolean }) {
  return (
    <span className="badges">
      <Badge tone={statusTone(status)}>{REFERRAL_EVENT_LABELS[status] ?? status}</Badge>
      {overdue && <Badge tone="error">期限超過</Badge>}
    </span>
  );
}

/** The tone of a status given by its label (the timeline sends labels). */
export function toneForLabel(label: string): BadgeTone {
  const status = Object.keys(REFERRAL_STATUS_LABELS).find((key) => REFERRAL_STATUS_LABELS[key] === label);
  return status ? statusTone(status) : 'neutral';
}

/**
 * 受理期限 as staff read it: the referral is due by the end (24:00) of a
 * business day, so "2026年11月27日（令和8年）まで" rather than 28日 00:00.
 */
export function dueLabel(dueAt: string): string {
  return `${formatDate(new Date(Date.parse(dueAt) - 1))}まで`;
}
