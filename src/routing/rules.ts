import type { Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import { newId } from '../shared/ids.ts';

/**
 * Default routing rules (交通整理) given to every municipality on first
 * load. They are data: the administrator edits, disables or adds rules in
 * the UI; code only evaluates them.
 */
export interface RuleSeed {
  priority: number;
  name: string;
  issuesAny: string[];
  minAge?: number;
  maxAge?: number;
  minIssueCount?: number;
  householdPattern?: string;
  targetRole?: string;
  targetField?: string;
  targetNameLike?: string;
  matchArea?: boolean;
  reason: string;
}

export const DEFAULT_RULES: RuleSeed[] = [
  { priority: 10, name: '高齢者の介護', issuesAny: ['介護'], minAge: 65, targetNameLike: '地域包括支援センター', matchArea: true, reason: '介護の課題があり、本人が65歳以上のため' },
  { priority: 20, name: '障害・病気', issuesAny: ['病気・健康・障害'], targetField: '障がい', reason: '病気・健康・障害の課題があるため' },
  { priority: 30, name: '子ども・子育て', issuesAny: ['子育て', 'ヤングケアラー', 'ひきこもり・不登校', 'DV・虐待'], maxAge: 17, targetField: '子ども', reason: '18歳未満の子どもに関わる課題があるため' },
  { priority: 35, name: '子育て世帯', issuesAny: ['子育て'], targetField: '子ども', reason: '子育ての課題があるため' },
  { priority: 40, name: '生活困窮', issuesAny: ['収入・生活費', '家賃・ローン', '債務', '税金・公共料金', '仕事探し・就職', '食べるものがない', '住まい'], targetField: '生活困窮', reason: '収入・住まい・仕事など生活困窮の課題があるため' },
  { priority: 50, name: '消費者被害', issuesAny: ['消費者被害'], targetNameLike: '消費', reason: '消費者被害の課題があるため' },
  { priority: 60, name: '権利擁護', issuesAny: ['DV・虐待', '犯罪・司法'], minAge: 18, targetNameLike: '権利擁護', reason: '虐待・権利擁護に関わる課題があるため' },
  { priority: 80, name: '複合的な課題', issuesAny: [], minIssueCount: 3, targetRole: '多機関協働', reason: '課題が3つ以上重なっており、複数の機関の協働が必要なため' },
  { priority: 81, name: '世帯の複合課題（8050・ダブルケア等）', issuesAny: ['8050', 'ダブルケア', 'ヤングケアラー', '社会的孤立', '希死念慮'], targetRole: '多機関協働', reason: '世帯全体の支援や、分野をまたぐ調整が必要な課題のため' },
];

export async function seedDefaultRules(trx: Transaction<Database>, municipalityId: string): Promise<number> {
  const existing = await trx.selectFrom('routing_rules').select('id').where('municipality_id', '=', municipalityId).limit(1).executeTakeFirst();
  if (existing) return 0;
  await trx
    .insertInto('routing_rules')
    .values(
      DEFAULT_RULES.map((r) => ({
        municipality_id: municipalityId,
        id: newId(),
        priority: r.priority,
        name: r.name,
        issues_any: r.issuesAny,
        min_age: r.minAge ?? null,
        max_age: r.maxAge ?? null,
        household_pattern: r.householdPattern ?? null,
        min_issue_count: r.minIssueCount ?? null,
        target_role: r.targetRole ?? null,
        target_field: r.targetField ?? null,
        target_name_like: r.targetNameLike ?? null,
        match_area: r.matchArea ?? false,
        reason: r.reason,
      })),
    )
    .execute();
  return DEFAULT_RULES.length;
}
