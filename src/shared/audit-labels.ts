import { ACTION_LABELS, type Action } from '../access/policy.ts';
import { TEAM_ROLE_LABELS, type TeamRole } from './cases.ts';
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
  'staff.search': '職員の検索',
  'settings.update': '設定の変更',
  'preset.load': 'プリセットの読み込み',
  'audit.search': '監査ログの検索',
  'audit.export': '監査ログの出力',
  'audit.retention_purge': '保存期間を過ぎた監査ログの削除',
  'audit.criteria_search': '監査ログの検索語による照合',
  'audit.reveal': '本人の氏名の確認（監査）',
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
  'referral.progress': 'つなぎの経過の記録',
  'referral.deliver': 'つなぎの紙・FAXでの送付の記録',
  'referral.answer': 'つなぎ先の回答の記録（紙・FAX）',
  'routing_rule.create': '振り分けルールの追加',
  'routing_rule.update': '振り分けルールの編集',
  // 多機関協働
  'case.open': '事例の開始',
  'case.list': '事例一覧の閲覧',
  'case.read': '事例の閲覧',
  'case.contribute': '事例への記録',
  'case.edit': '事例の編集',
  'case.manage': '事例の管理',
  'case.update': '事例名の変更',
  'case.link': '事例への相談・つなぎの関連づけ',
  'case.person.add': '事例への対象者の追加',
  'case.person.remove': '事例から対象者を外す',
  'case.team.read': 'チームの閲覧',
  'case.team.add': 'チームへの追加',
  'case.team.update': 'チームの役割の変更',
  'case.team.remove': 'チームから外す',
  'case.transition': '事例の状態の変更',
  'case.transitions.read': '事例の状態の履歴の閲覧',
  'assessment.read': 'アセスメントの閲覧',
  'assessment.save': 'アセスメントの保存',
  'info_request.create': '情報収集依頼の送付',
  'info_request.read': '情報収集依頼の閲覧',
  'info_request.answer': '情報収集依頼への回答',
  'info_request.cancel': '情報収集依頼の取消',
  'plan.read': '支援プランの閲覧',
  'plan.create': '支援プランの作成',
  'plan.save': '支援プランの保存',
  'plan.approve': '支援プランの承認',
  'plan.evaluate': '支援プランの評価',
  'plan.review_date': '次回評価日の変更',
  'record.list': '支援経過記録の閲覧',
  'record.create': '支援経過記録の登録',
  'record.correct': '支援経過記録の訂正',
  'record.history': '支援経過記録の訂正履歴の閲覧',
  'record.today': '今日の記録の閲覧',
  'task.list': 'わたしの仕事の閲覧',
  'task.overview': '全体の状況の閲覧',
  // 会議体
  'meeting.create': '会議の登録',
  'meeting.list': '会議一覧の閲覧',
  'meeting.search': '会議の検索',
  'meeting.read': '会議の閲覧',
  'meeting.update': '会議の編集',
  'meeting.attendees.read': '出席者の閲覧',
  'meeting.attendee.add': '出席者の追加',
  'meeting.attendee.remove': '出席者を外す',
  'meeting.attendance': '出欠の記録',
  'meeting.acknowledge': '守秘義務の確認',
  'meeting.acknowledgements.read': '守秘義務の確認状況の閲覧',
  'meeting.agenda.read': '議題の閲覧',
  'meeting.agenda.add': '議題の追加',
  'meeting.materials.read': '会議資料の閲覧',
  'meeting.minutes.save': '議事録の保存',
  'meeting.decision': '会議の決定の記録',
  'meeting_body.update': '会議体のルールの変更',
  'case.meeting_decisions': '事例に反映できる会議の決定の閲覧',
  'meeting.decisions.read': '会議の決定の閲覧',
  'meeting.follow_up.add': '会議後の対応の追加',
  'meeting.follow_up.done': '会議後の対応の完了',
  'meeting.follow_ups.read': '会議後の対応の閲覧',
  'meeting.follow_ups.mine': '自分の会議後の対応の閲覧',
  'meeting.info_request.add': '情報提供の求めの記録',
  'meeting.info_request.reply': '情報提供の求めへの回答の記録',
  'meeting.info_requests.read': '情報提供の求めの閲覧',
  'meeting.resource_gaps.read': '資源開発の課題の閲覧',
  'meeting.counts': '会議の件数の閲覧',
  'department.create': '課の登録',
  'department.update': '課の編集',
  'taxonomy.create': '課題・同意の目的の追加',
  'taxonomy.update': '課題・同意の目的の変更',
  // 保存期間 (src/retention)
  'retention.preview': '保存期間を過ぎた記録の確認',
  'retention.run': '保存期間を過ぎた個人情報の匿名化',
};

