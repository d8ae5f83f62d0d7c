import { beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_DOMAINS } from '../../src/shared/cases.ts';
import { todayJst } from '../../src/shared/date-input.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { setMeetingRules } from '../support/meetings.ts';

/**
 * アセスメント (versioned, never overwritten) and 情報収集依頼 of a 多機関協働
 * case: saving from the right base, the 409 with both texts, the diff of
 * versions, validation by field, team-only access and the urgent alert.
 */

type Domains = Record<string, { status: string; note: string }>;

function domains(overrides: Domains = {}): Domains {
  const out: Domains = {};
  for (const d of ASSESSMENT_DOMAINS) out[d.key] = { status: 'unknown', note: '' };
  return { ...out, ...overrides };
}

function assessment(baseVersion: number | null, extra: Record<string, unknown> = {}) {
  return {
    baseVersion,
    domains: domains({
      care: { status: 'issue', note: '母（82歳）の要介護認定が未申請' },
      social: { status: 'issue', note: '息子は10年以上ひきこもり' },
    }),
    personWishes: '母の介護は自分でしたい',
    familyWishes: '母は息子の将来を心配している',
    strengths: '母子の関係は良好',
    risks: [],
    riskNote: '',
    involvement: [],
    summary: '介護と就労の両面から支援が必要',
    changeNote: null,
    ...extra,
  };
}

