import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { todayJst } from '../support/people.ts';
import { setMeetingRules } from '../support/meetings.ts';

/**
 * 支援プラン of a 多機関協働 case: drafting (案) with versions and their
 * changes, the team rule for agencies, optimistic concurrency, approval by
 * the 主担当 (consent and 次回評価日 required), the case transition that
 * starts the plan, the 次回評価日, evaluation per goal, and closure only
 * after evaluation.
 */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe.each(DATABASE_KINDS)('support plans (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let caseId: string;
  let planId: string;
  const today = todayJst();
  const reviewOn = addDays(today, 90);

  const base = () => ({
    longTermGoal: '母の介護の負担を減らし、息子が地域の中で役割を持って暮らせる',
    shortTermGoals: [{ text: '母が介護保険のサービスを使い始める' }, { text: '息子が週1回、居場所に通う' }],
    direction: '主担当の多機関協働が全体を調整し、地域包括が母の介護を、窓口が息子の就労準備を支える。',
    actions: [{ content: '世帯全体の状況確認と関係機関の調整', agencyId: w.agencies.coord, staffName: '調整 さくら', frequency: '月2回', period: '6か月' }],
    leadAgencyId: w.agencies.coord,
  });

  const url = (suffix = '') => `/api/v1/cases/${caseId}/plans${suffix}`;
  const put = (agent: Agent, path: string, body: unknown) => agent.request('PUT', path, body);

  async function transition(to: string, extra: Record<string, unknown> = {}) {
    const current = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}`));
    return w.coordinator.agent.post(`/api/v1/cases/${caseId}/transitions`, { to, reason: `${to} へ`, version: current.version, ...extra });
  }

  async function plan(agent: Agent = w.coordinator.agent) {
    const res = await agent.get(url(`/${planId}`));
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  }

  beforeAll(async () => {
    // Closures, suspensions and approvals with a typed meeting reference: a municipality whose rules do not bind them
    // to a 重層的支援会議 decision (the rule itself: meeting-rules.test.ts).
    await setMeetingRules(t, { meetingDecisions: [] });
    w = await caseWorld(t);
    caseId = (await open8050Case(w)).case.id;
  });

  it('no plan while the case is at 受付; then the case moves to プラン作成', async () => {
    const early = await w.coordinator.agent.post(url(), base());
    expect(early.statusCode, early.body).toBe(422);
    expect(json(early).error.message).toContain('アセスメント');
    expect((await transition('assessment')).statusCode).toBe(200);
    expect((await transition('planning')).statusCode).toBe(200);
  });

  it('refuses bad input, naming the fields', async () => {
    const empty = await w.coordinator.agent.post(url(), { ...base(), shortTermGoals: [] });
    expect(empty.statusCode).toBe(422);
    expect(json(empty).error.fields.shortTermGoals).toMatch(/^短期目標：/);

    const action = base().actions[0]!;
    const many = await w.coordinator.agent.post(url(), { ...base(), actions: Array.from({ length: 31 }, () => action) });
    expect(many.statusCode).toBe(422);
    expect(json(many).error.fields.actions).toContain('30行以内');

    const blank = await w.coordinator.agent.post(url(), { ...base(), actions: [{ ...action, content: ' ' }], shortTermGoals: [{ text: '' }] });
    expect(blank.statusCode).toBe(422);
    expect(Object.keys(json(blank).error.fields).sort()).toEqual(['actions.0.content', 'shortTermGoals.0.text']);

    const future = await w.coordinator.agent.post(url(), { ...base(), consentOn: addDays(today, 1), consentMethod: '書面' });
    expect(future.statusCode).toBe(422);
    expect(json(future).error.fields.consentOn).toContain('未来');

    const method = await w.coordinator.agent.post(url(), { ...base(), consentMethod: 'メール' });
    expect(method.statusCode).toBe(422);
    expect(json(method).error.fields.consentMethod).toContain('書面・口頭');

    const listed = json(await w.coordinator.agent.get(url()));
    expect(listed.items).toEqual([]);
  });

  it('refuses an action agency that is not on the team', async () => {
    const res = await w.coordinator.agent.post(url(), {
      ...base(),
      actions: [...base().actions, { content: '母の介護保険の申請支援', agencyId: w.agencies.houkatsu, staffName: '', frequency: '随時', period: '3か月' }],
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(json(res).error.fields).toEqual({ 'actions.1.agencyId': expect.stringContaining('チームの機関') });
    const lead = await w.coordinator.agent.post(url(), { ...base(), leadAgencyId: w.agencies.houkatsu });
    expect(lead.statusCode).toBe(422);
    expect(json(lead).error.fields.leadAgencyId).toBeTruthy();
  });

  it('creates 第1回プラン as 案 with keyed goals, and only one 案 at a time', async () => {
    const res = await w.coordinator.agent.post(url(), { ...base(), changeNote: '初回の案' });
    expect(res.statusCode, res.body).toBe(201);
    const p = json(res);
    planId = p.id;
    expect(p).toMatchObject({ planNo: 1, status: 'draft', statusLabel: '案', currentVersion: 1, version: 1, nextReviewOn: null, approval: null });
    expect(p.content.shortTermGoals.map((g: { key: string }) => g.key)).toEqual(['g1', 'g2']);
    expect(p.content.actions[0]).toMatchObject({ agencyId: w.agencies.coord, agencyName: expect.stringContaining('コーディネーター') });
    expect(p.versions).toEqual([expect.objectContaining({ versionNo: 1, changes: [], changeNote: '初回の案', byUserName: '調整 さくら' })]);
    expect(p.events.map((e: { kind: string }) => e.kind)).toEqual(['draft']);
    expect(p.can).toMatchObject({ edit: true, approve: true, evaluate: false });

    const second = await w.coordinator.agent.post(url(), base());
    expect(second.statusCode).toBe(422);
    expect(json(second).error.code).toBe('draft_exists');
    const list = json(await w.coordinator.agent.get(url()));
    expect(list.items).toHaveLength(1);
    expect(list.can).toMatchObject({ create: false, createBlockedReason: expect.stringContaining('案') });
  });

  it('saves a new version (team agency added as 協力); history names the changed items; keys are kept', async () => {
    const added = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(added.statusCode, added.body).toBe(201);
    const current = await plan();
    const body = {
      ...base(),
      longTermGoal: '母が安心して在宅で暮らし、息子が社会とのつながりを取り戻す',
      shortTermGoals: [...current.content.shortTermGoals, { text: '息子が就労準備支援の面談を受ける' }],
      actions: [
        ...base().actions,
        { content: '母の要介護認定の申請とケアプラン作成の支援', agencyId: w.agencies.houkatsu, staffName: '包括 次郎', frequency: '随時', period: '3か月' },
        { content: '息子への訪問と居場所の紹介', agencyId: w.agencies.coord, staffName: '調整 さくら', frequency: '週1回', period: '6か月' },
      ],
      changeNote: '地域包括の役割を追加',
      baseVersion: 1,
    };
    // A 協力 team member may write the 案.
    const res = await put(w.houkatsu.agent, url(`/${planId}`), body);
    expect(res.statusCode, res.body).toBe(200);
    const p = json(res);
    expect(p).toMatchObject({ currentVersion: 2, version: 2, status: 'draft' });
    expect(p.content.shortTermGoals.map((g: { key: string }) => g.key)).toEqual(['g1', 'g2', 'g3']);
    expect(p.content.actions).toHaveLength(3);
    expect(p.versions[0]).toMatchObject({ versionNo: 2, byUserName: '包括 次郎', changeNote: '地域包括の役割を追加' });
    expect(p.versions[0].changes).toEqual(['長期目標', '短期目標', '支援の内容と役割分担']);

    const v1 = await w.coordinator.agent.get(url(`/${planId}/versions/1`));
    expect(v1.statusCode).toBe(200);
    expect(json(v1)).toMatchObject({ versionNo: 1, planNo: 1, longTermGoal: base().longTermGoal, changes: [] });
    const v2 = json(await w.coordinator.agent.get(url(`/${planId}/versions/2`)));
    expect(v2.changes).toEqual(['長期目標', '短期目標', '支援の内容と役割分担']);
    expect((await w.coordinator.agent.get(url(`/${planId}/versions/9`))).statusCode).toBe(404);
  });

  it('a stale base version is a 409 with both versions and saves nothing', async () => {
    const res = await put(w.coordinator.agent, url(`/${planId}`), { ...base(), direction: '古い版からの変更', baseVersion: 1 });
    expect(res.statusCode).toBe(409);
    const body = json(res);
    expect(body.error.message).toContain('ほかの方');
    expect(body.current).toMatchObject({ id: planId, currentVersion: 2 });
    expect(body.current.content.actions).toHaveLength(3);
    expect(body.yours).toMatchObject({ direction: '古い版からの変更', baseVersion: 1 });
    const after = await plan();
    expect(after.currentVersion).toBe(2);
    expect(after.versions).toHaveLength(2);
    expect(after.content.direction).toBe(base().direction);
  });

  it('approval needs the consent and the 次回評価日; the 協力 agency may not approve', async () => {
    let p = await plan();
    const missing = await w.coordinator.agent.post(url(`/${planId}/approve`), { decisionRef: '第3回重層的支援会議 議事録 2', decidedOn: today, version: p.version });
    expect(missing.statusCode).toBe(422);
    expect(Object.keys(json(missing).error.fields).sort()).toEqual(['consentMethod', 'consentOn', 'nextReviewOn']);

    // Consent recorded in a new version.
    const saved = await put(w.coordinator.agent, url(`/${planId}`), {
      ...base(),
      longTermGoal: p.content.longTermGoal,
      shortTermGoals: p.content.shortTermGoals,
      actions: p.content.actions.map(({ agencyName: _n, ...a }: { agencyName: string }) => a),
      consentOn: today,
      consentMethod: '書面',
      nextReviewOn: reviewOn,
      baseVersion: p.currentVersion,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    p = json(saved);
    expect(p.versions[0].changes).toEqual(['本人の同意の日付', '本人の同意の方法', '次回評価日']);
    expect(p.nextReviewOn).toBe(reviewOn);

    const future = await w.coordinator.agent.post(url(`/${planId}/approve`), { decisionRef: '会議', decidedOn: addDays(today, 2), version: p.version });
    expect(future.statusCode).toBe(422);
    expect(json(future).error.fields.decidedOn).toBeTruthy();

    const byPartner = await w.houkatsu.agent.post(url(`/${planId}/approve`), { decisionRef: '会議', decidedOn: today, version: p.version });
    expect(byPartner.statusCode).toBe(403);

    const stale = await w.coordinator.agent.post(url(`/${planId}/approve`), { decisionRef: '会議', decidedOn: today, version: p.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current.status).toBe('draft');

    const ok = await w.coordinator.agent.post(url(`/${planId}/approve`), { decisionRef: '第3回重層的支援会議 議事録 2', decidedOn: today, meetingId: null, version: p.version });
    expect(ok.statusCode, ok.body).toBe(200);
    const approved = json(ok);
    expect(approved).toMatchObject({
      status: 'approved',
      statusLabel: '承認',
      approval: { approvedOn: today, ref: '第3回重層的支援会議 議事録 2', meetingId: null, byUserName: '調整 さくら' },
      can: { edit: false, approve: false, evaluate: true, changeReviewDate: true },
    });
    expect(approved.events.map((e: { kind: string }) => e.kind)).toEqual(['draft', 'approved']);
  });

  it('an approved plan cannot be edited', async () => {
    const p = await plan();
    const res = await put(w.coordinator.agent, url(`/${planId}`), { ...base(), baseVersion: p.currentVersion });
    expect(res.statusCode).toBe(422);
    expect(json(res).error.message).toBe('承認済みのプランは変更できません。見直す場合は新しいプランを作成してください');
    expect((await plan()).currentVersion).toBe(p.currentVersion);
  });

  it('an agency outside the team gets 404 everywhere', async () => {
    const o = w.outsider.agent;
    const p = await plan();
    const answers = await Promise.all([
      o.get(url()),
      o.get(url(`/${planId}`)),
      o.get(url(`/${planId}/versions/1`)),
      o.post(url(), base()),
      put(o, url(`/${planId}`), { ...base(), baseVersion: p.currentVersion }),
      o.post(url(`/${planId}/approve`), { decisionRef: '会議', decidedOn: today, version: p.version }),
      o.post(url(`/${planId}/evaluate`), { goals: [{ key: 'long', achievement: '達成' }], evaluatedOn: today, version: p.version }),
      o.patch(url(`/${planId}/review-date`), { nextReviewOn: addDays(today, 30), version: p.version }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    expect(JSON.stringify(answers.map((r) => r.body))).not.toContain('母の介護');
  });

  it('the case going プラン作成 → 支援中 makes the plan 実施中', async () => {
    const res = await transition('active');
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).plan).toMatchObject({ id: planId, status: 'active', statusLabel: '実施中' });
    const p = await plan();
    expect(p).toMatchObject({ status: 'active', startedOn: today });
    expect(p.events.map((e: { kind: string }) => e.kind)).toEqual(['draft', 'approved', 'active']);
  });

  it('moves the 次回評価日, recording the old and new dates', async () => {
    const p = await plan();
    const past = await w.coordinator.agent.patch(url(`/${planId}/review-date`), { nextReviewOn: addDays(today, -1), version: p.version });
    expect(past.statusCode).toBe(422);
    const byPartner = await w.houkatsu.agent.patch(url(`/${planId}/review-date`), { nextReviewOn: addDays(today, 120), version: p.version });
    expect(byPartner.statusCode).toBe(403);
    const moved = addDays(today, 120);
    const res = await w.coordinator.agent.patch(url(`/${planId}/review-date`), { nextReviewOn: moved, reason: '本人の入院のため', version: p.version });
    expect(res.statusCode, res.body).toBe(200);
    const after = json(res);
    expect(after.nextReviewOn).toBe(moved);
    const event = after.events.at(-1);
    expect(event).toMatchObject({ kind: 'review_date', label: '次回評価日の変更', byUserName: '調整 さくら' });
    expect(event.note).toContain(`${Number(reviewOn.slice(0, 4))}年`);
    expect(event.note).toContain('本人の入院のため');
    expect(after.content.nextReviewOn).toBe(reviewOn);
    const stale = await w.coordinator.agent.patch(url(`/${planId}/review-date`), { nextReviewOn: addDays(today, 100), version: p.version });
    expect(stale.statusCode).toBe(409);
  });

  it('the case cannot close before the plan is evaluated', async () => {
    expect((await transition('evaluation')).statusCode).toBe(200);
    const res = await transition('closed', {
      closure: {
        reason: '課題解決',
        meetingRef: '第5回重層的支援会議',
        meetingDate: today,
        followUpAgencyId: w.agencies.houkatsu,
        followUpFrequency: '月1回の電話',
        followUpIntervalDays: 30,
      },
    });
    expect(res.statusCode).toBe(422);
    expect(json(res).error.message).toContain('評価');
  });

  it('evaluation covers every goal with a known achievement', async () => {
    const p = await plan();
    const keys = ['long', ...p.content.shortTermGoals.map((g: { key: string }) => g.key)];
    expect(keys).toEqual(['long', 'g1', 'g2', 'g3']);
    const all = (achievement = '達成') => keys.map((key) => ({ key, achievement, comment: '' }));

    const partial = await w.coordinator.agent.post(url(`/${planId}/evaluate`), { goals: all().slice(0, 3), evaluatedOn: today, version: p.version });
    expect(partial.statusCode).toBe(422);
    expect(Object.keys(json(partial).error.fields)).toEqual(['goals.g3']);

    const unknown = await w.coordinator.agent.post(url(`/${planId}/evaluate`), { goals: all('ほぼ達成'), evaluatedOn: today, version: p.version });
    expect(unknown.statusCode).toBe(422);
    expect(json(unknown).error.fields['goals.0.achievement']).toContain('達成・一部達成・未達成');

    const stranger = await w.coordinator.agent.post(url(`/${planId}/evaluate`), {
      goals: [...all(), { key: 'g9', achievement: '達成' }],
      evaluatedOn: today,
      version: p.version,
    });
    expect(stranger.statusCode).toBe(422);
    expect(json(stranger).error.fields['goals.4.key']).toBeTruthy();

    const byPartner = await w.houkatsu.agent.post(url(`/${planId}/evaluate`), { goals: all(), evaluatedOn: today, version: p.version });
    expect(byPartner.statusCode).toBe(403);

    const goals = [
      { key: 'long', achievement: '一部達成', comment: '母の介護は安定。息子は継続支援' },
      { key: 'g1', achievement: '達成', comment: '訪問介護を週2回利用開始' },
      { key: 'g2', achievement: '一部達成', comment: '月2回程度' },
      { key: 'g3', achievement: '未達成', comment: '' },
    ];
    const ok = await w.coordinator.agent.post(url(`/${planId}/evaluate`), { goals, comment: '支援の継続は伴走で', evaluatedOn: today, version: p.version });
    expect(ok.statusCode, ok.body).toBe(200);
    const evaluated = json(ok);
    expect(evaluated).toMatchObject({ status: 'evaluated', statusLabel: '評価済', can: { evaluate: false, changeReviewDate: false } });
    expect(evaluated.evaluation).toMatchObject({ comment: '支援の継続は伴走で', evaluatedOn: today, byUserName: '調整 さくら' });
    expect(evaluated.evaluation.goals[0]).toMatchObject({ key: 'long', text: p.content.longTermGoal, achievement: '一部達成' });
    expect(evaluated.evaluation.goals.map((g: { achievement: string }) => g.achievement)).toEqual(['一部達成', '達成', '一部達成', '未達成']);
    expect(evaluated.events.at(-1)).toMatchObject({ kind: 'evaluated', label: '評価' });

    const again = await w.coordinator.agent.post(url(`/${planId}/evaluate`), { goals, evaluatedOn: today, version: evaluated.version });
    expect(again.statusCode).toBe(422);
  });

  it('after evaluation the case closes with the follow-up agency', async () => {
    const res = await transition('closed', {
      closure: {
        reason: '課題解決',
        meetingRef: '第5回重層的支援会議',
        meetingDate: today,
        followUpAgencyId: w.agencies.houkatsu,
        followUpFrequency: '月1回の電話',
        followUpIntervalDays: 30,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ status: 'closed', closure: { reason: '課題解決', followUpAgency: { id: w.agencies.houkatsu } } });
    const list = json(await w.coordinator.agent.get(url()));
    expect(list.can.create).toBe(false);
    const create = await w.coordinator.agent.post(url(), base());
    expect(create.statusCode).toBe(422);
  });

  it('every read and write is audited', async () => {
    const rows = await t.db
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('target_id', '=', caseId)
      .where('action', 'like', 'plan.%')
      .execute();
    const seen = new Set(rows.filter((r) => r.outcome === 'success').map((r) => r.action));
    for (const action of ['plan.read', 'plan.create', 'plan.save', 'plan.approve', 'plan.evaluate', 'plan.review_date']) expect(seen).toContain(action);
    expect(rows.some((r) => r.action === 'plan.read' && r.outcome === 'denied')).toBe(true);
  });

  it('a revision drafted while a plan runs supersedes it once approved, and starts at once', async () => {
    const c = (await open8050Case(w, { name: '見直 次郎' })).case;
    const u = (s = '') => `/api/v1/cases/${c.id}/plans${s}`;
    const move = async (to: string) => {
      const k = json(await w.coordinator.agent.get(`/api/v1/cases/${c.id}`));
      const r = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/transitions`, { to, reason: '進める', version: k.version });
      expect(r.statusCode, r.body).toBe(200);
    };
    await move('assessment');
    await move('planning');
    const complete = { ...base(), consentOn: today, consentMethod: '口頭', nextReviewOn: reviewOn };
    const first = json(await w.coordinator.agent.post(u(), complete));
    expect(json(await w.coordinator.agent.post(u(`/${first.id}/approve`), { decisionRef: '第1回会議', decidedOn: today, version: first.version })).status).toBe('approved');
    await move('active');
    const second = await w.coordinator.agent.post(u(), { ...complete, longTermGoal: '見直した長期目標' });
    expect(second.statusCode, second.body).toBe(201);
    expect(json(second).planNo).toBe(2);
    const approved = await w.coordinator.agent.post(u(`/${json(second).id}/approve`), { decisionRef: '第2回会議', decidedOn: today, version: json(second).version });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json(approved)).toMatchObject({ status: 'active', startedOn: today });
    const list = json(await w.coordinator.agent.get(u()));
    expect(list.items.map((p: { planNo: number }) => p.planNo)).toEqual([2, 1]);
    const old = list.items[1];
    expect(old).toMatchObject({ status: 'active', supersededByPlanNo: 2, nextReviewOn: null, can: { evaluate: false, changeReviewDate: false } });
    expect(old.events.at(-1)).toMatchObject({ kind: 'superseded', note: expect.stringContaining('第2回プラン') });
  });
});
