import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';

/**
 * 支援経過記録: the merged timeline of a case across agencies, entry by any
 * team agency, correction as a new revision by the writing agency only
 * (the original stays in the history), and cases.last_contact_at.
 */

/** An instant `minutes` before now, as an ISO string. */
function ago(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

/** 'YYYY-MM-DDTHH:mm' in Japan time, `minutes` before now (the form's format). */
function localAgo(minutes: number): string {
  return new Date(Date.now() + 9 * 3600_000 - minutes * 60_000).toISOString().slice(0, 16);
}

describe.each(DATABASE_KINDS)('support records (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let caseId: string;

  async function lastContact(id: string): Promise<Date | null> {
    const row = await t.db.selectFrom('cases').select('last_contact_at').where('id', '=', id).executeTakeFirstOrThrow();
    return row.last_contact_at ? new Date(row.last_contact_at) : null;
  }

  async function recordCount(id: string): Promise<number> {
    const rows = await t.db.selectFrom('support_records').select('id').where('case_id', '=', id).execute();
    return rows.length;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function write(agent: Agent, id: string, body: Record<string, unknown>): Promise<any> {
    const res = await agent.post(`/api/v1/cases/${id}/records`, body);
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }

  beforeAll(async () => {
    w = await caseWorld(t);
    const opened = await open8050Case(w);
    caseId = opened.case.id;
    const added = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(added.statusCode, added.body).toBe(201);
  });

  it('a team agency records a home visit; it is a contact and sets last_contact_at; the case page shows it', async () => {
    expect(await lastContact(caseId)).toBeNull();
    const occurredAt = localAgo(60);
    const r = await write(w.houkatsu.agent, caseId, {
      occurredAt,
      kind: '訪問',
      content: '母と面談。息子は自室から出てこなかったが、ドア越しに挨拶できた。',
      durationMinutes: 45,
      nextAction: '来週もう一度訪問する',
      nextActionOn: '2099-01-01',
    });
    expect(r).toMatchObject({
      kind: '訪問',
      agencyId: w.agencies.houkatsu,
      staffUserId: w.houkatsu.user.id,
      staffName: '包括 次郎',
      durationMinutes: 45,
      nextAction: '来週もう一度訪問する',
      nextActionOn: '2099-01-01',
      contact: true,
      revision: 1,
      corrected: false,
      canCorrect: true,
    });
    expect(r.rootId).toBe(r.id);
    // 'YYYY-MM-DDTHH:mm' is Japan time.
    expect(new Date(r.occurredAt).getTime()).toBe(new Date(`${occurredAt}:00+09:00`).getTime());
    expect((await lastContact(caseId))?.toISOString()).toBe(r.occurredAt);
    const detail = json(await w.coordinator.agent.get(`/api/v1/cases/${caseId}`));
    expect(detail.lastContactAt).toBe(r.occurredAt);
    expect(detail.recentRecords.map((x: { id: string }) => x.id)).toContain(r.id);
    const audit = await t.db.selectFrom('audit_events').select(['action', 'target_id']).where('action', '=', 'record.create').execute();
    expect(audit.some((a) => a.target_id === caseId)).toBe(true);
  });

  it('an earlier contact does not move last_contact_at back; a meeting is not a contact unless marked', async () => {
    const id = (await open8050Case(w, { name: '接触 確認' })).case.id;
    const recent = await write(w.coordinator.agent, id, { occurredAt: ago(30), kind: '電話', content: '本人に電話。応答あり。' });
    await write(w.coordinator.agent, id, { occurredAt: ago(600), kind: '面談', content: '前日の面談（後から入力）' });
    expect((await lastContact(id))?.toISOString()).toBe(recent.occurredAt);
    const meeting = await write(w.coordinator.agent, id, { occurredAt: ago(5), kind: '会議', content: 'ケース会議' });
    expect(meeting.contact).toBe(false);
    expect((await lastContact(id))?.toISOString()).toBe(recent.occurredAt);
    const marked = await write(w.coordinator.agent, id, { occurredAt: ago(2), kind: '会議', content: '本人も出席した会議', contact: true });
    expect((await lastContact(id))?.toISOString()).toBe(marked.occurredAt);
  });

  it('lists the merged timeline newest first with filters, counts and keyset pagination', async () => {
    const id = (await open8050Case(w, { name: '一覧 確認' })).case.id;
    await w.coordinator.agent.post(`/api/v1/cases/${id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    const made = [
      await write(w.coordinator.agent, id, { occurredAt: ago(500), kind: '電話', content: 'a' }),
      await write(w.houkatsu.agent, id, { occurredAt: ago(400), kind: '訪問', content: 'b' }),
      await write(w.coordinator.agent, id, { occurredAt: ago(300), kind: '会議', content: 'c' }),
      await write(w.houkatsu.agent, id, { occurredAt: ago(200), kind: '訪問', content: 'd' }),
      await write(w.coordinator.agent, id, { occurredAt: ago(100), kind: '電話', content: 'e' }),
    ];
    const all = json(await w.houkatsu.agent.get(`/api/v1/cases/${id}/records`));
    expect(all.items.map((r: { content: string }) => r.content)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(all.total).toBe(5);
    expect(all.counts.byKind).toEqual([
      { kind: '電話', count: 2 },
      { kind: '訪問', count: 2 },
      { kind: '会議', count: 1 },
    ]);
    expect(all.counts.byAgency).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agencyId: w.agencies.coord, count: 3 }),
        expect.objectContaining({ agencyId: w.agencies.houkatsu, count: 2 }),
      ]),
    );
    // The houkatsu may correct its own records only.
    expect(all.items.map((r: { canCorrect: boolean }) => r.canCorrect)).toEqual([false, true, false, true, false]);

    const byAgency = json(await w.houkatsu.agent.get(`/api/v1/cases/${id}/records?agencyId=${w.agencies.houkatsu}`));
    expect(byAgency.items.map((r: { content: string }) => r.content)).toEqual(['d', 'b']);
    const byKind = json(await w.houkatsu.agent.get(`/api/v1/cases/${id}/records?kind=${encodeURIComponent('電話')}`));
    expect(byKind.items.map((r: { content: string }) => r.content)).toEqual(['e', 'a']);
    const future = json(await w.houkatsu.agent.get(`/api/v1/cases/${id}/records?from=2099-01-01`));
    expect(future.items).toEqual([]);
    const past = json(await w.houkatsu.agent.get(`/api/v1/cases/${id}/records?to=2000-01-01`));
    expect(past.items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await w.coordinator.agent.get(`/api/v1/cases/${id}/records?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = json(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r: { id: string }) => r.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse().map((r) => r.id));

    const bad = await w.coordinator.agent.get(`/api/v1/cases/${id}/records?kind=${encodeURIComponent('散歩')}`);
    expect(bad.statusCode).toBe(422);
    expect(json(bad).error.fields.kind).toContain('種別');
  });

  it('a correction is a new revision with its reason: the list shows the corrected text, the history both', async () => {
    const id = (await open8050Case(w, { name: '訂正 確認' })).case.id;
    await w.coordinator.agent.post(`/api/v1/cases/${id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    const other = await write(w.coordinator.agent, id, { occurredAt: ago(300), kind: '電話', content: '母に電話' });
    const original = await write(w.houkatsu.agent, id, { occurredAt: ago(60), kind: '訪問', content: '息子と会えた', durationMinutes: 30 });
    expect((await lastContact(id))?.toISOString()).toBe(original.occurredAt);

    const corrected = await w.houkatsu.agent.post(`/api/v1/cases/${id}/records/${original.id}/corrections`, {
      occurredAt: ago(600),
      kind: '訪問',
      content: '息子とは会えなかった（母から様子を聞いた）',
      durationMinutes: 30,
      correctionReason: '会えたのは母だけだったため訂正',
      baseRevision: 1,
    });
    expect(corrected.statusCode, corrected.body).toBe(201);
    const c = json(corrected);
    expect(c).toMatchObject({ rootId: original.id, revision: 2, corrected: true, correctionReason: '会えたのは母だけだったため訂正' });
    expect(c.id).not.toBe(original.id);
    // last_contact_at is recomputed from the current records: the corrected visit is now older than the phone call.
    expect((await lastContact(id))?.toISOString()).toBe(other.occurredAt);

    const list = json(await w.coordinator.agent.get(`/api/v1/cases/${id}/records`));
    expect(list.items.map((r: { content: string }) => r.content)).toEqual(['母に電話', '息子とは会えなかった（母から様子を聞いた）']);
    expect(list.total).toBe(2);

    const history = json(await w.coordinator.agent.get(`/api/v1/cases/${id}/records/${c.id}/history`));
    expect(history.items.map((r: { revision: number; content: string; isCurrent: boolean }) => [r.revision, r.content, r.isCurrent])).toEqual([
      [1, '息子と会えた', false],
      [2, '息子とは会えなかった（母から様子を聞いた）', true],
    ]);
    expect(history.items[1].correctionReason).toBe('会えたのは母だけだったため訂正');
    // The original revision is untouched in the table.
    const stored = await t.db.selectFrom('support_records').select(['content', 'is_current']).where('id', '=', original.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ content: '息子と会えた', is_current: false });

    // A stale base revision: 409 with the current record; nothing added.
    const stale = await w.houkatsu.agent.post(`/api/v1/cases/${id}/records/${original.id}/corrections`, {
      occurredAt: ago(60),
      kind: '訪問',
      content: '古い版からの訂正',
      correctionReason: '再訂正',
      baseRevision: 1,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(json(stale).current).toMatchObject({ id: c.id, revision: 2 });
    expect(json(stale).error.message).toContain('ほかの方が');
    expect(await recordCount(id)).toBe(3);

    // Another agency on the team may not correct it (403), an outsider does not see it (404).
    const foreign = await w.coordinator.agent.post(`/api/v1/cases/${id}/records/${c.id}/corrections`, {
      occurredAt: ago(60),
      kind: '訪問',
      content: '他機関による訂正',
      correctionReason: '誤り',
      baseRevision: 2,
    });
    expect(foreign.statusCode, foreign.body).toBe(403);
    expect(json(foreign).error.message).toContain('記録した機関');
    const outsider = await w.outsider.agent.post(`/api/v1/cases/${id}/records/${c.id}/corrections`, {
      occurredAt: ago(60),
      kind: '訪問',
      content: '外部による訂正',
      correctionReason: '誤り',
      baseRevision: 2,
    });
    expect(outsider.statusCode).toBe(404);
    expect(await recordCount(id)).toBe(3);

    // A correction needs its reason.
    const noReason = await w.houkatsu.agent.post(`/api/v1/cases/${id}/records/${c.id}/corrections`, {
      occurredAt: ago(60),
      kind: '訪問',
      content: '理由なし',
      correctionReason: ' ',
      baseRevision: 2,
    });
    expect(noReason.statusCode).toBe(422);
    expect(json(noReason).error.fields.correctionReason).toContain('訂正の理由');

    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', id).execute();
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['record.create', 'record.correct', 'record.list', 'record.history']));
  });

  it('bad input is 422 naming each field, and nothing is saved', async () => {
    const before = await recordCount(caseId);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ occurredAt: new Date(Date.now() + 3600_000).toISOString() }, 'occurredAt', '未来'],
      [{ occurredAt: 'きのう' }, 'occurredAt', '日時'],
      [{ occurredAt: '2000-01-01T10:00' }, 'occurredAt', '1年以上前'],
      [{ kind: '散歩' }, 'kind', '種別'],
      [{ durationMinutes: 1441 }, 'durationMinutes', '1440'],
      [{ durationMinutes: -1 }, 'durationMinutes', '所要時間'],
      [{ agencyId: w.agencies.window }, 'agencyId', 'チームに入っていない'],
      [{ content: '   ' }, 'content', '内容'],
      [{ nextActionOn: '2099-02-30' }, 'nextActionOn', '次の予定日'],
      [{ nextActionOn: '2099-01-01' }, 'nextAction', '予定の内容'],
      [{ staffUserId: w.window.user.id }, 'staffUserId', '対応者'],
    ];
    for (const [patch, field, words] of cases) {
      const res = await w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records`, {
        occurredAt: ago(10),
        kind: '電話',
        content: '確認の電話',
        ...patch,
      });
      expect(res.statusCode, `${JSON.stringify(patch)} ${res.body}`).toBe(422);
      const fields = json(res).error.fields as Record<string, string>;
      expect(fields[field], `${JSON.stringify(patch)} ${res.body}`).toContain(words);
    }
    // Several problems at once: every one is named.
    const many = await w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records`, { occurredAt: '2099-01-01T10:00', kind: '散歩', content: '', durationMinutes: 1441 });
    expect(many.statusCode).toBe(422);
    expect(Object.keys(json(many).error.fields).sort()).toEqual(['content', 'durationMinutes', 'kind', 'occurredAt']);
    expect(await recordCount(caseId)).toBe(before);
  });

  it('staff and agency may be named: another team agency with its own staff member', async () => {
    const r = await write(w.coordinator.agent, caseId, {
      occurredAt: ago(20),
      kind: '同行',
      content: '地域包括の職員が本人の受診に同行',
      agencyId: w.agencies.houkatsu,
      staffUserId: w.houkatsu.user.id,
    });
    expect(r).toMatchObject({ agencyId: w.agencies.houkatsu, staffName: '包括 次郎', canCorrect: false });
    const mismatch = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/records`, {
      occurredAt: ago(20),
      kind: '同行',
      content: 'x',
      agencyId: w.agencies.houkatsu,
    });
    expect(mismatch.statusCode).toBe(422);
    expect(json(mismatch).error.fields.staffUserId).toContain('職員を選んでください');
  });

  it('an outsider gets 404 everywhere; an agency removed from the team gets 404 at once', async () => {
    const id = (await open8050Case(w, { name: '除外 確認' })).case.id;
    const added = json(await w.coordinator.agent.post(`/api/v1/cases/${id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' }));
    const r = await write(w.houkatsu.agent, id, { occurredAt: ago(30), kind: '訪問', content: '訪問した' });
    for (const res of [
      await w.outsider.agent.get(`/api/v1/cases/${id}/records`),
      await w.outsider.agent.post(`/api/v1/cases/${id}/records`, { occurredAt: ago(5), kind: '電話', content: 'x' }),
      await w.outsider.agent.get(`/api/v1/cases/${id}/records/${r.id}/history`),
    ]) {
      expect(res.statusCode).toBe(404);
    }
    const member = added.items.find((m: { agencyId: string; userId: string | null }) => m.agencyId === w.agencies.houkatsu && !m.userId);
    const removed = await w.coordinator.agent.post(`/api/v1/cases/${id}/team/${member.id}/remove`, { reason: '支援の役割を終えたため' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${id}/records`)).statusCode).toBe(404);
    expect((await w.houkatsu.agent.post(`/api/v1/cases/${id}/records`, { occurredAt: ago(5), kind: '電話', content: 'x' })).statusCode).toBe(404);
    // Its records stay in the timeline for the team.
    const list = json(await w.coordinator.agent.get(`/api/v1/cases/${id}/records`));
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([r.id]);
    // A record id of another case answers 404.
    expect((await w.coordinator.agent.get(`/api/v1/cases/${caseId}/records/${r.id}/history`)).statusCode).toBe(404);
  });

  it('today: my records entered today and my open cases with last contact and next action', async () => {
    const today = json(await w.houkatsu.agent.get('/api/v1/records/today'));
    expect(today.records.length).toBeGreaterThan(0);
    expect(today.records.every((r: { createdByName: string }) => r.createdByName === '包括 次郎')).toBe(true);
    expect(today.records[0]).toHaveProperty('caseNo');
    // The houkatsu is not named on the team and not 主担当: no cases to pick.
    expect(today.cases).toEqual([]);
    const mine = json(await w.coordinator.agent.get('/api/v1/records/today'));
    const c = mine.cases.find((x: { id: string }) => x.id === caseId);
    expect(c).toMatchObject({ status: 'intake', statusLabel: '受付', primaryPerson: { displayName: '小金 太一' } });
    expect(c.lastContactAt).not.toBeNull();
    expect(c.nextAction).toEqual({ text: '来週もう一度訪問する', on: '2099-01-01' });
    expect((await w.outsider.agent.get('/api/v1/records/today')).statusCode).toBe(200);
    expect(json(await w.outsider.agent.get('/api/v1/records/today')).cases).toEqual([]);
    const admin = await t.loginAdmin();
    expect((await admin.get('/api/v1/records/today')).statusCode).toBe(403);
  });
});