export const OUTCOME_LABELS: Record<string, string> = { success: '成功', failure: '失敗', denied: '拒否' };

const FIXED_REASONS: Record<string, string> = {
  'demo load': 'デモデータの投入（架空のデータ）',
  'wrong password': 'パスワードの誤り',
  'unknown login id': '登録されていないログインID',
  'account locked': 'ロック中のアカウント',
  'account disabled': '利用停止中のアカウント',
  'wrong code': '確認コードの誤り',
  'first start': '初回起動',
  'no access': '閲覧・操作の根拠なし（同意・つなぎ・登録のいずれもない）',
  'referral access only': 'つなぎによる限定的な閲覧のみ',
  'department window of the promoter': '推進員の所管課の窓口の相談・つなぎ',
  'emergency access': '緊急時の閲覧',
  'urgent consultation: protection of life or body': '緊急の相談（生命・身体の保護のため）',
  'confidentiality not acknowledged (支援会議)': '守秘義務の確認前（支援会議）',
  'confidentiality not acknowledged': '守秘義務の確認前（守秘義務のある会議体）',
  'the body is convened by the municipality (secretariat)': 'この会議体を招集できるのは市（事務局）だけ（自治体の設定）',
  'only the receiving agency changes the status': 'つなぎの状態を変えられるのはつなぎ先の機関だけ',
  'only the receiving agency records progress': 'つなぎの経過を記録できるのはつなぎ先の機関だけ',
  'only the sending agency records an offline delivery or answer': '紙・FAXでの送付と回答を記録できるのはつないだ機関だけ',
  'system context': '管理者コマンド（個人情報は扱えない）',
  'system context has no agency': '管理者コマンド（機関に属さない）',
  'not on the case team or outside consent': '事例のチーム外、または本人の同意の範囲外',
  'agency outside consent': '本人の同意の範囲外の機関',
  'no meeting_sharing consent': '重層的支援会議での情報共有への同意がない',
  'not invited to the meeting': '会議に招かれていない',
  'not an attendee of the meeting': '会議の出席者ではない',
  'not the convener or chair': '招集者・議長ではない',
  'not the requested agency': '依頼先の機関ではない',
  'not the requesting agency': '依頼元の機関ではない',
  'meeting counts are for the secretariat': '会議の件数は事務局だけが閲覧できる',
  '支援会議 is convened by the municipality (secretariat) only': '支援会議を招集できるのは市（事務局）だけ',
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
  m = /^team role (\w+) may not (\w+)$/.exec(reason);
  if (m) return `チームでの役割（${TEAM_ROLE_LABELS[m[1] as TeamRole] ?? m[1]}）では${NEED_LABELS[m[2]!] ?? m[2]}できない`;
  m = /^role (\w+) may not see the coordinator overview$/.exec(reason);
  if (m) return `${ROLE_LABELS[m[1] as Role] ?? m[1]}は全体の状況を閲覧できない`;
  m = /^(\w+) is decided by the municipality$/.exec(reason);
  if (m) return '参加支援・アウトリーチの利用は市（事務局）が決定する';
  return reason;
}

const NEED_LABELS: Record<string, string> = { read: '閲覧', contribute: '記録', edit: '編集', manage: '管理' };

/** Kinds of search criteria kept (hashed) in audit details: src/audit/criteria.ts. */
export const CRITERION_KINDS = ['name', 'birthDate', 'phone', 'address', 'meetingTitle'] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];

export const CRITERION_LABELS: Record<CriterionKind, string> = {
  name: '氏名・カナ',
  birthDate: '生年月日',
  phone: '電話番号',
  address: '住所',
  meetingTitle: '会議名',
};

/** Readable summary of recorded criteria: 「氏名・カナ（4文字）、生年月日」. */
export function criteriaSummary(criteria: unknown): string {
  if (!Array.isArray(criteria) || criteria.length === 0) return '';
  return criteria
    .map((c: { kind?: string; length?: number }) => {
      const label = CRITERION_LABELS[c.kind as CriterionKind] ?? String(c.kind);
      return typeof c.length === 'number' ? `${label}（${c.length}${c.kind === 'phone' ? '桁' : '文字'}）` : label;
    })
    .join('、');
}
