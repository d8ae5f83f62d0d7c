import { beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/shared/dates.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { caseWorld, leadUnassignedMismatches, open8050Case, type CaseWorld } from '../support/cases.ts';
import { todayJst } from '../support/people.ts';
import { refreshAllTaskOverviews } from '../../src/tasks/service.ts';
import { setMeetingRules } from '../support/meetings.ts';

/**
 * 「誰も取りこぼさない」: tasks computed from the data, each with why it
 * exists — plan reviews, information requests, no contact, follow-up after
 * closure, unanswered referrals, next actions — for "my work" and for the
 * coordinators' overview.
 */

interface Task {
  key: string;
  kind: string;
  title: string;
  why: string;
  dueOn: string | null;
  severity: 'overdue' | 'due_soon';
  case: { id: string; caseNo: string; title: string } | null;
  referral: { id: string } | null;
  meeting: { id: string; title: string; heldOn: string; confidential: boolean } | null;
  link: string;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysAgo(days: number): Date {
  return new Date(Date.now() - days * 86_400_000);
}

describe.each(DATABASE_KINDS)('tasks (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  const today = todayJst();

  async function tasks(agent: Agent): Promise<{ items: Task[]; counts: { kind: string; count: number; overdue: number }[]; total: number }> {
    const res = await agent.get('/api/v1/tasks');
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  }

  async function tasksOf(agent: Agent, kindName: string, caseId?: string): Promise<Task[]> {
    return (await tasks(agent)).items.filter((x) => x.kind === kindName && (!caseId || x.case?.id === caseId));
  }

  async function setCase(id: string, values: Record<string, unknown>) {
    await t.db.updateTable('cases').set(values).where('id', '=', id).execute();
  }

  async function addHoukatsu(caseId: string) {
    const res = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(res.statusCode, res.body).toBe(201);
  }

  beforeAll(async () => {
    // Closures, suspensions and approvals with a typed meeting reference: a municipality whose rules do not bind them
    // to a 重層的支援会議 decision (the rule itself: meeting-rules.test.ts).
    await setMeetingRules(t, { meetingDecisions: [] });
    w = await caseWorld(t);
  });

  it('my work holds the cases I am named on, and my agency\'s lead cases until someone there is named', async () => {
    const colleague = await t.createUser({ agency: w.agencies.coord, role: 'coordinator', name: '同僚 ひかり' });
    const colleagueAgent = await t.login(colleague.loginId, colleague.password);
    const opened = (await open8050Case(w, { name: '担当 確認' })).case;
    await setCase(opened.id, { last_contact_at: daysAgo(60) });
    // The opener is named: the case is in the opener's work, not in the colleague's.
    expect(await tasksOf(w.coordinator.agent, 'no_contact', opened.id)).toHaveLength(1);
    expect(await tasksOf(colleagueAgent, 'no_contact', opened.id)).toHaveLength(0);
    // Nobody of the lead agency named any more: everyone there sees it, so it is not dropped.
    const staffRow = opened.team.find((m: { userId: string | null }) => m.userId === w.coordinator.user.id);
    const removed = await w.coordinator.agent.post(`/api/v1/cases/${opened.id}/team/${staffRow.id}/remove`, { reason: '異動のため' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await tasksOf(colleagueAgent, 'no_contact', opened.id)).toHaveLength(1);
    expect(await tasksOf(w.coordinator.agent, 'no_contact', opened.id)).toHaveLength(1);
    // The colleague takes it: it leaves the others' work.
    const taken = await colleagueAgent.post(`/api/v1/cases/${opened.id}/team`, { agencyId: w.agencies.coord, userId: colleague.id, role: 'lead' });
    expect(taken.statusCode, taken.body).toBe(201);
    expect(await tasksOf(colleagueAgent, 'no_contact', opened.id)).toHaveLength(1);
    expect(await tasksOf(w.coordinator.agent, 'no_contact', opened.id)).toHaveLength(0);
    // cases.lead_unassigned (kept by triggers) followed every step.
    expect(await leadUnassignedMismatches(t)).toBe(0);
  });

  it('a plan whose review date has passed is a plan_review task for the lead agency, saying why', async () => {
    const opened = (await open8050Case(w, { name: '評価 確認' })).case;
    const moved = await w.coordinator.agent.post(`/api/v1/cases/${opened.id}/transitions`, { to: 'assessment', reason: 'アセスメント開始', version: opened.version });
    expect(moved.statusCode, moved.body).toBe(200);
    const created = await w.coordinator.agent.post(`/api/v1/cases/${opened.id}/plans`, {
      longTermGoal: '母子ともに地域で安心して暮らす',
      shortTermGoals: [{ text: '息子が週1回外出する' }],
      actions: [{ content: '週1回の訪問', agencyId: w.agencies.coord }],
      leadAgencyId: w.agencies.coord,
      consentOn: today,
      consentMethod: '書面',
      nextReviewOn: addDays(today, 60),
    });
    expect(created.statusCode, created.body).toBe(201);
    const plan = json(created);
    const approved = await w.coordinator.agent.post(`/api/v1/cases/${opened.id}/plans/${plan.id}/approve`, {
      decisionRef: '第3回重層的支援会議',
      decidedOn: today,
      version: plan.version,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await tasksOf(w.coordinator.agent, 'plan_review', opened.id)).toEqual([]);

    const past = addDays(today, -5);
    await t.db.updateTable('plans').set({ next_review_on: past }).where('id', '=', plan.id).execute();
    const [overdue] = await tasksOf(w.coordinator.agent, 'plan_review', opened.id);
    expect(overdue).toMatchObject({
      severity: 'overdue',
      dueOn: past,
      why: `次回評価日（${formatDate(past)}）を過ぎています`,
      case: { id: opened.id, caseNo: opened.caseNo },
      link: `/cases/${opened.id}/plans`,
    });

    await t.db.updateTable('plans').set({ next_review_on: addDays(today, 3) }).where('id', '=', plan.id).execute();
    const [soon] = await tasksOf(w.coordinator.agent, 'plan_review', opened.id);
    expect(soon).toMatchObject({ severity: 'due_soon', why: `次回評価日（${formatDate(addDays(today, 3))}）まであと3日です` });
    // Not the work of an agency outside the team.
    expect(await tasksOf(w.outsider.agent, 'plan_review', opened.id)).toEqual([]);
  });

  it('no contact with the person for longer than the setting is a no_contact task; a contact clears it', async () => {
    const c = (await open8050Case(w, { name: '接触 なし' })).case;
    expect(await tasksOf(w.coordinator.agent, 'no_contact', c.id)).toEqual([]);
    await setCase(c.id, { opened_on: addDays(today, -40) });
    const [never] = await tasksOf(w.coordinator.agent, 'no_contact', c.id);
    expect(never).toMatchObject({ severity: 'overdue', dueOn: addDays(today, -10), link: `/cases/${c.id}/records` });
    expect(never!.why).toBe(`事例の開始（${formatDate(addDays(today, -40))}）から40日、本人と接触した記録がありません（基準：30日）`);

    const rec = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/records`, { occurredAt: new Date().toISOString(), kind: '電話', content: '本人と電話で話せた' });
    expect(rec.statusCode, rec.body).toBe(201);
    expect(await tasksOf(w.coordinator.agent, 'no_contact', c.id)).toEqual([]);

    await setCase(c.id, { last_contact_at: daysAgo(45) });
    const [stale] = await tasksOf(w.coordinator.agent, 'no_contact', c.id);
    expect(stale!.why).toBe('最後に本人と接触してから45日たっています（基準：30日）');

    // The municipality's threshold (設定) decides.
    const admin = await t.loginAdmin();
    expect((await admin.patch('/api/v1/municipality/settings', { noContactAlertDays: 60 })).statusCode).toBe(200);
    expect(await tasksOf(w.coordinator.agent, 'no_contact', c.id)).toEqual([]);
    expect((await admin.patch('/api/v1/municipality/settings', { noContactAlertDays: 30 })).statusCode).toBe(200);

    // A suspended case is not chased.
    await setCase(c.id, { status: 'suspended' });
    expect(await tasksOf(w.coordinator.agent, 'no_contact', c.id)).toEqual([]);
  });

  it('a referral left 送付 is a task for the receiver, and once overdue for the sender too; accepting clears it', async () => {
    const sent = await w.window.agent.post('/api/v1/referrals', {
      toAgencyId: w.agencies.houkatsu,
      chiefComplaint: '高齢の母の介護の相談',
      content: '匿名の相談。介護保険の申請を手伝ってほしい。',
      reason: '介護の専門機関のため',
      consentConfirmed: false,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const referral = json(sent);
    const [received] = (await tasksOf(w.houkatsu.agent, 'referral_unanswered')).filter((x) => x.referral?.id === referral.id);
    expect(received).toMatchObject({ severity: 'due_soon', title: '届いたつなぎの受理・差戻し', link: `/referrals/${referral.id}` });
    expect(received!.why).toContain('福祉総合相談窓口');
    expect((await tasksOf(w.window.agent, 'referral_unanswered')).filter((x) => x.referral?.id === referral.id)).toEqual([]);

    await t.db.updateTable('referrals').set({ due_at: daysAgo(2) }).where('id', '=', referral.id).execute();
    const [late] = (await tasksOf(w.houkatsu.agent, 'referral_unanswered')).filter((x) => x.referral?.id === referral.id);
    expect(late).toMatchObject({ severity: 'overdue' });
    expect(late!.why).toContain('を過ぎても送付のままです');
    const [waiting] = (await tasksOf(w.window.agent, 'referral_unanswered')).filter((x) => x.referral?.id === referral.id);
    expect(waiting).toMatchObject({ severity: 'overdue', title: '送ったつなぎ（受理待ち）' });
    expect(waiting!.why).toContain('地域包括支援センターへのつなぎ');

    const accepted = await w.houkatsu.agent.post(`/api/v1/referrals/${referral.id}/accept`, { version: referral.version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await tasksOf(w.houkatsu.agent, 'referral_unanswered')).filter((x) => x.referral?.id === referral.id)).toEqual([]);
    expect((await tasksOf(w.window.agent, 'referral_unanswered')).filter((x) => x.referral?.id === referral.id)).toEqual([]);
  });

  it('an information request is a task for the requested agency, and once overdue for the lead agency too', async () => {
    const c = (await open8050Case(w, { name: '情報 依頼' })).case;
    await addHoukatsu(c.id);
    const asked = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/info-requests`, {
      toAgencyId: w.agencies.houkatsu,
      question: '母の要介護認定の状況を教えてください',
      dueOn: addDays(today, 5),
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const [open] = await tasksOf(w.houkatsu.agent, 'info_request_open', c.id);
    expect(open).toMatchObject({ severity: 'due_soon', title: '情報提供の依頼への回答' });
    expect(open!.why).toContain('母の要介護認定の状況を教えてください');
    expect(await tasksOf(w.coordinator.agent, 'info_request_overdue', c.id)).toEqual([]);

    const due = addDays(today, -1);
    await t.db.updateTable('info_requests').set({ due_on: due }).where('case_id', '=', c.id).execute();
    expect(await tasksOf(w.houkatsu.agent, 'info_request_open', c.id)).toEqual([]);
    const [late] = await tasksOf(w.houkatsu.agent, 'info_request_overdue', c.id);
    expect(late).toMatchObject({ severity: 'overdue' });
    expect(late!.why).toContain(`回答期限（${formatDate(due)}）を過ぎています`);
    const [waiting] = await tasksOf(w.coordinator.agent, 'info_request_overdue', c.id);
    expect(waiting).toMatchObject({ severity: 'overdue', title: '情報提供の依頼（回答待ち）' });
    expect(waiting!.why).toContain('地域包括支援センターへの依頼');

    // Once the agency leaves the team, the case and its requests are no longer its work.
    const team = json(await w.coordinator.agent.get(`/api/v1/cases/${c.id}/team`));
    const member = team.items.find((m: { agencyId: string; userId: string | null }) => m.agencyId === w.agencies.houkatsu && !m.userId);
    const removed = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/team/${member.id}/remove`, { reason: '役割を終えたため' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await tasks(w.houkatsu.agent)).items.filter((x) => x.case?.id === c.id)).toEqual([]);
  });

  it('a closed case with follow-up (伴走) overdue is a task for the follow-up agency; a record on the closed case clears it', async () => {
    const c = (await open8050Case(w, { name: '伴走 確認' })).case;
    await addHoukatsu(c.id);
    const closedOn = addDays(today, -40);
    await setCase(c.id, {
      status: 'closed',
      closed_on: closedOn,
      closure_reason: '課題解決',
      follow_up_agency_id: w.agencies.houkatsu,
      follow_up_frequency: '月1回の電話',
      follow_up_interval_days: 30,
      last_contact_at: daysAgo(50),
    });
    const [task] = await tasksOf(w.houkatsu.agent, 'follow_up', c.id);
    expect(task).toMatchObject({ severity: 'overdue', dueOn: addDays(closedOn, 30) });
    expect(task!.why).toBe(`終結（${formatDate(closedOn)}）から40日、本人と接触した記録がありません（連絡の間隔：30日）`);
    // Only the follow-up agency is asked to act; closed cases are not "no contact" cases.
    expect(await tasksOf(w.coordinator.agent, 'follow_up', c.id)).toEqual([]);
    expect(await tasksOf(w.coordinator.agent, 'no_contact', c.id)).toEqual([]);

    const rec = await w.houkatsu.agent.post(`/api/v1/cases/${c.id}/records`, { occurredAt: new Date().toISOString(), kind: '電話', content: '終結後の様子伺い。変わりなし。' });
    expect(rec.statusCode, rec.body).toBe(201);
    expect(await tasksOf(w.houkatsu.agent, 'follow_up', c.id)).toEqual([]);

    await setCase(c.id, { last_contact_at: daysAgo(35) });
    const [again] = await tasksOf(w.houkatsu.agent, 'follow_up', c.id);
    expect(again!.why).toBe('終結後、最後に本人と接触してから35日たっています（連絡の間隔：30日）');

    // 伴走 is chased for a year after closure.
    await setCase(c.id, { closed_on: addDays(today, -400), last_contact_at: daysAgo(380) });
    expect(await tasksOf(w.houkatsu.agent, 'follow_up', c.id)).toEqual([]);
  });

  it('a next action the user wrote is a task when due within three days; a later record of the agency supersedes it', async () => {
    const c = (await open8050Case(w, { name: '予定 確認' })).case;
    const first = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/records`, {
      occurredAt: daysAgo(10).toISOString(),
      kind: '面談',
      content: '本人と面談',
      nextAction: '母の通院に同行する',
      nextActionOn: addDays(today, -2),
    });
    expect(first.statusCode, first.body).toBe(201);
    const [task] = await tasksOf(w.coordinator.agent, 'next_action', c.id);
    expect(task).toMatchObject({ severity: 'overdue', title: '次の予定：母の通院に同行する', dueOn: addDays(today, -2) });
    expect(task!.why).toContain(`予定日（${formatDate(addDays(today, -2))}）を過ぎています`);
    expect(task!.why).toContain('面談の記録');
    const later = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/records`, {
      occurredAt: new Date().toISOString(),
      kind: '同行',
      content: '通院に同行した',
      nextAction: '結果を母に電話で伝える',
      nextActionOn: addDays(today, 2),
    });
    expect(later.statusCode, later.body).toBe(201);
    const now = await tasksOf(w.coordinator.agent, 'next_action', c.id);
    expect(now.map((x) => [x.title, x.severity])).toEqual([['次の予定：結果を母に電話で伝える', 'due_soon']]);
    // A plan left unfollowed for more than half a year is no longer listed (the no-contact check covers the case).
    await t.db.updateTable('support_records').set({ next_action_on: addDays(today, -200) }).where('id', '=', json(later).id).execute();
    expect(await tasksOf(w.coordinator.agent, 'next_action', c.id)).toEqual([]);
    // Far-off plans are not tasks yet.
    const far = await w.coordinator.agent.post(`/api/v1/cases/${c.id}/records`, {
      occurredAt: new Date().toISOString(),
      kind: '電話',
      content: '母に電話',
      nextAction: '来月訪問',
      nextActionOn: addDays(today, 20),
    });
    expect(far.statusCode).toBe(201);
    expect(await tasksOf(w.coordinator.agent, 'next_action', c.id)).toEqual([]);
  });

  it('my work counts each kind; the overview is for coordinators and the secretariat only', async () => {
    const mine = await tasks(w.coordinator.agent);
    const count = (k: string) => mine.counts.find((c) => c.kind === k)!.count;
    expect(count('no_contact')).toBe(mine.items.filter((x) => x.kind === 'no_contact').length);
    expect(mine.total).toBe(mine.counts.reduce((s, c) => s + c.count, 0));
    expect(mine.items.every((x) => x.why.length > 0)).toBe(true);

    const c = (await open8050Case(w, { name: '全体 確認' })).case;
    await setCase(c.id, { opened_on: addDays(today, -50) });
    const res = await w.coordinator.agent.get('/api/v1/tasks/overview');
    expect(res.statusCode, res.body).toBe(200);
    const overview = json(res);
    expect(overview.items.some((x: Task) => x.kind === 'no_contact' && x.case?.id === c.id)).toBe(true);
    expect(overview.byStatus.find((s: { status: string }) => s.status === 'intake').count).toBeGreaterThan(0);
    const lead = overview.byLeadAgency.find((l: { agencyId: string }) => l.agencyId === w.agencies.coord);
    expect(lead.openCases).toBeGreaterThan(0);
    expect(lead.tasks).toBeGreaterThan(0);
    const filtered = json(await w.coordinator.agent.get('/api/v1/tasks/overview?kind=no_contact'));
    expect(filtered.items.length).toBeGreaterThan(0);
    expect(filtered.items.every((x: Task) => x.kind === 'no_contact')).toBe(true);
    // Counts stay whole whatever the list shows.
    expect(filtered.counts).toEqual(overview.counts);
    const bad = await w.coordinator.agent.get('/api/v1/tasks/overview?kind=unknown');
    expect(bad.statusCode).toBe(422);

    for (const agent of [w.houkatsu.agent, w.window.agent]) {
      const refused = await agent.get('/api/v1/tasks/overview');
      expect(refused.statusCode).toBe(403);
      expect(json(refused).error.message).toContain('コーディネーターと事務局');
    }
    const secretariat = await t.createUser({ agency: w.agencies.coord, role: 'secretariat', name: '事務 局子' });
    const sec = await t.login(secretariat.loginId, secretariat.password);
    expect((await sec.get('/api/v1/tasks/overview')).statusCode).toBe(200);

    // An agency outside every team sees none of these cases' tasks.
    const outsider = await tasks(w.outsider.agent);
    expect(outsider.items.filter((x) => x.case)).toEqual([]);
    const denied = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('outcome', '=', 'denied')
      .where('reason', 'like', '%coordinator overview%')
      .execute();
    expect(denied.length).toBeGreaterThan(0);
  });
  it('the overview is computed in the background: a new task appears after the job runs, the listed cases are checked at once, an old one is recomputed', async () => {
    type Overview = { items: Task[]; counts: { kind: string; count: number }[]; refreshedAt: string; refreshedAtLabel: string; refreshEveryMinutes: number };
    const overview = async (): Promise<Overview> => {
      const res = await w.coordinator.agent.get('/api/v1/tasks/overview');
      expect(res.statusCode, res.body).toBe(200);
      return json(res);
    };
    const noContactCount = (o: Overview) => o.counts.find((c) => c.kind === 'no_contact')!.count;
    const listed = (o: Overview, caseId: string) => o.items.some((x) => x.kind === 'no_contact' && x.case?.id === caseId);

    const first = await overview();
    expect(first.refreshEveryMinutes).toBe(5);
    expect(first.refreshedAtLabel).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日（(令和|平成)\S*年） \d{2}:\d{2}$/);

    // A case without contact for 50 days: not in the overview until it is computed again.
    const opened = await open8050Case(w, { name: '集計 待ち' });
    await setCase(opened.case.id, { opened_on: addDays(today, -50) });
    const before = await overview();
    expect(before.refreshedAt).toBe(first.refreshedAt);
    expect(listed(before, opened.case.id)).toBe(false);
    expect(noContactCount(before)).toBe(noContactCount(first));

    // The job recomputes every agency with a coordinator or secretariat account.
    expect(await refreshAllTaskOverviews(t.db)).toBeGreaterThan(0);
    const after = await overview();
    expect(Date.parse(after.refreshedAt)).toBeGreaterThan(Date.parse(first.refreshedAt));
    expect(listed(after, opened.case.id)).toBe(true);
    expect(noContactCount(after)).toBe(noContactCount(first) + 1);

    // The 本人 withdraws consent: the case leaves the list at the next view, before any recomputation.
    await t.db.updateTable('consents').set({ withdrawn_on: today }).where('person_id', '=', opened.sonId).execute();
    const withdrawn = await overview();
    expect(withdrawn.refreshedAt).toBe(after.refreshedAt);
    expect(listed(withdrawn, opened.case.id)).toBe(false);
    // Recomputed, the counts no longer include it either.
    await refreshAllTaskOverviews(t.db);
    expect(noContactCount(await overview())).toBe(noContactCount(first));

    // Computed longer ago than 15 minutes (jobs off) or on another day: recomputed before answering.
    for (const stale of [{ refreshed_at: new Date(Date.now() - 16 * 60_000) }, { today: addDays(today, -1) }]) {
      await t.db.updateTable('task_overview_runs').set(stale).where('agency_id', '=', w.agencies.coord).execute();
      const fresh = await overview();
      expect(Date.now() - Date.parse(fresh.refreshedAt)).toBeLessThan(60_000);
      const run = await t.db.selectFrom('task_overview_runs').select('today').where('agency_id', '=', w.agencies.coord).executeTakeFirstOrThrow();
      expect(run.today).toBe(today);
    }
  });

  it('a follow-up action decided at a meeting is in its owner\'s work with why; a 支援会議 one only after the 守秘義務 acknowledgement', async () => {
    const secUser = await t.createUser({ agency: '地域福祉課', role: 'secretariat', name: '事務局 会議子' });
    const sec = await t.login(secUser.loginId, secUser.password);
    const bodies: Record<string, string> = {};
    for (const r of await t.db.selectFrom('meeting_bodies').select(['id', 'kind']).where('municipality_id', '=', t.municipalityId).execute()) bodies[r.kind] ??= r.id;
    const heldAt = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const convene = async (bodyKind: string, title: string) => {
      const res = await sec.post('/api/v1/meetings', { meetingBodyId: bodies[bodyKind], title, scheduledAt: heldAt, place: '市役所 801会議室' });
      expect(res.statusCode, res.body).toBe(201);
      const id: string = json(res).id;
      const invited = await sec.post(`/api/v1/meetings/${id}/attendees`, { userId: w.window.user.id });
      expect(invited.statusCode, invited.body).toBe(201);
      return id;
    };
    const meetingTasks = async (agent: Agent) => tasksOf(agent, 'meeting_follow_up');

    const jusouId = await convene('jusou', '第8回 重層的支援会議');
    const yesterday = addDays(today, -1);
    const added = await sec.post(`/api/v1/meetings/${jusouId}/follow-ups`, { content: '居場所の見学に同行する', ownerUserId: w.window.user.id, dueOn: yesterday });
    expect(added.statusCode, added.body).toBe(201);
    const later = await sec.post(`/api/v1/meetings/${jusouId}/follow-ups`, { content: '来月の確認', ownerUserId: w.window.user.id, dueOn: addDays(today, 30) });
    expect(later.statusCode, later.body).toBe(201);

    const mine = await meetingTasks(w.window.agent);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      title: '居場所の見学に同行する',
      severity: 'overdue',
      dueOn: yesterday,
      case: null,
      link: `/meetings/${jusouId}`,
      meeting: { id: jusouId, title: '第8回 重層的支援会議', confidential: false },
    });
    expect(mine[0]!.why).toBe(`第8回 重層的支援会議（${formatDate(new Date(heldAt))}）で決まった対応です。期限：${formatDate(yesterday)}（過ぎています）`);
    const counted = (await tasks(w.window.agent)).counts.find((c) => c.kind === 'meeting_follow_up');
    expect(counted).toMatchObject({ count: 1, overdue: 1 });
    // Nobody else's work: not the outsider's, not the convener's (the owner is the window).
    expect(await meetingTasks(w.outsider.agent)).toEqual([]);
    expect(await meetingTasks(sec)).toEqual([]);
    // Done: it leaves the list.
    const id: string = json(added).items.find((f: { content: string }) => f.content === '居場所の見学に同行する').id;
    expect((await w.window.agent.post(`/api/v1/meetings/${jusouId}/follow-ups/${id}/done`, {})).statusCode).toBe(200);
    expect(await meetingTasks(w.window.agent)).toEqual([]);

    // 支援会議: the owner acknowledged (to be given the action), a colleague of the owner's agency did not attend.
    const shienId = await convene('shien', '支援会議（11月）');
    const colleague = await t.createUser({ agency: w.agencies.window, role: 'agency_staff', name: '窓口 同僚' });
    const colleagueAgent = await t.login(colleague.loginId, colleague.password);
    expect((await sec.post(`/api/v1/meetings/${shienId}/acknowledgements`, {})).statusCode).toBe(201);
    expect((await w.window.agent.post(`/api/v1/meetings/${shienId}/acknowledgements`, {})).statusCode).toBe(201);
    const shien = await sec.post(`/api/v1/meetings/${shienId}/follow-ups`, { content: '小金さんの母の状況を包括に確認', ownerUserId: w.window.user.id, dueOn: today });
    expect(shien.statusCode, shien.body).toBe(201);
    const shienTasks = await meetingTasks(w.window.agent);
    expect(shienTasks).toHaveLength(1);
    expect(shienTasks[0]).toMatchObject({ title: '小金さんの母の状況を包括に確認', severity: 'due_soon', meeting: { id: shienId, confidential: true } });
    expect(shienTasks[0]!.why).toContain('期限：' + formatDate(today) + '（今日まで）');
    // The colleague neither attends nor acknowledged: nothing, not even the meeting's name.
    expect(await meetingTasks(colleagueAgent)).toEqual([]);
    // Invited, not yet acknowledged: still nothing; after the acknowledgement the agency's action is there, naming its owner.
    expect((await sec.post(`/api/v1/meetings/${shienId}/attendees`, { userId: colleague.id })).statusCode).toBe(201);
    expect(await meetingTasks(colleagueAgent)).toEqual([]);
    expect((await colleagueAgent.post(`/api/v1/meetings/${shienId}/acknowledgements`, {})).statusCode).toBe(201);
    const theirs = await meetingTasks(colleagueAgent);
    expect(theirs).toHaveLength(1);
    expect(theirs[0]!.why).toContain('担当：窓口 一郎');

    // A 重層的支援会議 action of the agency, for a colleague who convened nothing and attends nothing: not listed.
    const other = await convene('jusou', '第9回 重層的支援会議');
    expect((await sec.post(`/api/v1/meetings/${other}/follow-ups`, { content: '別件', ownerUserId: w.window.user.id, dueOn: today })).statusCode).toBe(201);
    expect((await meetingTasks(colleagueAgent)).map((x) => x.meeting?.id)).toEqual([shienId]);
  });
});
