import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { setBodyRule, setMeetingRules } from '../support/meetings.ts';
import { bornYearsAgo, recordConsent, registerPerson, todayJst } from '../support/people.ts';
import { readPresets } from '../../src/municipalities/presets.ts';

/**
 * Each city's meeting rules are data (issue 12 items 2–4, DOMAIN.md §4):
 *  - a closure, a suspension and a plan approval bound to a 重層的支援会議
 *    name a real decision of a held meeting of a jusou body, with the case on
 *    its agenda — on the case page as in the meeting; exceptions (死亡・転居 …)
 *    only as the settings allow, with a reason;
 *  - bodies with a statutory 守秘義務 (要保護児童対策地域協議会, 支援会議 of
 *    生活困窮者自立支援法第9条, 地域ケア会議 …) work like the 106条の6 支援会議;
 *  - who decides 参加支援 / アウトリーチ, who convenes and hosts the
 *    重層的支援会議 and whether the 市 attends every one come from the preset.
 */
const held = () => new Date(Date.now() - 60 * 60 * 1000).toISOString();

describe.each(DATABASE_KINDS)('meeting rules (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let sec: { user: TestUser; agent: Agent };
  const bodies: Record<string, { id: string; name: string }> = {};
  /** Cases with consent to 会議での情報共有: A and B share the meetings, C for exceptions, D for suspension. */
  const cases: Record<string, string> = {};

  async function caseWithMeetingConsent(name: string): Promise<string> {
    const c = await open8050Case(w, { name });
    await recordConsent(w.window.agent, { personId: c.sonId, purpose: 'meeting_sharing' });
    return c.case.id;
  }

  /** 事務局 convenes (小金井市: 招集 市), invites the coordinator, who puts the cases on the agenda. */
  async function meetingWith(bodyKey: string, title: string, caseIds: string[], convener: Agent = sec.agent) {
    const res = await convener.post('/api/v1/meetings', { meetingBodyId: bodies[bodyKey]!.id, title, scheduledAt: held(), place: '市役所 801会議室' });
    expect(res.statusCode, res.body).toBe(201);
    const m = json(res);
    if (convener === sec.agent) expect((await sec.agent.post(`/api/v1/meetings/${m.id}/attendees`, { userId: w.coordinator.user.id })).statusCode).toBe(201);
    else expect((await convener.post(`/api/v1/meetings/${m.id}/attendees`, { userId: sec.user.id })).statusCode).toBe(201);
    const items: Record<string, string> = {};
    for (const caseId of caseIds) {
      const added = await w.coordinator.agent.post(`/api/v1/meetings/${m.id}/agenda`, { kind: 'case', caseId, title: `事例 ${caseId.slice(-4)}` });
      expect(added.statusCode, added.body).toBe(201);
      items[caseId] = json(added).items.find((i: { case: { id: string } | null }) => i.case?.id === caseId).id;
    }
    return { id: m.id as string, items };
  }

  /** A decision recorded at the meeting but left to the case's 主担当 to carry out (carryOut: false). */
  async function pending(meetingId: string, itemId: string, decision: Record<string, unknown>, by: Agent = sec.agent): Promise<string> {
    const res = await by.post(`/api/v1/meetings/${meetingId}/decisions`, { agendaItemId: itemId, content: '会議で決定', carryOut: false, ...decision });
    expect(res.statusCode, res.body).toBe(201);
    return json(res).decision.id;
  }

  async function toStatus(caseId: string, status: string) {
    await t.db.updateTable('cases').set({ status, version: 1 }).where('municipality_id', '=', t.municipalityId).where('id', '=', caseId).execute();
  }

  const close = (caseId: string, closure: Record<string, unknown>) =>
    w.coordinator.agent.post(`/api/v1/cases/${caseId}/transitions`, { to: 'closed', reason: '支援の目標を達成', version: 1, closure: { reason: '課題解決', followUpAgencyId: w.agencies.houkatsu, followUpFrequency: '月1回', followUpIntervalDays: 30, ...closure } });

  beforeAll(async () => {
    w = await caseWorld(t);
    const u = await t.createUser({ agency: '地域福祉課', role: 'secretariat', name: '事務局 花子' });
    sec = { user: u, agent: await t.login(u.loginId, u.password) };
    const rows = await t.db.selectFrom('meeting_bodies').select(['id', 'kind', 'name', 'preset_key']).where('municipality_id', '=', t.municipalityId).execute();
    for (const r of rows) bodies[r.preset_key ?? r.id] = { id: r.id, name: r.name };
    for (const [key, name] of [['A', '緑 一郎'], ['B', '緑 二郎'], ['C', '緑 三郎'], ['D', '緑 四郎']] as const) cases[key] = await caseWithMeetingConsent(name);
    // The team's 包括 keeps the connection after closure (伴走).
    for (const id of [cases.A!, cases.C!]) {
      const added = await w.coordinator.agent.post(`/api/v1/cases/${id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
      expect(added.statusCode, added.body).toBe(201);
    }
  });

  it('小金井市: closure, suspension and approval are bound to the 重層的支援会議; the 市 decides 参加支援 and アウトリーチ', async () => {
    const admin = await t.loginAdmin();
    const settings = json(await admin.get('/api/v1/municipality')).settings;
    expect(settings.meetingRules).toEqual({
      meetingDecisions: ['plan_approval', 'closure', 'suspension'],
      closureExceptions: [],
      participationSupportDecidedBy: 'secretariat',
      outreachDecidedBy: 'secretariat',
    });
  });

  it('a closure outside the meeting must name a real decision: table of refusals, then the decision closes the case once', async () => {
    await toStatus(cases.A!, 'evaluation');
    const m1 = await meetingWith('jusou-shien-kaigi', '第5回重層的支援会議', [cases.A!, cases.B!]);
    const m2 = await meetingWith('jusou-shien-kaigi', '第6回重層的支援会議', [cases.B!]);
    const m3 = await meetingWith('jusou-shien-kaigi', '第7回重層的支援会議', [cases.A!]);
    const other = await meetingWith('shien-chousei-kaigi', '支援調整会議', [cases.A!], w.coordinator.agent);

    const closureOfB = await pending(m1.id, m1.items[cases.B!]!, { kind: 'closure', closure: { reason: '課題解決' } });
    const closureOfBElsewhere = await pending(m2.id, m2.items[cases.B!]!, { kind: 'closure', closure: { reason: '課題解決' } });
    const roleSplit = await pending(m1.id, m1.items[cases.A!]!, { kind: 'role_split', content: '包括が見守る' });
    const atOtherBody = await pending(other.id, other.items[cases.A!]!, { kind: 'role_split', content: '困窮の支援を続ける' }, w.coordinator.agent);
    const notHeld = await pending(m3.id, m3.items[cases.A!]!, { kind: 'closure', closure: { reason: '課題解決' } });
    const m3Detail = json(await sec.agent.get(`/api/v1/meetings/${m3.id}`));
    expect(m3Detail.status).toBe('held'); // recording a decision after the meeting's time marks it 開催済
    expect((await sec.agent.patch(`/api/v1/meetings/${m3.id}`, { status: 'scheduled', version: m3Detail.version })).statusCode).toBe(200);

    const table: [string, Record<string, unknown>, string, string][] = [
      ['no meeting at all (a typed name is not a decision)', { meetingRef: '第5回重層的支援会議', meetingDate: todayJst() }, 'meeting_decision_required', '重層的支援会議で決定します'],
      ['a decision that does not exist', { decisionId: '01890000-0000-7000-8000-000000000000' }, 'meeting_decision_invalid', '見つかりません'],
      ['the meeting is not held', { decisionId: notHeld }, 'meeting_decision_invalid', '開催済みになっていません（開催予定）'],
      ['the wrong body kind', { decisionId: atOtherBody }, 'meeting_decision_invalid', '重層的支援会議ではありません'],
      ['the case is not on the agenda', { decisionId: closureOfBElsewhere }, 'meeting_decision_invalid', '議題にありません'],
      ['a decision about another case', { decisionId: closureOfB }, 'meeting_decision_invalid', '別の事例'],
      ['a decision of another kind', { decisionId: roleSplit }, 'meeting_decision_invalid', '「役割分担の合意」です'],
      ['an exception the settings do not allow', { reason: '死亡', exceptionReason: '本人が亡くなったため' }, 'meeting_decision_required', '重層的支援会議の決定が必要です'],
    ];
    for (const [why, closure, code, words] of table) {
      const res = await close(cases.A!, closure);
      expect(res.statusCode, `${why}: ${res.body}`).toBe(422);
      expect(json(res).error.code, why).toBe(code);
      expect(json(res).error.message, why).toContain(words);
    }
    const stillOpen = json(await w.coordinator.agent.get(`/api/v1/cases/${cases.A}`));
    expect(stillOpen).toMatchObject({ status: 'evaluation', version: 1, closure: null });

    // The picker offers exactly the eligible decisions.
    const choices = json(await w.coordinator.agent.get(`/api/v1/cases/${cases.A}/meeting-decisions?kind=closure`));
    expect(choices).toMatchObject({ kind: 'closure', required: true, closureExceptions: [], items: [] });
    const valid = await pending(m1.id, m1.items[cases.A!]!, { kind: 'closure', content: '課題が解決したため終結', closure: { reason: '課題解決' } });
    const offered = json(await w.coordinator.agent.get(`/api/v1/cases/${cases.A}/meeting-decisions?kind=closure`)).items;
    expect(offered.map((d: { id: string }) => d.id)).toEqual([valid]);
    expect(offered[0]).toMatchObject({ meetingId: m1.id, ref: expect.stringContaining('第5回重層的支援会議'), content: '課題が解決したため終結' });
    expect((await w.outsider.agent.get(`/api/v1/cases/${cases.A}/meeting-decisions?kind=closure`)).statusCode).toBe(404);

    const closed = await close(cases.A!, { decisionId: valid });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(json(closed)).toMatchObject({ status: 'closed', closure: { meetingId: m1.id, meetingRef: expect.stringContaining('第5回重層的支援会議') } });
    const row = await t.db.selectFrom('cases').select(['closure_meeting_id', 'closure_decision_id']).where('id', '=', cases.A!).executeTakeFirstOrThrow();
    expect(row).toEqual({ closure_meeting_id: m1.id, closure_decision_id: valid });
    const decisions = json(await sec.agent.get(`/api/v1/meetings/${m1.id}/decisions`)).items;
    expect(decisions.find((d: { id: string }) => d.id === valid).caseTransitionSeq).toBeGreaterThan(0);

    // Carried out once: reopened, the same decision cannot close the case again.
    const reopened = await w.coordinator.agent.post(`/api/v1/cases/${cases.A}/transitions`, { to: 'assessment', reason: '再開', version: json(closed).version });
    expect(reopened.statusCode, reopened.body).toBe(200);
    await toStatus(cases.A!, 'evaluation');
    const again = await close(cases.A!, { decisionId: valid });
    expect(again.statusCode).toBe(422);
    expect(json(again).error.message).toContain('すでに事例に反映されています');
  });

  it('exceptions (死亡・転居) are a setting and need a reason; the reason is recorded with the transition', async () => {
    await toStatus(cases.C!, 'evaluation');
    await setMeetingRules(t, { closureExceptions: ['死亡', '転居'] });
    try {
      const table: [string, Record<string, unknown>, number, string | null][] = [
        ['an allowed reason without the why', { reason: '死亡' }, 422, '理由の記録が必要です'],
        ['a reason the settings do not exempt', { reason: '課題解決', exceptionReason: '早く終わらせたい' }, 422, '重層的支援会議の決定が必要です'],
        ['an allowed reason with the why', { reason: '死亡', exceptionReason: '11月20日に本人が亡くなったため（家族から連絡）' }, 200, null],
      ];
      for (const [why, closure, status, words] of table) {
        const res = await close(cases.C!, closure);
        expect(res.statusCode, `${why}: ${res.body}`).toBe(status);
        if (words) expect(json(res).error.message, why).toContain(words);
      }
      const c = json(await w.coordinator.agent.get(`/api/v1/cases/${cases.C}`));
      expect(c.status).toBe('closed');
      expect(c.transitions.at(-1).details.exception).toEqual({ closureReason: '死亡', reason: '11月20日に本人が亡くなったため（家族から連絡）' });
      const audit = await t.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'case.transition')
        .where('target_id', '=', cases.C!)
        .orderBy('occurred_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(audit.details).toMatchObject({ to: 'closed', exception: { closureReason: '死亡' } });
    } finally {
      await setMeetingRules(t, { closureExceptions: [] });
    }
  });

  it('a suspension and a plan approval are bound too; the meeting flow (decision → approvePlan / transitionCase) keeps working', async () => {
    const suspend = (body: Record<string, unknown>) => w.coordinator.agent.post(`/api/v1/cases/${cases.D}/transitions`, { to: 'suspended', reason: '本人と連絡が取れない', version: 1, ...body });
    const refused = await suspend({ meetingRef: '会議', meetingDate: todayJst() });
    expect(refused.statusCode).toBe(422);
    expect(json(refused).error.fields).toHaveProperty('decisionId');
    const m = await meetingWith('jusou-shien-kaigi', '第8回重層的支援会議', [cases.D!, cases.B!]);
    const ofB = await pending(m.id, m.items[cases.B!]!, { kind: 'suspension' });
    expect(json(await suspend({ decisionId: ofB })).error.message).toContain('別の事例');
    const ofD = await pending(m.id, m.items[cases.D!]!, { kind: 'suspension' });
    const ok = await suspend({ decisionId: ofD });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok).transitions.at(-1)).toMatchObject({ to: 'suspended', meetingRef: expect.stringContaining('第8回重層的支援会議') });

    // Plan approval of case B: free text refused; in the meeting the decision approves it at once.
    await toStatus(cases.B!, 'planning');
    const plan = await w.coordinator.agent.post(`/api/v1/cases/${cases.B}/plans`, {
      longTermGoal: '地域の中で役割を持って暮らせる',
      shortTermGoals: [{ text: '週1回外出する' }],
      direction: '見守りと参加支援',
      actions: [{ content: '訪問', agencyId: w.agencies.coord, staffName: '調整 さくら', frequency: '週1回', period: '3か月' }],
      leadAgencyId: w.agencies.coord,
      consentOn: todayJst(),
      consentMethod: '書面',
      nextReviewOn: new Date(Date.now() + 90 * 86400_000).toISOString().slice(0, 10),
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const p = json(plan);
    const typed = await w.coordinator.agent.post(`/api/v1/cases/${cases.B}/plans/${p.id}/approve`, { decisionRef: '第8回重層的支援会議', decidedOn: todayJst(), version: p.version });
    expect(typed.statusCode).toBe(422);
    expect(json(typed).error.code).toBe('meeting_decision_required');
    const approvedInMeeting = await w.coordinator.agent.post(`/api/v1/meetings/${m.id}/decisions`, { agendaItemId: m.items[cases.B!], kind: 'plan_approval', content: 'プランを承認', planId: p.id });
    expect(approvedInMeeting.statusCode, approvedInMeeting.body).toBe(201);
    const after = json(await w.coordinator.agent.get(`/api/v1/cases/${cases.B}/plans/${p.id}`));
    expect(after).toMatchObject({ status: 'approved', approval: { meetingId: m.id } });
    const row = await t.db.selectFrom('plans').select('approval_decision_id').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.approval_decision_id).toBe(json(approvedInMeeting).decision.id);
  });

  it('小金井市 招集 市・主催 社協・市は毎回出席: enforced; 参加支援 by the 市 unless the setting says the meeting decides', async () => {
    const byCoordinator = await w.coordinator.agent.post('/api/v1/meetings', { meetingBodyId: bodies['jusou-shien-kaigi']!.id, title: '包括の会議', scheduledAt: held(), place: '会議室' });
    expect(byCoordinator.statusCode).toBe(403);
    expect(json(byCoordinator).error.message).toContain('市（事務局）が招集します');
    const wrongHost = await sec.agent.post('/api/v1/meetings', { meetingBodyId: bodies['jusou-shien-kaigi']!.id, title: 'x', scheduledAt: held(), place: '会議室', organizerAgencyId: w.agencies.houkatsu });
    expect(wrongHost.statusCode).toBe(422);
    expect(json(wrongHost).error.fields.organizerAgencyId).toContain('小金井市社会福祉協議会');

    const m = await meetingWith('jusou-shien-kaigi', '第9回重層的支援会議', [cases.B!]);
    let detail = json(await sec.agent.get(`/api/v1/meetings/${m.id}`));
    expect(detail.organizer.name).toBe('小金井市社会福祉協議会');
    expect(detail.rule).toMatchObject({ confidentiality: 'consent', convenedBy: 'secretariat', secretariatAttends: true, host: { name: '小金井市社会福祉協議会' } });
    const secAttendee = detail.attendees.find((a: { userId: string }) => a.userId === sec.user.id);
    expect((await sec.agent.patch(`/api/v1/meetings/${m.id}/attendees/${secAttendee.id}`, { attended: false })).statusCode).toBe(200);
    detail = json(await sec.agent.get(`/api/v1/meetings/${m.id}`));
    const notHeld = await sec.agent.patch(`/api/v1/meetings/${m.id}`, { status: 'held', version: detail.version });
    expect(notHeld.statusCode).toBe(422);
    expect(json(notHeld).error.code).toBe('secretariat_required');
    const noDecision = await w.coordinator.agent.post(`/api/v1/meetings/${m.id}/decisions`, { agendaItemId: m.items[cases.B!], kind: 'role_split', content: '役割分担' });
    expect(json(noDecision).error.code).toBe('secretariat_required');
    expect((await sec.agent.patch(`/api/v1/meetings/${m.id}/attendees/${secAttendee.id}`, { attended: true })).statusCode).toBe(200);

    // 参加支援: the 市 decides (小金井市) …
    expect(json(await w.coordinator.agent.get(`/api/v1/meetings/${m.id}`)).can.decisionKinds).not.toContain('participation_support');
    const byCoord = await w.coordinator.agent.post(`/api/v1/meetings/${m.id}/decisions`, { agendaItemId: m.items[cases.B!], kind: 'participation_support', content: '居場所の利用' });
    expect(byCoord.statusCode).toBe(403);
    expect(json(byCoord).error.message).toContain('市（事務局）が決定します');
    // … or the meeting does (福生市's rule), as the setting says.
    await setMeetingRules(t, { participationSupportDecidedBy: 'meeting' });
    try {
      expect(json(await w.coordinator.agent.get(`/api/v1/meetings/${m.id}`)).can.decisionKinds).toContain('participation_support');
      const byMeeting = await w.coordinator.agent.post(`/api/v1/meetings/${m.id}/decisions`, { agendaItemId: m.items[cases.B!], kind: 'participation_support', content: '居場所の利用' });
      expect(byMeeting.statusCode, byMeeting.body).toBe(201);
      expect((await w.coordinator.agent.post(`/api/v1/meetings/${m.id}/decisions`, { agendaItemId: m.items[cases.B!], kind: 'outreach', content: '訪問' })).statusCode).toBe(403);
    } finally {
      await setMeetingRules(t, { participationSupportDecidedBy: 'secretariat' });
    }
  });

  it('the administrator edits a body\'s rule; nobody else may; a 支援会議 stays statutory', async () => {
    const admin = await t.loginAdmin();
    const list = json(await admin.get('/api/v1/meeting-bodies')).items;
    const shien = list.find((b: { kind: string }) => b.kind === 'shien');
    expect(shien).toMatchObject({ confidentiality: 'statutory', confidentialityBasis: '社会福祉法第106条の6' });
    const refused = await admin.patch(`/api/v1/meeting-bodies/${shien.id}`, { confidentiality: 'consent', version: shien.version });
    expect(refused.statusCode).toBe(422);
    expect((await w.coordinator.agent.patch(`/api/v1/meeting-bodies/${shien.id}`, { secretariatAttends: true, version: shien.version })).statusCode).toBe(403);
    const body = list.find((b: { name: string }) => b.name === '小金井市地域福祉推進委員会');
    const noBasis = await admin.patch(`/api/v1/meeting-bodies/${body.id}`, { confidentiality: 'statutory', version: body.version });
    expect(json(noBasis).error.fields).toHaveProperty('confidentialityBasis');
    const stale = await admin.patch(`/api/v1/meeting-bodies/${body.id}`, { secretariatAttends: true, version: body.version + 5 });
    expect(stale.statusCode).toBe(409);
  });
});

describe.each(DATABASE_KINDS)('statutory confidentiality on the 福生市 preset (%s)', (kind) => {
  const t = useTestApp(kind, { preset: '福生市' });
  let coordinator: Agent;
  let staff: Agent;
  let outsider: Agent;
  let staffUser: TestUser;
  let personId: string;
  const bodies: Record<string, string> = {};

  beforeAll(async () => {
    const c = await t.createUser({ agency: '福祉総合相談窓口', role: 'coordinator', name: '福生 調整' });
    staffUser = await t.createUser({ agency: 'こども家庭センター課', role: 'agency_staff', name: '子ども 太郎' });
    const o = await t.createUser({ agency: '健康課', role: 'agency_staff', name: '健康 花子' });
    [coordinator, staff, outsider] = await Promise.all([t.login(c.loginId, c.password), t.login(staffUser.loginId, staffUser.password), t.login(o.loginId, o.password)]);
    // A child known to the coordinator's window, with no consent at all.
    personId = (await registerPerson(coordinator, { name: '多摩 ゆう', nameKana: 'タマ ユウ', birthDate: bornYearsAgo(9), gender: '不明', address: '福生市本町1' })).id;
    const rows = await t.db.selectFrom('meeting_bodies').select(['id', 'preset_key']).where('municipality_id', '=', t.municipalityId).execute();
    for (const r of rows) bodies[r.preset_key!] = r.id;
  });

  it('the preset gives 福生市\'s bodies their legal rule and the 重層的支援会議 the decision of 参加支援', async () => {
    const admin = await t.loginAdmin();
    const list = json(await admin.get('/api/v1/meeting-bodies')).items;
    const rule = (name: string) => list.find((b: { name: string }) => b.name === name);
    expect(rule('要保護児童対策地域協議会')).toMatchObject({ confidentiality: 'statutory', confidentialityBasis: '児童福祉法第25条の5' });
    expect(rule('支援会議（生活困窮者自立支援法第9条）')).toMatchObject({ confidentiality: 'statutory', confidentialityBasis: '生活困窮者自立支援法第9条' });
    expect(rule('地域ケア会議')).toMatchObject({ confidentiality: 'statutory', confidentialityBasis: '介護保険法第115条の48' });
    expect(rule('地域自立支援協議会')).toMatchObject({ confidentiality: 'consent' });
    expect(rule('支援調整会議')).toMatchObject({ confidentiality: 'consent' });
    expect(json(await admin.get('/api/v1/municipality')).settings.meetingRules).toMatchObject({ participationSupportDecidedBy: 'meeting', outreachDecidedBy: 'meeting' });
  });

  it('要保護児童対策地域協議会: no consent gate, 守秘義務 before the agenda and materials, attendees only', async () => {
    const res = await coordinator.post('/api/v1/meetings', { meetingBodyId: bodies['yoho-taikyo'], title: '個別ケース検討会議', scheduledAt: held(), place: 'こども家庭センター' });
    expect(res.statusCode, res.body).toBe(201);
    const m = json(res);
    expect(m).toMatchObject({
      confidential: true,
      rule: { confidentiality: 'statutory', confidentialityBasis: '児童福祉法第25条の5' },
      confidentiality: { required: true, text: expect.stringContaining('要保護児童対策地域協議会（児童福祉法第25条の5）') },
      agenda: null,
    });
    expect(m.rule.notice).toBe('守秘義務のある会議体（児童福祉法第25条の5）：同意がなくても検討できます。出席者は守秘義務の確認が必要です。');
    expect((await coordinator.get(`/api/v1/meetings/${m.id}/agenda`)).statusCode).toBe(403);
    const ack = await coordinator.post(`/api/v1/meetings/${m.id}/acknowledgements`);
    expect(ack.statusCode, ack.body).toBe(201);
    expect(json(ack)).toMatchObject({ textVersion: '2026-12', text: expect.stringContaining('児童福祉法第25条の5') });

    // The child has no consent: a consent-based body refuses, this one takes the item.
    const added = await coordinator.post(`/api/v1/meetings/${m.id}/agenda`, { kind: 'person', personId, title: '登校しない児童' });
    expect(added.statusCode, added.body).toBe(201);
    expect(json(added).items[0].consentBasis).toMatchObject({ basis: 'statutory_confidentiality', law: '児童福祉法第25条の5' });
    const consentBody = json(await coordinator.post('/api/v1/meetings', { meetingBodyId: bodies['shien-chousei-kaigi'], title: '支援調整会議', scheduledAt: held(), place: '会議室' }));
    const refused = await coordinator.post(`/api/v1/meetings/${consentBody.id}/agenda`, { kind: 'person', personId, title: '登校しない児童' });
    expect(refused.statusCode).toBe(422);
    expect(json(refused).error.code).toBe('consent_required');

    // An invited attendee opens nothing before the acknowledgement; someone not invited gets 404.
    expect((await coordinator.post(`/api/v1/meetings/${m.id}/attendees`, { userId: staffUser.id })).statusCode).toBe(201);
    expect((await staff.get(`/api/v1/meetings/${m.id}/materials`)).statusCode).toBe(403);
    expect((await outsider.get(`/api/v1/meetings/${m.id}/materials`)).statusCode).toBe(404);
    expect((await staff.post(`/api/v1/meetings/${m.id}/acknowledgements`)).statusCode).toBe(201);
    const materials = await staff.get(`/api/v1/meetings/${m.id}/materials`);
    expect(materials.statusCode).toBe(200);
    expect(json(materials)).toMatchObject({ confidential: true, confidentialityLabel: '非公開（児童福祉法第25条の5の守秘義務あり）' });

    // A resource gap decided there stays with the attendees who acknowledged.
    const gap = await coordinator.post(`/api/v1/meetings/${m.id}/decisions`, { agendaItemId: json(added).items[0].id, kind: 'resource_gap', content: '放課後の居場所が足りない' });
    expect(gap.statusCode, gap.body).toBe(201);
    const seen = (a: Agent) => a.get('/api/v1/resource-gaps').then((r) => json(r).items.map((g: { content: string }) => g.content));
    expect(await seen(staff)).toContain('放課後の居場所が足りない');
    expect(await seen(outsider)).not.toContain('放課後の居場所が足りない');
  });

  it('the administrator may mark the 地域自立支援協議会 statutory where its rules say so; its meetings then need the acknowledgement', async () => {
    const body = await setBodyRule(t, (b) => b.name === '地域自立支援協議会', { confidentiality: 'statutory', confidentialityBasis: '障害者総合支援法第89条の3' });
    expect(body.notice).toContain('障害者総合支援法第89条の3');
    const m = json(await coordinator.post('/api/v1/meetings', { meetingBodyId: body.id, title: '個別支援会議', scheduledAt: held(), place: '会議室' }));
    expect(m).toMatchObject({ confidential: true, agenda: null, can: { acknowledge: true } });
    const added = await coordinator.post(`/api/v1/meetings/${m.id}/agenda`, { kind: 'person', personId, title: '相談' });
    expect(added.statusCode).toBe(403);
  });
});

describe('presets follow the seeds', () => {
  it('every body with a statutory 守秘義務 says so, with its article; 小金井市 招集 市・主催 社協・市は毎回出席', () => {
    const presets = readPresets();
    for (const p of presets) {
      for (const b of p.meetingBodies) {
        if (b.kind === 'shien') expect(b, `${p.key} ${b.name}`).toMatchObject({ confidentiality: 'statutory', confidentialityBasis: '社会福祉法第106条の6', consentRequired: false });
        if (/要保護児童対策地域協議会|地域ケア会議|生活困窮者自立支援法第9条/.test(b.name)) expect(b.confidentiality, `${p.key} ${b.name}`).toBe('statutory');
        if (b.confidentiality === 'statutory') expect(b.confidentialityBasis, `${p.key} ${b.name}`).toBeTruthy();
      }
    }
    const koganei = presets.find((p) => p.key === 'koganei')!;
    expect(koganei.meetingBodies.find((b) => b.kind === 'jusou')).toMatchObject({ convenedBy: 'secretariat', hostAgencyKey: 'shakyo', secretariatAttends: true });
    expect(koganei.agencies.find((a) => a.key === 'shakyo')!.name).toBe('小金井市社会福祉協議会');
    expect(presets.find((p) => p.key === 'fussa')!.settings?.meetingRules).toMatchObject({ participationSupportDecidedBy: 'meeting' });
  });
});
