import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';

const MINAMI = '小金井みなみ地域包括支援センター';
const CENTERS = [
  '小金井きた地域包括支援センター',
  '小金井にし地域包括支援センター',
  '小金井ひがし地域包括支援センター',
  '小金井みなみ地域包括支援センター',
];

interface AgencyItem {
  id: string;
  name: string;
  kana: string;
  fields: string[];
  roles: string[];
  version: number;
  active: boolean;
}

const q = (text: string) => `/api/v1/agencies?q=${encodeURIComponent(text)}`;

describe.each(DATABASE_KINDS)('agency directory (%s)', (kind) => {
  const t = useTestApp(kind);
  let admin: Agent;
  let staff: Agent;

  beforeAll(async () => {
    admin = await t.loginAdmin();
    const user = await t.createUser({ role: 'intake_clerk', agency: '福祉総合相談窓口（自立相談サポートセンター）' });
    staff = await t.login(user.loginId, user.password);
  });

  async function names(agent: Agent, url: string): Promise<string[]> {
    const res = await agent.get(url);
    expect(res.statusCode, res.body).toBe(200);
    return (json(res).items as AgencyItem[]).map((a) => a.name);
  }

  it('finds 小金井みなみ地域包括支援センター by みなみ, ミナミ and half-width ﾐﾅﾐ', async () => {
    for (const text of ['みなみ', 'ミナミ', 'ﾐﾅﾐ', 'ｺｶﾞﾈｲﾐﾅﾐ', 'こがねい　みなみ', '小金井みなみ']) {
      expect(await names(staff, q(text)), text).toContain(MINAMI);
    }
    expect(await names(staff, q('みなみ'))).not.toContain('小金井きた地域包括支援センター');
  });

  it('finds the four 地域包括支援センター by 地域包括, and nothing for an unknown word', async () => {
    expect((await names(staff, q('地域包括'))).sort()).toEqual(CENTERS);
    expect(await names(staff, q('存在しない機関名'))).toEqual([]);
    // LIKE wildcards are literal characters in a search.
    expect(await names(staff, q('%'))).toEqual([]);
    expect(await names(staff, q('_'))).toEqual([]);
  });

  it('filters by 対象分野 and by role in the project', async () => {
    const elderly = (await staff.get('/api/v1/agencies?field=高齢&limit=200')).json().items as AgencyItem[];
    expect(elderly.length).toBeGreaterThanOrEqual(4);
    expect(elderly.every((a) => a.fields.includes('高齢'))).toBe(true);
    expect(elderly.map((a) => a.name)).toEqual(expect.arrayContaining(CENTERS));
    expect(elderly.map((a) => a.name)).not.toContain('こども家庭センター');

    const comprehensive = (await staff.get(`/api/v1/agencies?role=${encodeURIComponent('包括的相談支援')}&limit=200`)).json().items as AgencyItem[];
    expect(comprehensive.every((a) => a.roles.includes('包括的相談支援'))).toBe(true);
    expect(comprehensive.map((a) => a.name)).toEqual(expect.arrayContaining([...CENTERS, 'こども家庭センター']));
    expect(comprehensive.map((a) => a.name)).not.toContain('消費生活相談');

    const both = (await staff.get(`/api/v1/agencies?field=${encodeURIComponent('障がい')}&role=${encodeURIComponent('包括的相談支援')}&limit=200`)).json()
      .items as AgencyItem[];
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((a) => a.fields.includes('障がい') && a.roles.includes('包括的相談支援'))).toBe(true);
    expect(both.map((a) => a.name)).toContain('障害者地域自立生活支援センター');

    // Search and filter combine (AND).
    const searchOnly = await names(staff, `${q('小金井')}&limit=200`);
    const withFilter = (await staff.get(`${q('小金井')}&field=${encodeURIComponent('高齢')}&limit=200`)).json().items as AgencyItem[];
    expect(withFilter.map((a) => a.name)).toEqual(expect.arrayContaining(CENTERS));
    expect(withFilter.every((a) => a.fields.includes('高齢') && searchOnly.includes(a.name))).toBe(true);
    expect(withFilter.length).toBeLessThan(searchOnly.length);

    for (const bad of ['field=宇宙', 'role=なんでも', 'limit=0', 'limit=201', 'limit=abc', 'includeInactive=yes', 'sort=name']) {
      const res = await staff.get(`/api/v1/agencies?${encodeURI(bad)}`);
      expect(res.statusCode, bad).toBe(422);
    }
  });

  it('pages with limit=5 through every agency once, in kana order', async () => {
    // Two agencies with the same kana: the id breaks the tie between pages.
    for (const name of ['同読みA', '同読みB']) {
      expect((await admin.post('/api/v1/agencies', { name, kana: 'おなじよみ' })).statusCode).toBe(201);
    }
    const expected = await t.db.selectFrom('agencies').select('id').where('municipality_id', '=', t.municipalityId).where('active', '=', true).execute();
    const seen: AgencyItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/agencies?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = json(await staff.get(url));
      expect(body.items.length).toBeLessThanOrEqual(5);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(50);
    } while (cursor);
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen.map((a) => a.id))).toEqual(new Set(expected.map((a) => a.id)));
    expect(pages).toBe(Math.ceil(expected.length / 5));
    const keys = seen.map((a) => [a.kana, a.id] as const);
    for (let i = 1; i < keys.length; i++) {
      const [pk, pid] = keys[i - 1]!;
      const [k, id] = keys[i]!;
      expect(pk < k || (pk === k && pid < id), `${pk}/${pid} before ${k}/${id}`).toBe(true);
    }
  });

  it('shows the detail of one agency; unknown and malformed ids are 404', async () => {
    const id = await t.agencyId(MINAMI);
    const res = await staff.get(`/api/v1/agencies/${id}`);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      id,
      name: MINAMI,
      kana: 'コガネイミナミチイキホウカツシエンセンター',
      fields: ['高齢'],
      roles: ['包括的相談支援', '地域づくり'],
      isWindow: true,
      active: true,
      version: 1,
    });
    for (const bad of ['00000000-0000-7000-8000-000000000000', 'not-a-uuid', '1']) {
      const missing = await staff.get(`/api/v1/agencies/${bad}`);
      expect(missing.statusCode, bad).toBe(404);
      expect(json(missing).error.code).toBe('not_found');
    }
  });

  it('lets the administrator create an agency, which is then searchable', async () => {
    const res = await admin.post('/api/v1/agencies', {
      name: '貫井北町ふれあい相談室',
      kana: 'ヌクイキタマチフレアイソウダンシツ',
      fields: ['高齢', 'その他'],
      roles: ['地域づくり'],
      operation: '委託',
      siteCount: 1,
      phone: '042-000-0000',
      email: 'soudan@example.jp',
      hours: '平日 9:00〜17:00',
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = json(res);
    expect(created).toMatchObject({ name: '貫井北町ふれあい相談室', version: 1, active: true, isWindow: true, isSecretariat: false, operation: '委託' });
    expect(await names(staff, q('ふれあい'))).toEqual(['貫井北町ふれあい相談室']);
    expect(await names(staff, q('ﾇｸｲｷﾀ'))).toEqual(['貫井北町ふれあい相談室']);
    expect(json(await staff.get(`/api/v1/agencies/${created.id}`)).email).toBe('soudan@example.jp');
  });

  it('refuses invalid input with a Japanese message per field', async () => {
    const res = await admin.post('/api/v1/agencies', {
      name: '   ',
      kana: 'abc',
      fields: ['高齢', '宇宙'],
      operation: '自営',
      email: 'not-an-email',
      phone: 'でんわ',
      siteCount: -1,
    });
    expect(res.statusCode).toBe(422);
    const { error } = json(res);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('入力内容を確認してください（7件）。');
    expect(error.fields).toEqual({
      name: '名称：入力してください',
      kana: '名称（カナ）：ひらがな・カタカナで入力してください',
      'fields.1': '対象分野：選択肢の中から選んでください',
      operation: '運営形態：選択肢の中から選んでください',
      email: expect.stringMatching(/^メールアドレス：/),
      phone: '電話番号：電話番号は数字とハイフンで入力してください',
      siteCount: '設置箇所数：0以上の値を入力してください',
    });

    const tooLong = await admin.post('/api/v1/agencies', { name: 'あ'.repeat(121) });
    expect(json(tooLong).error.fields.name).toBe('名称：120文字以内で入力してください');
    const unknownKey = await admin.post('/api/v1/agencies', { name: '項目違い', isSecretariat: true });
    expect(unknownKey.statusCode).toBe(422);
  });

  it('refuses a duplicate name', async () => {
    const res = await admin.post('/api/v1/agencies', { name: MINAMI, kana: 'みなみ' });
    expect(res.statusCode).toBe(422);
    expect(json(res).error.fields).toEqual({ name: '名称：同じ名称の機関・窓口がすでに登録されています' });
  });

  it('edits with optimistic locking: a stale version gets 409 with the current row', async () => {
    const id = await t.agencyId('消費生活相談');
    const v1 = json(await admin.get(`/api/v1/agencies/${id}`));
    const edit = await admin.patch(`/api/v1/agencies/${id}`, { version: v1.version, name: '消費生活センター', kana: 'ショウヒセイカツセンター', hours: '平日 9:30〜16:00' });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(json(edit)).toMatchObject({ name: '消費生活センター', version: v1.version + 1, hours: '平日 9:30〜16:00' });
    expect(await names(staff, q('しょうひせいかつせんたー'))).toEqual(['消費生活センター']);

    const stale = await admin.patch(`/api/v1/agencies/${id}`, { version: v1.version, name: '上書き' });
    expect(stale.statusCode).toBe(409);
    const body = json(stale);
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain('ほかの方');
    expect(body.current).toMatchObject({ id, name: '消費生活センター', version: v1.version + 1 });

    const dup = await admin.patch(`/api/v1/agencies/${id}`, { version: v1.version + 1, name: MINAMI });
    expect(dup.statusCode).toBe(422);
    const noVersion = await admin.patch(`/api/v1/agencies/${id}`, { name: '版なし' });
    expect(noVersion.statusCode).toBe(422);
    expect(json(noVersion).error.fields.version).toContain('版');
    expect((await admin.patch('/api/v1/agencies/00000000-0000-7000-8000-000000000000', { version: 1, name: 'x' })).statusCode).toBe(404);
  });

  it('hides deactivated agencies unless asked', async () => {
    const id = await t.agencyId('女性総合相談');
    const current = json(await admin.get(`/api/v1/agencies/${id}`));
    expect((await admin.patch(`/api/v1/agencies/${id}`, { version: current.version, active: false })).statusCode).toBe(200);
    expect(await names(staff, q('女性総合相談'))).toEqual([]);
    expect(await names(staff, `${q('女性総合相談')}&includeInactive=true`)).toEqual(['女性総合相談']);
    expect(json(await staff.get(`/api/v1/agencies/${id}`)).active).toBe(false);
  });

  it('only the administrator may create or edit; other roles read', async () => {
    const id = await t.agencyId('教育相談');
    for (const role of ['intake_clerk', 'secretariat', 'agency_staff', 'auditor'] as const) {
      const user = await t.createUser({ role });
      const agent = await t.login(user.loginId, user.password);
      expect((await agent.get('/api/v1/agencies')).statusCode, role).toBe(200);
      const create = await agent.post('/api/v1/agencies', { name: `${role}の機関`, kana: 'きかん' });
      expect(create.statusCode, role).toBe(403);
      expect(json(create).error.message).toBe('機関・窓口の登録・編集の権限がありません。');
      expect((await agent.patch(`/api/v1/agencies/${id}`, { version: 1, name: '改名' })).statusCode, role).toBe(403);
    }
    const created = await t.db.selectFrom('agencies').select('id').where('name', 'like', '%の機関').execute();
    expect(created).toEqual([]);
    const denials = await t.db.selectFrom('audit_events').select('action').where('outcome', '=', 'denied').where('action', '=', 'directory.write').execute();
    expect(denials).toHaveLength(8);
  });
});
