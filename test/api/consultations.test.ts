import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { consult, countRows, recordConsent, registerPerson } from '../support/people.ts';

/**
 * 相談受付 (intake) at any window: anonymous in under a minute, 同意あり /
 * 同意なし flows, urgent flags alerting the coordinators at once, a new
 * person registered in the same transaction, and bad input saving nothing.
 */
const WINDOW = '小金井ひがし地域包括支援センター';
const ELSEWHERE = '障害者地域自立生活支援センター';
const COORD = '地域福祉コーディネーター（多機関協働事業）';
const SECRETARIAT = '地域福祉課';

const ANONYMOUS = {
  channel: '電話',
  consulterType: '匿名',
  anonymous: true,
  chiefComplaint: '近所の高齢者が心配',
  response: '助言・情報提供で終了',
  consentStatus: '未確認',
};

describe.each(DATABASE_KINDS)('consultations (%s)', (kind) => {
  const t = useTestApp(kind);
  let clerk: Agent;
  let clerkUser: TestUser;
  let other: Agent;
  let coordinator: Agent;
  let secretariat: Agent;

  beforeAll(async () => {
    const [u0, u1, u2, u3] = await Promise.all([
      t.createUser({ agency: WINDOW }),
      t.createUser({ agency: ELSEWHERE }),
      t.createUser({ agency: COORD, role: 'coordinator' }),
      t.createUser({ agency: SECRETARIAT, role: 'secretariat' }),
    ]);
    clerkUser = u0;
    const login = (u: TestUser) => t.login(u.loginId, u.password);
    [clerk, other, coordinator, secretariat] = await Promise.all([login(u0), login(u1), login(u2), login(u3)]);
  });

  it('saves an anonymous consultation with the minimal fields', async () => {
    const started = Date.now();
    const res = await clerk.post('/api/v1/consultations', ANONYMOUS);
    expect(res.statusCode, res.body).toBe(201);
    const body = json(res);
    expect(body).toMatchObject({
      anonymous: true,
      person: null,
      householdId: null,
      channel: '電話',
      consulterType: '匿名',
      chiefComplaint: '近所の高齢者が心配',
      content: '',
      issues: [],
      primaryIssue: null,
      urgency: '通常',
      urgentFlags: [],
      response: '助言・情報提供で終了',
      consentStatus: '未確認',
      agency: { id: clerkUser.agencyId, name: WINDOW },
      receivedBy: { id: clerkUser.id },
      version: 1,
      referrals: [],
    });
    expect(new Date(body.receivedAt).getTime()).toBeGreaterThanOrEqual(started - 1000);
    const read = await clerk.get(`/api/v1/consultations/${body.id}`);
    expect(read.statusCode).toBe(200);
    expect(json(read).id).toBe(body.id);
    // A past time of receipt is kept (recorded after the call).
    const earlier = json(await clerk.post('/api/v1/consultations', { ...ANONYMOUS, receivedAt: '2026-04-01T09:30:00+09:00', subjectSummary: '本町の80代女性' }));
    expect(earlier.receivedAt).toBe('2026-04-01T00:30:00.000Z');
    expect(earlier.subjectSummary).toBe('本町の80代女性');
  });

  it('refuses inconsistent input with the fields named, saving nothing', async () => {
    const before = await countRows(t.db, 'consultations');
    const future = new Date(Date.now() + 3600_000).toISOString();
    for (const [body, field] of [
      [{ ...ANONYMOUS, issues: ['介護'], primaryIssue: '債務' }, 'primaryIssue'],
      [{ ...ANONYMOUS, primaryIssue: '介護' }, 'primaryIssue'],
      [{ ...ANONYMOUS, consentStatus: 'あり' }, 'consent'],
      [{ ...ANONYMOUS, consentStatus: 'あり', consent: { purposes: ['agency_sharing'], method: '書面' } }, 'consentStatus'],
      [{ ...ANONYMOUS, personId: '00000000-0000-4000-8000-000000000000' }, 'anonymous'],
      [{ ...ANONYMOUS, anonymous: false, consulterType: '家族' }, 'consulterRelation'],
      [{ ...ANONYMOUS, receivedAt: future }, 'receivedAt'],
      [{ ...ANONYMOUS, issues: ['宇宙人'] }, 'issues.0'],
      [{ ...ANONYMOUS, channel: 'FAX' }, 'channel'],
      [{ ...ANONYMOUS, urgentFlags: ['なんとなく'] }, 'urgentFlags.0'],
      [{ ...ANONYMOUS, chiefComplaint: '  ' }, 'chiefComplaint'],
      [{ ...ANONYMOUS, personId: 'abc', anonymous: false }, 'personId'],
      [{ ...ANONYMOUS, agencyId: clerkUser.agencyId }, '_'],
    ] as const) {
      const res = await clerk.post('/api/v1/consultations', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      if (field !== '_') expect(Object.keys(json(res).error.fields), JSON.stringify(body)).toContain(field);
    }
    expect(await countRows(t.db, 'consultations')).toBe(before);
  });

  it('an unknown person or household is a 404 or 422, never a 500, and saves nothing', async () => {
    const before = await countRows(t.db, 'consultations');
    const base = { channel: '来所', consulterType: '本人', chiefComplaint: '相談', response: '継続相談', consentStatus: '未確認' };
    const unknownPerson = await clerk.post('/api/v1/consultations', { ...base, personId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownPerson.statusCode).toBe(404);
    const person = await registerPerson(clerk, { name: '世帯 未登録', birthDate: '1950-01-01' });
    const unknownHousehold = await clerk.post('/api/v1/consultations', { ...base, personId: person.id, householdId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownHousehold.statusCode).toBe(422);
    expect(Object.keys(json(unknownHousehold).error.fields)).toEqual(['householdId']);
    const noPerson = await clerk.post('/api/v1/consultations', { ...base, householdId: '00000000-0000-4000-8000-000000000000' });
    expect(noPerson.statusCode).toBe(422);
    expect((await clerk.get('/api/v1/consultations/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await clerk.get('/api/v1/consultations/xyz')).statusCode).toBe(404);
    expect(await countRows(t.db, 'consultations')).toBe(before);
  });

  it('urgent flags make the consultation 緊急 and alert the coordinators and the secretariat at once', async () => {
    const res = await clerk.post('/api/v1/consultations', {
      ...ANONYMOUS,
      chiefComplaint: '死にたいと話している',
      issues: ['希死念慮', '社会的孤立'],
      primaryIssue: '希死念慮',
      urgency: '通常',
      urgentFlags: ['希死念慮'],
      response: '多機関協働へ',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = json(res).id;
    expect(json(res)).toMatchObject({ urgency: '緊急', urgentFlags: ['希死念慮'] });
    for (const agent of [coordinator, secretariat]) {
      const body = json(await agent.get('/api/v1/notifications?unreadOnly=true'));
      const notice = body.items.find((n: { link: string }) => n.link === `/consultations/${id}`);
      expect(notice).toMatchObject({ kind: 'urgent_consultation', title: '緊急の相談を受け付けました（希死念慮）', read: false });
      expect(body.unread).toBeGreaterThanOrEqual(1);
    }
    // Marking it read is per user.
    const notice = json(await coordinator.get('/api/v1/notifications')).items.find((n: { link: string }) => n.link === `/consultations/${id}`);
    expect((await coordinator.post(`/api/v1/notifications/${notice.id}/read`)).statusCode).toBeLessThan(300);
    expect(json(await coordinator.get('/api/v1/notifications?unreadOnly=true')).items.some((n: { id: string }) => n.id === notice.id)).toBe(false);
    expect(json(await secretariat.get('/api/v1/notifications?unreadOnly=true')).items.some((n: { id: string }) => n.id === notice.id)).toBe(false);
    expect(json(await secretariat.get('/api/v1/notifications?unreadOnly=true')).items.some((n: { link: string }) => n.link === `/consultations/${id}`)).toBe(true);
    // A clerk of another window is not alerted.
    expect(json(await other.get('/api/v1/notifications')).items.some((n: { link: string }) => n.link === `/consultations/${id}`)).toBe(false);
    // The alerted roles can open the urgent consultation (life or body protection), audited with that basis;
    // the clerk of another window still cannot, and a 至急 one stays closed to them.
    for (const agent of [coordinator, secretariat]) {
      const opened = await agent.get(`/api/v1/consultations/${id}`);
      expect(opened.statusCode, opened.body).toBe(200);
      expect(json(opened).chiefComplaint).toBe('死にたいと話している');
    }
    expect((await other.get(`/api/v1/consultations/${id}`)).statusCode).toBe(404);
    const basis = await t.db
      .selectFrom('audit_events')
      .select(['reason'])
      .where('action', '=', 'consultation.read')
      .where('target_id', '=', id)
      .where('outcome', '=', 'success')
      .execute();
    expect(basis.map((b) => b.reason)).toContain('urgent consultation: protection of life or body');
    // Urgency chosen by hand alerts too; 至急 does not.
    const manual = json(await clerk.post('/api/v1/consultations', { ...ANONYMOUS, urgency: '緊急', chiefComplaint: '暴力から逃げてきた' }));
    expect(json(await coordinator.get('/api/v1/notifications')).items.some((n: { link: string }) => n.link === `/consultations/${manual.id}`)).toBe(true);
    const soon = json(await clerk.post('/api/v1/consultations', { ...ANONYMOUS, urgency: '至急' }));
    expect(json(await coordinator.get('/api/v1/notifications')).items.some((n: { link: string }) => n.link === `/consultations/${soon.id}`)).toBe(false);
    expect((await coordinator.get(`/api/v1/consultations/${soon.id}`)).statusCode).toBe(404);
    const urgentOnly = json(await clerk.get('/api/v1/consultations?scope=mine&urgentOnly=true&limit=100')).items.map((c: { id: string }) => c.id);
    expect(urgentOnly).toEqual(expect.arrayContaining([id, manual.id, soon.id]));
    expect(urgentOnly.every((cid: string) => [id, manual.id, soon.id].includes(cid))).toBe(true);
  });

  it('registers a new person inline in the same transaction; a refusal elsewhere in the body saves neither', async () => {
    const persons = await countRows(t.db, 'persons');
    const consultations = await countRows(t.db, 'consultations');
    const newPerson = { name: '新井 ミヨ', nameKana: 'アライ ミヨ', birthDate: '昭和15年3月3日', gender: '女', phone: '042-383-0303' };
    // An unknown agency in the consent scope is found only after the person was inserted: all rolls back.
    const refused = await clerk.post('/api/v1/consultations', {
      channel: '来所',
      consulterType: '本人',
      newPerson,
      chiefComplaint: '一人暮らしが不安',
      response: '継続相談',
      consentStatus: 'あり',
      consent: { purposes: ['agency_sharing'], scopeKind: 'listed', agencyIds: ['00000000-0000-4000-8000-000000000000'], method: '書面' },
    });
    expect(refused.statusCode).toBe(422);
    expect(Object.keys(json(refused).error.fields)).toEqual(['consent.agencyIds']);
    // A mistake in the inline person is reported under newPerson.
    const badPerson = await clerk.post('/api/v1/consultations', { ...ANONYMOUS, anonymous: false, newPerson: { ...newPerson, birthDate: '2999-01-01' } });
    expect(badPerson.statusCode).toBe(422);
    expect(Object.keys(json(badPerson).error.fields)).toEqual(['newPerson.birthDate']);
    expect(await countRows(t.db, 'persons')).toBe(persons);
    expect(await countRows(t.db, 'consultations')).toBe(consultations);

    const saved = await clerk.post('/api/v1/consultations', {
      channel: '来所',
      consulterType: '家族',
      consulterRelation: '長女',
      consulterName: '新井 花',
      newPerson,
      chiefComplaint: '一人暮らしが不安',
      issues: ['介護', '社会的孤立'],
      primaryIssue: '介護',
      response: '継続相談',
      consentStatus: 'あり',
      consent: { purposes: ['agency_sharing', 'meeting_sharing'], scopeKind: 'all', method: '口頭' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const body = json(saved);
    expect(body.person.displayName).toBe('新井 ミヨ');
    expect(body).toMatchObject({ consulterRelation: '長女', consulterName: '新井 花', consentStatus: 'あり' });
    const person = json(await clerk.get(`/api/v1/persons/${body.person.id}`));
    expect(person).toMatchObject({ birthDate: '1940-03-03', registeredByAgencyId: clerkUser.agencyId });
    expect(person.consent.agency_sharing).toMatchObject({ state: 'granted', scopeKind: 'all' });
    expect(person.consent.meeting_sharing).toMatchObject({ state: 'granted' });
    // The same person again inline is stopped as a likely duplicate, saving nothing.
    const dup = await clerk.post('/api/v1/consultations', { ...ANONYMOUS, anonymous: false, consulterType: '本人', newPerson: { name: '新井 みよ', birthDate: '1940-03-03' } });
    expect(dup.statusCode).toBe(409);
    expect(json(dup).error.code).toBe('possible_duplicates');
    expect(await countRows(t.db, 'persons')).toBe(persons + 1);
    expect(await countRows(t.db, 'consultations')).toBe(consultations + 1);
  });

  it('同意なし records a refusal; 同意あり without the consent details is refused', async () => {
    const person = await registerPerson(clerk, { name: '同意 なし子', birthDate: '1965-06-06' });
    const base = { channel: '来所', consulterType: '本人', personId: person.id, chiefComplaint: '家計', response: '継続相談' };
    const missing = await clerk.post('/api/v1/consultations', { ...base, consentStatus: 'あり' });
    expect(missing.statusCode).toBe(422);
    expect(Object.keys(json(missing).error.fields)).toEqual(['consent']);
    const listedEmpty = await clerk.post('/api/v1/consultations', { ...base, consentStatus: 'あり', consent: { purposes: ['agency_sharing'], scopeKind: 'listed', method: '書面' } });
    expect(listedEmpty.statusCode).toBe(422);
    expect(Object.keys(json(listedEmpty).error.fields)).toEqual(['consent.agencyIds']);
    expect(await t.db.selectFrom('consents').select('id').where('person_id', '=', person.id).execute()).toEqual([]);

    await consult(clerk, { ...base, consentStatus: 'なし', consent: { purposes: ['agency_sharing'], method: '口頭' } });
    const consents = json(await clerk.get(`/api/v1/persons/${person.id}/consents`)).items;
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ decision: 'refused', purpose: 'agency_sharing', method: '口頭', current: true, note: '相談受付時に確認' });
    // 未確認 records nothing.
    await consult(clerk, { ...base, consentStatus: '未確認' });
    expect(json(await clerk.get(`/api/v1/persons/${person.id}/consents`)).items).toHaveLength(1);
  });

  it('lists the own agency’s consultations (mine) and those the user may see (visible), newest first, paged', async () => {
    const shared = await registerPerson(clerk, { name: '一覧 共有', birthDate: '1949-09-09' });
    await recordConsent(clerk, { personId: shared.id, scopeKind: 'all' });
    const secret = await registerPerson(clerk, { name: '一覧 非共有', birthDate: '1949-09-10' });
    const c1 = await consult(clerk, { personId: shared.id, chiefComplaint: '共有される相談', receivedAt: '2026-01-05T10:00:00+09:00' });
    const c2 = await consult(clerk, { personId: secret.id, chiefComplaint: '共有されない相談', receivedAt: '2026-01-06T10:00:00+09:00' });
    const c3 = await consult(other, { ...ANONYMOUS, chiefComplaint: '他機関の匿名相談', receivedAt: '2026-01-07T10:00:00+09:00' });

    const ids = async (agent: Agent, query: string) => {
      const res = await agent.get(`/api/v1/consultations?${query}&limit=100`);
      expect(res.statusCode, res.body).toBe(200);
      return json(res).items.map((c: { id: string }) => c.id) as string[];
    };
    expect(await ids(other, 'scope=mine')).toContain(c3.id);
    expect(await ids(other, 'scope=mine')).not.toContain(c1.id);
    const visible = await ids(other, 'scope=visible');
    expect(visible).toContain(c1.id);
    expect(visible).toContain(c3.id);
    expect(visible).not.toContain(c2.id);
    expect(await ids(other, `scope=visible&personId=${secret.id}`)).toEqual([]);
    expect(await ids(other, `scope=visible&personId=${shared.id}`)).toEqual([c1.id]);
    const mine = await ids(clerk, 'scope=mine');
    expect(mine).toEqual(expect.arrayContaining([c1.id, c2.id]));
    expect(mine).not.toContain(c3.id);
    expect((await ids(clerk, 'scope=visible')).includes(c3.id)).toBe(false);
    // The default scope is mine.
    expect(await ids(other, 'personId=' + shared.id)).toEqual([]);

    // Newest first, keyset paged without duplicates.
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = json(await clerk.get(`/api/v1/consultations?scope=mine&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      all.push(...body.items.map((c: { id: string }) => c.id));
      const times = body.items.map((c: { receivedAt: string }) => c.receivedAt);
      expect([...times].sort().reverse()).toEqual(times);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(mine.length);
  });

  it('10 MB of text is refused with 413 and saves nothing', async () => {
    const before = await countRows(t.db, 'consultations');
    const res = await clerk.post('/api/v1/consultations', { ...ANONYMOUS, content: 'あ'.repeat(3_500_000) });
    expect(res.statusCode).toBe(413);
    expect(json(res).error.code).toBe('payload_too_large');
    // Under the body limit but over the field limit: 422 naming the field.
    const long = await clerk.post('/api/v1/consultations', { ...ANONYMOUS, content: 'x'.repeat(20_001) });
    expect(long.statusCode).toBe(422);
    expect(Object.keys(json(long).error.fields)).toEqual(['content']);
    expect(await countRows(t.db, 'consultations')).toBe(before);
    // The longest allowed content is saved whole.
    const longest = await consult(clerk, { ...ANONYMOUS, content: '長'.repeat(20_000) });
    expect([...json(await clerk.get(`/api/v1/consultations/${longest.id}`)).content].length).toBe(20_000);
  });
});
