import { sql } from 'kysely';
import { encodeCursor } from '../../src/shared/pagination.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp } from '../support/app.ts';
import { caseWorld, leadUnassignedMismatches, open8050Case, type CaseWorld } from '../support/cases.ts';
import { auditCount, consult, recordConsent, registerPerson, todayJst } from '../support/people.ts';
import { setMeetingRules } from '../support/meetings.ts';

/**
 * 多機関協働 cases: opening (from a referral, a consultation, or directly
 * with a reason), numbering per 年度, the team and its consent rule, access
 * by team, and the status machine (every transition allowed or refused).
 */
describe.each(DATABASE_KINDS)('cases (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;

  beforeAll(async () => {
    // Closures, suspensions and approvals with a typed meeting reference: a municipality whose rules do not bind them
    // to a 重層的支援会議 decision (the rule itself: meeting-rules.test.ts).
    await setMeetingRules(t, { meetingDecisions: [] });
    w = await caseWorld(t);
  });

  const countCases = async () => Number((await t.db.selectFrom('cases').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const transition = (caseId: string, body: Record<string, unknown>) => w.coordinator.agent.post(`/api/v1/cases/${caseId}/transitions`, body);

  it('a coordinator opens a case from an accepted referral; the referral goes to 対応中 and cannot start a second case', async () => {
    const { case: c, referralId, sonId } = await open8050Case(w);
    expect(c).toMatchObject({ status: 'intake', statusLabel: '受付', origin: 'referral', version: 1, primaryPerson: { id: sonId } });
    expect(c.caseNo).toMatch(/^R\d+-\d{4}$/);
    expect(c.team.map((m: { agencyId: string; role: string; userId: string | null }) => [m.agencyId, m.role, m.userId])).toEqual([
      [w.agencies.coord, 'lead', null],
      [w.agencies.coord, 'lead', w.coordinator.user.id],
    ]);
    expect(c.referrals.map((r: { id: string }) => r.id)).toEqual([referralId]);
    expect(c.consultations).toHaveLength(1);
    expect(c.transitions).toHaveLength(1);
    expect(c.transitions[0]).toMatchObject({ from: null, to: 'intake', effectiveOn: todayJst() });
    const referral = json(await w.window.agent.get(`/api/v1/referrals/${referralId}`));
    expect(referral.status).toBe('in_progress');
    expect(referral.events.at(-1).note).toContain(c.caseNo);

    const again = await w.coordinator.agent.post('/api/v1/cases', { origin: 'referral', referralId });
    expect(again.statusCode).toBe(422);
    expect(json(again).error.fields.referralId).toContain(c.caseNo);
  });

  it('numbers cases per municipality and 年度 without gaps', async () => {
    const a = (await open8050Case(w, { name: '番号 一' })).case;
    const b = (await open8050Case(w, { name: '番号 二' })).case;
    const [pa, na] = a.caseNo.split('-');
    const [pb, nb] = b.caseNo.split('-');
    expect(pb).toBe(pa);
    expect(Number(nb)).toBe(Number(na) + 1);
  });

  it('opens from a consultation, or directly with a reason; refuses the rest with Japanese messages and saves nothing', async () => {
    const person = await registerPerson(w.coordinator.agent, { name: '直接 花', nameKana: 'チョクセツ ハナ', birthDate: '1970-03-03' });
    const c = await consult(w.coordinator.agent, { personId: person.id, chiefComplaint: '家賃と債務の相談' });
    const fromConsultation = await w.coordinator.agent.post('/api/v1/cases', { origin: 'consultation', consultationId: c.id });
    expect(fromConsultation.statusCode, fromConsultation.body).toBe(201);
    expect(json(fromConsultation)).toMatchObject({ origin: 'consultation', primaryPerson: { id: person.id } });

    const before = await countCases();
    const direct = await w.coordinator.agent.post('/api/v1/cases', { origin: 'direct', personIds: [] });
    expect(direct.statusCode).toBe(422);
    expect(Object.keys(json(direct).error.fields).sort()).toEqual(['personIds', 'reason']);
    expect(json(direct).error.fields.reason).toMatch(/理由/);

    // A person the coordinator may not see cannot be put on a case (404, as if absent).
    const hidden = await registerPerson(w.outsider.agent, { name: '見えない 人', nameKana: 'ミエナイ ヒト' });
    const refused = await w.coordinator.agent.post('/api/v1/cases', { origin: 'direct', personIds: [hidden.id], reason: '民生委員から' });
    expect(refused.statusCode).toBe(404);

    // Only coordinators open cases.
    const byClerk = await w.window.agent.post('/api/v1/cases', { origin: 'direct', personIds: [person.id], reason: '相談から' });
    expect(byClerk.statusCode).toBe(403);
    expect(json(byClerk).error.message).toContain('事例（多機関協働）の開始');
    expect(await countCases()).toBe(before);

    const ok = await w.coordinator.agent.post('/api/v1/cases', { origin: 'direct', personIds: [person.id], reason: '民生委員からの情報で、複数の課題を抱える世帯と判断' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(json(ok)).toMatchObject({ origin: 'direct', originReason: '民生委員からの情報で、複数の課題を抱える世帯と判断' });
  });

  it('a referral not yet accepted, or without an identified person, cannot start a case', async () => {
    const person = await registerPerson(w.window.agent, { name: '未受理 太郎', nameKana: 'ミジュリ タロウ' });
    await recordConsent(w.window.agent, { personId: person.id });
    const sent = json(
      await w.window.agent.post('/api/v1/referrals', {
        personId: person.id,
        toCoordination: true,
        chiefComplaint: '相談',
        content: '内容',
        reason: '理由',
        consentConfirmed: true,
      }),
    );
    const notAccepted = await w.coordinator.agent.post('/api/v1/cases', { origin: 'referral', referralId: sent.id });
    expect(notAccepted.statusCode).toBe(422);
    expect(json(notAccepted).error.fields.referralId).toMatch(/受理/);

    const anonymous = json(
      await w.window.agent.post('/api/v1/referrals', { toCoordination: true, chiefComplaint: '匿名', content: '内容', reason: '理由', consentConfirmed: false }),
    );
    await w.coordinator.agent.post(`/api/v1/referrals/${anonymous.id}/accept`, {});
    const noPerson = await w.coordinator.agent.post('/api/v1/cases', { origin: 'referral', referralId: anonymous.id });
    expect(noPerson.statusCode).toBe(422);
    expect(json(noPerson).error.fields.referralId).toMatch(/本人/);
  });

  it('adds an agency to the team only within the consent, and says where to record it', async () => {
    const { case: c, sonId } = await open8050Case(w, { name: '同意 範囲', consentAgencies: [w.agencies.coord, w.agencies.window] });
    const members = async () => Number((await t.db.selectFrom('case_members').select(sql<string>`count(*)`.as('n')).where('case_id', '=', c.id).executeTakeFirstOrThrow()).n);
    const before = await members();
    const refused = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(refused.statusCode).toBe(422);
    const body = json(refused);
    expect(body.error.code).toBe('consent_required');
    expect(body.error.message).toContain('同意');
    expect(body.error.message).toContain('同意 範囲さん');
    expect(body.persons).toEqual([{ id: sonId, displayName: '同意 範囲', consentLink: `/persons/${sonId}#consent` }]);
    expect(await members()).toBe(before);
    // The houkatsu still sees nothing.
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);

    const added = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team`, { agencyId: w.agencies.window, role: 'cooperating', involvement: '就労準備' });
    expect(added.statusCode, added.body).toBe(201);
    expect(json(added).items.map((m: { agencyId: string }) => m.agencyId)).toContain(w.agencies.window);
    const seen = await w.window.agent.get(`/api/v1/cases/${c.id}`);
    expect(seen.statusCode).toBe(200);
    expect(json(seen).access).toMatchObject({ teamRole: 'cooperating', manage: false, edit: true });

    // Recording consent for the houkatsu opens the way.
    await recordConsent(w.window.agent, { personId: sonId, scopeKind: 'listed', agencyIds: [w.agencies.coord, w.agencies.window, w.agencies.houkatsu] });
    const now = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team`, { agencyId: w.agencies.houkatsu, role: 'informing' });
    expect(now.statusCode, now.body).toBe(201);
  });

  it('team members see the case; outsiders see nothing anywhere; removal and withdrawal end access at once', async () => {
    const { case: c, sonId } = await open8050Case(w, { name: '閲覧 範囲' });
    const add = json(await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' }));
    const houkatsuRow = add.items.find((m: { agencyId: string; userId: string | null }) => m.agencyId === w.agencies.houkatsu && m.userId === null);

    expect((await w.houkatsu.agent.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    const list = json(await w.houkatsu.agent.get('/api/v1/cases?status=open'));
    expect(list.items.map((i: { id: string }) => i.id)).toContain(c.id);

    const deniedBefore = await auditCount(t.db, w.outsider.user.id);
    for (const path of [`/api/v1/cases/${c.id}`, `/api/v1/cases/${c.id}/team`, `/api/v1/cases/${c.id}/transitions`]) {
      const res = await w.outsider.agent.get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).not.toContain('閲覧 範囲');
    }
    expect((await w.outsider.agent.post(`/api/v1/cases/${c.id}/transitions`, { to: 'assessment', reason: 'x', version: 1 })).statusCode).toBe(404);
    const outsiderList = json(await w.outsider.agent.get(`/api/v1/cases?q=${encodeURIComponent(c.caseNo)}`));
    expect(outsiderList.items).toEqual([]);
    expect(await auditCount(t.db, w.outsider.user.id)).toBeGreaterThan(deniedBefore);

    // A cooperating member reads but does not manage.
    const notLead = await w.houkatsu.agent.post(`/api/v1/cases/${c.id}/transitions`, { to: 'assessment', reason: '進める', version: 1 });
    expect(notLead.statusCode).toBe(403);
    expect(json(notLead).error.message).toContain('主担当機関またはコーディネーター');

    // Removal: at once.
    const removed = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team/${houkatsuRow.id}/remove`, { reason: '担当地区外のため' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect(json(await w.houkatsu.agent.get('/api/v1/cases?status=open')).items.map((i: { id: string }) => i.id)).not.toContain(c.id);

    // Withdrawal of consent: the houkatsu (back on the team, relying on consent) loses access at once.
    expect((await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' })).statusCode).toBe(201);
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    const consents = json(await w.window.agent.get(`/api/v1/persons/${sonId}/consents`)).items;
    const current = consents.find((k: { purpose: string; decision: string; withdrawnOn: string | null }) => k.purpose === 'agency_sharing' && !k.withdrawnOn);
    expect((await w.window.agent.post(`/api/v1/consents/${current.id}/withdraw`, { withdrawnOn: todayJst(), reason: '本人の申し出' })).statusCode).toBe(200);
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    // The window recorded the consultation, so it still sees the person, and the coordinators received the referral… but
    // the coordinators rely on consent as well: the case closes to them too until consent is recorded again.
    expect((await w.coordinator.agent.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
  });

  it('the lead cannot be removed; making another agency 主担当 moves the lead', async () => {
    const { case: c } = await open8050Case(w, { name: '主担当 交代' });
    const leadRow = c.team.find((m: { userId: string | null }) => m.userId === null);
    const refused = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team/${leadRow.id}/remove`, { reason: 'x' });
    expect(refused.statusCode).toBe(422);
    const team = json(await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team`, { agencyId: w.agencies.window, role: 'cooperating' })).items;
    const windowRow = team.find((m: { agencyId: string; userId: string | null }) => m.agencyId === w.agencies.window && m.userId === null);
    const unassigned = async () => (await t.db.selectFrom('cases').select('lead_unassigned').where('id', '=', c.id).executeTakeFirstOrThrow()).lead_unassigned;
    // The opening coordinator is named for the lead agency.
    expect(await unassigned()).toBe(false);
    const changed = await w.coordinator.agent.request('PATCH', `/api/v1/cases/${c.id}/team/${windowRow.id}`, { role: 'lead' });
    expect(changed.statusCode, changed.body).toBe(200);
    // Nobody of the window is named yet: the case is every window clerk's until someone takes it.
    expect(await unassigned()).toBe(true);
    expect(await leadUnassignedMismatches(t)).toBe(0);
    const roles = json(changed).items.filter((m: { userId: string | null }) => m.userId === null).map((m: { agencyId: string; role: string }) => [m.agencyId, m.role]);
    expect(roles).toContainEqual([w.agencies.window, 'lead']);
    expect(roles).toContainEqual([w.agencies.coord, 'cooperating']);
    expect(json(await w.window.agent.get(`/api/v1/cases/${c.id}`)).leadAgency.id).toBe(w.agencies.window);
    // The window staff now manage the case.
    expect((await w.window.agent.post(`/api/v1/cases/${c.id}/transitions`, { to: 'assessment', reason: '面談を実施', version: 1 })).statusCode).toBe(200);
  });

  it('allows exactly the transitions of the flow, each dated with who and why; refuses the others', async () => {
    const { case: c } = await open8050Case(w, { name: '遷移 確認' });
    let version = 1;
    const step = async (to: string, expected = 200, extra: Record<string, unknown> = {}) => {
      const res = await transition(c.id, { to, reason: `${to}へ`, version, ...extra });
      expect(res.statusCode, `${to}: ${res.body}`).toBe(expected);
      if (res.statusCode === 200) version = json(res).version;
      return res;
    };
    // Not allowed from 受付.
    for (const to of ['planning', 'active', 'evaluation', 'closed']) {
      const res = await step(to, to === 'closed' ? 422 : 409);
      if (res.statusCode === 409) expect(json(res).error.code).toBe('invalid_transition');
    }
    await step('assessment');
    for (const to of ['active', 'evaluation', 'intake']) await step(to, 409);
    await step('planning');
    // プラン作成 → 支援中 needs an approved plan.
    const noPlan = await step('active', 422);
    expect(json(noPlan).error.message).toContain('承認');
    await step('assessment'); // 再アセスメント
    await step('planning');
    const suspended = await step('suspended', 200, { meetingRef: '第2回 重層的支援会議', meetingDate: todayJst() });
    expect(json(suspended).allowedTransitions.map((a: { to: string }) => a.to)).toEqual(['assessment']);
    for (const to of ['planning', 'active', 'closed']) await step(to, to === 'closed' ? 422 : 409);
    const reopened = await step('assessment');
    const body = json(reopened);
    expect(body.status).toBe('assessment');
    expect(body.transitions.map((x: { to: string }) => x.to)).toEqual(['intake', 'assessment', 'planning', 'assessment', 'planning', 'suspended', 'assessment']);
    expect(body.transitions.at(-1)).toMatchObject({ label: '再開', from: 'suspended', reason: 'assessmentへ', effectiveOn: todayJst() });
    expect(body.transitions[5]).toMatchObject({ meetingRef: '第2回 重層的支援会議', label: '中断' });
    expect(body.transitions.every((x: { byUserName: string | null }) => x.byUserName === '調整 さくら')).toBe(true);
  });

  it('a stale version is a 409 with the current case; bad input is 422 naming each field; nothing is saved', async () => {
    const { case: c } = await open8050Case(w, { name: '競合 確認' });
    expect((await transition(c.id, { to: 'assessment', reason: '一人目', version: 1 })).statusCode).toBe(200);
    const stale = await transition(c.id, { to: 'suspended', reason: '二人目', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).error.message).toContain('ほかの方');
    expect(json(stale).current).toMatchObject({ status: 'assessment', version: 2 });

    const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const bad = await transition(c.id, { to: 'nowhere', reason: '', version: 2, effectiveOn: '2025-02-30' });
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(json(bad).error.fields).sort()).toEqual(['effectiveOn', 'reason', 'to']);
    const future = await transition(c.id, { to: 'planning', reason: '先の日付', version: 2, effectiveOn: tomorrow });
    expect(future.statusCode).toBe(422);
    expect(json(future).error.fields.effectiveOn).toMatch(/未来/);
    const closure = await transition(c.id, {
      to: 'suspended',
      reason: '中断',
      version: 2,
      closure: { reason: '課題解決', meetingRef: 'x', meetingDate: todayJst() },
    });
    expect(closure.statusCode).toBe(422);
    expect(json(closure).error.fields.closure).toBeDefined();

    const after = json(await w.coordinator.agent.get(`/api/v1/cases/${c.id}`));
    expect(after).toMatchObject({ status: 'assessment', version: 2 });
    expect(after.transitions).toHaveLength(2);

    const title = await w.coordinator.agent.request('PATCH', `/api/v1/cases/${c.id}`, { title: '競合 確認さんの世帯', version: 1 });
    expect(title.statusCode).toBe(409);
    const renamed = await w.coordinator.agent.request('PATCH', `/api/v1/cases/${c.id}`, { title: '競合 確認さんの世帯', version: 2 });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(json(renamed)).toMatchObject({ title: '競合 確認さんの世帯', version: 3 });
  });

  it('closing needs the 終結理由, the deciding meeting and who keeps the connection', async () => {
    const { case: c } = await open8050Case(w, { name: '終結 入力' });
    // Walk to 評価 without a plan (a case may end before any plan, e.g. 転居).
    await t.db.updateTable('cases').set({ status: 'evaluation', version: 5 }).where('id', '=', c.id).execute();
    const missing = await transition(c.id, { to: 'closed', reason: '終結', version: 5, closure: { reason: '課題解決', meetingRef: '', meetingDate: '' } });
    expect(missing.statusCode).toBe(422);
    expect(Object.keys(json(missing).error.fields).sort()).toEqual([
      'closure.followUpAgencyId',
      'closure.followUpFrequency',
      'closure.followUpIntervalDays',
      'closure.meetingDate',
      'closure.meetingRef',
    ]);
    const notOnTeam = await transition(c.id, {
      to: 'closed',
      reason: '終結',
      version: 5,
      closure: { reason: '課題解決', meetingRef: '第4回 重層的支援会議', meetingDate: todayJst(), followUpAgencyId: w.agencies.other, followUpFrequency: '月1回', followUpIntervalDays: 30 },
    });
    expect(notOnTeam.statusCode).toBe(422);
    expect(json(notOnTeam).error.fields['closure.followUpAgencyId']).toMatch(/チーム/);
    const moved = await transition(c.id, {
      to: 'closed',
      reason: '転居により終結',
      version: 5,
      closure: { reason: '転居', meetingRef: '第4回 重層的支援会議', meetingDate: todayJst() },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const closed = json(moved);
    expect(closed.closure).toMatchObject({ reason: '転居', meetingRef: '第4回 重層的支援会議', followUpAgency: null, closedOn: todayJst() });
    // Closed cases stay readable to the team; reopening keeps the closure in the history.
    const reopened = json(await transition(c.id, { to: 'assessment', reason: '市内に戻り再度相談あり', version: 6 }));
    expect(reopened.closure).toBeNull();
    expect(reopened.transitions.find((x: { to: string }) => x.to === 'closed').details.closure.reason).toBe('転居');
  });
  it('a storm of malformed requests on every case endpoint answers 4xx only, never 500', async () => {
    const { case: c } = await open8050Case(w, { name: '乱暴 入力' });
    const zero = '00000000-0000-7000-8000-000000000000';
    const base = `/api/v1/cases/${c.id}`;
    const requests: [('GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'), string, unknown][] = [
      ['GET', '/api/v1/cases?status=unknown', undefined],
      ['GET', '/api/v1/cases?limit=100000', undefined],
      ['GET', `/api/v1/cases/${zero}`, undefined],
      ['GET', '/api/v1/cases/not-a-uuid', undefined],
      ['POST', '/api/v1/cases', { origin: 'referral', referralId: zero }],
      ['POST', '/api/v1/cases', { origin: 'direct', personIds: ['x'], reason: 'r' }],
      ['POST', '/api/v1/cases', { origin: 'direct', personIds: Array(50).fill(zero), reason: 'r' }],
      ['POST', '/api/v1/cases', [1, 2, 3]],
      ['PATCH', base, { title: 'ぬる\u0000', version: 1 }],
      ['PATCH', base, { title: 'x', version: 1e308 }],
      ['POST', `${base}/team`, { agencyId: zero, role: 'cooperating' }],
      ['POST', `${base}/team`, { agencyId: w.agencies.window, userId: zero, role: 'cooperating' }],
      ['POST', `${base}/team`, { agencyId: w.agencies.window, role: 'boss' }],
      ['PATCH', `${base}/team/${zero}`, { role: 'lead' }],
      ['POST', `${base}/team/${zero}/remove`, { reason: 'x' }],
      ['POST', `${base}/persons`, { personId: zero }],
      ['DELETE', `${base}/persons/${zero}`, undefined],
      ['POST', `${base}/links`, { consultationId: zero, referralId: zero }],
      ['POST', `${base}/links`, { referralId: zero }],
      ['POST', `${base}/transitions`, { to: 'assessment', reason: 'x'.repeat(5000), version: 1 }],
      ['POST', `${base}/transitions`, { to: 'closed', reason: 'x', version: 1, closure: { reason: '課題解決', meetingRef: 'm', meetingDate: '令和99年99月99日', followUpIntervalDays: 1e9 } }],
      ['POST', `${base}/transitions`, { to: 'assessment', reason: 'x', version: 'one' }],
    ];
    for (const [method, url, body] of requests) {
      const res = await w.coordinator.agent.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
      expect(json(res).error.message, `${method} ${url}`).toMatch(/[ぁ-んァ-ン一-龥]/);
    }
    // A forged cursor or odd search text is not an error: the list starts from the beginning.
    for (const url of [
      `/api/v1/cases?cursor=${encodeURIComponent(encodeCursor([1e300, 'x']))}`,
      `/api/v1/cases?cursor=${encodeURIComponent(encodeCursor(['a\u0000', 1]))}`,
      '/api/v1/cases?q=%25%5F%5C',
    ]) {
      const res = await w.coordinator.agent.get(url);
      expect(res.statusCode, url).toBe(200);
    }
    expect((await w.coordinator.agent.get('/api/v1/cases?q=%00')).statusCode).toBeLessThan(500);
    // Nothing changed.
    const after = json(await w.coordinator.agent.get(base));
    expect(after).toMatchObject({ status: 'intake', version: 1, title: c.title });
    expect(after.team).toHaveLength(2);
  });
});
