import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { bornYearsAgo, registerPerson } from '../support/people.ts';

/**
 * 交通整理 (routing): suggestions from the municipality's rules (data, not
 * code) with the reason shown to staff; the administrator edits the rules.
 */
const COORD = '地域福祉コーディネーター（多機関協働事業）';
const FALLBACK_REASON = '合う機関が見つからないため、福祉総合相談窓口・多機関協働で受け止めます';

interface Suggestion {
  agency: { id: string; name: string; roles: string[]; fields: string[] };
  reasons: string[];
  rules: string[];
  score: number;
}

interface Rule {
  id: string;
  name: string;
  version: number;
  minAge: number | null;
  maxAge: number | null;
  targetNameLike: string | null;
  active: boolean;
}

describe.each(DATABASE_KINDS)('routing suggestions (%s)', (kind) => {
  const t = useTestApp(kind);
  let clerk: Agent;
  let admin: Agent;

  beforeAll(async () => {
    const user = await t.createUser({ agency: '小金井みなみ地域包括支援センター' });
    [clerk, admin] = await Promise.all([t.login(user.loginId, user.password), t.loginAdmin()]);
  });

  const suggest = async (body: Record<string, unknown>): Promise<{ suggestions: Suggestion[]; facts: { age: number | null; patterns: string[] } }> => {
    const res = await clerk.post('/api/v1/routing-suggestions', body);
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };
  const namesOf = (s: Suggestion[]) => s.map((x) => x.agency.name).sort();
  const agenciesWith = async (where: (a: { name: string; fields: string[]; roles: string[] }) => boolean) =>
    (await t.db.selectFrom('agencies').select(['name', 'fields', 'roles']).where('municipality_id', '=', t.municipalityId).where('active', '=', true).execute())
      .filter(where)
      .map((a) => a.name)
      .sort();
  const rules = async (): Promise<Rule[]> => json(await admin.get('/api/v1/routing-rules')).items;

  it('介護 and 70 years old → the 地域包括支援センター, with the reason', async () => {
    const { suggestions, facts } = await suggest({ issues: ['介護'], age: 70 });
    expect(facts.age).toBe(70);
    const centers = await agenciesWith((a) => a.name.includes('地域包括支援センター'));
    expect(centers).toHaveLength(4);
    expect(namesOf(suggestions)).toEqual(centers);
    for (const s of suggestions) {
      expect(s.reasons).toEqual(['介護の課題があり、本人が65歳以上のため']);
      expect(s.rules).toEqual(['高齢者の介護']);
    }
    // The age may come from the person's birth date.
    const person = await registerPerson(clerk, { name: '年齢 計算', birthDate: bornYearsAgo(70) });
    const fromPerson = await suggest({ issues: ['介護'], personId: person.id });
    expect(fromPerson.facts.age).toBe(70);
    expect(namesOf(fromPerson.suggestions)).toEqual(centers);
    // At 60 the rule does not apply: nothing fits, so the fallback receives it.
    const younger = await suggest({ issues: ['介護'], age: 60 });
    expect(younger.suggestions.every((s) => s.reasons.includes(FALLBACK_REASON))).toBe(true);
    // Without a known age the age rule does not apply either.
    expect((await suggest({ issues: ['介護'] })).suggestions.some((s) => s.agency.name.includes('地域包括支援センター'))).toBe(false);
  });

  it('reads only the household members the user may see: a hidden 80-year-old mother adds no 8050 hint', async () => {
    const other = await t.createUser({ agency: '小金井市社会福祉協議会' });
    const otherAgent = await t.login(other.loginId, other.password);
    const son = await registerPerson(clerk, { name: '世帯 長男', birthDate: bornYearsAgo(52) });
    const hiddenMother = await registerPerson(otherAgent, { name: '世帯 母', birthDate: bornYearsAgo(84) });
    const visibleMother = await registerPerson(clerk, { name: '世帯 見える母', birthDate: bornYearsAgo(84) });
    const sonRow = await t.db.selectFrom('persons').select('registered_by_agency_id').where('id', '=', son.id).executeTakeFirstOrThrow();
    const household = async (mother: string) => {
      const id = crypto.randomUUID();
      await t.db
        .insertInto('households')
        .values({ municipality_id: t.municipalityId, id, name: '世帯 テスト', address: null, note: null, registered_by_agency_id: sonRow.registered_by_agency_id, updated_at: new Date() })
        .execute();
      await t.db
        .insertInto('household_members')
        .values([
          { municipality_id: t.municipalityId, household_id: id, person_id: son.id, relationship: '本人', situation: null },
          { municipality_id: t.municipalityId, household_id: id, person_id: mother, relationship: '親', situation: null },
        ])
        .execute();
      return id;
    };
    const first = await household(hiddenMother.id);
    expect((await suggest({ issues: ['介護'], personId: son.id })).facts.patterns).not.toContain('8050');
    // The same household with a mother the user may see gives the hint (the test can fail).
    await t.db.deleteFrom('household_members').where('household_id', '=', first).execute();
    await t.db.deleteFrom('households').where('id', '=', first).execute();
    await household(visibleMother.id);
    expect((await suggest({ issues: ['介護'], personId: son.id })).facts.patterns).toContain('8050');
  });

  it('収入・生活費 → the 生活困窮 agencies', async () => {
    const { suggestions } = await suggest({ issues: ['収入・生活費'], age: 45 });
    expect(namesOf(suggestions)).toEqual(await agenciesWith((a) => a.fields.includes('生活困窮')));
    for (const s of suggestions) expect(s.reasons).toEqual(['収入・住まい・仕事など生活困窮の課題があるため']);
  });

  it('three or more issues → 多機関協働, with both reasons where rules overlap', async () => {
    const { suggestions } = await suggest({ issues: ['病気・健康・障害', '家族との関係', '地域との関係'], age: 40 });
    const coordination = await agenciesWith((a) => a.roles.includes('多機関協働'));
    expect(coordination).toContain(COORD);
    for (const name of coordination) {
      const s = suggestions.find((x) => x.agency.name === name);
      expect(s?.reasons, name).toContain('課題が3つ以上重なっており、複数の機関の協働が必要なため');
    }
    // Two issues are not enough for that rule.
    const two = await suggest({ issues: ['家族との関係', '地域との関係'], age: 40 });
    expect(two.suggestions.some((s) => s.reasons.includes('課題が3つ以上重なっており、複数の機関の協働が必要なため'))).toBe(false);
    // Higher-priority rules rank first.
    expect(suggestions[0]!.score).toBeGreaterThanOrEqual(suggestions.at(-1)!.score);
  });

  it('no fitting rule → the general window and the coordinators, saying why', async () => {
    for (const body of [{ issues: ['その他'] }, { issues: [] }, { issues: ['家族との関係'], age: 30 }]) {
      const { suggestions } = await suggest(body);
      expect(suggestions.length, JSON.stringify(body)).toBeGreaterThan(0);
      expect(namesOf(suggestions)).toEqual(await agenciesWith((a) => a.roles.includes('多機関協働') || a.name.includes('福祉総合相談')));
      for (const s of suggestions) {
        expect(s.reasons).toEqual([FALLBACK_REASON]);
        expect(s.rules).toEqual(['該当なし']);
      }
    }
  });

  it('refuses unknown issues and a person the user may not see', async () => {
    expect((await clerk.post('/api/v1/routing-suggestions', { issues: ['宇宙人'] })).statusCode).toBe(422);
    expect((await clerk.post('/api/v1/routing-suggestions', { issues: [], age: -1 })).statusCode).toBe(422);
    expect((await clerk.post('/api/v1/routing-suggestions', { issues: [], personId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('the administrator edits a rule with its version and the suggestions follow; a stale version is a 409', async () => {
    const rule = (await rules()).find((r) => r.name === '高齢者の介護')!;
    expect(rule).toMatchObject({ minAge: 65, targetNameLike: '地域包括支援センター', active: true, version: 1 });
    const patched = await admin.patch(`/api/v1/routing-rules/${rule.id}`, { minAge: 75, reason: '介護の課題があり、本人が75歳以上のため', version: 1 });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json(patched)).toMatchObject({ minAge: 75, version: 2 });

    const at70 = await suggest({ issues: ['介護'], age: 70 });
    expect(at70.suggestions.some((s) => s.agency.name.includes('地域包括支援センター'))).toBe(false);
    const at80 = await suggest({ issues: ['介護'], age: 80 });
    expect(at80.suggestions.filter((s) => s.agency.name.includes('地域包括支援センター'))).toHaveLength(4);
    expect(at80.suggestions[0]!.reasons).toEqual(['介護の課題があり、本人が75歳以上のため']);

    const stale = await admin.patch(`/api/v1/routing-rules/${rule.id}`, { minAge: 60, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current).toMatchObject({ id: rule.id, minAge: 75, version: 2 });

    // Disabling the rule removes its suggestions; the fallback takes over.
    expect((await admin.patch(`/api/v1/routing-rules/${rule.id}`, { active: false, version: 2 })).statusCode).toBe(200);
    expect((await suggest({ issues: ['介護'], age: 80 })).suggestions.every((s) => s.reasons.includes(FALLBACK_REASON))).toBe(true);
    expect((await admin.patch(`/api/v1/routing-rules/${rule.id}`, { active: true, minAge: 65, version: 3 })).statusCode).toBe(200);
    expect((await suggest({ issues: ['介護'], age: 70 })).suggestions.filter((s) => s.agency.name.includes('地域包括支援センター'))).toHaveLength(4);

    // A new rule is data too.
    const created = await admin.post('/api/v1/routing-rules', {
      priority: 5,
      name: '女性の相談',
      issuesAny: ['DV・虐待'],
      minAge: 18,
      targetNameLike: '女性総合相談',
      reason: 'DV・虐待の相談で、女性相談の窓口が適切なため',
    });
    expect(created.statusCode, created.body).toBe(201);
    const dv = await suggest({ issues: ['DV・虐待'], age: 35 });
    expect(dv.suggestions[0]).toMatchObject({ agency: { name: '女性総合相談' }, reasons: ['DV・虐待の相談で、女性相談の窓口が適切なため'] });
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', 'in', [rule.id, json(created).id]).execute();
    expect(audit.map((r) => r.action).sort()).toEqual(['routing_rule.create', 'routing_rule.update', 'routing_rule.update', 'routing_rule.update']);
  });

  it('only the administrator edits rules; staff may read them', async () => {
    const rule = (await rules())[0]!;
    expect((await clerk.get('/api/v1/routing-rules')).statusCode).toBe(200);
    const patch = await clerk.patch(`/api/v1/routing-rules/${rule.id}`, { minAge: 1, version: rule.version });
    expect(patch.statusCode).toBe(403);
    const post = await clerk.post('/api/v1/routing-rules', { name: '勝手なルール', targetRole: '多機関協働', reason: 'x' });
    expect(post.statusCode).toBe(403);
    expect((await rules()).find((r) => r.id === rule.id)!.version).toBe(rule.version);
    expect((await rules()).some((r) => r.name === '勝手なルール')).toBe(false);
    // The administrator has no access to case content: no suggestions for a person.
    expect((await admin.post('/api/v1/routing-suggestions', { issues: ['介護'] })).statusCode).toBe(403);
  });

  it('validates rules: a target is required and the age range must be in order, on create and on edit', async () => {
    const before = (await rules()).length;
    const base = { name: '検証用', issuesAny: ['介護'], reason: '理由', targetField: '高齢' };
    for (const [body, field] of [
      [{ ...base, targetField: undefined }, 'targetRole'],
      [{ ...base, minAge: 80, maxAge: 70 }, 'maxAge'],
      [{ ...base, targetField: '宇宙' }, 'targetField'],
      [{ ...base, issuesAny: ['宇宙人'] }, 'issuesAny.0'],
      [{ ...base, reason: '' }, 'reason'],
      [{ ...base, priority: -1 }, 'priority'],
    ] as const) {
      const res = await admin.post('/api/v1/routing-rules', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(Object.keys(json(res).error.fields), JSON.stringify(body)).toContain(field);
    }
    expect((await rules()).length).toBe(before);

    // An edit may not leave a rule without a target (it would suggest every agency) or with a reversed age range.
    const rule = (await rules()).find((r) => r.name === '障害・病気')!;
    const noTarget = await admin.patch(`/api/v1/routing-rules/${rule.id}`, { targetField: null, version: rule.version });
    expect(noTarget.statusCode, noTarget.body).toBe(422);
    expect(Object.keys(json(noTarget).error.fields)).toEqual(['targetRole']);
    const reversed = await admin.patch(`/api/v1/routing-rules/${rule.id}`, { minAge: 80, maxAge: 70, version: rule.version });
    expect(reversed.statusCode).toBe(422);
    expect(Object.keys(json(reversed).error.fields)).toEqual(['maxAge']);
    const aboveMax = (await rules()).find((r) => r.name === '子ども・子育て')!;
    expect(aboveMax.maxAge).toBe(17);
    expect((await admin.patch(`/api/v1/routing-rules/${aboveMax.id}`, { minAge: 18, version: aboveMax.version })).statusCode).toBe(422);
    expect((await rules()).find((r) => r.id === rule.id)!.version).toBe(rule.version);
    expect((await admin.patch('/api/v1/routing-rules/00000000-0000-4000-8000-000000000000', { active: false, version: 1 })).statusCode).toBe(404);
  });
});
