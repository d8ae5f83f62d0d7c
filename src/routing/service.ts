import { visiblePersonPredicate } from '../access/person-access.ts';
import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { householdPatterns, memberAge } from '../people/patterns.ts';
import { requirePersonAccess } from '../people/service.ts';
import { conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { normalizeForSearch } from '../shared/normalize.ts';
import type { RoutingRuleInput, RoutingRequest } from './schema.ts';

/** 交通整理: which agencies of this municipality fit the consultation, and why. */
export interface Suggestion {
  agency: { id: string; name: string; roles: string[]; fields: string[]; area: string | null };
  reasons: string[];
  rules: string[];
  score: number;
}

export interface RoutingRuleView {
  id: string;
  priority: number;
  name: string;
  issuesAny: string[];
  minAge: number | null;
  maxAge: number | null;
  minIssueCount: number | null;
  householdPattern: string | null;
  targetRole: string | null;
  targetField: string | null;
  targetNameLike: string | null;
  matchArea: boolean;
  reason: string;
  active: boolean;
  version: number;
}

export async function suggestRouting(scope: Scope, req: RoutingRequest): Promise<{ suggestions: Suggestion[]; facts: { age: number | null; patterns: string[] } }> {
  let age = req.age ?? null;
  let address = req.address ?? null;
  const patterns = new Set<string>(req.issues.filter((i) => ['8050', 'ダブルケア', 'ヤングケアラー'].includes(i)));
  if (req.personId) {
    await requirePersonAccess(scope, req.personId);
    const p = await scope
      .persons()
      .select(['p.birth_date', 'p.age_band', 'p.address'])
      .where('p.id', '=', req.personId)
      .executeTakeFirstOrThrow();
    age = age ?? memberAge({ birthDate: p.birth_date, ageBand: p.age_band });
    address = address ?? p.address;
    const members = await scope.trx
      .selectFrom('household_members as m')
      .innerJoin('household_members as o', (j) => j.onRef('o.household_id', '=', 'm.household_id').onRef('o.municipality_id', '=', 'm.municipality_id'))
      .innerJoin('persons as q', (j) => j.onRef('q.id', '=', 'o.person_id').onRef('q.municipality_id', '=', 'o.municipality_id'))
      .select(['o.relationship', 'o.living_together', 'q.birth_date', 'q.age_band', 'q.gender'])
      .where('m.municipality_id', '=', scope.municipalityId)
      .where('m.person_id', '=', req.personId)
      // Only the household members the user may see count (their age and sex are personal data too).
      .where(visiblePersonPredicate(scope.ctx, 'q'))
      .execute();
    for (const hint of householdPatterns(
      members.map((m) => ({ relationship: m.relationship, livingTogether: m.living_together, birthDate: m.birth_date, ageBand: m.age_band, gender: m.gender, issues: req.issues })),
    )) {
      patterns.add(hint.pattern);
    }
  }
  const rules = await scope.trx
    .selectFrom('routing_rules')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('active', '=', true)
    .orderBy('priority')
    .execute();
  const agencies = await scope.trx
    .selectFrom('agencies')
    .select(['id', 'name', 'roles', 'fields', 'area', 'is_window'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('active', '=', true)
    .execute();
  const issues = new Set<string>(req.issues);
  const byAgency = new Map<string, Suggestion>();
  const addr = normalizeForSearch(address ?? '');
  for (const rule of rules) {
    const issueHit = rule.issues_any.length === 0 || rule.issues_any.some((i) => issues.has(i) || patterns.has(i));
    if (!issueHit) continue;
    if (rule.min_age !== null && (age === null || age < rule.min_age)) continue;
    if (rule.max_age !== null && (age === null || age > rule.max_age)) continue;
    if (rule.min_issue_count !== null && issues.size < rule.min_issue_count) continue;
    if (rule.household_pattern && !patterns.has(rule.household_pattern)) continue;
    let targets = agencies.filter(
      (a) =>
        (!rule.target_role || a.roles.includes(rule.target_role)) &&
        (!rule.target_field || a.fields.includes(rule.target_field)) &&
        (!rule.target_name_like || a.name.includes(rule.target_name_like)),
    );
    if (rule.match_area && addr) {
      const local = targets.filter((a) => a.area && normalizeForSearch(a.area).split(/[、,，・|]/).some((part) => part && addr.includes(part)));
      if (local.length) targets = local;
    }
    for (const a of targets.slice(0, 6)) {
      const s = byAgency.get(a.id) ?? { agency: { id: a.id, name: a.name, roles: a.roles, fields: a.fields, area: a.area }, reasons: [], rules: [], score: 0 };
      if (!s.reasons.includes(rule.reason)) s.reasons.push(rule.reason);
      s.rules.push(rule.name);
      s.score += 1000 - rule.priority;
      byAgency.set(a.id, s);
    }
  }
  if (byAgency.size === 0) {
    // 断らない相談: nothing fits → the coordinators (多機関協働) or the general window.
    const fallback = agencies.filter((a) => a.roles.includes('多機関協働') || a.name.includes('福祉総合相談'));
    for (const a of fallback.slice(0, 3)) {
      byAgency.set(a.id, {
        agency: { id: a.id, name: a.name, roles: a.roles, fields: a.fields, area: a.area },
        reasons: ['合う機関が見つからないため、福祉総合相談窓口・多機関協働で受け止めます'],
        rules: ['該当なし'],
        score: 1,
      });
    }
  }
  const suggestions = [...byAgency.values()].sort((a, b) => b.score - a.score || a.agency.name.localeCompare(b.agency.name, 'ja')).slice(0, 8);
  return { suggestions, facts: { age, patterns: [...patterns] } };
}

function toView(r: {
  id: string;
  priority: number;
  name: string;
  issues_any: string[];
  min_age: number | null;
  max_age: number | null;
  min_issue_count: number | null;
  household_pattern: string | null;
  target_role: string | null;
  target_field: string | null;
  target_name_like: string | null;
  match_area: boolean;
  reason: string;
  active: boolean;
  version: number;
}): RoutingRuleView {
  return {
    id: r.id,
    priority: r.priority,
    name: r.name,
    issuesAny: r.issues_any,
    minAge: r.min_age,
    maxAge: r.max_age,
    minIssueCount: r.min_issue_count,
    householdPattern: r.household_pattern,
    targetRole: r.target_role,
    targetField: r.target_field,
    targetNameLike: r.target_name_like,
    matchArea: r.match_area,
    reason: r.reason,
    active: r.active,
    version: r.version,
  };
}

export async function listRules(scope: Scope): Promise<RoutingRuleView[]> {
  const rows = await scope.trx.selectFrom('routing_rules').selectAll().where('municipality_id', '=', scope.municipalityId).orderBy('priority').orderBy('name').execute();
  return rows.map(toView);
}

function columns(input: Partial<RoutingRuleInput>) {
  const map = {
    priority: input.priority,
    name: input.name,
    issues_any: input.issuesAny,
    min_age: input.minAge,
    max_age: input.maxAge,
    min_issue_count: input.minIssueCount,
    household_pattern: input.householdPattern,
    target_role: input.targetRole,
    target_field: input.targetField,
    target_name_like: input.targetNameLike,
    match_area: input.matchArea,
    reason: input.reason,
    active: input.active,
  };
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined));
}

export async function createRule(scope: Scope, input: RoutingRuleInput): Promise<RoutingRuleView> {
  const id = newId();
  await scope.trx
    .insertInto('routing_rules')
    .values({ municipality_id: scope.municipalityId, id, name: input.name, reason: input.reason, ...columns(input) })
    .execute();
  scope.audit('routing_rule.create', { targetType: 'routing_rule', targetId: id, details: { name: input.name } });
  const row = await scope.trx.selectFrom('routing_rules').selectAll().where('municipality_id', '=', scope.municipalityId).where('id', '=', id).executeTakeFirstOrThrow();
  return toView(row);
}

export async function updateRule(scope: Scope, id: string, patch: Partial<RoutingRuleInput> & { version: number }): Promise<RoutingRuleView> {
  const row = await scope.trx
    .selectFrom('routing_rules')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('振り分けのルール');
  if (row.version !== patch.version) throw conflict('ほかの方がこのルールを先に更新しました。', { current: toView(row) });
  const { version: _v, ...input } = patch;
  // The same rules as on creation, on the rule as it would be after the edit:
  // a rule without any target would suggest every agency.
  const merged = { ...row, ...columns(input) } as typeof row;
  const problems: Record<string, string> = {};
  if (!merged.target_role && !merged.target_field && !merged.target_name_like) {
    problems.targetRole = 'つなぎ先：事業における役割：つなぎ先の条件（役割・分野・名称）を1つ以上指定してください';
  }
  if (merged.min_age !== null && merged.max_age !== null && merged.min_age > merged.max_age) {
    problems.maxAge = '年齢（以下）：年齢（以下）は年齢（以上）より大きくしてください';
  }
  if (Object.keys(problems).length) throw invalid(problems);
  await scope.trx
    .updateTable('routing_rules')
    .set({ ...columns(input), version: sql<number>`version + 1` })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  scope.audit('routing_rule.update', { targetType: 'routing_rule', targetId: id, details: { changed: Object.keys(columns(input)) } });
  const next = await scope.trx.selectFrom('routing_rules').selectAll().where('municipality_id', '=', scope.municipalityId).where('id', '=', id).executeTakeFirstOrThrow();
  return toView(next);
}
