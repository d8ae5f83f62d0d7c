import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';

/**
 * The 包括的相談支援 flow end to end: a window clerk at 地域包括支援センター
 * records an 8050 household, gets routing suggestions, refers to the
 * coordinators with consent; the coordinator accepts; an agency without
 * consent sees nothing; withdrawal cuts access at once.
 */
const MINAMI = '小金井みなみ地域包括支援センター';
const COORD = '地域福祉コーディネーター（多機関協働事業）';
const OTHER = '障害者地域自立生活支援センター';

describe.each(DATABASE_KINDS)('intake, consent and referrals (%s)', (kind) => {
  const t = useTestApp(kind);
  let clerk: Agent;
  let coordinator: Agent;
  let outsider: Agent;

  beforeAll(async () => {
    const c = await t.createUser({ role: 'intake_clerk', agency: MINAMI });
    const k = await t.createUser({ role: 'coordinator', agency: COORD });
    const o = await t.createUser({ role: 'agency_staff', agency: OTHER });
    clerk = await t.login(c.loginId, c.password);
    coordinator = await t.login(k.loginId, k.password);
    outsider = await t.login(o.loginId, o.password);
  });

  it('records an 8050 household, suggests routes, refers with consent, and the coordinator accepts', async () => {
    const mother = await clerk.post('/api/v1/persons', {
      name: '髙橋 ヨシコ',
      nameKana: 'タカハシ ヨシコ',
      birthDate: '昭和19年5月3日',
      gender: '女',
      address: '小金井市本町一丁目',
      phone: '042-000-0001',
    });
    expect(mother.statusCode, mother.body).toBe(201);
    const motherId = json(mother).id as string;
    expect(json(mother).birthDate).toBe('1944-05-03');

    // 名寄せ: a new registration of たかはし よしこ with the same birth date is flagged.
    const dup = await clerk.post('/api/v1/persons/duplicates', { nameKana: 'たかはし よしこ', birthDate: '1944-05-03' });
    expect(dup.statusCode, dup.body).toBe(200);
    expect(json(dup).items[0].person.id).toBe(motherId);
    expect(json(dup).items[0].reasons).toContain('生年月日が一致');
    const again = await clerk.post('/api/v1/persons', { name: '高橋 よしこ', birthDate: '1944-05-03' });
    expect(again.statusCode).toBe(409);
    expect(json(again).error.code).toBe('possible_duplicates');

    const son = await clerk.post('/api/v1/persons', { name: '髙橋 一郎', nameKana: 'タカハシ イチロウ', birthDate: '1972-01-10', gender: '男' });
    expect(son.statusCode, son.body).toBe(201);
    const sonId = json(son).id as string;

    const household = await clerk.post('/api/v1/households', {
      name: '髙橋さん世帯',
      members: [
        { personId: motherId, relationship: '本人', livingTogether: true },
        { personId: sonId, relationship: '子', livingTogether: true, situation: '長くひきこもっている' },
      ],
    });
    expect(household.statusCode, household.body).toBe(201);
    const householdBody = json(household);
    expect(householdBody.patterns.map((p: { pattern: string }) => p.pattern)).toContain('8050');

    const routing = await clerk.post('/api/v1/routing-suggestions', { issues: ['介護', 'ひきこもり・不登校', '8050'], personId: motherId });
    expect(routing.statusCode, routing.body).toBe(200);
    const suggested = json(routing).suggestions.map((s: { agency: { name: string } }) => s.agency.name);
    expect(suggested.some((n: string) => n.includes('地域包括支援センター'))).toBe(true);
    expect(suggested).toContain(COORD);

    const coordId = await t.agencyId(COORD);
    const consultation = await clerk.post('/api/v1/consultations', {
      channel: '来所',
      consulterType: '本人',
      personId: motherId,
      householdId: householdBody.id,
      chiefComplaint: '息子が長年ひきこもり、自分の介護も心配',
      content: '80代の母と50代の息子の二人暮らし。',
      issues: ['介護', 'ひきこもり・不登校', '8050'],
      primaryIssue: '8050',
      response: '多機関協働へ',
      consentStatus: 'あり',
      consent: { purposes: ['agency_sharing', 'meeting_sharing'], scopeKind: 'listed', agencyIds: [coordId], method: '書面' },
    });
    expect(consultation.statusCode, consultation.body).toBe(201);

    // The outsider (no consent, no referral) gets nothing from any endpoint.
    expect((await outsider.get(`/api/v1/persons/${motherId}`)).statusCode).toBe(404);
    expect(json(await outsider.get('/api/v1/persons?q=たかはし')).items).toEqual([]);
    expect((await outsider.get(`/api/v1/consultations/${json(consultation).id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/persons/${motherId}/timeline`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/households/${householdBody.id}`)).statusCode).toBe(404);

    // Referring to an agency outside the consent scope is refused with the reason.
    const outsiderAgency = await t.agencyId(OTHER);
    const refused = await clerk.post('/api/v1/referrals', {
      consultationId: json(consultation).id,
      toAgencyId: outsiderAgency,
      chiefComplaint: 'x',
      content: 'y',
      reason: 'z',
      consentConfirmed: true,
    });
    expect(refused.statusCode).toBe(422);
    expect(json(refused).error.code).toBe('consent_required');

    const referral = await clerk.post('/api/v1/referrals', {
      consultationId: json(consultation).id,
      toCoordination: true,
      chiefComplaint: '8050世帯の支援調整',
      content: '母の介護と息子のひきこもりが重なっている',
      reason: '複数分野の協働が必要',
      consentConfirmed: true,
    });
    expect(referral.statusCode, referral.body).toBe(201);
    const referralId = json(referral).id as string;
    expect(json(referral).toAgency.name).toBe(COORD);

    const inbox = json(await coordinator.get('/api/v1/referrals?box=inbox'));
    expect(inbox.items.map((r: { id: string }) => r.id)).toContain(referralId);
    expect(inbox.counts.sent).toBe(1);
    const accepted = await coordinator.post(`/api/v1/referrals/${referralId}/accept`, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json(accepted).status).toBe('accepted');
    // The coordinator's agency is in the consent scope: full access to the person.
    const seen = await coordinator.get(`/api/v1/persons/${motherId}`);
    expect(seen.statusCode).toBe(200);
    expect(json(seen).access.level).toBe('full');

    const sent = json(await clerk.get(`/api/v1/referrals/${referralId}`));
    expect(sent.status).toBe('accepted');
    expect(sent.events.map((e: { status: string }) => e.status)).toEqual(['sent', 'accepted']);

    // Withdrawal of consent cuts the coordinator's consent-based access at once (the referral still shares identity).
    const consents = json(await clerk.get(`/api/v1/persons/${motherId}/consents`)).items;
    const sharing = consents.find((c: { purpose: string; current: boolean }) => c.purpose === 'agency_sharing' && c.current);
    const withdrawn = await clerk.post(`/api/v1/consents/${sharing.id}/withdraw`, { withdrawnOn: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10), reason: '本人の申し出' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const after = await coordinator.get(`/api/v1/persons/${motherId}`);
    expect(after.statusCode).toBe(200);
    expect(json(after).access.level).toBe('referral');
    expect(json(after).households).toEqual([]);
  });

  it('rejects bad input with named fields and saves nothing', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const res = await clerk.post('/api/v1/persons', { name: '', birthDate: future, gender: '?' });
    expect(res.statusCode).toBe(422);
    const fields = json(res).error.fields;
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['birthDate', 'gender']));
    const big = await clerk.post('/api/v1/consultations', {
      channel: '電話',
      consulterType: '匿名',
      anonymous: true,
      chiefComplaint: 'a',
      content: 'x'.repeat(2_000_000),
      response: '継続相談',
      consentStatus: '未確認',
    });
    expect([400, 413, 422]).toContain(big.statusCode);
    const list = json(await clerk.get('/api/v1/consultations?scope=mine'));
    expect(list.items.every((c: { chiefComplaint: string }) => c.chiefComplaint !== 'a')).toBe(true);
  });
});
