import { fiscalYear, warekiYear } from './dates.ts';

/**
 * 多機関協働 (DOMAIN.md §3): case statuses and their transitions, team roles,
 * assessment domains, plan states, record kinds and closure reasons.
 * Shared by the API and the UI so both offer the same choices and words.
 */
export const CASE_STATUSES = ['intake', 'assessment', 'planning', 'active', 'evaluation', 'closed', 'suspended'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  intake: '受付',
  assessment: 'アセスメント',
  planning: 'プラン作成',
  active: '支援中',
  evaluation: '評価',
  closed: '終結',
  suspended: '中断',
};

/** The statuses of an open case, in the order of the support flow. */
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ['intake', 'assessment', 'planning', 'active', 'evaluation'];

/**
 * Allowed transitions. Forward along the flow; back to re-assess or re-plan;
 * 中断 from any open status; 終結 only from 評価; reopening (再開) a closed or
 * suspended case starts again at アセスメント, keeping the history.
 */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  intake: ['assessment', 'suspended'],
  assessment: ['planning', 'suspended'],
  planning: ['active', 'assessment', 'suspended'],
  active: ['evaluation', 'planning', 'suspended'],
  evaluation: ['closed', 'active', 'planning', 'suspended'],
  closed: ['assessment'],
  suspended: ['assessment'],
};

/** The word for a transition, as shown on its button and in the history. */
export function transitionLabel(from: CaseStatus, to: CaseStatus): string {
  if (from === 'closed' || from === 'suspended') return '再開';
  if (to === 'suspended') return '中断';
  if (to === 'closed') return '終結';
  const order = CASE_STATUSES.indexOf(to) - CASE_STATUSES.indexOf(from);
  if (order < 0) return to === 'assessment' ? '再アセスメント' : to === 'planning' ? 'プランの見直し' : `${CASE_STATUS_LABELS[to]}に戻す`;
  if (from === 'evaluation' && to === 'active') return '支援を継続';
  return `${CASE_STATUS_LABELS[to]}へ進む`;
}

