import { REFERRAL_STATUS_LABELS } from './issues.ts';

/**
 * A referral to an agency that has no accounts in kasane (警察署, 保健所,
 * 児童相談所, 消防署 …) goes out as the printed 共通様式 sheet; the sender
 * records how it was sent and, later, the answer. Lists shared by the API
 * and the UI.
 */
export const DELIVERY_METHODS = ['FAX', '郵送', '持参'] as const;
export const ANSWER_METHODS = ['電話', 'FAX', '郵送', '面談'] as const;
export const ANSWER_RESULTS = ['accepted', 'declined'] as const;
export const ANSWER_RESULT_LABELS: Record<(typeof ANSWER_RESULTS)[number], string> = {
  accepted: '引き受けてもらえた',
  declined: '引き受けてもらえなかった',
};

/** Labels of the entries in a referral's history: its statuses plus the steps that change none. */
export const REFERRAL_EVENT_LABELS: Record<string, string> = {
  ...REFERRAL_STATUS_LABELS,
  progress: '経過の記録',
  delivered: '紙・FAXで送付',
  answered: '回答の記録',
};
