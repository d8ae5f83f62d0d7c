import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { bornYearsAgo, consult, countRows, recordConsent, registerPerson } from '../support/people.ts';

/**
 * 世帯 (household): members with 続柄 and 同居/別居, the pattern hints
 * (8050, 老老介護, ダブルケア, ヤングケアラー) with their reasons, and
 * members the viewer may not see counted but never named.
 */
const A = '小金井きた地域包括支援センター';
const B = '地域生活支援センターそら';

interface Member {
  personId: string;
  relationship: string;
  livingTogether: boolean;
  situation?: string;
}

interface View {
  id: string;
  version: number;
  members: { personId: string; displayName: string; relationship: string; livingTogether: boolean; situation: string | null; age: number | null }[];
  hiddenMembers: number;
  patterns: { pattern: string; reason: string }[];
}

describe.each(DATABASE_KINDS)('households (%s)', (kind) => {
  const t = useTestApp(kind);
  let clerk: Agent;
  let viewer: Agent;
  let viewerAgencyId: string;

  beforeAll(async () => {
    const [a, b] = await Promise.all([t.createUser({ agency: A }), t.createUser({ agency: B })]);
    [clerk, viewer] = await Promise.all([t.login(a.loginId, a.password), t.login(b.loginId, b.password)]);
    viewerAgencyId = b.agencyId;
  });

  /** Register people of the given ages (birthday 1 January) and return their ids. */
  async function people(...specs: [name: string, age: number][]): Promise<string[]> {
    const ids: string[] = [];
    for (const [name, age] of specs) ids.push((await registerPerson(clerk, { name, birthDate: bornYearsAgo(age) })).id);
    return ids;
  }
  async function household(name: string, members: Member[]): Promise<View> {
    const res = await clerk.post('/api/v1/households', { name, members });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }
  const view = async (id: string, agent = clerk): Promise<View> => {
    const res = await agent.get(`/api/v1/households/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };
  const patternsOf = (v: View) => v.patterns.map((p) => p.pattern).sort();

  it('8050: a mother of 82 and a son of 54 living together, with the reason', async () => {
    const [mother, son] = await people(['八〇 ハツ', 82], ['八〇 五郎', 54]);
    const created = await household('八〇さん世帯', [
      { personId: mother!, relationship: '本人', livingTogether: true },
      { personId: son!, relationship: '子', livingTogether: true, situation: '20年以上ひきこもり' },
    ]);
    expect(created.patterns).toEqual([{ pattern: '8050', reason: '80代（82歳・本人）と50代（54歳・子）が同居' }]);
    expect(created.members.map((m) => [m.displayName, m.relationship, m.livingTogether, m.age])).toEqual(
      expect.arrayContaining([
        ['八〇 ハツ', '本人', true, 82],
        ['八〇 五郎', '子', true, 54],
      ]),
    );
    expect(created.hiddenMembers).toBe(0);
    // A consultation about the son's withdrawal is named in the reason.
    await consult(clerk, { personId: son, householdId: created.id, issues: ['ひきこもり・不登校'] });
    expect((await view(created.id)).patterns).toEqual([{ pattern: '8050', reason: '80代（82歳・本人）と50代（54歳・子）が同居（ひきこもりの相談あり）' }]);
    // It shows on the person's page too.
    expect(json(await clerk.get(`/api/v1/persons/${son}`)).households).toEqual([{ id: created.id, name: '八〇さん世帯', relationship: '子', livingTogether: true }]);
  });

  it('members living apart are not counted; changing a member to 同居 raises the hint', async () => {
    const [mother, son] = await people(['別居 トメ', 85], ['別居 太一', 56]);
    const created = await household('別居さん世帯', [
      { personId: mother!, relationship: '本人', livingTogether: true },
      { personId: son!, relationship: '子', livingTogether: false },
    ]);
    expect(created.patterns).toEqual([]);
    const moved = await clerk.patch(`/api/v1/households/${created.id}/members/${son}`, { livingTogether: true, situation: '離職して実家に戻った' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(patternsOf(json(moved))).toEqual(['8050']);
    expect(json(moved).members.find((m: { personId: string }) => m.personId === son)).toMatchObject({ livingTogether: true, situation: '離職して実家に戻った' });
  });

  it('老老介護: 78 and 80 living together with a 介護 issue', async () => {
    const [wife, husband] = await people(['老老 フミ', 78], ['老老 茂', 80]);
    const created = await household('老老さん世帯', [
      { personId: wife!, relationship: '本人', livingTogether: true },
      { personId: husband!, relationship: '配偶者', livingTogether: true },
    ]);
    // 80 is 75 or older: already a hint without a consultation; the 介護 issue adds to the reason.
    expect(patternsOf(created)).toEqual(['老老介護']);
    expect(created.patterns[0]!.reason).toMatch(/^同居する世帯員が全員65歳以上（(78歳・80歳|80歳・78歳)）$/);
    await consult(clerk, { personId: wife, issues: ['介護'], chiefComplaint: '夫の介護で疲れている' });
    const after = await view(created.id);
    expect(after.patterns).toHaveLength(1);
    expect(after.patterns[0]!.reason).toMatch(/^同居する世帯員が全員65歳以上（(78歳・80歳|80歳・78歳)）で、介護の相談がある$/);
  });

  it('老老介護 needs care: two people of 66 and 68 without a 介護 issue are not flagged', async () => {
    const [x, y] = await people(['若老 一', 66], ['若老 二', 68]);
    const created = await household('若老さん世帯', [
      { personId: x!, relationship: '本人', livingTogether: true },
      { personId: y!, relationship: '配偶者', livingTogether: true },
    ]);
    expect(created.patterns).toEqual([]);
    await consult(clerk, { personId: y, issues: ['介護'] });
    expect(patternsOf(await view(created.id))).toEqual(['老老介護']);
  });

  it('ダブルケア: a child under 15, a parent of 72 and a carer of 40 with a 介護 issue', async () => {
    const [carer, child, parent] = await people(['二重 恵', 40], ['二重 陽', 8], ['二重 昭', 72]);
    const created = await household('二重さん世帯', [
      { personId: carer!, relationship: '本人', livingTogether: true },
      { personId: child!, relationship: '子', livingTogether: true },
      { personId: parent!, relationship: '親', livingTogether: true },
    ]);
    expect(created.patterns).toEqual([]);
    await consult(clerk, { personId: carer, issues: ['介護', '子育て'] });
    expect((await view(created.id)).patterns).toEqual([
      { pattern: 'ダブルケア', reason: '15歳未満の子（1人）と65歳以上の家族（1人）が同居し、介護・子育ての相談がある' },
    ]);
  });

  it('ヤングケアラー: a 16-year-old and an ill parent, with no other adult', async () => {
    const [teen, parent] = await people(['若者 翔', 16], ['若者 直美', 45]);
    const created = await household('若者さん世帯', [
      { personId: teen!, relationship: '本人', livingTogether: true },
      { personId: parent!, relationship: '親', livingTogether: true },
    ]);
    expect(created.patterns).toEqual([]);
    await consult(clerk, { personId: parent, householdId: created.id, issues: ['病気・健康・障害'] });
    const after = await view(created.id);
    expect(patternsOf(after)).toEqual(['ヤングケアラー']);
    expect(after.patterns[0]!.reason).toContain('18歳未満の家族（16歳）');
  });

  it('ヤングケアラー is not raised when a healthy adult lives there, even if the ill parent’s consultation names the household', async () => {
    const [teen, ill, healthy] = await people(['支え 湊', 16], ['支え 由美', 45], ['支え 健', 47]);
    const created = await household('支えさん世帯', [
      { personId: teen!, relationship: '本人', livingTogether: true },
      { personId: ill!, relationship: '親', livingTogether: true },
      { personId: healthy!, relationship: '親', livingTogether: true },
    ]);
    await consult(clerk, { personId: ill, householdId: created.id, issues: ['病気・健康・障害'] });
    expect((await view(created.id)).patterns).toEqual([]);
    // The healthy parent moving out leaves the teenager as the carer.
    await clerk.patch(`/api/v1/households/${created.id}/members/${healthy}`, { livingTogether: false });
    expect(patternsOf(await view(created.id))).toEqual(['ヤングケアラー']);
  });

  it('a viewer with access to some members sees them; the others are counted, never named', async () => {
    const [mother, son] = await people(['一部 キク', 83], ['一部 非公開男', 55]);
    await recordConsent(clerk, { personId: mother!, scopeKind: 'listed', agencyIds: [viewerAgencyId] });
    const created = await household('一部さん世帯', [
      { personId: mother!, relationship: '本人', livingTogether: true },
      { personId: son!, relationship: '子', livingTogether: true, situation: '非公開の状況メモ' },
    ]);
    expect(patternsOf(created)).toEqual(['8050']);
    const res = await viewer.get(`/api/v1/households/${created.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const seen = json(res) as View;
    expect(seen.members.map((m) => m.personId)).toEqual([mother]);
    expect(seen.hiddenMembers).toBe(1);
    for (const secret of ['一部 非公開男', '非公開の状況メモ', son!]) expect(res.body.includes(secret), secret).toBe(false);
    // Hints come from the visible members only (a hint would reveal the hidden member's age).
    expect(seen.patterns).toEqual([]);
    const timeline = await viewer.get(`/api/v1/households/${created.id}/timeline`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.body.includes('一部 非公開男')).toBe(false);
    // The viewer may not edit the hidden member.
    expect((await viewer.patch(`/api/v1/households/${created.id}/members/${son}`, { situation: 'x' })).statusCode).toBe(404);
    expect((await viewer.request('DELETE', `/api/v1/households/${created.id}/members/${son}`)).statusCode).toBe(404);
    expect((await view(created.id)).members).toHaveLength(2);
  });

  it('adds, updates and removes members; a duplicate member is a 409', async () => {
    const [first, second, third] = await people(['編集 一', 60], ['編集 二', 30], ['編集 三', 5]);
    const created = await household('編集さん世帯', [{ personId: first!, relationship: '本人', livingTogether: true }]);
    const added = await clerk.post(`/api/v1/households/${created.id}/members`, { personId: second, relationship: '子', livingTogether: true });
    expect(added.statusCode, added.body).toBe(200);
    expect(json(added).members).toHaveLength(2);
    const duplicate = await clerk.post(`/api/v1/households/${created.id}/members`, { personId: second, relationship: '子', livingTogether: false });
    expect(duplicate.statusCode).toBe(409);
    expect(json(duplicate).error.code).toBe('conflict');
    expect((await clerk.post(`/api/v1/households/${created.id}/members`, { personId: third, relationship: '曾孫', livingTogether: true })).statusCode).toBe(422);
    expect((await clerk.post(`/api/v1/households/${created.id}/members`, { personId: '00000000-0000-4000-8000-000000000000', relationship: '孫' })).statusCode).toBe(404);
    expect((await clerk.post(`/api/v1/households/${created.id}/members`, { personId: third, relationship: '孫' })).statusCode).toBe(200);

    const updated = await clerk.patch(`/api/v1/households/${created.id}/members/${second}`, { relationship: '子の配偶者', situation: '夜勤あり' });
    expect(updated.statusCode).toBe(200);
    expect(json(updated).members.find((m: { personId: string }) => m.personId === second)).toMatchObject({ relationship: '子の配偶者', situation: '夜勤あり', livingTogether: true });
    const removed = await clerk.request('DELETE', `/api/v1/households/${created.id}/members/${second}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(json(removed).members.map((m: { personId: string }) => m.personId).sort()).toEqual([first, third].sort());
    expect((await clerk.request('DELETE', `/api/v1/households/${created.id}/members/${second}`)).statusCode).toBe(404);
    expect((await clerk.patch(`/api/v1/households/${created.id}/members/${second}`, { situation: 'x' })).statusCode).toBe(404);
    // The person record remains.
    expect((await clerk.get(`/api/v1/persons/${second}`)).statusCode).toBe(200);
    const audit = await t.db.selectFrom('audit_events').select(['action', 'subject_person_id']).where('target_id', '=', created.id).where('action', 'like', 'household.member%').orderBy('seq').execute();
    expect(audit.map((r) => [r.action, r.subject_person_id])).toEqual([
      ['household.member_add', second],
      ['household.member_add', third],
      ['household.member_update', second],
      ['household.member_remove', second],
    ]);
  });

  it('edits the household with its version and refuses a person listed twice', async () => {
    const [x] = await people(['世帯 編集', 50]);
    const created = await household('旧世帯名', [{ personId: x!, relationship: '本人', livingTogether: true }]);
    const patched = await clerk.patch(`/api/v1/households/${created.id}`, { name: '新世帯名', address: '小金井市桜町一丁目', version: 1 });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json(patched)).toMatchObject({ name: '新世帯名', address: '小金井市桜町一丁目', version: 2 });
    const stale = await clerk.patch(`/api/v1/households/${created.id}`, { name: '古い版から', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current).toMatchObject({ name: '新世帯名', version: 2 });
    const before = await countRows(t.db, 'households');
    const twice = await clerk.post('/api/v1/households', {
      name: '重複',
      members: [
        { personId: x, relationship: '本人' },
        { personId: x, relationship: '子' },
      ],
    });
    expect(twice.statusCode).toBe(422);
    expect(Object.keys(json(twice).error.fields)).toEqual(['members.1.personId']);
    expect((await clerk.post('/api/v1/households', { name: '' })).statusCode).toBe(422);
    expect(await countRows(t.db, 'households')).toBe(before);
    expect((await clerk.get('/api/v1/households/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
