import { beforeAll, describe, expect, it } from 'vitest';
import { raiseOverdueReferralAlerts } from '../../src/referrals/service.ts';
import { JOBS, runIfDue } from '../../src/server/jobs.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { auditCount, consult, recordConsent, registerPerson } from '../support/people.ts';

/**
 * つなぎ (referrals) with a closed loop: 送付 → 受理 | 差戻し (reason) →
 * 対応中 → 完了, changed only by the receiving agency, each step dated and
 * by whom; inbox/outbox counts; and the alert for referrals not accepted
 * within the municipality's business days.
 */
const SENDER = '小金井にし地域包括支援センター';
const RECEIVER = '福祉総合相談窓口（自立相談サポートセンター）';
const THIRD = '女性総合相談';
const COORD = '地域福祉コーディネーター（多機関協働事業）';
const overdueJob = JOBS.find((j) => j.name === 'referrals.overdue')!;

interface Party {
  user: TestUser;
  agent: Agent;
}

describe.each(DATABASE_KINDS)('referrals (%s)', (kind) => {
  const t = useTestApp(kind);
  let sender: Party;
  let receiver: Party;
  let third: Party;
  let promoter: Party;
  let secretariat: Party;
  let receiverAgencyId: string;

  beforeAll(async () => {
    const party = async (user: TestUser): Promise<Party> => ({ user, agent: await t.login(user.loginId, user.password) });
    const [u0, u1, u2, u3, u4] = await Promise.all([
      t.createUser({ agency: SENDER, name: '送付 花子' }),
      t.createUser({ agency: RECEIVER, role: 'agency_staff', name: '受付 太郎' }),
      t.createUser({ agency: THIRD }),
      t.createUser({ agency: '地域福祉課', role: 'promoter' }),
      t.createUser({ agency: '地域福祉課', role: 'secretariat' }),
    ]);
    [sender, receiver, third, promoter, secretariat] = await Promise.all([party(u0), party(u1), party(u2), party(u3), party(u4)]);
    receiverAgencyId = receiver.user.agencyId;
  });

  /** An anonymous referral (no person) from SENDER to RECEIVER. */
  async function send(extra: Record<string, unknown> = {}, from: Agent = sender.agent) {
    const res = await from.post('/api/v1/referrals', {
      toAgencyId: receiverAgencyId,
      chiefComplaint: '家賃を滞納している',
      content: '70代の単身男性。年金のみで家賃が払えない。',
      reason: '生活困窮の相談窓口につなぐため',
      consentConfirmed: false,
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }
  const act = (who: Agent, id: string, action: 'accept' | 'return' | 'start' | 'complete', body: Record<string, unknown> = {}) =>
    who.post(`/api/v1/referrals/${id}/${action}`, body);

  it('goes 送付 → 受理 → 対応中 → 完了, each step dated and by whom, and the sender sees it', async () => {
    const referral = await send();
    expect(referral).toMatchObject({ status: 'sent', statusLabel: '送付', overdue: false, version: 1, fromAgency: { name: SENDER }, toAgency: { id: receiverAgencyId }, person: null });
    expect(new Date(referral.dueAt).getTime()).toBeGreaterThan(Date.now());
    expect(referral.events).toHaveLength(1);
    // The receiving agency is told.
    expect(json(await receiver.agent.get('/api/v1/notifications')).items.some((n: { link: string; kind: string }) => n.kind === 'referral_received' && n.link === `/referrals/${referral.id}`)).toBe(true);

    const accepted = await act(receiver.agent, referral.id, 'accept', { version: 1 });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json(accepted)).toMatchObject({ status: 'accepted', statusLabel: '受理', version: 2 });
    const started = await act(receiver.agent, referral.id, 'start');
    expect(json(started)).toMatchObject({ status: 'in_progress', statusLabel: '対応中' });
    const completed = await act(receiver.agent, referral.id, 'complete', { note: '住居確保給付金の申請につないだ' });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(json(completed)).toMatchObject({ status: 'completed', completionNote: '住居確保給付金の申請につないだ' });

    const seen = json(await sender.agent.get(`/api/v1/referrals/${referral.id}`));
    expect(seen.status).toBe('completed');
    expect(seen.events.map((e: { status: string; statusLabel: string; byUserName: string; byAgencyName: string; note: string | null }) => [e.status, e.statusLabel, e.byUserName, e.byAgencyName, e.note])).toEqual([
      ['sent', '送付', '送付 花子', SENDER, null],
      ['accepted', '受理', '受付 太郎', RECEIVER, null],
      ['in_progress', '対応中', '受付 太郎', RECEIVER, null],
      ['completed', '完了', '受付 太郎', RECEIVER, '住居確保給付金の申請につないだ'],
    ]);
    const times = seen.events.map((e: { at: string }) => new Date(e.at).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times.every((ms: number) => Math.abs(ms - Date.now()) < 60_000)).toBe(true);
    // The sender is told of each step.
    const kinds = json(await sender.agent.get('/api/v1/notifications?limit=100'))
      .items.filter((n: { link: string }) => n.link === `/referrals/${referral.id}`)
      .map((n: { kind: string }) => n.kind)
      .sort();
    expect(kinds).toEqual(['referral_accepted', 'referral_completed', 'referral_in_progress']);
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', referral.id).where('outcome', '=', 'success').orderBy('seq').execute();
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(['referral.create', 'referral.accept', 'referral.start', 'referral.complete']));
  });

  it('refuses every transition the flow does not allow with 409 invalid_transition', async () => {
    const expectRefused = async (id: string, action: 'accept' | 'return' | 'start' | 'complete', status: string) => {
      const res = await act(receiver.agent, id, action, action === 'return' ? { reason: '理由' } : {});
      expect(res.statusCode, `${action} from ${status}: ${res.body}`).toBe(409);
      expect(json(res).error.code).toBe('invalid_transition');
      expect(json(res).current.status).toBe(status);
    };
    // From 送付: start and complete are not allowed.
    const sent = await send();
    await expectRefused(sent.id, 'start', 'sent');
    await expectRefused(sent.id, 'complete', 'sent');
    // From 受理: accept and return are not allowed; complete is.
    expect((await act(receiver.agent, sent.id, 'accept')).statusCode).toBe(200);
    await expectRefused(sent.id, 'accept', 'accepted');
    await expectRefused(sent.id, 'return', 'accepted');
    expect(json(await act(receiver.agent, sent.id, 'complete')).status).toBe('completed');
    // From 完了: nothing.
    for (const action of ['accept', 'return', 'start', 'complete'] as const) await expectRefused(sent.id, action, 'completed');
    // From 対応中: only complete.
    const working = await send();
    await act(receiver.agent, working.id, 'accept');
    await act(receiver.agent, working.id, 'start');
    for (const action of ['accept', 'return', 'start'] as const) await expectRefused(working.id, action, 'in_progress');
    // From 差戻し: nothing.
    const returned = await send();
    const noReason = await act(receiver.agent, returned.id, 'return', {});
    expect(noReason.statusCode).toBe(422);
    expect(Object.keys(json(noReason).error.fields)).toEqual(['reason']);
    expect((await act(receiver.agent, returned.id, 'return', { reason: '   ' })).statusCode).toBe(422);
    const ok = await act(receiver.agent, returned.id, 'return', { reason: '当センターの対象外（市外在住）' });
    expect(json(ok)).toMatchObject({ status: 'returned', statusLabel: '差戻し', returnReason: '当センターの対象外（市外在住）' });
    expect(json(ok).events.at(-1)).toMatchObject({ status: 'returned', note: '当センターの対象外（市外在住）' });
    for (const action of ['accept', 'return', 'start', 'complete'] as const) await expectRefused(returned.id, action, 'returned');
    // The sender is told why.
    const notice = json(await sender.agent.get('/api/v1/notifications?limit=100')).items.find((n: { link: string; kind: string }) => n.link === `/referrals/${returned.id}` && n.kind === 'referral_returned');
    expect(notice.body).toContain('当センターの対象外（市外在住）');
    // A stale version is a conflict.
    const stale = await send();
    const conflict = await act(receiver.agent, stale.id, 'accept', { version: 7 });
    expect(conflict.statusCode).toBe(409);
    expect(json(conflict).error.code).toBe('conflict');
    expect(json(conflict).current.status).toBe('sent');
  });

  it('only the receiving agency changes the status: the sender gets 403, anyone else 404', async () => {
    const referral = await send();
    for (const action of ['accept', 'return', 'start', 'complete'] as const) {
      const before = await auditCount(t.db, sender.user.id);
      const res = await act(sender.agent, referral.id, action, action === 'return' ? { reason: '取り下げ' } : {});
      expect(res.statusCode, `${action}: ${res.body}`).toBe(403);
      expect(json(res).error.message).toBe('つなぎの状態を変更できるのは、つなぎ先の機関だけです。');
      expect(await auditCount(t.db, sender.user.id)).toBe(before + 1);
      const outsider = await act(third.agent, referral.id, action, action === 'return' ? { reason: '取り下げ' } : {});
      expect(outsider.statusCode).toBe(404);
    }
    expect((await third.agent.get(`/api/v1/referrals/${referral.id}`)).statusCode).toBe(404);
    expect(json(await sender.agent.get(`/api/v1/referrals/${referral.id}`)).status).toBe('sent');
    expect((await act(receiver.agent, '00000000-0000-4000-8000-000000000000', 'accept')).statusCode).toBe(404);
  });

  it('validates the 共通様式: agency, own agency, choice of target, and consent for a named person', async () => {
    const before = await t.db.selectFrom('referrals').select('id').execute();
    const base = { chiefComplaint: '主訴', content: '内容', reason: '理由', consentConfirmed: false };
    for (const [body, field] of [
      [{ ...base, toAgencyId: '00000000-0000-4000-8000-000000000000' }, 'toAgencyId'],
      [{ ...base, toAgencyId: sender.user.agencyId }, 'toAgencyId'],
      [{ ...base }, 'toAgencyId'],
      [{ ...base, toAgencyId: receiverAgencyId, toCoordination: true }, 'toAgencyId'],
      [{ ...base, toAgencyId: receiverAgencyId, reason: '' }, 'reason'],
      [{ ...base, toAgencyId: receiverAgencyId, consentConfirmed: undefined }, 'consentConfirmed'],
      [{ ...base, toAgencyId: 'nope' }, 'toAgencyId'],
    ] as const) {
      const res = await sender.agent.post('/api/v1/referrals', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(Object.keys(json(res).error.fields), JSON.stringify(body)).toContain(field);
    }
    const own = await sender.agent.post('/api/v1/referrals', { ...base, toAgencyId: sender.user.agencyId });
    expect(json(own).error.fields.toAgencyId).toBe('つなぎ先：自分の機関にはつなげません');

    // A named person: the consent check must be confirmed.
    const person = await registerPerson(sender.agent, { name: '同意 確認', birthDate: '1946-06-06' });
    await recordConsent(sender.agent, { personId: person.id, scopeKind: 'listed', agencyIds: [receiverAgencyId] });
    const unconfirmed = await sender.agent.post('/api/v1/referrals', { ...base, personId: person.id, toAgencyId: receiverAgencyId });
    expect(unconfirmed.statusCode).toBe(422);
    expect(Object.keys(json(unconfirmed).error.fields)).toEqual(['consentConfirmed']);
    // A consultation of another agency that the sender may not see.
    const foreign = await consult(third.agent, { chiefComplaint: '他機関の相談', anonymous: true, consulterType: '匿名' });
    const hidden = await sender.agent.post('/api/v1/referrals', { ...base, consultationId: foreign.id, toAgencyId: receiverAgencyId });
    expect(hidden.statusCode).toBe(422);
    expect(Object.keys(json(hidden).error.fields)).toEqual(['consultationId']);
    expect(await t.db.selectFrom('referrals').select('id').execute()).toHaveLength(before.length);

    const named = await sender.agent.post('/api/v1/referrals', { ...base, personId: person.id, toAgencyId: receiverAgencyId, consentConfirmed: true });
    expect(named.statusCode, named.body).toBe(201);
    expect(json(named).person).toMatchObject({ id: person.id, displayName: '同意 確認', birthDate: '1946-06-06' });
    // To the coordinators (多機関協働).
    const coordinated = await send({ toAgencyId: undefined, toCoordination: true });
    expect(coordinated).toMatchObject({ toCoordination: true, toAgency: { name: COORD } });
  });

  it('counts the open referrals of the inbox and outbox per status (completed and returned ones are not counted)', async () => {
    // A pair of agencies used by this test only.
    const [s, r] = await Promise.all([t.createUser({ agency: '居住支援相談窓口' }), t.createUser({ agency: '消費生活相談' })]);
    const [sa, ra] = await Promise.all([t.login(s.loginId, s.password), t.login(r.loginId, r.password)]);
    const make = () => send({ toAgencyId: r.agencyId }, sa);
    const [one, two, three, four] = [await make(), await make(), await make(), await make()];
    await act(ra, one.id, 'accept');
    await act(ra, two.id, 'return', { reason: '対象外' });
    await act(ra, three.id, 'accept');
    await act(ra, three.id, 'complete');
    const empty = { in_progress: 0, overdue: 0 };
    const counts = json(await ra.get('/api/v1/referrals/counts'));
    expect(counts.inbox).toEqual({ ...empty, sent: 1, accepted: 1, open: 2 });
    expect(counts.outbox).toEqual({ ...empty, sent: 0, accepted: 0, open: 0 });
    const senderCounts = json(await sa.get('/api/v1/referrals/counts'));
    expect(senderCounts.outbox).toEqual(counts.inbox);
    const inbox = json(await ra.get('/api/v1/referrals?box=inbox'));
    expect(inbox.items.map((x: { id: string }) => x.id).sort()).toEqual([one.id, two.id, three.id, four.id].sort());
    expect(inbox.counts).toEqual(counts.inbox);
    expect(json(await ra.get('/api/v1/referrals?box=inbox&status=sent')).items.map((x: { id: string }) => x.id)).toEqual([four.id]);
    expect(json(await ra.get('/api/v1/referrals?box=outbox')).items).toEqual([]);
    const outbox = json(await sa.get('/api/v1/referrals?box=outbox&limit=2'));
    expect(outbox.items).toHaveLength(2);
    const rest = json(await sa.get(`/api/v1/referrals?box=outbox&limit=2&cursor=${outbox.nextCursor}`));
    expect(new Set([...outbox.items, ...rest.items].map((x: { id: string }) => x.id))).toEqual(new Set([one.id, two.id, three.id, four.id]));
    expect(rest.nextCursor).toBeNull();
  });

  it('alerts the receiving agency, the sender, the 推進員 and the 事務局 once when a referral is not accepted in time', async () => {
    const late = await send({ chiefComplaint: '期限切れのつなぎ' });
    const lateButAccepted = await send({ chiefComplaint: '期限切れだが受理済み' });
    await act(receiver.agent, lateButAccepted.id, 'accept');
    const onTime = await send({ chiefComplaint: '期限内のつなぎ' });
    const past = new Date(Date.now() - 3600_000);
    await t.db.updateTable('referrals').set({ due_at: past }).where('id', 'in', [late.id, lateButAccepted.id]).execute();

    expect(json(await sender.agent.get(`/api/v1/referrals/${late.id}`)).overdue).toBe(true);
    expect(json(await receiver.agent.get('/api/v1/referrals/counts')).inbox.overdue).toBe(1);

    // The background job raises the alerts…
    expect(await runIfDue(t.db, overdueJob, new Date())).toBe(true);
    const rows = await t.db
      .selectFrom('notifications')
      .select(['recipient_agency_id', 'recipient_role', 'kind', 'link'])
      .where('dedupe_key', 'like', 'overdue:%')
      .execute();
    expect(rows.every((n) => n.kind === 'referral_overdue' && n.link === `/referrals/${late.id}`)).toBe(true);
    expect(rows.map((n) => n.recipient_agency_id ?? n.recipient_role).sort()).toEqual([receiverAgencyId, sender.user.agencyId, 'promoter', 'secretariat'].sort());
    for (const party of [receiver, sender, promoter, secretariat]) {
      const items = json(await party.agent.get('/api/v1/notifications?limit=100')).items;
      const alert = items.filter((n: { kind: string; link: string }) => n.kind === 'referral_overdue' && n.link === `/referrals/${late.id}`);
      expect(alert, party.user.role).toHaveLength(1);
      expect(alert[0].title).toBe(`つなぎが期限までに受理されていません（${SENDER} → ${RECEIVER}）`);
    }
    expect(json(await third.agent.get('/api/v1/notifications?limit=100')).items.some((n: { kind: string }) => n.kind === 'referral_overdue')).toBe(false);

    // …once: running again, by the job or directly, adds nothing.
    expect(await t.db.transaction().execute((trx) => raiseOverdueReferralAlerts({ trx, municipalityId: t.municipalityId }))).toBe(0);
    await overdueJob.run(t.db);
    expect(await t.db.selectFrom('notifications').select('id').where('dedupe_key', 'like', 'overdue:%').execute()).toHaveLength(4);

    // A later overdue referral raises its own alerts; accepting it afterwards does not remove them.
    await t.db.updateTable('referrals').set({ due_at: past }).where('id', '=', onTime.id).execute();
    expect(await t.db.transaction().execute((trx) => raiseOverdueReferralAlerts({ trx, municipalityId: t.municipalityId }))).toBe(1);
    expect(await t.db.selectFrom('notifications').select('id').where('dedupe_key', '=', `overdue:${onTime.id}`).execute()).toHaveLength(4);
    await act(receiver.agent, onTime.id, 'accept');
    expect(await t.db.transaction().execute((trx) => raiseOverdueReferralAlerts({ trx, municipalityId: t.municipalityId }))).toBe(0);
  });
});
