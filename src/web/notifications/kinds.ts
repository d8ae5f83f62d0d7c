import type { BadgeTone } from '../components/ui.tsx';

/** What each kind of notification is, for its badge. */
export const NOTIFICATION_KINDS: Record<string, { label: string; tone: BadgeTone }> = {
  urgent_consultation: { label: '緊急の相談', tone: 'error' },
  emergency_access: { label: '緊急時の閲覧', tone: 'error' },
  referral_overdue: { label: '期限超過', tone: 'error' },
  referral_received: { label: 'つなぎ', tone: 'info' },
  referral_accepted: { label: '受理', tone: 'success' },
  referral_in_progress: { label: '対応中', tone: 'success' },
  referral_completed: { label: '完了', tone: 'neutral' },
  referral_returned: { label: '差戻し', tone: 'warning' },
};

export function kindOf(kind: string): { label: string; tone: BadgeTone } {
  return NOTIFICATION_KINDS[kind] ?? { label: 'お知らせ', tone: 'neutral' };
}
