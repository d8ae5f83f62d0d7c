import { ACTION_LABELS, type Action } from '../../access/policy.ts';
import { ROLE_LABELS, type Role } from '../../shared/roles.ts';

/**
 * The server records reasons as short English codes ("wrong password",
 * "role auditor may not users.read"); auditors read them in Japanese.
 * Unknown reasons are shown as recorded.
 */
const FIXED: Record<string, string> = {
  'wrong password': 'パスワードの誤り',
  'unknown login id': '登録されていないログインID',
  'account locked': 'ロック中のアカウント',
  'account disabled': '利用停止中のアカウント',
  'wrong code': '確認コードの誤り',
  'first start': '初回起動',
};

const STEPS: Record<string, string> = {
  totp: '確認コードの入力',
  enroll: '二要素認証の設定',
  password: 'パスワードの変更',
};

export function reasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  const fixed = FIXED[reason];
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
