import { beforeAll, describe, expect, it } from 'vitest';
import { findPreset, loadPreset } from '../../src/municipalities/presets.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type Response, type TestUser } from '../support/app.ts';
import { auditCount, consult, recordConsent, registerPerson, todayJst } from '../support/people.ts';

/**
 * Consent-aware access (社会福祉法, DOMAIN.md §4.4): an agency sees a person
 * it registered or recorded, within the person's current consent, through a
 * referral it received (identity only), or through the emergency path.
 * Everyone else learns nothing — not even that the person exists.
 */
const A = '小金井みなみ地域包括支援センター';
const B = '障害者地域自立生活支援センター';
const C = 'こども家庭センター';
const D = '教育相談';
const SECRETARIAT = '地域福祉課';

interface Actor {
  user: TestUser;
  agent: Agent;
}

/** The answer must not reveal any of the given strings (names, kana, phone, address). */
function expectSilent(res: Response, secrets: readonly string[], label: string) {
  for (const secret of secrets) expect(res.body.includes(secret), `${label} reveals ${secret}: ${res.body.slice(0, 300)}`).toBe(false);
}

describe.each(DATABASE_KINDS)('consent-aware access to people (%s)', (kind) => {
  const t = useTestApp(kind);
  let a: Actor;
  let b: Actor;
  let b2: Actor;
  let c: Actor;
  let d: Actor;
  let secretariat: Actor;
  let ids: Record<'A' | 'B' | 'C' | 'D', string>;

  async function actor(agency: string, role: TestUser['role'] = 'intake_clerk', municipalityId?: string): Promise<Actor> {
    const user = await t.createUser({ agency, role, ...(municipalityId ? { municipalityId } : {}) });
    return { user, agent: await t.login(user.loginId, user.password) };
  }

  beforeAll(async () => {
    [a, b, b2, c, d, secretariat] = await Promise.all([
      actor(A),
      actor(B),
      actor(B, 'agency_staff'),
      actor(C),
      actor(D),
      actor(SECRETARIAT, 'secretariat'),
    ]);
    ids = { A: await t.agencyId(A), B: await t.agencyId(B), C: await t.agencyId(C), D: await t.agencyId(D) };
  });

  /** A person registered by A with a household and a consultation; returns their ids and the strings that must stay secret. */
  async function registeredByA(name: string, kana: string, phone: string) {
    const person = await registerPerson(a.agent, {
      name,
      nameKana: kana,
      birthDate: '昭和18年2月3日',
      gender: '女',
      address: '小金井市緑町五丁目',
      phone,
    });
    const household = json(
      await a.agent.post('/api/v1/households', { name: `${name}さん世帯`, members: [{ personId: person.id, relationship: '本人', livingTogether: true }] }),
    );
    const consultation = await consult(a.agent, {
      personId: person.id,
      householdId: household.id,
      chiefComplaint: '通院の付き添いが難しい',
      issues: ['介護'],
    });
    return { personId: person.id as string, householdId: household.id as string, consultationId: consultation.id as string, secrets: [name, kana, phone] };
  }

  it('an agency without consent gets 404 from every endpoint, finds nothing, and each denial is audited', async () => {
    const p = await registeredByA('𠮷野 﨑子', 'ヨシノ サキコ', '042-381-7001');
    const probes: [string, () => Promise<Response>][] = [
      ['GET person', () => b.agent.get(`/api/v1/persons/${p.personId}`)],
      ['PATCH person', () => b.agent.patch(`/api/v1/persons/${p.personId}`, { version: 1, phone: '042-000-0000' })],
      ['GET timeline', () => b.agent.get(`/api/v1/persons/${p.personId}/timeline`)],
      ['GET consents', () => b.agent.get(`/api/v1/persons/${p.personId}/consents`)],
      ['POST consent', () => b.agent.post('/api/v1/consents', { personId: p.personId, purpose: 'agency_sharing', decision: 'granted', consentedOn: todayJst(), method: '口頭' })],
      ['GET household', () => b.agent.get(`/api/v1/households/${p.householdId}`)],
      ['GET household timeline', () => b.agent.get(`/api/v1/households/${p.householdId}/timeline`)],
      ['PATCH household', () => b.agent.patch(`/api/v1/households/${p.householdId}`, { name: '変更', version: 1 })],
      ['GET consultation', () => b.agent.get(`/api/v1/consultations/${p.consultationId}`)],
      ['POST consultation about the person', () => b.agent.post('/api/v1/consultations', { channel: '電話', consulterType: '本人', personId: p.personId, chiefComplaint: 'x', response: '継続相談', consentStatus: '未確認' })],
      ['POST routing for the person', () => b.agent.post('/api/v1/routing-suggestions', { issues: ['介護'], personId: p.personId })],
      ['POST referral of the person', () => b.agent.post('/api/v1/referrals', { personId: p.personId, toAgencyId: ids.C, chiefComplaint: 'x', content: 'y', reason: 'z', consentConfirmed: true })],
    ];
    for (const [label, probe] of probes) {
      const before = await auditCount(t.db, b.user.id);
      const res = await probe();
      expect(res.statusCode, `${label}: ${res.body}`).toBe(404);
      expectSilent(res, p.secrets, label);
      expect(await auditCount(t.db, b.user.id), `${label} writes a denied audit row`).toBeGreaterThan(before);
    }
    const denied = await t.db
      .selectFrom('audit_events')
      .select(['action', 'target_id', 'outcome'])
      .where('actor_user_id', '=', b.user.id)
      .where('outcome', '=', 'denied')
      .where('target_id', '=', p.personId)
      .execute();
    expect(denied.map((r) => r.action)).toEqual(expect.arrayContaining(['person.read', 'person.write']));

    // Lists and search filter in SQL: the person is absent, whatever the criterion.
    const lists: [string, () => Promise<Response>][] = [
      ['search by kana', () => b.agent.get(`/api/v1/persons?q=${encodeURIComponent('よしの')}`)],
      ['search by kanji', () => b.agent.get(`/api/v1/persons?q=${encodeURIComponent('吉野')}`)],
      ['search by birth date', () => b.agent.get(`/api/v1/persons?birthDate=${encodeURIComponent('1943-02-03')}`)],
      ['search by phone', () => b.agent.get('/api/v1/persons?phone=3817001')],
      ['search by address', () => b.agent.get(`/api/v1/persons?address=${encodeURIComponent('緑町五丁目')}`)],
      ['duplicates', () => b.agent.post('/api/v1/persons/duplicates', { name: '𠮷野 﨑子', nameKana: 'よしの さきこ', birthDate: '1943-02-03', phone: '042-381-7001' })],
      ['consultations visible', () => b.agent.get('/api/v1/consultations?scope=visible&limit=100')],
      ['consultations of the person', () => b.agent.get(`/api/v1/consultations?scope=visible&personId=${p.personId}`)],
      ['referrals inbox', () => b.agent.get('/api/v1/referrals?box=inbox')],
      ['referrals outbox', () => b.agent.get('/api/v1/referrals?box=outbox')],
      ['notifications', () => b.agent.get('/api/v1/notifications')],
    ];
    for (const [label, list] of lists) {
      const res = await list();
      expect(res.statusCode, `${label}: ${res.body}`).toBe(200);
      expectSilent(res, [...p.secrets, p.personId], label);
      if (json(res).items) expect(json(res).items.some((i: { id?: string; person?: { id: string } }) => i.id === p.personId || i.person?.id === p.personId)).toBe(false);
    }
    // Registering the same person again is not refused as a duplicate (that would reveal them).
    const again = await b.agent.post('/api/v1/persons', { name: '𠮷野 﨑子', nameKana: 'ヨシノ サキコ', birthDate: '1943-02-03' });
    expect(again.statusCode, again.body).toBe(201);
    expectSilent(again, [p.personId, '042-381-7001'], 'registration');
    // A sees everything, with the reason.
    const own = json(await a.agent.get(`/api/v1/persons/${p.personId}`));
    expect(own.access).toMatchObject({ level: 'full', emergency: false });
    expect(own.access.reasons).toEqual(expect.arrayContaining(['登録した機関', '相談を受けた機関']));
  });

  it("consent to listed agencies opens the person to them only; a later refusal closes it again", async () => {
    const p = await registeredByA('髙島屋 﨑江', 'タカシマヤ サキエ', '042-381-7002');
    await recordConsent(a.agent, { personId: p.personId, scopeKind: 'listed', agencyIds: [ids.B] });

    const seen = await b.agent.get(`/api/v1/persons/${p.personId}`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(json(seen).access).toEqual({ level: 'full', reasons: ['本人の同意の範囲'], emergency: false });
    expect(json(seen).households.map((h: { id: string }) => h.id)).toEqual([p.householdId]);
    expect(json(seen).consent.agency_sharing.state).toBe('granted');
    expect((await b.agent.get(`/api/v1/consultations/${p.consultationId}`)).statusCode).toBe(200);
    expect((await b.agent.get(`/api/v1/households/${p.householdId}`)).statusCode).toBe(200);
    const timeline = json(await b.agent.get(`/api/v1/persons/${p.personId}/timeline`)).items;
    expect(timeline.map((e: { kind: string }) => e.kind).sort()).toEqual(['consent', 'consultation']);
    expect(json(await b.agent.get(`/api/v1/persons?q=${encodeURIComponent('たかしまや')}`)).items.map((i: { id: string }) => i.id)).toEqual([p.personId]);
    // Agencies not listed still see nothing.
    for (const other of [c, d]) {
      const res = await other.agent.get(`/api/v1/persons/${p.personId}`);
      expect(res.statusCode).toBe(404);
      expectSilent(res, p.secrets, 'unlisted agency');
      expect(json(await other.agent.get(`/api/v1/persons?q=${encodeURIComponent('たかしまや')}`)).items).toEqual([]);
    }

    // A later version records a refusal: access ends at once, on every endpoint.
    const versions = await recordConsent(a.agent, { personId: p.personId, decision: 'refused' });
    expect(versions.find((v: { current: boolean; purpose: string }) => v.current && v.purpose === 'agency_sharing')).toMatchObject({ decision: 'refused', versionNo: 2 });
    for (const url of [`/api/v1/persons/${p.personId}`, `/api/v1/persons/${p.personId}/timeline`, `/api/v1/households/${p.householdId}`, `/api/v1/consultations/${p.consultationId}`]) {
      const res = await b.agent.get(url);
      expect(res.statusCode, url).toBe(404);
      expectSilent(res, p.secrets, url);
    }
    expect(json(await b.agent.get(`/api/v1/persons?q=${encodeURIComponent('たかしまや')}`)).items).toEqual([]);
  });

  it("consent to all agencies opens the person to everyone in the municipality; withdrawal closes it immediately", async () => {
    const p = await registeredByA('渡邉 ヨネ', 'ワタナベ ヨネ', '042-381-7003');
    const consents = await recordConsent(a.agent, { personId: p.personId, scopeKind: 'all' });
    for (const other of [b, c, d]) {
      const res = await other.agent.get(`/api/v1/persons/${p.personId}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res).access.reasons).toEqual(['本人の同意の範囲']);
    }
    const current = consents.find((k: { purpose: string; current: boolean }) => k.purpose === 'agency_sharing' && k.current);
    const withdrawn = await a.agent.post(`/api/v1/consents/${current.id}/withdraw`, { withdrawnOn: todayJst(), reason: '本人の申し出' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    for (const other of [b, c, d]) {
      const res = await other.agent.get(`/api/v1/persons/${p.personId}`);
      expect(res.statusCode).toBe(404);
      expectSilent(res, p.secrets, 'after withdrawal');
      expect(json(await other.agent.get(`/api/v1/persons?q=${encodeURIComponent('わたなべ')}`)).items).toEqual([]);
    }
    // A keeps its access (it registered the person).
    expect((await a.agent.get(`/api/v1/persons/${p.personId}`)).statusCode).toBe(200);
  });

  it('consent for 重層的支援会議 only does not open the person to other agencies', async () => {
    const p = await registeredByA('齋藤 トミ', 'サイトウ トミ', '042-381-7004');
    await recordConsent(a.agent, { personId: p.personId, purpose: 'meeting_sharing', scopeKind: 'all' });
    const res = await b.agent.get(`/api/v1/persons/${p.personId}`);
    expect(res.statusCode).toBe(404);
    expectSilent(res, p.secrets, 'meeting consent');
  });

  it("a received referral gives identity only: no household, no links, only the consultation it is based on", async () => {
    const p = await registeredByA('邊見 キヨ', 'ヘンミ キヨ', '042-381-7005');
    const other = await registerPerson(a.agent, { name: '邊見 キヨ（旧姓登録）', birthDate: '1943-02-03' });
    const link = await a.agent.post(`/api/v1/persons/${p.personId}/links`, { otherPersonId: other.id, reason: '同一人物（旧姓で登録）' });
    expect(link.statusCode, link.body).toBe(200);
    const second = await consult(a.agent, { personId: p.personId, chiefComplaint: '家計の相談（つなぎとは別）', content: '年金の管理が不安' });
    await recordConsent(a.agent, { personId: p.personId, scopeKind: 'listed', agencyIds: [ids.C] });
    const referral = await a.agent.post('/api/v1/referrals', {
      consultationId: p.consultationId,
      toAgencyId: ids.C,
      chiefComplaint: '孫の養育について',
      content: '同居の孫の登校が不安定',
      reason: '子どもに関わる課題のため',
      consentConfirmed: true,
    });
    expect(referral.statusCode, referral.body).toBe(201);
    // The consent now lists B only: C keeps what the referral shares, nothing more.
    await recordConsent(a.agent, { personId: p.personId, scopeKind: 'listed', agencyIds: [ids.B] });

    const person = await c.agent.get(`/api/v1/persons/${p.personId}`);
    expect(person.statusCode, person.body).toBe(200);
    const body = json(person);
    expect(body.access).toEqual({ level: 'referral', reasons: ['受けたつなぎ'], emergency: false });
    expect(body.name).toBe('邊見 キヨ');
    expect(body.households).toEqual([]);
    expect(body.links).toEqual([]);
    expect(person.body.includes(other.id)).toBe(false);
    expect((await c.agent.get(`/api/v1/consultations/${p.consultationId}`)).statusCode).toBe(200);
    const hidden = await c.agent.get(`/api/v1/consultations/${second.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body.includes('年金')).toBe(false);
    const visible = json(await c.agent.get(`/api/v1/consultations?scope=visible&personId=${p.personId}`)).items;
    expect(visible.map((x: { id: string }) => x.id)).toEqual([p.consultationId]);
    const timeline = await c.agent.get(`/api/v1/persons/${p.personId}/timeline`);
    expect(timeline.statusCode).toBe(200);
    expect(json(timeline).items.map((e: { kind: string; id: string }) => `${e.kind}:${e.id}`).sort()).toEqual(
      [`consultation:${p.consultationId}`, `referral:${json(referral).id}`].sort(),
    );
    expect(timeline.body.includes('年金')).toBe(false);
    // Identity only: no household, no writing, no linked record.
    expect((await c.agent.get(`/api/v1/households/${p.householdId}`)).statusCode).toBe(404);
    expect((await c.agent.patch(`/api/v1/persons/${p.personId}`, { version: 1, phone: '000' })).statusCode).toBe(404);
    expect((await c.agent.get(`/api/v1/persons/${other.id}`)).statusCode).toBe(404);
    // C finds the person in its search (a received referral makes them visible).
    expect(json(await c.agent.get(`/api/v1/persons?q=${encodeURIComponent('へんみ')}`)).items.map((i: { id: string }) => i.id)).toEqual([p.personId]);
    // Consent: C sees the current version of each purpose only, without notes or the scanned form.
    const consents = json(await c.agent.get(`/api/v1/persons/${p.personId}/consents`)).items as { current: boolean; note: string | null; document: unknown }[];
    expect(consents.length).toBeGreaterThan(0);
    expect(consents.every((k) => k.current && k.note === null && k.document === null)).toBe(true);
    const full = json(await a.agent.get(`/api/v1/persons/${p.personId}/consents`)).items as { current: boolean }[];
    expect(full.some((k) => !k.current)).toBe(true);
  });

  it('a returned referral gives no access', async () => {
    const p = await registeredByA('濱田 ウメ', 'ハマダ ウメ', '042-381-7006');
    await recordConsent(a.agent, { personId: p.personId, scopeKind: 'listed', agencyIds: [ids.D] });
    const referral = json(
      await a.agent.post('/api/v1/referrals', { consultationId: p.consultationId, toAgencyId: ids.D, chiefComplaint: '相談', content: '内容', reason: '理由', consentConfirmed: true }),
    );
    await recordConsent(a.agent, { personId: p.personId, scopeKind: 'listed', agencyIds: [ids.B] });
    expect(json(await d.agent.get(`/api/v1/persons/${p.personId}`)).access.level).toBe('referral');
    const returned = await d.agent.post(`/api/v1/referrals/${referral.id}/return`, { reason: '当機関の対象ではありません' });
    expect(returned.statusCode, returned.body).toBe(200);
    for (const url of [`/api/v1/persons/${p.personId}`, `/api/v1/persons/${p.personId}/timeline`, `/api/v1/consultations/${p.consultationId}`]) {
      const res = await d.agent.get(url);
      expect(res.statusCode, url).toBe(404);
      expectSilent(res, p.secrets, url);
    }
    expect(json(await d.agent.get(`/api/v1/persons?q=${encodeURIComponent('はまだ')}`)).items).toEqual([]);
    // The referral itself stays readable by the agency that returned it (the closed loop).
    expect((await d.agent.get(`/api/v1/referrals/${referral.id}`)).statusCode).toBe(200);
  });

  it('emergency access (生命・身体の保護) opens the record to the named user only, audited and notified', async () => {
    const p = await registeredByA('澤井 イネ', 'サワイ イネ', '042-381-7007');
    const short = await b.agent.post('/api/v1/emergency-access', { personId: p.personId, reason: '緊急です' });
    expect(short.statusCode).toBe(422);
    expect(Object.keys(json(short).error.fields)).toEqual(['reason']);
    expect((await b.agent.get(`/api/v1/persons/${p.personId}`)).statusCode).toBe(404);

    const reason = '自宅で倒れているとの通報があり、救急搬送先に既往歴を伝える必要があるため';
    const granted = await b.agent.post('/api/v1/emergency-access', { personId: p.personId, reason });
    expect(granted.statusCode, granted.body).toBe(200);
    const expiresAt = new Date(json(granted).expiresAt).getTime();
    expect(expiresAt).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);

    const seen = await b.agent.get(`/api/v1/persons/${p.personId}`);
    expect(seen.statusCode).toBe(200);
    expect(json(seen).access).toEqual({ level: 'full', reasons: ['緊急時の閲覧（生命・身体の保護）'], emergency: true });
    expect((await b.agent.get(`/api/v1/consultations/${p.consultationId}`)).statusCode).toBe(200);
    // A colleague of the same agency gets nothing.
    const colleague = await b2.agent.get(`/api/v1/persons/${p.personId}`);
    expect(colleague.statusCode).toBe(404);
    expectSilent(colleague, p.secrets, 'colleague');

    const audit = await t.db
      .selectFrom('audit_events')
      .select(['reason', 'details', 'subject_person_id', 'outcome'])
      .where('action', '=', 'person.emergency_access')
      .where('actor_user_id', '=', b.user.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason, subject_person_id: p.personId, outcome: 'success' });
    expect(audit[0]!.details).toMatchObject({ emergency: true });
    const reads = await t.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'person.read')
      .where('actor_user_id', '=', b.user.id)
      .where('target_id', '=', p.personId)
      .where('outcome', '=', 'success')
      .execute();
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => (r.details as { emergency?: boolean }).emergency === true)).toBe(true);

    const notices = json(await secretariat.agent.get('/api/v1/notifications')).items;
    const notice = notices.find((n: { kind: string; link: string }) => n.kind === 'emergency_access' && n.link === `/persons/${p.personId}`);
    expect(notice, JSON.stringify(notices)).toBeDefined();
    expect(notice.body).toContain(reason);
    // The notice names the user, never the person.
    expect(JSON.stringify(notice).includes('澤井')).toBe(false);
    // An unknown person is a 404, not a grant.
    expect((await b.agent.post('/api/v1/emergency-access', { personId: '00000000-0000-4000-8000-000000000000', reason })).statusCode).toBe(404);
  });

  it('the administrator and the auditor get 403 on every person endpoint, each refusal audited', async () => {
    const p = await registeredByA('國分 ハル', 'コクブ ハル', '042-381-7008');
    const auditorUser = await t.createUser({ role: 'auditor' });
    const auditor = await t.login(auditorUser.loginId, auditorUser.password);
    const admin = await t.loginAdmin();
    const adminId = (await t.db.selectFrom('users').select('id').where('login_id', '=', 'admin').executeTakeFirstOrThrow()).id;
    const calls: [string, (x: Agent) => Promise<Response>][] = [
      ['search', (x) => x.get('/api/v1/persons?q=こくぶ')],
      ['duplicates', (x) => x.post('/api/v1/persons/duplicates', { name: '國分 ハル' })],
      ['create', (x) => x.post('/api/v1/persons', { name: '新規 太郎' })],
      ['get', (x) => x.get(`/api/v1/persons/${p.personId}`)],
      ['patch', (x) => x.patch(`/api/v1/persons/${p.personId}`, { version: 1, phone: '0' })],
      ['timeline', (x) => x.get(`/api/v1/persons/${p.personId}/timeline`)],
      ['consents', (x) => x.get(`/api/v1/persons/${p.personId}/consents`)],
      ['record consent', (x) => x.post('/api/v1/consents', { personId: p.personId, purpose: 'agency_sharing', decision: 'granted', consentedOn: todayJst(), method: '口頭' })],
      ['link', (x) => x.post(`/api/v1/persons/${p.personId}/links`, { otherPersonId: p.personId, reason: 'x' })],
      ['emergency', (x) => x.post('/api/v1/emergency-access', { personId: p.personId, reason: '十分に長い理由を書いています。' })],
      ['household', (x) => x.get(`/api/v1/households/${p.householdId}`)],
      ['household create', (x) => x.post('/api/v1/households', { name: '世帯' })],
      ['consultation', (x) => x.get(`/api/v1/consultations/${p.consultationId}`)],
      ['consultations', (x) => x.get('/api/v1/consultations?scope=visible')],
      ['consultation create', (x) => x.post('/api/v1/consultations', { channel: '電話', consulterType: '匿名', anonymous: true, chiefComplaint: 'x', response: '継続相談', consentStatus: '未確認' })],
      ['referrals', (x) => x.get('/api/v1/referrals')],
      ['routing', (x) => x.post('/api/v1/routing-suggestions', { issues: ['介護'] })],
    ];
    for (const [who, agent, userId] of [
      ['admin', admin, adminId],
      ['auditor', auditor, auditorUser.id],
    ] as const) {
      for (const [label, call] of calls) {
        const before = await auditCount(t.db, userId);
        const res = await call(agent);
        expect(res.statusCode, `${who} ${label}: ${res.body}`).toBe(403);
        expect(json(res).error.code).toBe('forbidden');
        expectSilent(res, p.secrets, `${who} ${label}`);
        expect(await auditCount(t.db, userId), `${who} ${label} is audited`).toBe(before + 1);
      }
    }
  });

  it("another municipality's user gets 404 for everything", async () => {
    const p = await registeredByA('櫻井 フミ', 'サクライ フミ', '042-381-7009');
    await recordConsent(a.agent, { personId: p.personId, scopeKind: 'all' });
    const referral = json(
      await a.agent.post('/api/v1/referrals', { consultationId: p.consultationId, toAgencyId: ids.B, chiefComplaint: '相談', content: '内容', reason: '理由', consentConfirmed: true }),
    );
    const fussa = await loadPreset(t.db, findPreset('福生市')!);
    const stranger = await actor('福祉総合相談窓口', 'coordinator', fussa.municipalityId);
    const consentId = json(await a.agent.get(`/api/v1/persons/${p.personId}/consents`)).items[0].id;
    const probes: [string, () => Promise<Response>][] = [
      ['person', () => stranger.agent.get(`/api/v1/persons/${p.personId}`)],
      ['timeline', () => stranger.agent.get(`/api/v1/persons/${p.personId}/timeline`)],
      ['consents', () => stranger.agent.get(`/api/v1/persons/${p.personId}/consents`)],
      ['withdraw', () => stranger.agent.post(`/api/v1/consents/${consentId}/withdraw`, { withdrawnOn: todayJst() })],
      ['household', () => stranger.agent.get(`/api/v1/households/${p.householdId}`)],
      ['consultation', () => stranger.agent.get(`/api/v1/consultations/${p.consultationId}`)],
      ['referral', () => stranger.agent.get(`/api/v1/referrals/${referral.id}`)],
      ['accept', () => stranger.agent.post(`/api/v1/referrals/${referral.id}/accept`, {})],
      ['emergency', () => stranger.agent.post('/api/v1/emergency-access', { personId: p.personId, reason: '十分に長い理由を書いています。' })],
    ];
    for (const [label, probe] of probes) {
      const res = await probe();
      expect(res.statusCode, `${label}: ${res.body}`).toBe(404);
      expectSilent(res, p.secrets, label);
    }
    for (const url of [`/api/v1/persons?q=${encodeURIComponent('さくらい')}`, '/api/v1/consultations?scope=visible', '/api/v1/referrals?box=inbox']) {
      const res = await stranger.agent.get(url);
      expect(res.statusCode).toBe(200);
      expect(json(res).items).toEqual([]);
    }
    const dup = await stranger.agent.post('/api/v1/persons/duplicates', { name: '櫻井 フミ', birthDate: '1943-02-03' });
    expect(json(dup).items).toEqual([]);
    // Nothing was granted across the boundary.
    expect(await t.db.selectFrom('emergency_grants').select('id').where('user_id', '=', stranger.user.id).execute()).toEqual([]);
  });
});
