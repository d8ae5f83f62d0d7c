import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { registerPerson } from '../support/people.ts';
import { newId } from '../../src/shared/ids.ts';
import { normalizeForSearch } from '../../src/shared/normalize.ts';

/**
 * 本人 (person) records: registration, editing with versions, rare names,
 * 和暦 birth dates, search that ignores kana, width, spaces and variant
 * kanji, keyset paging, 名寄せ candidates and reversible links.
 */
const AGENCY = '福祉総合相談窓口（自立相談サポートセンター）';

interface Item {
  id: string;
  name: string | null;
}

describe.each(DATABASE_KINDS)('people (%s)', (kind) => {
  const t = useTestApp(kind);
  let clerk: Agent;
  let clerkUser: TestUser;

  beforeAll(async () => {
    clerkUser = await t.createUser({ role: 'intake_clerk', agency: AGENCY });
    clerk = await t.login(clerkUser.loginId, clerkUser.password);
  });

  const search = async (query: string): Promise<Item[]> => {
    const res = await clerk.get(`/api/v1/persons?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return json(res).items;
  };
  const names = (items: Item[]) => items.map((i) => i.name);
  const q = (text: string) => `q=${encodeURIComponent(text)}&limit=100`;

  it('registers, reads and edits a person; a stale version is a 409 with the current record', async () => {
    const created = await clerk.post('/api/v1/persons', {
      name: '大久保 トシ',
      nameKana: 'オオクボ トシ',
      birthDate: '1941-03-10',
      gender: '女',
      address: '小金井市前原町三丁目',
      phone: '042-384-0101',
      contactCaution: '自宅電話は長男が出るため、携帯に連絡',
    });
    expect(created.statusCode, created.body).toBe(201);
    const person = json(created);
    expect(person).toMatchObject({
      name: '大久保 トシ',
      nameKana: 'オオクボ トシ',
      displayName: '大久保 トシ',
      birthDate: '1941-03-10',
      birthDateLabel: '1941年3月10日（昭和16年）',
      gender: '女',
      contactCaution: '自宅電話は長男が出るため、携帯に連絡',
      version: 1,
      registeredByAgencyId: clerkUser.agencyId,
      registeredByAgencyName: AGENCY,
      access: { level: 'full', reasons: ['登録した機関'], emergency: false },
      households: [],
      links: [],
    });
    expect(person.age).toBeGreaterThanOrEqual(84);
    expect(person.consent.agency_sharing).toMatchObject({ state: 'none', label: '未確認' });

    const read = await clerk.get(`/api/v1/persons/${person.id}`);
    expect(read.statusCode).toBe(200);
    expect(json(read)).toMatchObject({ id: person.id, name: '大久保 トシ', version: 1 });

    const patched = await clerk.patch(`/api/v1/persons/${person.id}`, { version: 1, phone: '090-0000-0101', address: null });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json(patched)).toMatchObject({ version: 2, phone: '090-0000-0101', address: null, name: '大久保 トシ' });
    // The search columns follow the edit.
    expect(names(await search('phone=00000101'))).toEqual(['大久保 トシ']);
    expect(await search('phone=3840101')).toEqual([]);

    const stale = await clerk.patch(`/api/v1/persons/${person.id}`, { version: 1, phone: '042-000-0000' });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).error.code).toBe('conflict');
    expect(json(stale).current).toMatchObject({ id: person.id, version: 2, phone: '090-0000-0101' });
    expect(json(await clerk.get(`/api/v1/persons/${person.id}`)).phone).toBe('090-0000-0101');

    // Clearing the name without an alias is refused; with an alias it is allowed.
    const nameless = await clerk.patch(`/api/v1/persons/${person.id}`, { version: 2, name: '' });
    expect(nameless.statusCode).toBe(422);
    expect(Object.keys(json(nameless).error.fields)).toEqual(['name']);
    const future = await clerk.patch(`/api/v1/persons/${person.id}`, { version: 2, birthDate: '2999-01-01' });
    expect(future.statusCode).toBe(422);
    expect(json(await clerk.get(`/api/v1/persons/${person.id}`)).version).toBe(2);

    const unknown = await clerk.get('/api/v1/persons/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect((await clerk.get('/api/v1/persons/not-a-uuid')).statusCode).toBe(404);
  });

  it('keeps rare names exactly as typed: surrogate pairs, compatibility ideographs, variation selectors', async () => {
    const rare = ['𠮷野 﨑子', '髙島屋 𩸽太郎', '葛\u{E0100}城 ミツ', '宮﨑 髙子'];
    for (const name of rare) {
      const created = await registerPerson(clerk, { name, birthDate: '1950-06-01' });
      expect(created.name).toBe(name);
      const read = json(await clerk.get(`/api/v1/persons/${created.id}`));
      expect(read.name).toBe(name);
      expect([...read.name].length).toBe([...name].length);
      const row = await t.db.selectFrom('persons').select('name').where('id', '=', created.id).executeTakeFirstOrThrow();
      expect(row.name).toBe(name);
    }
    // Found by the plain characters people type, shown as stored.
    expect(names(await search(q('吉野')))).toEqual(['𠮷野 﨑子']);
    expect(names(await search(q('𠮷野')))).toEqual(['𠮷野 﨑子']);
    expect(names(await search(q('葛城')))).toEqual(['葛\u{E0100}城 ミツ']);
    expect(names(await search(q('𩸽')))).toEqual(['髙島屋 𩸽太郎']);
  });

  it('reads birth dates in 西暦 and 和暦, and refuses future dates, unknown genders and nameless records', async () => {
    const variants: [string, string][] = [
      ['昭和20年8月15日', '1945-08-15'],
      ['S20.8.15', '1945-08-15'],
      ['s20/8/15', '1945-08-15'],
      ['昭和２０年８月１５日', '1945-08-15'],
      ['１９４５／０８／１５', '1945-08-15'],
      ['1945年8月15日', '1945-08-15'],
      ['平成元年1月8日', '1989-01-08'],
      ['令和元年5月1日', '2019-05-01'],
      ['R2.2.29', '2020-02-29'],
    ];
    for (const [input, iso] of variants) {
      const res = await clerk.post('/api/v1/persons', { alias: `生年月日 ${input}`, birthDate: input, confirmNotDuplicate: true });
      expect(res.statusCode, `${input}: ${res.body}`).toBe(201);
      expect(json(res).birthDate, input).toBe(iso);
    }
    const before = await t.db.selectFrom('persons').select('id').execute();
    const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    for (const [body, field] of [
      [{ name: '未来 太郎', birthDate: tomorrow }, 'birthDate'],
      [{ name: '未来 太郎', birthDate: '令和99年1月1日' }, 'birthDate'],
      [{ name: '存在しない 日付', birthDate: '昭和64年1月8日' }, 'birthDate'],
      [{ name: '存在しない 日付', birthDate: '2023-02-29' }, 'birthDate'],
      [{ name: '性別 不正', gender: 'male' }, 'gender'],
      [{ name: '年代 不正', ageBand: '100代' }, 'ageBand'],
      [{ name: 'カナ 不正', nameKana: 'Tanaka' }, 'nameKana'],
      [{ name: '電話 不正', phone: '042-abc' }, 'phone'],
      [{ birthDate: '1950-01-01' }, 'name'],
      [{ name: '   ', alias: '' }, 'name'],
      [{ name: '余計な項目', registeredByAgencyId: clerkUser.agencyId }, '_'],
    ] as const) {
      const res = await clerk.post('/api/v1/persons', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(json(res).error.code).toBe('validation_failed');
      if (field !== '_') expect(Object.keys(json(res).error.fields), JSON.stringify(body)).toContain(field);
    }
    expect(json(await clerk.post('/api/v1/persons', { name: '未来 太郎', birthDate: tomorrow })).error.fields.birthDate).toBe('生年月日：未来の日付は入力できません');
    expect(await t.db.selectFrom('persons').select('id').execute()).toHaveLength(before.length);

    // Known only partly (outreach): an alias and an age band are enough.
    const partial = await clerk.post('/api/v1/persons', { alias: '緑町の50代男性', ageBand: '50代', gender: '男' });
    expect(partial.statusCode, partial.body).toBe(201);
    expect(json(partial)).toMatchObject({ name: null, displayName: '（緑町の50代男性）', ageBand: '50代', age: null, gender: '男' });
  });

  it('searches by kana or kanji fragment, birth date, phone and address, ignoring kana, width, spaces and variant kanji', async () => {
    const people: Record<string, { id: string }> = {};
    for (const p of [
      { name: '髙橋 ヨシコ', birthDate: '1944-05-03', phone: '042-387-1111', address: '小金井市本町一丁目2番3号' },
      { name: '山﨑 花子', nameKana: 'ヤマサキ ハナコ', birthDate: '1952-09-09' },
      { name: '渡邊 一郎', nameKana: 'ワタナベ イチロウ' },
      { name: '渡邉 次郎', nameKana: 'ワタナベ ジロウ' },
      { name: '齋藤 ハナ', nameKana: 'ｻｲﾄｳ ﾊﾅ', phone: '０９０（１２３４）５６７８' },
      { name: '鈴木 一郎', nameKana: 'スズキ イチロウ', birthDate: '1950-01-01', address: '小金井市貫井北町四丁目' },
    ]) {
      people[p.name] = await registerPerson(clerk, p);
    }
    // Variant kanji: the common form finds the variant and back.
    expect(names(await search(q('高橋')))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search(q('髙橋')))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search(q('崎')))).toEqual(expect.arrayContaining(['山﨑 花子']));
    expect(names(await search(q('山崎')))).toEqual(['山﨑 花子']);
    expect(names(await search(q('渡辺'))).sort()).toEqual(['渡邉 次郎', '渡邊 一郎']);
    expect(names(await search(q('辺'))).sort()).toEqual(['渡邉 次郎', '渡邊 一郎']);
    expect(names(await search(q('邉'))).sort()).toEqual(['渡邉 次郎', '渡邊 一郎']);
    expect(names(await search(q('斎藤')))).toEqual(['齋藤 ハナ']);
    expect(names(await search(q('斉藤')))).toEqual(['齋藤 ハナ']);
    // Kana in any script and width; spaces (half or full width) are ignored.
    for (const text of ['やまさき', 'ヤマサキ', 'ﾔﾏｻｷ', 'まさき は', 'やまさき　はなこ', 'ヤマ サキ']) {
      expect(names(await search(q(text))), text).toEqual(['山﨑 花子']);
    }
    expect(names(await search(q('さいとう')))).toEqual(['齋藤 ハナ']);
    expect(names(await search(q('いちろう'))).sort()).toEqual(['渡邊 一郎', '鈴木 一郎']);
    // A fragment of the name written in kana matches a name stored in katakana.
    expect(names(await search(q('よしこ')))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search(q('橋 よし')))).toEqual(['髙橋 ヨシコ']);
    // Birth date in either calendar; phone and address fragments in any width.
    expect(names(await search(`birthDate=${encodeURIComponent('昭和19年5月3日')}`))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search('birthDate=1944-05-03'))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search('phone=3871111'))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search(`phone=${encodeURIComponent('387-1111')}`))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search('phone=12345678'))).toEqual(['齋藤 ハナ']);
    expect(names(await search(`address=${encodeURIComponent('本町一丁目')}`))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search(`address=${encodeURIComponent('本町　一丁目')}`))).toEqual(['髙橋 ヨシコ']);
    expect(names(await search(`address=${encodeURIComponent('貫井北町')}`))).toEqual(['鈴木 一郎']);
    // Criteria combine (and).
    expect(names(await search(`${q('いちろう')}&birthDate=1950-01-01`))).toEqual(['鈴木 一郎']);
    expect(await search(`${q('やまさき')}&birthDate=1950-01-01`)).toEqual([]);
    // LIKE wildcards are text, not patterns.
    expect(await search(q('%'))).toEqual([]);
    expect(await search(q('_'))).toEqual([]);
    // An invalid birth date is a 422, not an empty list.
    expect((await clerk.get('/api/v1/persons?birthDate=2023-02-30')).statusCode).toBe(422);
    // Each result carries its consent state.
    const [hit] = await search(q('高橋'));
    expect((hit as unknown as { consent: { agency_sharing: { state: string } } }).consent.agency_sharing.state).toBe('none');
  });

  it('pages with a keyset cursor: no duplicates, nothing skipped, even among equal names', async () => {
    const created = new Set<string>();
    for (const [i, kana] of ['ページ アイ', 'ページ アイ', 'ページ アイ', 'ページ イチ', 'ページ ウエ', 'ページ ウエ', 'ページ オカ'].entries()) {
      created.add((await registerPerson(clerk, { name: `頁 ${i}号`, nameKana: kana })).id);
    }
    const seen: string[] = [];
    const kanaOrder: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await clerk.get(`/api/v1/persons?q=${encodeURIComponent('ぺーじ')}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = json(res);
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((i: { id: string }) => i.id));
      kanaOrder.push(...body.items.map((i: { nameKana: string }) => i.nameKana));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(created);
    expect(kanaOrder).toEqual(['ページ アイ', 'ページ アイ', 'ページ アイ', 'ページ イチ', 'ページ ウエ', 'ページ ウエ', 'ページ オカ']);
    // A forged cursor starts from the beginning instead of failing.
    const forged = await clerk.get(`/api/v1/persons?q=${encodeURIComponent('ぺーじ')}&limit=3&cursor=garbage`);
    expect(forged.statusCode).toBe(200);
    expect(json(forged).items.map((i: { id: string }) => i.id)).toEqual(seen.slice(0, 3));
  });

  it('名寄せ: finds 髙橋 ヨシコ for たかはし よしこ with the same birth date, with score and reasons', async () => {
    const target = await registerPerson(clerk, { name: '髙橋 ヨシコ', birthDate: '1938-11-20', address: '小金井市中町二丁目' });
    const unrelated = await registerPerson(clerk, { name: '佐々木 健', nameKana: 'ササキ ケン', birthDate: '1961-07-07', phone: '042-111-2222' });
    const res = await clerk.post('/api/v1/persons/duplicates', { nameKana: 'たかはし よしこ', birthDate: '昭和13年11月20日' });
    expect(res.statusCode, res.body).toBe(200);
    const items = json(res).items as { person: { id: string; name: string }; score: number; reasons: string[] }[];
    const hit = items.find((i) => i.person.id === target.id);
    expect(hit, JSON.stringify(items)).toBeDefined();
    expect(hit!.score).toBeGreaterThanOrEqual(0.6);
    expect(hit!.reasons).toEqual(expect.arrayContaining(['生年月日が一致', '名（よしこ）が一致']));
    expect(items[0]!.person.id).toBe(target.id);
    expect(items.some((i) => i.person.id === unrelated.id)).toBe(false);
    // The same name in variant kanji and kana, without a birth date.
    const byName = json(await clerk.post('/api/v1/persons/duplicates', { name: '高橋　よしこ' })).items as { person: { id: string }; reasons: string[] }[];
    expect(byName.find((i) => i.person.id === target.id)?.reasons).toEqual(['氏名が一致（異体字・かなの違いを同一視）']);
    // Nothing to compare: no candidates.
    expect(json(await clerk.post('/api/v1/persons/duplicates', {})).items).toEqual([]);
    // Registering without confirmation is stopped with the candidates; confirming saves.
    const stopped = await clerk.post('/api/v1/persons', { name: '高橋 よしこ', birthDate: '1938-11-20' });
    expect(stopped.statusCode).toBe(409);
    expect(json(stopped).duplicates.map((d: { person: { id: string } }) => d.person.id)).toContain(target.id);
    const confirmed = await clerk.post('/api/v1/persons', { name: '高橋 よしこ', birthDate: '1938-11-20', confirmNotDuplicate: true });
    expect(confirmed.statusCode).toBe(201);
  });

  it('links two records as the same person and unlinks them again, both audited', async () => {
    const first = await registerPerson(clerk, { name: '廣瀬 カツ', birthDate: '1940-04-04' });
    const second = await registerPerson(clerk, { name: '広瀬 かつ', birthDate: '1940-04-04' });
    const linked = await clerk.post(`/api/v1/persons/${first.id}/links`, { otherPersonId: second.id, reason: '旧住所で重複登録' });
    expect(linked.statusCode, linked.body).toBe(200);
    const link = json(linked).links[0];
    expect(json(linked).links).toEqual([
      { id: expect.any(String), otherPersonId: second.id, otherDisplayName: '広瀬 かつ', reason: '旧住所で重複登録', linkedAt: expect.any(String) },
    ]);
    // Seen from the other record too; both records remain.
    expect(json(await clerk.get(`/api/v1/persons/${second.id}`)).links.map((l: { otherPersonId: string }) => l.otherPersonId)).toEqual([first.id]);
    expect((await clerk.post(`/api/v1/persons/${second.id}/links`, { otherPersonId: first.id, reason: 'もう一度' })).statusCode).toBe(409);
    expect((await clerk.post(`/api/v1/persons/${first.id}/links`, { otherPersonId: first.id, reason: '自分自身' })).statusCode).toBe(422);
    expect((await clerk.post(`/api/v1/persons/${first.id}/links`, { otherPersonId: second.id })).statusCode).toBe(422);

    const noReason = await clerk.post(`/api/v1/person-links/${link.id}/unlink`, {});
    expect(noReason.statusCode).toBe(422);
    expect(Object.keys(json(noReason).error.fields)).toEqual(['reason']);
    expect((await clerk.post(`/api/v1/person-links/${link.id}/unlink`, { reason: '  ' })).statusCode).toBe(422);
    const unlinked = await clerk.post(`/api/v1/person-links/${link.id}/unlink`, { reason: '別人と判明' });
    expect(unlinked.statusCode, unlinked.body).toBe(200);
    expect(json(await clerk.get(`/api/v1/persons/${first.id}`)).links).toEqual([]);
    expect(json(await clerk.get(`/api/v1/persons/${second.id}`)).links).toEqual([]);
    expect((await clerk.post(`/api/v1/person-links/${link.id}/unlink`, { reason: '二度目' })).statusCode).toBe(404);
    // Reversible: they can be linked again.
    expect((await clerk.post(`/api/v1/persons/${second.id}/links`, { otherPersonId: first.id, reason: 'やはり同一人物' })).statusCode).toBe(200);

    const audit = await t.db
      .selectFrom('audit_events')
      .select(['action', 'subject_person_id', 'reason', 'actor_user_id'])
      .where('target_id', '=', link.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((r) => [r.action, r.subject_person_id, r.reason])).toEqual([
      ['person.link', first.id, '旧住所で重複登録'],
      ['person.link', second.id, '旧住所で重複登録'],
      ['person.unlink', first.id, '別人と判明'],
      ['person.unlink', second.id, '別人と判明'],
    ]);
    expect(audit.every((r) => r.actor_user_id === clerkUser.id)).toBe(true);
  });

  it('refuses a search matching more than 500 people as too broad, in Japanese, and answers once narrowed', async () => {
    // 501 people named 幅広 in the municipality (inserted directly: registering them one by one would take minutes).
    const rows = Array.from({ length: 501 }, (_, i) => {
      const given = `${String.fromCharCode(0x30a2 + (i % 40))}${i}`;
      return {
        municipality_id: t.municipalityId,
        id: newId(),
        name: `幅広 ${given}`,
        name_kana: `ハバヒロ ${given}`,
        birth_date: '1970-01-01',
        phone: i === 7 ? '042-300-1234' : null,
        gender: '不明',
        name_norm: normalizeForSearch(`幅広 ${given}`),
        kana_norm: normalizeForSearch(`ハバヒロ ${given}`),
        address_norm: '',
        phone_digits: i === 7 ? '0423001234' : '',
        registered_by_agency_id: clerkUser.agencyId,
        registered_by_user_id: clerkUser.id,
        updated_at: new Date(),
      };
    });
    for (let i = 0; i < rows.length; i += 100) await t.db.insertInto('persons').values(rows.slice(i, i + 100)).execute();

    for (const query of [q('幅広'), q('はばひろ'), 'birthDate=1970-01-01']) {
      const res = await clerk.get(`/api/v1/persons?${query}`);
      expect(res.statusCode, query).toBe(422);
      const body = json(res);
      expect(body.error.code).toBe('search_too_broad');
      expect(body.error.message).toBe(
        '条件に当てはまる人が500人を超えるため、一覧にできません。名前の続き、生年月日、電話番号、住所のどれかを加えて絞り込んでください。',
      );
      expect(Object.keys(body.error.fields)).toEqual([query.startsWith('q=') ? 'q' : 'birthDate']);
    }
    // Narrowed, the same people are found; 500 matches are still a list (paged).
    expect(names(await search(`${q('幅広')}&phone=3001234`))).toEqual([rows[7]!.name]);
    await t.db.deleteFrom('persons').where('municipality_id', '=', t.municipalityId).where('id', '=', rows[500]!.id).execute();
    const all = await clerk.get(`/api/v1/persons?${q('幅広')}`);
    expect(all.statusCode, all.body).toBe(200);
    expect(json(all).items).toHaveLength(100);
    expect(json(all).nextCursor).not.toBeNull();
    await t.db.deleteFrom('persons').where('municipality_id', '=', t.municipalityId).where('name_norm', 'like', `${normalizeForSearch('幅広')}%`).execute();
  });
});
