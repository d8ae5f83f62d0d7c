import { ACTION_LABELS, type Action } from '../access/policy.ts';
import { ROLE_LABELS, type Role } from './roles.ts';

/**
 * Words for the audit log, shared by the server (CSV export) and the web
 * app: action labels, outcomes, and reasons recorded as short codes.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  // Denials are recorded under the policy action that was refused.
  ...ACTION_LABELS,
  'auth.login': 'ログイン',
  'auth.logout': 'ログアウト',
  'auth.lockout': 'アカウントのロック',
  'auth.totp': '二要素認証',
  'auth.totp_enabled': '二要素認証の有効化',
  'auth.password_changed': 'パスワード変更',
  'agency.create': '機関・窓口の登録',
  'agency.update': '機関・窓口の編集',
  'user.list': '利用者一覧の閲覧',
  'user.read': '利用者の閲覧',
  'user.create': '利用者の登録',
  'user.update': '利用者の編集',
  'user.unlock': 'ロックの解除',
  'user.reset_password': 'パスワードの再設定',
  'user.reset_totp': '二要素認証の解除',
  'settings.update': '設定の変更',
  'preset.load': 'プリセットの読み込み',
  'audit.search': '監査ログの検索',
  'audit.export': '監査ログの出力',
  'audit.retention_purge': '保存期間を過ぎた監査ログの削除',
  'person.search': '本人の検索',
  'person.create': '本人の登録',
  'person.update': '本人の記録の編集',
  'person.timeline': '本人の経過の閲覧',
  'person.link': '名寄せ（同一人物の紐付け）',
  'person.unlink': '名寄せの取り消し',
  'person.emergency_access': '緊急時の閲覧（生命・身体の保護）',
  'household.create': '世帯の登録',
  'household.read': '世帯の閲覧',
  'household.update': '世帯の編集',
  'household.timeline': '世帯の経過の閲覧',
  'household.member_add': '世帯員の追加',
  'household.member_update': '世帯員の変更',
  'household.member_remove': '世帯員を外す',
  'consent.read': '同意の記録の閲覧',
  'consent.record': '同意の記録',
  'consent.withdraw': '同意の撤回',
  'consent.document_attach': '同意書の添付',
  'consent.document_read': '同意書の閲覧',
  'consultation.create': '相談受付の登録',
  'consultation.read': '相談の閲覧',
  'consultation.list': '相談一覧の閲覧',
  'referral.create': 'つなぎの送付',
  'referral.read': 'つなぎの閲覧',
  'referral.list': 'つなぎ一覧の閲覧',
  'referral.accept': 'つなぎの受理',
  'referral.return': 'つなぎの差戻し',
  'referral.start': 'つなぎの対応開始',
  'referral.complete': 'つなぎの完了',
  'routing_rule.create': '振り分けルールの追加',
  'routing_rule.update': '振り分けルールの編集',
};

export const OUTCOME_LABELS: Record<string, string> = { success: '成功', failure: '失敗', denied: '拒否' };

const FIXED_REASONS: Record<string, string> = {
  'wrong password': 'パスワードの誤り',
  'unknown login id': '登録されていないログインID',
  'account locked': 'ロック中のアカウント',
  'account disabled': '利用停止中のアカウント',
  'wrong code': '確認コードの誤り',
  'first start': '初回起動',
  'no access': '閲覧・操作の根拠なし（同意・つなぎ・登録のいずれもない）',
  'referral access only': 'つなぎによる限定的な閲覧のみ',
  'emergency access': '緊急時の閲覧',
  'urgent consultation: protection of life or body': '緊急の相談（生命・身体の保護のため）',
};

const STEPS: Record<string, string> = {
  totp: '確認コードの入力',
  enroll: '二要素認証の設定',
  password: 'パスワードの変更',
};

/** A recorded reason in Japanese (reasons typed by staff are returned as written). */
export function reasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  const fixed = FIXED_REASONS[reason];
  if (fixed) return fixed;
  let m = /^next step: (\w+)$/.exec(reason);
  if (m) return `パスワード確認済み（次は${STEPS[m[1]!] ?? m[1]}）`;
  m = /^(\d+) consecutive failures$/.exec(reason);
  if (m) return `${m[1]}回続けて失敗`;
  m = /^role (\w+) may not ([\w.]+)$/.exec(reason);
  if (m) {
    const role = ROLE_LABELS[m[1] as Role] ?? m[1];
    const action = ACTION_LABELS[m[2] as Action] ?? m[2];
    return `権限なし（${role}は「${action}」ができません）`;
  }
  return reason;
}
