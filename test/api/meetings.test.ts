import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { setBodyRule } from '../support/meetings.ts';
import { auditCount, recordConsent, todayJst } from '../support/people.ts';

/**
 * 会議体 (DOMAIN.md §4): who convenes, who sees a meeting, the consent rule
 * of 重層的支援会議, the 守秘義務 acknowledgement and 非公開 materials of
 * 支援会議 (which never open the case or person pages), the 推進会議 without
 * individual cases, and decisions that approve a plan and close a case.
 */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe.each(DATABASE_KINDS)('meetings (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let sec: { user: TestUser; agent: Agent };
  const bodies: Record<string, string> = {};
  let caseNoConsent: { id: string; sonId: string };
  let caseConsent: { id: string; sonId: string };
  let jusouId: string;
  let shienId: string;
  let suishinId: string;
  const today = todayJst();
  /** An hour ago: decisions are recorded after the meeting. */
  const held = () => new Date(Date.now() - 60 * 60 * 1000).toISOString();

  async function convene(agent: Agent, bodyKind: string, title: string, extra: Record<string, unknown> = {}) {
    return agent.post('/api/v1/meetings', { meetingBodyId: bodies[bodyKind], title, scheduledAt: held(), place: '市役所第二庁舎 801会議室', ...extra });
  }

  async function invite(agent: Agent, meetingId: string, userId: string) {
    const res = await agent.post(`/api/v1/meetings/${meetingId}/attendees`, { userId });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }

  beforeAll(async () => {
    // These tests are about consent and confidentiality: coordinators convene here. 小金井市's own rule for its
    // 重層的支援会議 (招集 市, 市 attends every one) is tested in meeting-rules.test.ts.
    await setBodyRule(t, (b) => b.kind === 'jusou', { convenedBy: null, secretariatAttends: false });
    w = await caseWorld(t);
    const u = await t.createUser({ agency: '地域福祉課', role: 'secretariat', name: '事務局 花子' });
    sec = { user: u, agent: await t.login(u.loginId, u.password) };
    const rows = await t.db.selectFrom('meeting_bodies').select(['id', 'kind']).where('municipality_id', '=', t.municipalityId).execute();
    for (const r of rows) bodies[r.kind] ??= r.id;
    expect(Object.keys(bodies)).toEqual(expect.arrayContaining(['jusou', 'shien', 'suishin']));
    // The son's consent to agency sharing lists only the window and the coordinators: the outsider never sees him outside the 支援会議.
    const a = await open8050Case(w, { name: '小金 太一', consentAgencies: [w.agencies.window, w.agencies.coord] });
    caseNoConsent = { id: a.case.id, sonId: a.sonId };
    const b = await open8050Case(w, { name: '緑 次郎' });
    caseConsent = { id: b.case.id, sonId: b.sonId };
    await recordConsent(w.window.agent, { personId: b.sonId, purpose: 'meeting_sharing' });
  });

  it('convenes: coordinators and the 事務局 convene; 支援会議 only the 事務局 (the municipality)', async () => {
    const bad = await w.coordinator.agent.post('/api/v1/meetings', { meetingBodyId: bodies.jusou, title: '', scheduledAt: 'あした' });
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(json(bad).error.fields).sort()).toEqual(['place', 'scheduledAt', 'title']);

    const jusou = await convene(w.coordinator.agent, 'jusou', '第3回重層的支援会議');
    expect(jusou.statusCode, jusou.body).toBe(201);
    const m = json(jusou);
    jusouId = m.id;
    expect(m).toMatchObject({ kind: 'jusou', kindLabel: '重層的支援会議', status: 'scheduled', confidential: false, confidentiality: null });
    expect(m.attendees).toHaveLength(1);
    expect(m.attendees[0]).toMatchObject({ userId: w.coordinator.user.id, role: 'chair' });

    const byCoordinator = await convene(w.coordinator.agent, 'shien', '支援会議');
    expect(byCoordinator.statusCode).toBe(403);
    expect(json(byCoordinator).error.message).toContain('市（事務局）');
    const byStaff = await convene(w.houkatsu.agent, 'jusou', '包括の会議');
    expect(byStaff.statusCode).toBe(403);

    const shien = await convene(sec.agent, 'shien', '第1回支援会議', { online: true, place: null });
    expect(shien.statusCode, shien.body).toBe(201);
    shienId = json(shien).id;
    expect(json(shien)).toMatchObject({ kind: 'shien', confidential: true, confidentiality: { required: true }, agenda: null });

    const suishin = await convene(sec.agent, 'suishin', '令和8年度第1回推進会議');
    expect(suishin.statusCode).toBe(201);
    suishinId = json(suishin).id;
    expect(await t.db.selectFrom('meetings').select('id').where('municipality_id', '=', t.municipalityId).execute()).toHaveLength(3);
  });

  it('重層的支援会議: a case without consent to meeting sharing is refused with the routes; with consent it enters', async () => {
    const refused = await w.coordinator.agent.post(`/api/v1/meetings/${jusouId}/agenda`, { kind: 'case', caseId: caseNoConsent.id, title: '8050世帯の支援方針' });
    expect(refused.statusCode).toBe(422);
    const body = json(refused);
    expect(body.error.code).toBe('consent_required');
    expect(body.error.message).toContain('支援会議');
    expect(body.routes.map((r: { kind: string }) => r.kind)).toEqual(['shien', 'consent']);
    expect(body.routes[1].href).toBe(`/persons/${caseNoConsent.sonId}#consent`);

    const unknownPerson = await w.coordinator.agent.post(`/api/v1/meetings/${jusouId}/agenda`, { kind: 'person', personAlias: '公園の男性', title: '見守り' });
    expect(unknownPerson.statusCode).toBe(422);
    expect(json(unknownPerson).error.code).toBe('consent_required');

    const ok = await w.coordinator.agent.post(`/api/v1/meetings/${jusouId}/agenda`, { kind: 'case', caseId: caseConsent.id, title: 'プランの承認' });
    expect(ok.statusCode, ok.body).toBe(201);
    const [item] = json(ok).items;
    expect(item).toMatchObject({ seq: 1, kind: 'case', case: { id: caseConsent.id }, consentBasis: { basis: 'consent', purpose: 'meeting_sharing' } });
    const again = await w.coordinator.agent.post(`/api/v1/meetings/${jusouId}/agenda`, { kind: 'case', caseId: caseConsent.id, title: '重複' });
    expect(again.statusCode).toBe(422);
    const rows = await t.db.selectFrom('meeting_agenda_items').select('case_id').where('meeting_id', '=', jusouId).execute();
    expect(rows.map((r) => r.case_id)).toEqual([caseConsent.id]);
  });

  it('支援会議: materials open only after the attendee acknowledges the 守秘義務, and never open the case', async () => {
    await invite(sec.agent, shienId, w.coordinator.user.id);
    const attendees = await invite(sec.agent, shienId, w.outsider.user.id);
    expect(attendees.items).toHaveLength(3);
    const external = await sec.agent.post(`/api/v1/meetings/${shienId}/attendees`, { externalName: '民生 委員', externalOrganization: '民生委員・児童委員協議会' });
    expect(external.statusCode).toBe(201);

    const c = w.coordinator.agent;
    const before = json(await c.get(`/api/v1/meetings/${shienId}`));
    expect(before).toMatchObject({ agenda: null, confidentiality: { required: true, acknowledgedAt: null }, can: { acknowledge: true, addAgenda: false } });
    for (const path of ['agenda', 'materials', 'decisions']) {
      const res = await c.get(`/api/v1/meetings/${shienId}/${path}`);
      expect(res.statusCode, path).toBe(403);
      expect(json(res).error.message).toContain('守秘義務の確認が必要です');
    }
    const early = await c.post(`/api/v1/meetings/${shienId}/agenda`, { kind: 'case', caseId: caseNoConsent.id, title: '早すぎる' });
    expect(early.statusCode).toBe(403);

    const ack = await c.post(`/api/v1/meetings/${shienId}/acknowledgements`, {});
    expect(ack.statusCode, ack.body).toBe(201);
    expect(json(ack).textVersion).toBeTruthy();
    const ackAt = json(ack).acknowledgedAt;
    expect(Date.parse(ackAt)).toBeGreaterThan(Date.now() - 60_000);
    const twice = await c.post(`/api/v1/meetings/${shienId}/acknowledgements`, {});
    expect(twice.statusCode).toBe(200);
    expect(json(twice).acknowledgedAt).toBe(ackAt);
    const list = json(await sec.agent.get(`/api/v1/meetings/${shienId}/acknowledgements`));
    expect(list.items.find((i: { name: string }) => i.name === '調整 さくら').acknowledgedAt).toBe(ackAt);
    expect(list.items.find((i: { name: string }) => i.name === '外部 三子').acknowledgedAt).toBeNull();

    // No consent is needed here; a person known only partly may be discussed too.
    const added = await c.post(`/api/v1/meetings/${shienId}/agenda`, { kind: 'case', caseId: caseNoConsent.id, title: '同意のない8050世帯' });
    expect(added.statusCode, added.body).toBe(201);
    expect(json(added).items[0].consentBasis.basis).toBe('shien_106_6');
    const partly = await c.post(`/api/v1/meetings/${shienId}/agenda`, {
      kind: 'person',
      personAlias: '駅前の公園で寝泊まりしている男性',
      description: '60代くらい。名前は分からない',
      title: '氏名不明の方の見守り',
    });
    expect(partly.statusCode, partly.body).toBe(201);
    expect(json(partly).items[1].person).toEqual({ id: null, name: '駅前の公園で寝泊まりしている男性' });

    // The outsider (not on the case team) may not put the case on the agenda, and must acknowledge before the materials.
    const o = w.outsider.agent;
    expect((await o.get(`/api/v1/meetings/${shienId}/materials`)).statusCode).toBe(403);
    expect((await o.post(`/api/v1/meetings/${shienId}/acknowledgements`, {})).statusCode).toBe(201);
    const hidden = await o.post(`/api/v1/meetings/${shienId}/agenda`, { kind: 'case', caseId: caseConsent.id, title: '見えない事例' });
    expect(hidden.statusCode).toBe(404);
    const materials = await o.get(`/api/v1/meetings/${shienId}/materials`);
    expect(materials.statusCode, materials.body).toBe(200);
    const m = json(materials);
    expect(m).toMatchObject({ confidential: true, confidentialityLabel: expect.stringContaining('非公開') });
    expect(m.items[0].case).toMatchObject({ id: caseNoConsent.id, status: 'intake' });
    expect(m.items[0].person.name).toContain('小金');
    expect(m.items[1]).toMatchObject({ kind: 'person', case: null });

    // Attendance grants nothing elsewhere: the case and the person stay closed to the outsider.
    expect((await o.get(`/api/v1/cases/${caseNoConsent.id}`)).statusCode).toBe(404);
    expect((await o.get(`/api/v1/persons/${caseNoConsent.sonId}`)).statusCode).toBe(404);
    const cases = json(await o.get('/api/v1/cases'));
    expect(cases.items).toHaveLength(0);

    // The reads are audited against the case.
    const audited = await t.db
      .selectFrom('audit_events')
      .select('target_id')
      .where('action', '=', 'meeting.materials.read')
      .where('actor_user_id', '=', w.outsider.user.id)
      .where('target_type', '=', 'case')
      .execute();
    expect(audited.map((a) => a.target_id)).toEqual([caseNoConsent.id]);

    // 支援会議 cannot close or approve: that is for a 重層的支援会議 after consent.
    const itemId = m.items[0].agendaItemId;
    const suspend = await c.post(`/api/v1/meetings/${shienId}/decisions`, { agendaItemId: itemId, kind: 'suspension', content: '中断' });
    expect(suspend.statusCode).toBe(422);
    expect(json(suspend).error.code).toBe('decision_not_allowed');
    const roles = await c.post(`/api/v1/meetings/${shienId}/decisions`, { agendaItemId: itemId, kind: 'role_split', content: '包括が母を、窓口が息子を訪問する' });
    expect(roles.statusCode, roles.body).toBe(201);
  });

  it('a user not invited gets 404 from every endpoint and finds nothing in lists or search', async () => {
    const h = w.houkatsu;
    const before = await auditCount(t.db, h.user.id);
    for (const id of [jusouId, shienId, suishinId]) {
      for (const path of ['', '/attendees', '/agenda', '/materials', '/decisions', '/acknowledgements', '/follow-ups', '/info-requests']) {
        const res = await h.agent.get(`/api/v1/meetings/${id}${path}`);
        expect(res.statusCode, `${id}${path}`).toBe(404);
        expect(res.body).not.toContain('会議室');
      }
      expect((await h.agent.post(`/api/v1/meetings/${id}/acknowledgements`, {})).statusCode).toBe(404);
      expect((await h.agent.post(`/api/v1/meetings/${id}/agenda`, { kind: 'topic', title: 'x' })).statusCode).toBe(404);
      expect((await h.agent.request('PATCH', `/api/v1/meetings/${id}`, { title: 'x', version: 1 })).statusCode).toBe(404);
      expect((await h.agent.post(`/api/v1/meetings/${id}/attendees`, { userId: h.user.id })).statusCode).toBe(404);
    }
    expect(await auditCount(t.db, h.user.id)).toBeGreaterThanOrEqual(before + 30);
    expect(json(await h.agent.get('/api/v1/meetings')).items).toEqual([]);
    expect(json(await h.agent.get('/api/v1/meetings?q=支援会議')).items).toEqual([]);
    // The invited see theirs.
    const mine = json(await w.outsider.agent.get('/api/v1/meetings?q=支援会議'));
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([shienId]);

    // Removal ends access at once.
    const detail = json(await sec.agent.get(`/api/v1/meetings/${shienId}`));
    const outsiderRow = detail.attendees.find((a: { userId: string | null }) => a.userId === w.outsider.user.id);
    expect((await sec.agent.request('DELETE', `/api/v1/meetings/${shienId}/attendees/${outsiderRow.id}`)).statusCode).toBe(200);
    expect((await w.outsider.agent.get(`/api/v1/meetings/${shienId}/materials`)).statusCode).toBe(404);
  });

  it('推進会議 refuses any case or person and records decisions about the system', async () => {
    const c = await sec.agent.post(`/api/v1/meetings/${suishinId}/agenda`, { kind: 'case', caseId: caseConsent.id, title: '個別事例' });
    expect(c.statusCode).toBe(422);
    expect(json(c).error.code).toBe('individual_not_allowed');
    const p = await sec.agent.post(`/api/v1/meetings/${suishinId}/agenda`, { kind: 'person', personAlias: 'Aさん', title: '個人' });
    expect(p.statusCode).toBe(422);
    expect(json(p).error.code).toBe('individual_not_allowed');
    const topic = await sec.agent.post(`/api/v1/meetings/${suishinId}/agenda`, { kind: 'topic', title: '庁内連携の課題', description: '子育てと介護の窓口の連携' });
    expect(topic.statusCode, topic.body).toBe(201);
    const itemId = json(topic).items[0].id;
    const approval = await sec.agent.post(`/api/v1/meetings/${suishinId}/decisions`, { agendaItemId: itemId, kind: 'plan_approval', content: 'x', planId: caseConsent.id });
    expect(approval.statusCode).toBe(422);
    const gap = await sec.agent.post(`/api/v1/meetings/${suishinId}/decisions`, { agendaItemId: itemId, kind: 'resource_gap', content: 'ひきこもりの方の居場所が不足' });
    expect(gap.statusCode, gap.body).toBe(201);
    const gaps = await t.db.selectFrom('resource_gaps').select(['content', 'status']).where('meeting_id', '=', suishinId).execute();
    expect(gaps).toEqual([{ content: 'ひきこもりの方の居場所が不足', status: 'open' }]);
    expect(await t.db.selectFrom('meeting_agenda_items').select('id').where('meeting_id', '=', suishinId).where('case_id', 'is not', null).execute()).toHaveLength(0);
  });

  it('重層的支援会議 decisions approve the plan and close the case, audited; 参加支援 only by the 事務局', async () => {
    const co = w.coordinator.agent;
    const caseUrl = `/api/v1/cases/${caseConsent.id}`;
    const move = async (to: string, extra: Record<string, unknown> = {}) => {
      const current = json(await co.get(caseUrl));
      const res = await co.post(`${caseUrl}/transitions`, { to, reason: `${to} へ`, version: current.version, ...extra });
      expect(res.statusCode, res.body).toBe(200);
    };
    await move('assessment');
    await move('planning');
    const created = await co.post(`${caseUrl}/plans`, {
      longTermGoal: '息子が地域の中で役割を持って暮らせる',
      shortTermGoals: [{ text: '週1回、居場所に通う' }],
      direction: '多機関協働が全体を調整する',
      actions: [{ content: '世帯の状況確認', agencyId: w.agencies.coord, staffName: '調整 さくら', frequency: '月2回', period: '6か月' }],
      leadAgencyId: w.agencies.coord,
      consentOn: today,
      consentMethod: '書面',
      nextReviewOn: addDays(today, 90),
    });
    expect(created.statusCode, created.body).toBe(201);
    const planId = json(created).id;

    await invite(co, jusouId, sec.user.id);
    const item = json(await co.get(`/api/v1/meetings/${jusouId}/agenda`)).items[0];

    const byHoukatsu = await w.houkatsu.agent.post(`/api/v1/meetings/${jusouId}/decisions`, { agendaItemId: item.id, kind: 'plan_approval', content: 'x', planId });
    expect(byHoukatsu.statusCode).toBe(404);
    const bySecretariatOffTeam = await sec.agent.post(`/api/v1/meetings/${jusouId}/decisions`, { agendaItemId: item.id, kind: 'plan_approval', content: 'x', planId });
    expect(bySecretariatOffTeam.statusCode).toBe(403);
    expect(json(bySecretariatOffTeam).error.message).toContain('主担当機関');
    expect(await t.db.selectFrom('meeting_decisions').select('id').where('meeting_id', '=', jusouId).execute()).toHaveLength(0);

    const approve = await co.post(`/api/v1/meetings/${jusouId}/decisions`, { agendaItemId: item.id, kind: 'plan_approval', content: 'プラン案を承認', planId });
    expect(approve.statusCode, approve.body).toBe(201);
    expect(json(approve).decision).toMatchObject({ kind: 'plan_approval', kindLabel: 'プラン承認', planId, planVersion: 1 });
    const plan = json(await co.get(`${caseUrl}/plans/${planId}`));
    expect(plan).toMatchObject({ status: 'approved', approval: { meetingId: jusouId, ref: expect.stringContaining('第3回重層的支援会議') } });

    const participation = { agendaItemId: item.id, kind: 'participation_support', content: '居場所（参加支援）の利用を決定' };
    const byCoordinator = await co.post(`/api/v1/meetings/${jusouId}/decisions`, participation);
    expect(byCoordinator.statusCode).toBe(403);
    const bySecretariat = await sec.agent.post(`/api/v1/meetings/${jusouId}/decisions`, participation);
    expect(bySecretariat.statusCode, bySecretariat.body).toBe(201);

    await move('active');
    await move('evaluation');
    const p = json(await co.get(`${caseUrl}/plans/${planId}`));
    const evaluated = await co.post(`${caseUrl}/plans/${planId}/evaluate`, {
      goals: [
        { key: 'long', achievement: '達成', comment: '' },
        { key: 'g1', achievement: '達成', comment: '' },
      ],
      evaluatedOn: today,
      version: p.version,
    });
    expect(evaluated.statusCode, evaluated.body).toBe(200);

    const closure = await co.post(`/api/v1/meetings/${jusouId}/decisions`, {
      agendaItemId: item.id,
      kind: 'closure',
      content: '転居により終結',
      closure: { reason: '転居', note: '市外へ転居' },
    });
    expect(closure.statusCode, closure.body).toBe(201);
    expect(json(closure).decision.caseTransitionSeq).toBeGreaterThan(0);
    const closed = json(await co.get(caseUrl));
    expect(closed).toMatchObject({ status: 'closed', closure: { reason: '転居', meetingId: jusouId, meetingRef: expect.stringContaining('第3回重層的支援会議') } });

    const actions = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_user_id', '=', w.coordinator.user.id)
      .where('target_id', '=', caseConsent.id)
      .where('outcome', '=', 'success')
      .where(sql<boolean>`action in ('plan.approve', 'case.transition', 'meeting.decision')`)
      .execute();
    const counts = actions.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.action]: (acc[a.action] ?? 0) + 1 }), {});
    expect(counts['plan.approve']).toBe(1);
    expect(counts['meeting.decision']).toBe(2);
    expect(counts['case.transition']).toBeGreaterThanOrEqual(5);

    const decisions = json(await sec.agent.get(`/api/v1/meetings/${jusouId}/decisions`)).items;
    expect(decisions.map((d: { kind: string }) => d.kind)).toEqual(['plan_approval', 'participation_support', 'closure']);
  });

  it('a stale meeting update is a 409 with the current meeting', async () => {
    const current = json(await sec.agent.get(`/api/v1/meetings/${suishinId}`));
    const ok = await sec.agent.request('PATCH', `/api/v1/meetings/${suishinId}`, { status: 'held', version: current.version });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ status: 'held', statusLabel: '開催済' });
    const stale = await sec.agent.request('PATCH', `/api/v1/meetings/${suishinId}`, { title: '古い版', version: current.version });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current.title).toBe('令和8年度第1回推進会議');
    const member = await w.outsider.agent.request('PATCH', `/api/v1/meetings/${shienId}`, { title: 'x', version: 1 });
    expect(member.statusCode).toBe(404);
  });

  it('follow-up actions have an owner among the attendees and a due date, and appear in the owner\'s work', async () => {
    const co = w.coordinator.agent;
    const yesterday = addDays(today, -1);
    const notAttendee = await co.post(`/api/v1/meetings/${jusouId}/follow-ups`, { content: '訪問', ownerUserId: w.houkatsu.user.id, dueOn: yesterday });
    expect(notAttendee.statusCode).toBe(422);
    expect(json(notAttendee).error.fields.ownerUserId).toContain('出席者');
    const added = await co.post(`/api/v1/meetings/${jusouId}/follow-ups`, { content: '居場所の利用調整', ownerUserId: sec.user.id, dueOn: yesterday });
    expect(added.statusCode, added.body).toBe(201);
    const [item] = json(added).items;
    expect(item).toMatchObject({ content: '居場所の利用調整', dueOn: yesterday, overdue: true, owner: { userId: sec.user.id, agencyName: '地域福祉課' } });

    // In a 支援会議 the owner sees it only after acknowledging the 守秘義務.
    const shienTask = await co.post(`/api/v1/meetings/${shienId}/follow-ups`, { content: '母の状況を包括に確認', ownerUserId: sec.user.id, dueOn: today });
    expect(shienTask.statusCode, shienTask.body).toBe(201);
    let mine = json(await sec.agent.get('/api/v1/meetings/follow-ups')).items;
    expect(mine.map((m: { content: string }) => m.content)).toEqual(['居場所の利用調整']);
    expect(mine[0].meeting).toMatchObject({ id: jusouId, kind: 'jusou', confidential: false });
    expect((await sec.agent.post(`/api/v1/meetings/${shienId}/acknowledgements`, {})).statusCode).toBe(201);
    mine = json(await sec.agent.get('/api/v1/meetings/follow-ups')).items;
    expect(mine.map((m: { content: string }) => m.content)).toEqual(['居場所の利用調整', '母の状況を包括に確認']);
    expect(mine[1].meeting.confidential).toBe(true);
    expect(json(await co.get('/api/v1/meetings/follow-ups')).items).toEqual([]);

    const byOther = await w.outsider.agent.post(`/api/v1/meetings/${jusouId}/follow-ups/${item.id}/done`, {});
    expect(byOther.statusCode).toBe(404);
    const done = await sec.agent.post(`/api/v1/meetings/${jusouId}/follow-ups/${item.id}/done`, {});
    expect(done.statusCode, done.body).toBe(200);
    expect(json(done).items[0].doneAt).toBeTruthy();
    expect(json(await sec.agent.get('/api/v1/meetings/follow-ups')).items.map((m: { content: string }) => m.content)).toEqual(['母の状況を包括に確認']);
  });

  it('the 支援会議 chair records 情報提供の求め and the replies', async () => {
    const ask = { toAgencyId: w.agencies.houkatsu, question: '母の介護認定の状況を教えてください' };
    const byMember = await w.coordinator.agent.post(`/api/v1/meetings/${shienId}/info-requests`, ask);
    expect(byMember.statusCode).toBe(403);
    const inJusou = await w.coordinator.agent.post(`/api/v1/meetings/${jusouId}/info-requests`, ask);
    expect(inJusou.statusCode).toBe(422);
    const added = await sec.agent.post(`/api/v1/meetings/${shienId}/info-requests`, ask);
    expect(added.statusCode, added.body).toBe(201);
    const [request] = json(added).items;
    expect(request).toMatchObject({ toAgency: { id: w.agencies.houkatsu }, reply: null, requestedByName: '事務局 花子' });
    const replied = await sec.agent.post(`/api/v1/meetings/${shienId}/info-requests/${request.id}/reply`, { reply: '要介護2。週2回の訪問介護を利用中' });
    expect(replied.statusCode, replied.body).toBe(200);
    expect(json(replied).items[0]).toMatchObject({ reply: '要介護2。週2回の訪問介護を利用中', repliedAt: expect.any(String) });
    const list = json(await w.coordinator.agent.get(`/api/v1/meetings/${shienId}/info-requests`));
    expect(list.items).toHaveLength(1);
    expect((await w.houkatsu.agent.get(`/api/v1/meetings/${shienId}/info-requests`)).statusCode).toBe(404);
  });

  it('counts per 年度 for the indicators: meetings held per kind, cases discussed, decisions by kind (事務局 only)', async () => {
    const cancelled = json(await convene(w.coordinator.agent, 'jusou', '中止した会議'));
    expect((await w.coordinator.agent.request('PATCH', `/api/v1/meetings/${cancelled.id}`, { status: 'cancelled', version: cancelled.version })).statusCode).toBe(200);
    const jst = new Date(Date.parse(json(await sec.agent.get(`/api/v1/meetings/${jusouId}`)).scheduledAt) + 9 * 3600 * 1000);
    const fy = jst.getUTCMonth() >= 3 ? jst.getUTCFullYear() : jst.getUTCFullYear() - 1;
    expect((await w.coordinator.agent.get(`/api/v1/meetings/counts?fiscalYear=${fy}`)).statusCode).toBe(403);
    const res = await sec.agent.get(`/api/v1/meetings/counts?fiscalYear=${fy}`);
    expect(res.statusCode, res.body).toBe(200);
    const counts = json(res);
    const byKind = Object.fromEntries(counts.kinds.map((k: { kind: string; held: number; casesDiscussed: number }) => [k.kind, [k.held, k.casesDiscussed]]));
    expect(byKind).toEqual({ jusou: [1, 1], shien: [1, 1], suishin: [1, 0], other: [0, 0] });
    const decisions = Object.fromEntries(counts.decisions.filter((d: { count: number }) => d.count).map((d: { kind: string; count: number }) => [d.kind, d.count]));
    expect(decisions).toEqual({ plan_approval: 1, closure: 1, participation_support: 1, role_split: 1, resource_gap: 1 });
    const other = json(await sec.agent.get(`/api/v1/meetings/counts?fiscalYear=${fy - 1}`));
    expect(other.kinds.every((k: { held: number }) => k.held === 0)).toBe(true);
  });

  it('resource gaps go to a list for community work; those of a 支援会議 stay with its attendees', async () => {
    const item = json(await w.coordinator.agent.get(`/api/v1/meetings/${shienId}/agenda`)).items[0];
    const gap = await w.coordinator.agent.post(`/api/v1/meetings/${shienId}/decisions`, { agendaItemId: item.id, kind: 'resource_gap', content: '夜間に対応できる見守りがない' });
    expect(gap.statusCode, gap.body).toBe(201);
    const seen = (agent: Agent) => agent.get('/api/v1/resource-gaps').then((r) => json(r).items.map((g: { content: string }) => g.content));
    expect(await seen(w.houkatsu.agent)).toEqual(['ひきこもりの方の居場所が不足']);
    expect(await seen(w.coordinator.agent)).toEqual(['夜間に対応できる見守りがない', 'ひきこもりの方の居場所が不足']);
    expect(await seen(w.outsider.agent)).toEqual(['ひきこもりの方の居場所が不足']);
  });

  it('once the person consents the case moves on to a 重層的支援会議; the consent must cover every attending agency', async () => {
    const co = w.coordinator.agent;
    const add = () => co.post(`/api/v1/meetings/${jusouId}/agenda`, { kind: 'case', caseId: caseNoConsent.id, title: '支援会議から引き継ぎ' });
    // Consent to meeting sharing that lists only the coordinators: the 事務局 attends too.
    await recordConsent(w.window.agent, { personId: caseNoConsent.sonId, purpose: 'meeting_sharing', scopeKind: 'listed', agencyIds: [w.agencies.coord] });
    const narrow = await add();
    expect(narrow.statusCode).toBe(422);
    expect(json(narrow).error.code).toBe('consent_required');
    expect(json(narrow).missingAgencies.map((a: { name: string }) => a.name)).toEqual(['地域福祉課']);

    await recordConsent(w.window.agent, {
      personId: caseNoConsent.sonId,
      purpose: 'meeting_sharing',
      scopeKind: 'listed',
      agencyIds: [w.agencies.coord, sec.user.agencyId],
    });
    const ok = await add();
    expect(ok.statusCode, ok.body).toBe(201);
    expect(json(ok).items.at(-1)).toMatchObject({ case: { id: caseNoConsent.id }, consentBasis: { basis: 'consent', scopeKind: 'listed' } });

    // An agency outside that consent cannot be invited while the case is on the agenda.
    const invite = await co.post(`/api/v1/meetings/${jusouId}/attendees`, { userId: w.houkatsu.user.id });
    expect(invite.statusCode).toBe(422);
    expect(json(invite).error.code).toBe('consent_required');
    expect(json(await co.get(`/api/v1/meetings/${jusouId}/attendees`)).items.map((a: { userId: string }) => a.userId)).not.toContain(w.houkatsu.user.id);
  });

  it('minutes per item (非公開 in a 支援会議: never on the case page) and attendance', async () => {
    const co = w.coordinator.agent;
    const item = json(await co.get(`/api/v1/meetings/${shienId}/agenda`)).items[0];
    expect(item).toMatchObject({ case: { id: caseNoConsent.id }, minutes: null, version: 1 });
    const secret = '母は夜間の徘徊があり、息子は昼夜逆転している（支援会議の記録）';
    const url = `/api/v1/meetings/${shienId}/agenda/${item.id}/minutes`;
    const saved = await co.request('PUT', url, { minutes: secret, version: 1 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(json(saved)).toMatchObject({ minutes: secret, version: 2, minutesUpdatedByName: '調整 さくら' });
    const stale = await sec.agent.request('PUT', url, { minutes: '上書き', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current.minutes).toBe(secret);
    expect((await w.houkatsu.agent.request('PUT', url, { minutes: 'x', version: 2 })).statusCode).toBe(404);

    // The coordinator is on the case team, yet nothing of the 支援会議 shows on the case or person pages.
    for (const path of [`/api/v1/cases/${caseNoConsent.id}`, `/api/v1/cases/${caseNoConsent.id}/records`, `/api/v1/persons/${caseNoConsent.sonId}`]) {
      const res = await co.get(path);
      expect(res.statusCode, path).toBe(200);
      expect(res.body, path).not.toContain('夜間の徘徊');
      expect(res.body, path).not.toContain('支援会議');
    }

    const detail = json(await sec.agent.get(`/api/v1/meetings/${shienId}`));
    const row = detail.attendees.find((a: { userId: string | null }) => a.userId === w.coordinator.user.id);
    expect((await co.request('PATCH', `/api/v1/meetings/${shienId}/attendees/${row.id}`, { attended: true })).statusCode).toBe(403);
    const marked = await sec.agent.request('PATCH', `/api/v1/meetings/${shienId}/attendees/${row.id}`, { attended: true });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(json(marked).items.find((a: { id: string }) => a.id === row.id).attended).toBe(true);
  });

  it('meetings held jointly (合同開催) show each other; each keeps its own attendees and rules', async () => {
    const joint = await convene(w.coordinator.agent, 'jusou', '合同開催の会議', { jointWithMeetingId: jusouId });
    expect(joint.statusCode, joint.body).toBe(201);
    expect(json(joint).jointMeetings.map((j: { id: string }) => j.id)).toEqual([jusouId]);
    const first = json(await w.coordinator.agent.get(`/api/v1/meetings/${jusouId}`));
    expect(first.jointMeetings.map((j: { id: string }) => j.id)).toEqual([json(joint).id]);
    // Joining a meeting one cannot see is refused as if it did not exist.
    const hidden = await convene(w.coordinator.agent, 'jusou', '見えない会議との合同', { jointWithMeetingId: suishinId });
    expect(hidden.statusCode).toBe(404);
  });

  it('主担当の決定 at a 重層的支援会議 makes the chosen team agency the case\'s lead, recorded and audited; at a 支援会議 it is recorded only', async () => {
    const co = w.coordinator.agent;
    const opened = await open8050Case(w, { name: '青葉 三郎' });
    const caseUrl = `/api/v1/cases/${opened.case.id}`;
    await recordConsent(w.window.agent, { personId: opened.sonId, purpose: 'meeting_sharing' });
    const joined = await co.post(`${caseUrl}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(joined.statusCode, joined.body).toBe(201);
    expect(json(await co.get(caseUrl)).leadAgency.id).toBe(w.agencies.coord);

    const meeting = json(await convene(co, 'jusou', '第4回重層的支援会議'));
    const agenda = await co.post(`/api/v1/meetings/${meeting.id}/agenda`, { kind: 'case', caseId: opened.case.id, title: '主担当の見直し' });
    expect(agenda.statusCode, agenda.body).toBe(201);
    const itemId = json(agenda).items[0].id;
    const decide = (body: Record<string, unknown>) =>
      co.post(`/api/v1/meetings/${meeting.id}/decisions`, { agendaItemId: itemId, kind: 'lead_decision', content: '母の介護が中心になったため、地域包括を主担当とする', ...body });

    const missing = await decide({});
    expect(missing.statusCode).toBe(422);
    expect(json(missing).error.fields.leadAgencyId).toContain('主担当にする機関');
    const offTeam = await decide({ leadAgencyId: w.agencies.other });
    expect(offTeam.statusCode).toBe(422);
    expect(json(offTeam).error.fields.leadAgencyId).toContain('事例のチームの機関から選んでください');
    const wrongKind = await co.post(`/api/v1/meetings/${meeting.id}/decisions`, { agendaItemId: itemId, kind: 'role_split', content: 'x', leadAgencyId: w.agencies.houkatsu });
    expect(wrongKind.statusCode).toBe(422);
    expect(await t.db.selectFrom('meeting_decisions').select('id').where('meeting_id', '=', meeting.id).execute()).toHaveLength(0);
    expect(json(await co.get(caseUrl)).leadAgency.id).toBe(w.agencies.coord);

    const ok = await decide({ leadAgencyId: w.agencies.houkatsu });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(json(ok).decision).toMatchObject({ kind: 'lead_decision', kindLabel: '主担当の決定', details: { leadAgencyId: w.agencies.houkatsu } });
    const after = json(await co.get(caseUrl));
    expect(after.leadAgency.id).toBe(w.agencies.houkatsu);
    const team = json(await co.get(`${caseUrl}/team`)).items.filter((m: { userId: string | null }) => m.userId === null);
    const roleOf = (agencyId: string) => team.find((m: { agencyId: string }) => m.agencyId === agencyId)?.role;
    expect(roleOf(w.agencies.houkatsu)).toBe('lead');
    expect(roleOf(w.agencies.coord)).toBe('cooperating');

    const audited = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_user_id', '=', w.coordinator.user.id)
      .where('target_id', '=', opened.case.id)
      .where('outcome', '=', 'success')
      .where(sql<boolean>`action in ('meeting.decision', 'case.team.update')`)
      .execute();
    expect(audited.map((a) => a.action).sort()).toEqual(['case.team.update', 'meeting.decision']);
    const rows = await t.db.selectFrom('meeting_decisions').select(['kind', 'details']).where('meeting_id', '=', meeting.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'lead_decision', details: { leadAgencyId: w.agencies.houkatsu } });

    // At a 支援会議 the decision is recorded only: the case team may be outside the person's consent.
    const shienItem = json(await co.get(`/api/v1/meetings/${shienId}/agenda`)).items[0];
    const shienBody = { agendaItemId: shienItem.id, kind: 'lead_decision', content: '包括を主担当とする方向で調整' };
    const withAgency = await co.post(`/api/v1/meetings/${shienId}/decisions`, { ...shienBody, leadAgencyId: w.agencies.houkatsu });
    expect(withAgency.statusCode).toBe(422);
    expect(json(withAgency).error.fields.leadAgencyId).toContain('記録だけ');
    const recorded = await co.post(`/api/v1/meetings/${shienId}/decisions`, shienBody);
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(json(recorded).decision.details).toBeNull();
    expect(json(await co.get(`/api/v1/cases/${caseNoConsent.id}`)).leadAgency.id).toBe(w.agencies.coord);
  });

  it('the meeting endpoints are in the OpenAPI document', async () => {
    const doc = json(await t.anonymous().get('/api/openapi.json'));
    for (const path of ['', '/{id}', '/{id}/attendees', '/{id}/agenda', '/{id}/decisions', '/{id}/acknowledgements', '/{id}/materials', '/{id}/follow-ups', '/counts']) {
      expect(doc.paths, path).toHaveProperty([`/api/v1/meetings${path}`]);
    }
    expect(doc.paths['/api/v1/meetings/{id}/agenda'].post.summary).toContain('consent_required');
  });
});
