import type { Role } from '../shared/roles.ts';
import type { AccessContext } from './context.ts';

/**
 * Role × action policy: the single place that says who may do what.
 * Deny by default: an action missing from a role's list is refused.
 * Later capabilities add person/case rules (agency, case team, consent)
 * in the gateway on top of this table.
 */
export const ACTIONS = [
  'directory.read',
  'directory.write',
  'users.read',
  'users.write',
  'settings.read',
  'settings.write',
  'audit.read',
  'audit.export',
  'person.read',
  'person.write',
  'case.read',
  'case.write',
  'case.open',
  'meeting.read',
  'meeting.write',
  'meeting.convene',
  'retention.read',
  'retention.run',
] as const;
export type Action = (typeof ACTIONS)[number];

const STAFF: Action[] = [
  'directory.read',
  'settings.read',
  'person.read',
  'person.write',
  'case.read',
  'case.write',
  // Any staff member may be invited to a meeting; what they see there is decided per meeting.
  'meeting.read',
  'meeting.write',
];

export const POLICY: Record<Role, readonly Action[]> = {
  intake_clerk: STAFF,
  promoter: STAFF,
  // 地域福祉コーディネーター take up cases too tangled for one agency (多機関協働).
  // Coordinators convene 重層的支援会議 (not 支援会議: src/meetings/service.ts).
  coordinator: [...STAFF, 'case.open', 'meeting.convene'],
  // 事務局 (the municipality) convenes every meeting body, 支援会議 only by it.
  secretariat: [...STAFF, 'meeting.convene', 'retention.read'],
  agency_staff: STAFF,
  // 管理者: users, agencies, settings — no case content by default.
  // It also runs the retention of personal data: record numbers and dates, never names (src/retention).
  admin: ['directory.read', 'directory.write', 'users.read', 'users.write', 'settings.read', 'settings.write', 'retention.read', 'retention.run'],
  // 監査担当: the audit log — no case content.
  auditor: ['directory.read', 'settings.read', 'audit.read', 'audit.export'],
  // 福祉活動専門員 (社協's community organiser): 参加支援 and 地域づくり with people, like a coordinator,
  // but opens no 多機関協働 case and convenes no meeting; inside a case only the team rules apply
  // (a member, or 主担当 when its agency leads), never a coordinator's management of every case.
  community_worker: STAFF,
};

export const ACTION_LABELS: Record<Action, string> = {
  'directory.read': '機関・窓口の閲覧',
  'directory.write': '機関・窓口の登録・編集',
  'users.read': '利用者の閲覧',
  'users.write': '利用者の登録・編集',
  'settings.read': '設定の閲覧',
  'settings.write': '設定の変更',
  'audit.read': '監査ログの閲覧',
  'audit.export': '監査ログの出力',
  'person.read': '個人情報の閲覧',
  'person.write': '個人情報の登録・編集',
  'case.read': '事例（多機関協働）の閲覧',
  'case.write': '事例（多機関協働）の記録',
  'case.open': '事例（多機関協働）の開始',
  'meeting.read': '会議の閲覧',
  'meeting.write': '会議の記録',
  'meeting.convene': '会議の招集',
  'retention.read': '保存期間を過ぎた記録の確認',
  'retention.run': '保存期間を過ぎた記録の匿名化',
};

export interface Decision {
  allowed: boolean;
  reason: string;
}

export function decide(ctx: AccessContext, action: Action): Decision {
  if (ctx.kind === 'system') {
    // The administrators' CLI manages the installation, never case content.
    const allowed = !action.startsWith('person.') && !action.startsWith('case.') && !action.startsWith('meeting.');
    return { allowed, reason: allowed ? 'system' : 'system has no access to personal data' };
  }
  const allowed = ctx.roles.some((role) => POLICY[role]?.includes(action));
  return {
    allowed,
    reason: allowed ? `role ${ctx.role}` : `role ${ctx.role} may not ${action}`,
  };
}
