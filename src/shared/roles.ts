/** Roles (DOMAIN.md §2) with their API codes and UI labels. */
export const ROLES = [
  'intake_clerk',
  'promoter',
  'coordinator',
  'secretariat',
  'agency_staff',
  'admin',
  'auditor',
  'community_worker',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  intake_clerk: '窓口職員',
  promoter: '推進員',
  coordinator: '地域福祉コーディネーター',
  secretariat: '事務局',
  agency_staff: '機関職員',
  admin: '管理者',
  auditor: '監査担当',
  community_worker: '福祉活動専門員',
};

export const AGENCY_FIELDS = ['高齢', '障がい', '子ども', '生活困窮', 'その他'] as const;
export const PROJECT_ROLES = [
  '包括的相談支援',
  '地域づくり',
  '参加支援',
  'アウトリーチ',
  '多機関協働',
  'その他の相談窓口',
] as const;
export const OPERATIONS = ['直営', '委託', '直営・委託', '補助'] as const;