function plus(days: number): string {
  const d = new Date(`${todayJst()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe.each(DATABASE_KINDS)('assessments and information requests (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let caseId: string;
  let secretariat: Agent;

  const versionCount = async (id = caseId) => {
    const rows = await t.db.selectFrom('assessments').select('version_no').where('case_id', '=', id).execute();
    return rows.length;
  };

  beforeAll(async () => {
    // Closures, suspensions and approvals with a typed meeting reference: a municipality whose rules do not bind them
    // to a 重層的支援会議 decision (the rule itself: meeting-rules.test.ts).
    await setMeetingRules(t, { meetingDecisions: [] });
    w = await caseWorld(t);
    const s = await t.createUser({ agency: '地域福祉課', role: 'secretariat', name: '事務局 花子' });
    secretariat = await t.login(s.loginId, s.password);
    const opened = await open8050Case(w);
    caseId = opened.case.id;
    const added = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(added.statusCode, added.body).toBe(201);
  });

  it('saves the first version, then a second one from the right base; the list says what changed', async () => {
    const latestNone = await w.coordinator.agent.get(`/api/v1/cases/${caseId}/assessments/latest`);
    expect(latestNone.statusCode).toBe(404);

    const first = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, assessment(null));
    expect(first.statusCode, first.body).toBe(201);
    expect(json(first)).toMatchObject({ versionNo: 1, urgent: false, isLatest: true, savedByName: '調整 さくら', changes: [] });
    expect(json(first).domains.care).toEqual({ status: 'issue', note: '母（82歳）の要介護認定が未申請' });

    // The 地域包括 (協力) writes the second version from 第1版.
    const second = await w.houkatsu.agent.post(
      `/api/v1/cases/${caseId}/assessments`,
      assessment(1, {
        domains: domains({
          care: { status: 'issue', note: '要介護認定を申請済み（結果待ち）' },
          social: { status: 'issue', note: '息子は10年以上ひきこもり' },
          finance: { status: 'issue', note: '母の年金のみ' },
        }),
        strengths: '母子の関係は良好',
        involvement: [{ agencyId: w.agencies.houkatsu, how: '母の介護保険申請を支援' }],
        changeNote: '訪問の結果を反映',
      }),
    );
    expect(second.statusCode, second.body).toBe(201);
    const v2 = json(second);
    expect(v2).toMatchObject({ versionNo: 2, savedByName: '包括 次郎', savedByAgencyName: '小金井にし地域包括支援センター', changeNote: '訪問の結果を反映' });
    expect(v2.changes).toEqual(['介護', '経済・債務', '関係機関の関わり']);
    expect(v2.involvement).toEqual([{ agencyId: w.agencies.houkatsu, agencyName: '小金井にし地域包括支援センター', how: '母の介護保険申請を支援' }]);

    const list = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}/assessments`));
    expect(list.items.map((v: { versionNo: number }) => v.versionNo)).toEqual([2, 1]);
    expect(list.items[0]).toMatchObject({ versionNo: 2, changes: ['介護', '経済・債務', '関係機関の関わり'], savedByAgencyName: '小金井にし地域包括支援センター' });
    expect(list.items[1]).toMatchObject({ versionNo: 1, changes: [], savedByName: '調整 さくら' });

    const latest = json(await w.houkatsu.agent.get(`/api/v1/cases/${caseId}/assessments/latest`));
    expect(latest).toMatchObject({ versionNo: 2, isLatest: true });
    const old = json(await w.houkatsu.agent.get(`/api/v1/cases/${caseId}/assessments/1`));
    expect(old).toMatchObject({ versionNo: 1, isLatest: false, personWishes: '母の介護は自分でしたい' });
    expect(old.domains.finance).toEqual({ status: 'unknown', note: '' });
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${caseId}/assessments/9`)).statusCode).toBe(404);

    // The case page shows the latest version.
    const detail = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}`));
    expect(detail.assessment).toMatchObject({ versionNo: 2 });

    const audits = await t.db.selectFrom('audit_events').select(['action']).where('target_id', '=', caseId).where('action', 'like', 'assessment.%').execute();
    expect(audits.filter((a) => a.action === 'assessment.save')).toHaveLength(2);
    expect(audits.filter((a) => a.action === 'assessment.read').length).toBeGreaterThanOrEqual(3);
  });

  it('a save from a stale base answers 409 with the current version and what was sent; nothing is saved', async () => {
    const before = await versionCount();
    const latestNo = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}/assessments/latest`)).versionNo as number;
    const yours = assessment(latestNo - 1, { summary: '古い版から書いたまとめ' });
    const res = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, yours);
    expect(res.statusCode, res.body).toBe(409);
    const body = json(res);
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain(`ほかの方がアセスメントを先に保存しました（第${latestNo}版）`);
    expect(body.current).toMatchObject({ versionNo: latestNo, isLatest: true });
    expect(body.yours).toMatchObject({ baseVersion: latestNo - 1, summary: '古い版から書いたまとめ' });
    expect(await versionCount()).toBe(before);

    // A first save when a version exists is stale too.
    const fresh = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, assessment(null));
    expect(fresh.statusCode).toBe(409);
    expect(await versionCount()).toBe(before);
  });

  it('diffs every kind of item between versions', async () => {
    const base = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}/assessments/latest`));
    const body = {
      baseVersion: base.versionNo,
      domains: { ...base.domains, health: { status: 'issue', note: '' } },
      personWishes: `${base.personWishes}。働きたい気持ちもある`,
      familyWishes: base.familyWishes,
      strengths: base.strengths,
      risks: ['孤立死のおそれ'],
      riskNote: '',
      involvement: base.involvement.map((i: { agencyId: string; how: string }) => ({ agencyId: i.agencyId, how: i.how })),
      summary: base.summary,
      changeNote: null,
    };
    const res = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, body);
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).changes).toEqual(['健康・障害', '本人の思い・希望', 'リスク']);
    expect(json(res).urgent).toBe(false);

    // Saving the same content again: a version with nothing changed.
    const same = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, { ...body, baseVersion: base.versionNo + 1 });
    expect(same.statusCode, same.body).toBe(201);
    expect(json(same).changes).toEqual([]);

    // Only the note of a risk: still リスク; a note of a domain: that domain.
    const third = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, {
      ...body,
      baseVersion: base.versionNo + 2,
      riskNote: '冬季に連絡が途絶えたことがある',
      domains: { ...body.domains, daily: { status: 'unknown', note: '買い物は母が担っている' } },
      familyWishes: '姉（市外在住）は協力的',
      summary: `${base.summary}（更新）`,
    });
    expect(json(third).changes).toEqual(['日常生活', '家族の思い', 'リスク', 'まとめ']);
  });

  it('refuses bad input with one message per field and saves nothing', async () => {
    const before = await versionCount();
    const latestNo = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}/assessments/latest`)).versionNo as number;
    const post = (body: unknown) => w.coordinator.agent.post(`/api/v1/cases/${caseId}/assessments`, body);

    const unknownDomain = await post(assessment(latestNo, { domains: { ...domains(), pets: { status: 'ok', note: '' } } }));
    expect(unknownDomain.statusCode).toBe(422);
    expect(json(unknownDomain).error.fields.domains).toContain('pets');

    const { health: _omitted, ...missing } = domains();
    const missingDomain = await post(assessment(latestNo, { domains: missing }));
    expect(missingDomain.statusCode).toBe(422);
    expect(json(missingDomain).error.fields['domains.health']).toBe('健康・障害：状態を選んでください');

    const badStatus = await post(assessment(latestNo, { domains: domains({ housing: { status: 'bad', note: '' } }) }));
    expect(badStatus.statusCode).toBe(422);
    expect(json(badStatus).error.fields['domains.housing.status']).toContain('住まいの状態');

    const stranger = '00000000-0000-4000-8000-000000000001';
    const unknownAgency = await post(assessment(latestNo, { involvement: [{ agencyId: w.agencies.houkatsu, how: '' }, { agencyId: stranger, how: '見守り' }] }));
    expect(unknownAgency.statusCode).toBe(422);
    expect(Object.keys(json(unknownAgency).error.fields)).toEqual(['involvement.1.agencyId']);
    expect(json(unknownAgency).error.fields['involvement.1.agencyId']).toContain('関係機関の関わり');

    const tooLong = await post(
      assessment(latestNo, {
        domains: domains({ work: { status: 'issue', note: 'あ'.repeat(2001) } }),
        personWishes: 'い'.repeat(4001),
        risks: ['希死念慮', '宇宙人'],
      }),
    );
    expect(tooLong.statusCode).toBe(422);
    const fields = json(tooLong).error.fields;
    expect(fields['domains.work.note']).toBe('就労のメモ：2000文字以内で入力してください');
    expect(fields.personWishes).toBe('本人の思い・希望：4000文字以内で入力してください');
    expect(fields['risks.1']).toContain('リスク');

    const notNumber = await post({ ...assessment(latestNo), baseVersion: 'latest' });
    expect(notNumber.statusCode).toBe(422);
    expect(json(notNumber).error.fields.baseVersion).toContain('編集を始めた版');

    expect(await versionCount()).toBe(before);
  });

  it('an urgent save alerts the 主担当機関 and the 事務局 once, without the text staff wrote', async () => {
    const opened = await open8050Case(w, { name: '緊急 一郎' });
    const id = opened.case.id;
    const saved = await w.coordinator.agent.post(
      `/api/v1/cases/${id}/assessments`,
      assessment(null, { risks: ['希死念慮'], riskNote: '「もう生きていたくない」と話した' }),
    );
    expect(saved.statusCode, saved.body).toBe(201);
    expect(json(saved).urgent).toBe(true);
    const again = await w.coordinator.agent.post(
      `/api/v1/cases/${id}/assessments`,
      assessment(1, { risks: ['希死念慮'], riskNote: '継続して見守り', domains: domains({ health: { status: 'urgent', note: '通院中断' } }) }),
    );
    expect(json(again).urgent).toBe(true);

    const mine = (agent: Agent) =>
      agent.get('/api/v1/notifications').then((r) => json(r).items.filter((n: { kind: string; link: string }) => n.kind === 'case_urgent' && n.link === `/cases/${id}/assessment`));
    const lead = await mine(w.coordinator.agent);
    const office = await mine(secretariat);
    expect(lead).toHaveLength(1);
    expect(office).toHaveLength(1);
    expect(lead[0].title).toContain(opened.case.caseNo);
    expect(lead[0].title).toContain('希死念慮');
    expect(JSON.stringify(lead)).not.toContain('生きていたくない');
    expect(JSON.stringify(lead)).not.toContain('緊急 一郎');
    // Not urgent: no alert.
    expect(await mine(w.houkatsu.agent)).toHaveLength(0);
  });

  it('information requests: to a team agency by a date, answered by that agency, overdue when open after the date', async () => {
    const created = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/info-requests`, {
      toAgencyId: w.agencies.houkatsu,
      question: '母の要介護認定の結果と、ケアマネジャーの有無を教えてください',
      dueOn: plus(7),
    });
    expect(created.statusCode, created.body).toBe(201);
    const req = json(created);
    expect(req).toMatchObject({ status: 'open', statusLabel: '依頼中', overdue: false, version: 1, canAnswer: false, canCancel: true });
    expect(req.toAgency.id).toBe(w.agencies.houkatsu);
    expect(req.requestedByName).toBe('調整 さくら');

    const note = json(await w.houkatsu.agent.get('/api/v1/notifications')).items.find((n: { link: string }) => n.link === `/cases/${caseId}/assessment#info-requests`);
    expect(note?.kind).toBe('info_request');
    expect(note.title).not.toContain('ケアマネジャー');

    // The requested agency sees it in its own list, and may answer.
    const mine = json(await w.houkatsu.agent.get('/api/v1/info-requests'));
    expect(mine.items.map((i: { id: string }) => i.id)).toContain(req.id);
    expect(mine.counts.open).toBeGreaterThanOrEqual(1);
    const seen = json(await w.houkatsu.agent.get(`/api/v1/cases/${caseId}/info-requests`)).items.find((i: { id: string }) => i.id === req.id);
    expect(seen).toMatchObject({ canAnswer: true, canCancel: false });

    // Wrong agency: the coordinator (requesting side) may not answer.
    const wrong = await w.coordinator.agent.post(`/api/v1/info-requests/${req.id}/answer`, { answer: '代わりに回答', version: 1 });
    expect(wrong.statusCode).toBe(403);
    const stale = await w.houkatsu.agent.post(`/api/v1/info-requests/${req.id}/answer`, { answer: '要介護2', version: 7 });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current).toMatchObject({ id: req.id, status: 'open', version: 1 });
    const empty = await w.houkatsu.agent.post(`/api/v1/info-requests/${req.id}/answer`, { answer: '  ', version: 1 });
    expect(empty.statusCode).toBe(422);
    expect(json(empty).error.fields.answer).toContain('回答');

    const answered = await w.houkatsu.agent.post(`/api/v1/info-requests/${req.id}/answer`, { answer: '要介護2。ケアマネジャーは未定', version: 1 });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(json(answered)).toMatchObject({ status: 'answered', answer: '要介護2。ケアマネジャーは未定', answeredByName: '包括 次郎', version: 2, canAnswer: false });
    const twice = await w.houkatsu.agent.post(`/api/v1/info-requests/${req.id}/answer`, { answer: 'もう一度', version: 2 });
    expect(twice.statusCode).toBe(409);
    const back = json(await w.coordinator.agent.get('/api/v1/notifications')).items.find((n: { kind: string }) => n.kind === 'info_request_answered');
    expect(back?.link).toBe(`/cases/${caseId}/assessment#info-requests`);

    // Overdue: open and past its date.
    const late = json(
      await w.coordinator.agent.post(`/api/v1/cases/${caseId}/info-requests`, { toAgencyId: w.agencies.houkatsu, question: '通院先', dueOn: todayJst() }),
    );
    expect(late.overdue).toBe(false);
    await t.db.updateTable('info_requests').set({ due_on: '2024-04-01' }).where('id', '=', late.id).execute();
    const listed = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}/info-requests`));
    expect(listed.items[0]).toMatchObject({ id: late.id, overdue: true });
    expect(listed.items.find((i: { id: string }) => i.id === req.id).overdue).toBe(false);
    expect(json(await w.houkatsu.agent.get('/api/v1/info-requests')).counts.overdue).toBe(1);

    // Cancel: the requesting side, with a reason; the requested agency may not.
    expect((await w.houkatsu.agent.post(`/api/v1/info-requests/${late.id}/cancel`, { reason: '不要' })).statusCode).toBe(403);
    expect((await w.coordinator.agent.post(`/api/v1/info-requests/${late.id}/cancel`, { reason: '' })).statusCode).toBe(422);
    const cancelled = await w.coordinator.agent.post(`/api/v1/info-requests/${late.id}/cancel`, { reason: '電話で確認できた' });
    expect(json(cancelled)).toMatchObject({ status: 'cancelled', cancelReason: '電話で確認できた', cancelledByName: '調整 さくら', overdue: false });

    const actions = (await t.db.selectFrom('audit_events').select('action').where('target_id', '=', caseId).where('action', 'like', 'info_request.%').execute()).map((a) => a.action);
    for (const a of ['info_request.create', 'info_request.read', 'info_request.answer', 'info_request.cancel']) expect(actions).toContain(a);
  });

  it('refuses a request to an agency not on the team, or due in the past', async () => {
    const before = (await t.db.selectFrom('info_requests').select('id').where('case_id', '=', caseId).execute()).length;
    const res = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/info-requests`, { toAgencyId: w.agencies.other, question: '把握していることを教えてください', dueOn: '2020-01-01' });
    expect(res.statusCode).toBe(422);
    expect(json(res).error.fields.toAgencyId).toContain('チームの機関');
    expect(json(res).error.fields.dueOn).toContain('今日以降');
    const badDate = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/info-requests`, { toAgencyId: w.agencies.houkatsu, question: '?', dueOn: 'そのうち' });
    expect(json(badDate).error.fields.dueOn).toContain('回答期限');
    expect((await t.db.selectFrom('info_requests').select('id').where('case_id', '=', caseId).execute()).length).toBe(before);
  });

  it('an agency off the team gets 404 on every endpoint', async () => {
    const req = json(
      await w.coordinator.agent.post(`/api/v1/cases/${caseId}/info-requests`, { toAgencyId: w.agencies.houkatsu, question: '外部からは見えない', dueOn: plus(3) }),
    );
    const o = w.outsider.agent;
    const calls = [
      o.get(`/api/v1/cases/${caseId}/assessments`),
      o.get(`/api/v1/cases/${caseId}/assessments/latest`),
      o.get(`/api/v1/cases/${caseId}/assessments/1`),
      o.post(`/api/v1/cases/${caseId}/assessments`, assessment(99)),
      o.get(`/api/v1/cases/${caseId}/info-requests`),
      o.post(`/api/v1/cases/${caseId}/info-requests`, { toAgencyId: w.agencies.houkatsu, question: 'x', dueOn: plus(3) }),
      o.post(`/api/v1/info-requests/${req.id}/answer`, { answer: 'x', version: 1 }),
      o.post(`/api/v1/info-requests/${req.id}/cancel`, { reason: 'x' }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.body).not.toContain('外部からは見えない');
    }
    expect(json(await o.get('/api/v1/info-requests')).items).toEqual([]);
    const denied = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', caseId).where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.action)).toEqual(expect.arrayContaining(['assessment.read', 'assessment.save', 'info_request.answer']));
  });

  it('an 情報提供 member reads and answers requests to its agency but may not save; removal from the team ends access at once', async () => {
    const opened = await open8050Case(w, { name: '情報 提供子' });
    const id = opened.case.id;
    const added = await w.coordinator.agent.post(`/api/v1/cases/${id}/team`, { agencyId: w.agencies.houkatsu, role: 'informing' });
    expect(added.statusCode, added.body).toBe(201);
    expect(json(await w.coordinator.agent.post(`/api/v1/cases/${id}/assessments`, assessment(null))).versionNo).toBe(1);

    const h = w.houkatsu.agent;
    expect(json(await h.get(`/api/v1/cases/${id}/assessments/latest`)).versionNo).toBe(1);
    expect(json(await h.get(`/api/v1/cases/${id}/assessments`)).items).toHaveLength(1);
    const save = await h.post(`/api/v1/cases/${id}/assessments`, assessment(1));
    expect(save.statusCode).toBe(403);
    expect(json(save).error.message).toContain('情報提供');
    expect(await versionCount(id)).toBe(1);
    expect((await h.post(`/api/v1/cases/${id}/info-requests`, { toAgencyId: w.agencies.coord, question: 'x', dueOn: plus(3) })).statusCode).toBe(403);

    const req = json(await w.coordinator.agent.post(`/api/v1/cases/${id}/info-requests`, { toAgencyId: w.agencies.houkatsu, question: '見守りの状況', dueOn: plus(5) }));
    const answered = await h.post(`/api/v1/info-requests/${req.id}/answer`, { answer: '月1回訪問しています', version: 1 });
    expect(answered.statusCode, answered.body).toBe(200);

    // Removed from the team: 404 at once, on reads and on answers.
    const req2 = json(await w.coordinator.agent.post(`/api/v1/cases/${id}/info-requests`, { toAgencyId: w.agencies.houkatsu, question: '追加の確認', dueOn: plus(5) }));
    const team = json(await w.coordinator.agent.get(`/api/v1/cases/${id}/team`)).items as { id: string; agencyId: string; userId: string | null }[];
    const member = team.find((m) => m.agencyId === w.agencies.houkatsu && m.userId === null)!;
    const removed = await w.coordinator.agent.post(`/api/v1/cases/${id}/team/${member.id}/remove`, { reason: '関わりが終了した' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await h.get(`/api/v1/cases/${id}/assessments/latest`)).statusCode).toBe(404);
    expect((await h.get(`/api/v1/cases/${id}/info-requests`)).statusCode).toBe(404);
    expect((await h.post(`/api/v1/info-requests/${req2.id}/answer`, { answer: 'x', version: 1 })).statusCode).toBe(404);
    expect(json(await h.get('/api/v1/info-requests')).items.map((i: { id: string }) => i.id)).not.toContain(req2.id);
  });

  it('a suspended case takes no new version and no new request', async () => {
    const opened = await open8050Case(w, { name: '中断 次郎' });
    const id = opened.case.id;
    const suspended = await w.coordinator.agent.post(`/api/v1/cases/${id}/transitions`, { to: 'suspended', reason: '本人と連絡が取れない', version: 1 });
    expect(suspended.statusCode, suspended.body).toBe(200);
    const res = await w.coordinator.agent.post(`/api/v1/cases/${id}/assessments`, assessment(null));
    expect(res.statusCode).toBe(422);
    expect(json(res).error.message).toContain('中断した事例');
    expect(await versionCount(id)).toBe(0);
    expect((await w.coordinator.agent.post(`/api/v1/cases/${id}/info-requests`, { toAgencyId: w.agencies.window, question: 'x', dueOn: plus(2) })).statusCode).toBe(422);
  });
});