export const TEAM_ROLES = ['lead', 'cooperating', 'informing'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const TEAM_ROLE_LABELS: Record<TeamRole, string> = {
  lead: '主担当',
  cooperating: '協力',
  informing: '情報提供',
};

export const CASE_ORIGINS = ['referral', 'consultation', 'direct'] as const;
export type CaseOrigin = (typeof CASE_ORIGINS)[number];
export const CASE_ORIGIN_LABELS: Record<CaseOrigin, string> = {
  referral: 'つなぎから',
  consultation: '相談から',
  direct: '直接（理由あり）',
};

export const CASE_PERSON_RELATIONS = ['本人', '世帯員', '関係者'] as const;

/** Life domains of the assessment (DOMAIN.md §3). Keys are stable; labels are shown. */
export const ASSESSMENT_DOMAINS = [
  { key: 'health', label: '健康・障害' },
  { key: 'care', label: '介護' },
  { key: 'childcare', label: '子育て' },
  { key: 'finance', label: '経済・債務' },
  { key: 'housing', label: '住まい' },
  { key: 'work', label: '就労' },
  { key: 'family', label: '家族関係' },
  { key: 'social', label: '社会関係・孤立' },
  { key: 'rights', label: '権利擁護（虐待・DV）' },
  { key: 'education', label: '教育・不登校' },
  { key: 'justice', label: '司法' },
  { key: 'daily', label: '日常生活' },
] as const;
export type AssessmentDomainKey = (typeof ASSESSMENT_DOMAINS)[number]['key'];

export const DOMAIN_STATUSES = ['ok', 'issue', 'urgent', 'unknown'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];
export const DOMAIN_STATUS_LABELS: Record<DomainStatus, string> = {
  ok: '問題なし',
  issue: '課題あり',
  urgent: '要緊急対応',
  unknown: '不明',
};

/** Risks that make a case urgent (DOMAIN.md §3: 希死念慮, 虐待, 急迫). */
export const ASSESSMENT_RISKS = ['希死念慮', '虐待', 'DV', '急迫（生活の危機）', '孤立死のおそれ', 'その他'] as const;

export const PLAN_STATUSES = ['draft', 'approved', 'active', 'evaluated'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  draft: '案',
  approved: '承認',
  active: '実施中',
  evaluated: '評価済',
};

export const CONSENT_METHODS = ['書面', '口頭'] as const;

export const RECORD_KINDS = ['面談', '電話', '訪問', '同行', '会議', '連絡調整', '情報収集', '見守り', 'その他'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
/** Kinds that are, by default, contact with the person (つながり). */
export const CONTACT_KINDS: readonly RecordKind[] = ['面談', '電話', '訪問', '同行', '見守り'];

export const ACHIEVEMENTS = ['達成', '一部達成', '未達成'] as const;

export const CLOSURE_REASONS = ['課題解決', '他機関へ移行', '転居', '死亡', '本人の拒否', '連絡不能', 'その他'] as const;
/** Closure reasons after which nobody can keep the connection (伴走 not required). */
export const CLOSURE_WITHOUT_FOLLOW_UP: readonly string[] = ['死亡', '転居'];

export const INFO_REQUEST_STATUS_LABELS: Record<string, string> = {
  open: '依頼中',
  answered: '回答済',
  cancelled: '取消',
};

/** Case number per municipality and 年度: R7-0042 (令和7年度の42件目). */
export function formatCaseNo(fiscal: number, seq: number): string {
  const era = warekiYear(`${fiscal}-12-31`);
  const m = /^(令和|平成|昭和)(元|\d+)年$/.exec(era);
  const letter = m ? { 令和: 'R', 平成: 'H', 昭和: 'S' }[m[1] as '令和' | '平成' | '昭和'] : '';
  const n = m ? (m[2] === '元' ? '1' : m[2]) : String(fiscal);
  return `${letter}${n}-${String(seq).padStart(4, '0')}`;
}

export function caseFiscalYear(date: Date | string): number {
  return fiscalYear(date);
}

/** Field-by-field differences of two flat records, by label (for version history). */
export function changedFields<T extends Record<string, unknown>>(
  before: T | null,
  after: T,
  labels: Partial<Record<keyof T & string, string>>,
): string[] {
  const changed: string[] = [];
  for (const [key, label] of Object.entries(labels) as [string, string][]) {
    const a = before ? JSON.stringify(before[key] ?? null) : 'null';
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) changed.push(label);
  }
  return changed;
}

/* ---------- assessment (アセスメント): urgency and version differences ---------- */

/** Risks that make an assessment, and so the case, urgent (生命・身体にかかわるもの). */
export const URGENT_ASSESSMENT_RISKS: readonly string[] = ['希死念慮', '虐待', 'DV', '急迫（生活の危機）'];

/** The items of an assessment besides the life domains, with their labels (in the order shown). */
export const ASSESSMENT_ITEM_LABELS = {
  personWishes: '本人の思い・希望',
  familyWishes: '家族の思い',
  strengths: '強み',
  risks: 'リスク',
  involvement: '関係機関の関わり',
  summary: 'まとめ',
} as const;
export type AssessmentItemKey = keyof typeof ASSESSMENT_ITEM_LABELS;

/** The content of one assessment version, as saved (the API's input and the compared shape). */
export interface AssessmentContent {
  domains: Record<string, { status: string; note: string }>;
  personWishes: string;
  familyWishes: string;
  strengths: string;
  risks: readonly string[];
  riskNote: string;
  involvement: readonly { agencyId: string; how: string }[];
  summary: string;
}

/** Urgent: a domain marked 要緊急対応, or a risk to life or body (希死念慮, 虐待, DV, 急迫). */
export function assessmentIsUrgent(a: Pick<AssessmentContent, 'domains' | 'risks'>): boolean {
  return Object.values(a.domains).some((d) => d.status === 'urgent') || a.risks.some((r) => URGENT_ASSESSMENT_RISKS.includes(r));
}

/** One record per compared item: `domain.<key>` for each life domain, then the other items (リスク covers the note too). */
function assessmentRecord(a: AssessmentContent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of ASSESSMENT_DOMAINS) {
    const v = a.domains[d.key];
    out[`domain.${d.key}`] = v ? { status: v.status, note: v.note } : null;
  }
  out.personWishes = a.personWishes;
  out.familyWishes = a.familyWishes;
  out.strengths = a.strengths;
  out.risks = { risks: [...a.risks], note: a.riskNote };
  out.involvement = a.involvement.map((i) => ({ agencyId: i.agencyId, how: i.how }));
  out.summary = a.summary;
  return out;
}

/** Keys and labels of every compared item of an assessment, in the order of the form. */
export const ASSESSMENT_COMPARED_ITEMS: readonly { key: string; label: string }[] = [
  ...ASSESSMENT_DOMAINS.map((d) => ({ key: `domain.${d.key}`, label: d.label })),
  ...Object.entries(ASSESSMENT_ITEM_LABELS).map(([key, label]) => ({ key, label })),
];

/** Keys of the items that differ between two versions (all of them against nothing). */
export function assessmentChangedKeys(before: AssessmentContent | null, after: AssessmentContent): string[] {
  const labels = Object.fromEntries(ASSESSMENT_COMPARED_ITEMS.map((i) => [i.key, i.key]));
  return changedFields(before ? assessmentRecord(before) : null, assessmentRecord(after), labels);
}

/** The labels of the items that differ between two versions (健康・障害, 本人の思い・希望 …). */
export function assessmentChanges(before: AssessmentContent | null, after: AssessmentContent): string[] {
  const keys = new Set(assessmentChangedKeys(before, after));
  return ASSESSMENT_COMPARED_ITEMS.filter((i) => keys.has(i.key)).map((i) => i.label);
}
