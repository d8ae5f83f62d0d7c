import type { RoutingRuleView } from '../lib/types.ts';

/** A rule's conditions in words: "課題：介護／65歳以上". */
export function describeConditions(r: RoutingRuleView): string[] {
  const parts: string[] = [];
  parts.push(r.issuesAny.length ? `課題：${r.issuesAny.map((i) => `「${i}」`).join('')}${r.issuesAny.length > 1 ? 'のいずれか' : ''}` : '課題：問わない');
  if (r.minAge !== null && r.maxAge !== null) parts.push(`年齢：${r.minAge}〜${r.maxAge}歳`);
  else if (r.minAge !== null) parts.push(`年齢：${r.minAge}歳以上`);
  else if (r.maxAge !== null) parts.push(`年齢：${r.maxAge}歳以下`);
  if (r.minIssueCount !== null) parts.push(`課題の数：${r.minIssueCount}つ以上`);
  if (r.householdPattern) parts.push(`世帯の状況：${r.householdPattern}`);
  return parts;
}

/** Which agencies a rule points to: "役割：多機関協働／名称に「地域包括支援センター」（住所の地区を優先）". */
export function describeTarget(r: RoutingRuleView): string[] {
  const parts: string[] = [];
  if (r.targetRole) parts.push(`役割：${r.targetRole}`);
  if (r.targetField) parts.push(`対象分野：${r.targetField}`);
  if (r.targetNameLike) parts.push(`名称に「${r.targetNameLike}」を含む`);
  if (r.matchArea) parts.push('住所の地区に合う機関を優先');
  return parts;
}
