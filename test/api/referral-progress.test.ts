import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPreset, loadPreset } from '../../src/municipalities/presets.ts';
import { raiseOverdueReferralAlerts } from '../../src/referrals/service.ts';
import { addBusinessDays } from '../../src/shared/business-days.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';

/**
 * Referrals that cannot stall (issue 12 item 5): an accepted or 対応中
 * referral with no progress for N business days raises the same closed-loop
 * alert as an unanswered one, and progress resets it; a referral to an
 * agency with no accounts in kasane goes out on paper and its answer is
 * recorded by the sender, so it is never forever overdue.
 */
interface Party {
  user: TestUser;
  agent: Agent;
}
interface Task {
  kind: string;
  title: string;
  why: string;
  severity: string;
  link: string;
}

const PAST = () => new Date(Date.now() - 3600_000);

describe.each(DATABASE_KINDS)('referrals that cannot stall (%s)', (kind) => {
  const t = useTestApp(kind);
  let sender: Party;
  let receiver: Party;
  let third: Party;
  let promoter: Party;
  let secretariat: Party;

  beforeAll(async () => {
    const party = async (user: TestUser): Promise<Party> => ({ user, agent: await t.login(user.loginId, user.password) });
    const users = await Promise.all([
      t.createUser({ agency: '居住支援相談窓口', name: '送付 一郎' }),
      t.createUser({ agency: '消費生活相談', role: 'agency_staff', name: '受付 二郎' }),
      t.createUser({ agency: '女性総合相談' }),
      t.createUser({ agency: '地域福祉課', role: 'promoter' }),
      t.createUser({ agency: '地域福祉課', role: 'secretariat' }),
    ]);
    [sender, receiver, third, promoter, secretariat] = (await Promise.all(users.map(party))) as [Party, Party, Party, Party, Party];
  });

  async function send(chiefComplaint: string, from = sender, toAgencyId = receiver.user.agencyId) {
    const res = await from.agent.post('/api/v1/referrals', { toAgencyId, chiefComplaint, content: '内容', reason: '理由', consentConfirmed: false });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }
  const get = async (who: Party, id: string) => json(await who.agent.get(`/api/v1/referrals/${id}`));
  const tasksOf = async (who: Party): Promise<Task[]> => json(await who.agent.get('/api/v1/tasks')).items;
  const alerts = () => t.db.transaction().execute((trx) => raiseOverdueReferralAlerts({ trx, municipalityId: t.municipalityId }));
  const stallNotices = (id: string) =>
    t.db.selectFrom('notifications').select(['recipient_agency_id', 'recipient_role', 'title', 'dedupe_key']).where('dedupe_key', 'like', `stalled:${id}:%`).execute();

  it('an accepted referral with no progress by its business-day deadline alerts everyone once; a progress note resets it', async () => {
    const r = await send('止まったつなぎ');
    const accepted = json(await receiver.agent.post(`/api/v1/referrals/${r.id}/accept`, {}));
    // Due 5 business days (the default) after acceptance, Japanese holidays and the year-end closure excluded.
    const acceptedAt = new Date(accepted.events.at(-1).at);
    expect(accepted.progressDueAt).toBe(addBusinessDays(acceptedAt, 5).toISOString());
    expect(accepted).toMatchObject({ overdue: false, overdueKind: null, delivery: 'online' });

    const before = json(await receiver.agent.get('/api/v1/referrals/counts')).inbox.overdue;
    await t.db.updateTable('referrals').set({ progress_due_at: PAST() }).where('id', '=', r.id).execute();
    // The referral view, the counts and わたしの仕事 of both ends show it.
    expect(await get(sender, r.id)).toMatchObject({ overdue: true, overdueKind: 'stalled' });
    expect(json(await receiver.agent.get('/api/v1/referrals/counts')).inbox.overdue).toBe(before + 1);
    const mine = (await tasksOf(receiver)).filter((x) => x.link === `/referrals/${r.id}`);
    expect(mine).toMatchObject([{ kind: 'referral_unanswered', title: '受けたつなぎの経過の記録', severity: 'overdue' }]);
    const theirs = (await tasksOf(sender)).filter((x) => x.link === `/referrals/${r.id}`);
    expect(theirs).toMatchObject([{ title: '送ったつなぎ（対応が止まっています）', severity: 'overdue' }]);

    // The alert: the receiving agency, the sender, the 推進員 and the 事務局, once.
    expect(await alerts()).toBeGreaterThanOrEqual(1);
    const first = await stallNotices(r.id);
    expect(first.map((n) => n.recipient_agency_id ?? n.recipient_role).sort()).toEqual([receiver.user.agencyId, sender.user.agencyId, 'promoter', 'secretariat'].sort());
    expect(first[0]!.title).toBe('つなぎの対応が止まっています（居住支援相談窓口 → 消費生活相談）');
    for (const party of [receiver, sender, promoter, secretariat]) {
      const items = json(await party.agent.get('/api/v1/notifications?limit=100')).items;
      expect(items.filter((n: { kind: string; link: string }) => n.kind === 'referral_overdue' && n.link === `/referrals/${r.id}`), party.user.role).toHaveLength(1);
    }
    await alerts();
    expect(await stallNotices(r.id)).toHaveLength(4);

    // Only the receiving agency records progress, on an accepted or 対応中 referral.
    expect((await sender.agent.post(`/api/v1/referrals/${r.id}/progress`, { note: '催促' })).statusCode).toBe(403);
    expect((await third.agent.post(`/api/v1/referrals/${r.id}/progress`, { note: '横から' })).statusCode).toBe(404);
    const empty = await receiver.agent.post(`/api/v1/referrals/${r.id}/progress`, { note: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(Object.keys(json(empty).error.fields)).toEqual(['note']);
    const noted = await receiver.agent.post(`/api/v1/referrals/${r.id}/progress`, { note: '本人と面談し、家計の見直しを始めた' });
    expect(noted.statusCode, noted.body).toBe(200);
    const after = json(noted);
    expect(after).toMatchObject({ overdue: false, overdueKind: null, status: 'accepted' });
    expect(new Date(after.progressDueAt).getTime()).toBeGreaterThan(Date.now());
    expect(after.events.at(-1)).toMatchObject({ status: 'progress', statusLabel: '経過の記録', note: '本人と面談し、家計の見直しを始めた', byUserName: '受付 二郎' });
    expect((await tasksOf(receiver)).some((x) => x.link === `/referrals/${r.id}`)).toBe(false);
    expect(json(await sender.agent.get('/api/v1/notifications?limit=100')).items.some((n: { kind: string; link: string }) => n.kind === 'referral_progress' && n.link === `/referrals/${r.id}`)).toBe(true);

    // Stalling again alerts again; a status change (対応開始) is progress too.
    await t.db.updateTable('referrals').set({ progress_due_at: PAST() }).where('id', '=', r.id).execute();
    await alerts();
    expect(await stallNotices(r.id)).toHaveLength(8);
    const started = json(await receiver.agent.post(`/api/v1/referrals/${r.id}/start`, {}));
    expect(started).toMatchObject({ status: 'in_progress', overdue: false });
    expect(new Date(started.progressDueAt).getTime()).toBeGreaterThan(Date.now());
    // Completed: no deadline any more, whatever the clock says.
    const done = json(await receiver.agent.post(`/api/v1/referrals/${r.id}/complete`, { note: '完了' }));
    expect(done).toMatchObject({ status: 'completed', overdue: false, progressDueAt: null });
    await t.db.updateTable('referrals').set({ progress_due_at: PAST() }).where('id', '=', r.id).execute();
    expect(await get(sender, r.id)).toMatchObject({ overdue: false });
    await alerts();
    expect(await stallNotices(r.id)).toHaveLength(8);
    // Progress on a 完了 or 送付 referral is refused.
    const closed = await receiver.agent.post(`/api/v1/referrals/${r.id}/progress`, { note: 'あとから' });
    expect(closed.statusCode).toBe(409);
    expect(json(closed).error.code).toBe('invalid_transition');
  });

  it('a referral written without a progress deadline (the demo generator, older rows) gets one from the job and can stall', async () => {
    const r = await send('期限のない古いつなぎ');
    await receiver.agent.post(`/api/v1/referrals/${r.id}/accept`, {});
    const longAgo = new Date(Date.now() - 20 * 86_400_000);
    await sql`update referrals set sent_at = ${longAgo}, accepted_at = ${longAgo}, progress_at = null, progress_due_at = null where id = ${r.id}`.execute(t.db);
    await sql`update referral_events set at = ${longAgo} where referral_id = ${r.id}`.execute(t.db);
    await alerts();
    const row = await t.db.selectFrom('referrals').select(['progress_at', 'progress_due_at']).where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(new Date(row.progress_at!).toISOString()).toBe(longAgo.toISOString());
    expect(new Date(row.progress_due_at!).toISOString()).toBe(addBusinessDays(longAgo, 5).toISOString());
    expect(await stallNotices(r.id)).toHaveLength(4);
  });

  it('the number of business days is a municipal setting', async () => {
    const admin = await t.loginAdmin();
    const res = await admin.patch('/api/v1/municipality/settings', { referralStallBusinessDays: 2 });
    expect(res.statusCode, res.body).toBe(200);
    expect((await admin.patch('/api/v1/municipality/settings', { referralStallBusinessDays: 0 })).statusCode).toBe(422);
    const r = await send('設定どおりの期限');
    const accepted = json(await receiver.agent.post(`/api/v1/referrals/${r.id}/accept`, {}));
    expect(accepted.progressDueAt).toBe(addBusinessDays(new Date(accepted.events.at(-1).at), 2).toISOString());
    await admin.patch('/api/v1/municipality/settings', { referralStallBusinessDays: 5 });
  });
});

describe.each(DATABASE_KINDS)('referrals to agencies without accounts (%s)', (kind) => {
  const t = useTestApp(kind);
  let mid: string;
  let sender: Party;
  let other: Party;
  const agency = (name: string) => t.agencyId(name, mid);

  beforeAll(async () => {
    // 西東京市: its preset lists 田無警察署, 多摩小平保健所, 小平児童相談所, 西東京消防署.
    mid = (await loadPreset(t.db, findPreset('西東京市')!)).municipalityId;
    const party = async (user: TestUser): Promise<Party> => ({ user, agent: await t.login(user.loginId, user.password) });
    const users = await Promise.all([
      t.createUser({ municipalityId: mid, agency: '生活サポート相談窓口', name: '送付 三郎' }),
      t.createUser({ municipalityId: mid, agency: '基幹相談支援センター' }),
      t.createUser({ municipalityId: mid, agency: '地域共生課', role: 'promoter' }),
      t.createUser({ municipalityId: mid, agency: '地域共生課', role: 'secretariat' }),
    ]);
    [sender, other] = (await Promise.all(users.slice(0, 2).map(party))) as [Party, Party];
  });

  async function send(to: string, chiefComplaint = '見守りの依頼') {
    const res = await sender.agent.post('/api/v1/referrals', { toAgencyId: await agency(to), chiefComplaint, content: '内容', reason: '理由', consentConfirmed: false });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }
  const tasksOf = async (who: Party): Promise<Task[]> => json(await who.agent.get('/api/v1/tasks')).items;
  const alerts = () => t.db.transaction().execute((trx) => raiseOverdueReferralAlerts({ trx, municipalityId: mid }));

  it('"no accounts" means no active user who can act on a referral, decided when sending', async () => {
    // 多摩小平保健所 has a clerk: online.
    await t.createUser({ municipalityId: mid, agency: '多摩小平保健所', role: 'agency_staff' });
    expect((await send('多摩小平保健所')).delivery).toBe('online');
    // 小平児童相談所: its only account is deactivated; 西東京消防署: only an administrator and an auditor.
    const gone = await t.createUser({ municipalityId: mid, agency: '小平児童相談所' });
    await t.db.updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
    await t.createUser({ municipalityId: mid, agency: '西東京消防署', role: 'admin' });
    await t.createUser({ municipalityId: mid, agency: '西東京消防署', role: 'auditor' });
    for (const to of ['小平児童相談所', '西東京消防署', '田無警察署']) expect((await send(to)).delivery, to).toBe('offline');
    // No お知らせ goes to an agency that nobody reads.
    const police = await agency('田無警察署');
    expect(await t.db.selectFrom('notifications').select('id').where('recipient_agency_id', '=', police).execute()).toEqual([]);
  });

  it('the sender sends the sheet, records the answer, and the referral is never forever overdue', async () => {
    const r = await send('田無警察署', '徘徊の見守り');
    expect(r).toMatchObject({ delivery: 'offline', status: 'sent', delivered: null, answer: null, awaitingAnswer: false, overdue: false });
    // The sender's task: send the printed sheet.
    expect((await tasksOf(sender)).filter((x) => x.link === `/referrals/${r.id}`)).toMatchObject([{ title: 'つなぎの共通様式を紙・FAXで送る', severity: 'due_soon' }]);

    // Not sent by the due time: overdue, alerting the sender, the 推進員 and the 事務局 (not the police, which has no accounts).
    await t.db.updateTable('referrals').set({ due_at: PAST() }).where('id', '=', r.id).execute();
    expect(json(await sender.agent.get(`/api/v1/referrals/${r.id}`))).toMatchObject({ overdue: true, overdueKind: 'undelivered' });
    await alerts();
    const notices = await t.db.selectFrom('notifications').select(['recipient_agency_id', 'recipient_role', 'title']).where('dedupe_key', '=', `overdue:${r.id}`).execute();
    expect(notices.map((n) => n.recipient_agency_id ?? n.recipient_role).sort()).toEqual([sender.user.agencyId, 'promoter', 'secretariat'].sort());
    expect(notices[0]!.title).toBe('紙・FAXで送るつなぎの送付が記録されていません（生活サポート相談窓口 → 田無警察署）');

    // Only the sender records the delivery; bad input is 422 and saves nothing.
    expect((await other.agent.post(`/api/v1/referrals/${r.id}/delivery`, { method: 'FAX' })).statusCode).toBe(404);
    const bad = await sender.agent.post(`/api/v1/referrals/${r.id}/delivery`, { method: '伝書鳩' });
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(json(bad).error.fields)).toEqual(['method']);
    const early = await sender.agent.post(`/api/v1/referrals/${r.id}/answer`, { answeredBy: '生活安全課', answeredAt: new Date().toISOString(), method: '電話', result: 'accepted', outcome: '了解' });
    expect(early.statusCode).toBe(409);
    expect(json(early).error.message).toBe('先に、紙・FAXで送付したことを記録してください。');

    const delivered = await sender.agent.post(`/api/v1/referrals/${r.id}/delivery`, { method: 'FAX', note: '生活安全課あて' });
    expect(delivered.statusCode, delivered.body).toBe(200);
    expect(json(delivered)).toMatchObject({ delivered: { method: 'FAX' }, awaitingAnswer: true, overdue: false, overdueKind: null, status: 'sent' });
    expect((await sender.agent.post(`/api/v1/referrals/${r.id}/delivery`, { method: 'FAX' })).statusCode).toBe(409);
    // Past the due time and unanswered, yet not overdue: no count, no alert, a task to record the answer instead.
    expect(json(await sender.agent.get('/api/v1/referrals/counts')).outbox.overdue).toBe(0);
    await t.db.deleteFrom('notifications').where('dedupe_key', '=', `overdue:${r.id}`).execute();
    await alerts();
    expect(await t.db.selectFrom('notifications').select('id').where('link', '=', `/referrals/${r.id}`).where('kind', '=', 'referral_overdue').execute()).toEqual([]);
    expect((await tasksOf(sender)).filter((x) => x.link === `/referrals/${r.id}`)).toMatchObject([{ title: 'つなぎ先からの回答を記録する', severity: 'due_soon' }]);

    // The answer: who, when, by what means, the outcome.
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const invalidAnswer = await sender.agent.post(`/api/v1/referrals/${r.id}/answer`, { answeredBy: '', answeredAt: future, method: 'テレパシー', result: 'maybe', outcome: '' });
    expect(invalidAnswer.statusCode).toBe(422);
    expect(Object.keys(json(invalidAnswer).error.fields).sort()).toEqual(['answeredAt', 'answeredBy', 'method', 'outcome', 'result']);
    const answered = await sender.agent.post(`/api/v1/referrals/${r.id}/answer`, {
      answeredBy: '田無警察署 生活安全課 山田',
      answeredAt: new Date().toISOString(),
      method: '電話',
      result: 'accepted',
      outcome: '巡回のときに声をかけてもらうことになった',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const view = json(answered);
    expect(view).toMatchObject({
      status: 'completed',
      awaitingAnswer: false,
      overdue: false,
      answer: { by: '田無警察署 生活安全課 山田', method: '電話', result: 'accepted', resultLabel: '引き受けてもらえた', outcome: '巡回のときに声をかけてもらうことになった' },
      completionNote: '巡回のときに声をかけてもらうことになった',
    });
    expect(view.events.map((e: { status: string; statusLabel: string; byUserName: string }) => [e.status, e.statusLabel, e.byUserName])).toEqual([
      ['sent', '送付', '送付 三郎'],
      ['delivered', '紙・FAXで送付', '送付 三郎'],
      ['answered', '回答の記録', '送付 三郎'],
      ['completed', '完了', '送付 三郎'],
    ]);
    expect((await tasksOf(sender)).some((x) => x.link === `/referrals/${r.id}`)).toBe(false);
    expect((await sender.agent.post(`/api/v1/referrals/${r.id}/answer`, { answeredBy: 'x', answeredAt: new Date().toISOString(), method: '電話', result: 'accepted', outcome: 'x' })).statusCode).toBe(409);
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', r.id).where('outcome', '=', 'success').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['referral.create', 'referral.deliver', 'referral.answer']));
  });

  it('a declined answer is a 差戻し with the outcome as its reason; online referrals take no paper steps', async () => {
    const r = await send('小平児童相談所', '子どもの見守り');
    await sender.agent.post(`/api/v1/referrals/${r.id}/delivery`, { method: '持参', deliveredAt: new Date(Date.now() - 60_000).toISOString() });
    const declined = json(
      await sender.agent.post(`/api/v1/referrals/${r.id}/answer`, { answeredBy: '相談係', answeredAt: new Date().toISOString(), method: '面談', result: 'declined', outcome: '管轄外のため' }),
    );
    expect(declined).toMatchObject({ status: 'returned', returnReason: '管轄外のため', answer: { resultLabel: '引き受けてもらえなかった' } });

    const online = await send('多摩小平保健所');
    const refused = await sender.agent.post(`/api/v1/referrals/${online.id}/delivery`, { method: 'FAX' });
    expect(refused.statusCode).toBe(409);
    expect(json(refused).current.status).toBe('sent');
    expect(
      (await sender.agent.post(`/api/v1/referrals/${online.id}/answer`, { answeredBy: 'x', answeredAt: new Date().toISOString(), method: '電話', result: 'accepted', outcome: 'x' })).statusCode,
    ).toBe(409);
  });
});
