import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/access/audit.ts';
import type { Db } from '../../src/db/database.ts';
import { runRetentionForAll } from '../../src/retention/service.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { consult, recordConsent, registerPerson } from '../support/people.ts';

/**
 * Issue 12 item 8: retention of personal data. A fixture with records from
 * 2018 (past every 5-year period, counted from the 年度 after) and recent
 * ones; the preview lists exactly the old ones, the run anonymises them —
 * the names are gone from the database, the rows and their counts stay —
 * and nothing of a person with an open case, an open referral or recent
 * activity is touched.
 */

const OLD = '2018-06-01T10:00:00+09:00';
const OLD_DATE = '2018-06-01';

/** Names used nowhere else, so a search of the stored rows finds exactly these people. */
const GONE = ['古井閉太', '昔野相子'];
const KEPT = ['開田支援', '今井継続', '待田紹介', '近藤終結'];

/** Tables that hold what staff typed about people (the audit log has its own retention). */
const TEXT_TABLES = [
  'persons',
  'households',
  'household_members',
  'consultations',
  'referrals',
  'referral_events',
  'consents',
  'cases',
  'case_transitions',
  'case_members',
  'support_records',
  'plan_versions',
  'assessments',
  'info_requests',
  'meeting_agenda_items',
  'notifications',
  'emergency_grants',
] as const;

/** Rows of the personal-data tables whose stored text contains the name (spaces ignored). */
async function rowsNaming(db: Db, name: string): Promise<number> {
  let n = 0;
  for (const table of TEXT_TABLES) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table)} t where replace(to_jsonb(t)::text, ' ', '') like ${`%${name}%`}`.execute(db);
    n += Number(rows[0]!.n);
  }
  return n;
}

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** Move a person and everything about them back to 2018 (referrals completed, unless kept open). */
async function backdate(db: Db, personId: string, options: { keepReferralsOpen?: boolean } = {}): Promise<void> {
  await sql`update persons set created_at = ${OLD}, updated_at = ${OLD} where id = ${personId}`.execute(db);
  await sql`update consultations set received_at = ${OLD}, created_at = ${OLD}, updated_at = ${OLD} where person_id = ${personId}`.execute(db);
  await sql`
    update referrals set sent_at = ${OLD}, due_at = ${OLD},
      accepted_at = case when accepted_at is null then null else ${OLD}::timestamptz end,
      started_at = case when started_at is null then null else ${OLD}::timestamptz end,
      status = case when ${options.keepReferralsOpen ?? false} then status else 'completed' end,
      completed_at = case when ${options.keepReferralsOpen ?? false} then null else ${OLD}::timestamptz end
     where person_id = ${personId} or consultation_id in (select id from consultations where person_id = ${personId})`.execute(db);
  await sql`update consents set consented_on = ${OLD_DATE}, created_at = ${OLD} where person_id = ${personId}`.execute(db);
  await sql`update consent_documents set created_at = ${OLD} where person_id = ${personId}`.execute(db);
  await sql`update household_members set added_at = ${OLD} where person_id = ${personId}`.execute(db);
  await sql`update households set created_at = ${OLD}, updated_at = ${OLD}
             where id in (select household_id from household_members where person_id = ${personId})`.execute(db);
}

async function household(agent: Agent, name: string, personId: string): Promise<string> {
  const res = await agent.post('/api/v1/households', { name, address: '小金井市前原町9-9', members: [{ personId, relationship: '本人', situation: `${name}の本人はひとり暮らし` }] });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).id;
}

/** Close a case (as the flow would have) on a date. */
async function closeCase(db: Db, caseId: string, closedOn: string, note: string): Promise<void> {
  await sql`
    update cases set status = 'closed', closed_on = ${closedOn}, closure_reason = '課題解決', closure_note = ${note},
      opened_on = least(opened_on, ${closedOn}::date), status_changed_at = ${`${closedOn}T12:00:00+09:00`},
      last_contact_at = case when last_contact_at is null then null else ${`${closedOn}T12:00:00+09:00`}::timestamptz end
     where id = ${caseId}`.execute(db);
  await sql`update support_records set occurred_at = ${`${closedOn}T09:00:00+09:00`} where case_id = ${caseId}`.execute(db);
}

function pngBytes(): Buffer {
  // The smallest PNG signature + IHDR the sniffer accepts is built in consents.test.ts; any real PNG will do.
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
    'base64',
  );
}

describe.each(DATABASE_KINDS)('retention of personal data (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let admin: Agent;
  let secretariat: Agent;
  let oldCase: { id: string; caseNo: string; sonId: string };
  let openCase: { id: string; sonId: string };
  let recentCase: { id: string; sonId: string };
  let oldOnly: string;
  let recentlySeen: string;
  let referredOpen: string;
  let anonymousId: string;
  let oldHousehold: string;
  let keptHousehold: string;

  beforeAll(async () => {
    w = await caseWorld(t);
    admin = await t.loginAdmin();
    const sec = await t.createUser({ role: 'secretariat', name: '事務局 花子' });
    secretariat = await t.login(sec.loginId, sec.password);

    // An 8050 case closed in 2018 (past), with a support record naming the person.
    const a = await open8050Case(w, { name: '古井 閉太' });
    const rec = await w.coordinator.agent.post(`/api/v1/cases/${a.case.id}/records`, {
      occurredAt: new Date(Date.now() + 9 * 3600_000 - 3600_000).toISOString().slice(0, 16),
      kind: '訪問',
      content: '古井閉太さん宅を訪問。母と面談した。',
      durationMinutes: 30,
    });
    expect(rec.statusCode, rec.body).toBe(201);
    await backdate(t.db, a.sonId);
    await closeCase(t.db, a.case.id, OLD_DATE, '古井さんは就労を始めた');
    oldCase = { id: a.case.id, caseNo: a.case.caseNo, sonId: a.sonId };

    // An open case whose person is known since 2018: nothing of it is touched.
    const b = await open8050Case(w, { name: '開田 支援' });
    await backdate(t.db, b.sonId);
    await sql`update cases set opened_on = ${OLD_DATE}, status = 'active', status_changed_at = ${OLD} where id = ${b.case.id}`.execute(t.db);
    openCase = { id: b.case.id, sonId: b.sonId };

    // A case closed in 令和7年度 (2025): kept until 31 March 2031.
    const c = await open8050Case(w, { name: '近藤 終結' });
    await backdate(t.db, c.sonId);
    await closeCase(t.db, c.case.id, '2025-05-01', '近藤さんは地域の居場所につながった');
    recentCase = { id: c.case.id, sonId: c.sonId };

    // A consultation in 2018 that never became a case, with a consent and its scanned form.
    const p = await registerPerson(w.window.agent, {
      name: '昔野 相子',
      nameKana: 'ムカシノ アイコ',
      birthDate: '1950-03-03',
      phone: '042-000-1111',
      address: '小金井市前原町9-9',
    });
    oldHousehold = await household(w.window.agent, '昔野家', p.id);
    await consult(w.window.agent, { personId: p.id, chiefComplaint: '昔野さんの家賃の相談', content: '昔野相子さん本人から電話', issues: ['家賃・ローン'] });
    const consent = (await recordConsent(w.window.agent, { personId: p.id, note: '昔野さんは書面で同意' }))[0];
    const up = await w.window.agent.post(`/api/v1/consents/${consent.id}/document`, undefined, {
      payload: pngBytes(),
      contentType: 'image/png',
      headers: { 'x-filename': encodeURIComponent('同意書.png') },
    });
    expect(up.statusCode, up.body).toBe(200);
    await backdate(t.db, p.id);
    oldOnly = p.id;

    // Old consultation, but the person came back this year: kept.
    const q = await registerPerson(w.window.agent, { name: '今井 継続' });
    keptHousehold = await household(w.window.agent, '今井家', q.id);
    await consult(w.window.agent, { personId: q.id, chiefComplaint: '今井さんの相談（初回）' });
    await backdate(t.db, q.id);
    await consult(w.window.agent, { personId: q.id, chiefComplaint: '今井さんの相談（再来）' });
    recentlySeen = q.id;

    // Old consultation with a referral still waiting to be accepted: kept.
    const r = await registerPerson(w.window.agent, { name: '待田 紹介' });
    await recordConsent(w.window.agent, { personId: r.id });
    const rc = await consult(w.window.agent, { personId: r.id, chiefComplaint: '待田さんの就労の相談' });
    const sent = await w.window.agent.post('/api/v1/referrals', {
      consultationId: rc.id,
      personId: r.id,
      toAgencyId: w.agencies.houkatsu,
      chiefComplaint: '就労の相談',
      content: '待田さんの就労支援をお願いします',
      reason: '専門の支援が必要',
      consentConfirmed: true,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    await backdate(t.db, r.id, { keepReferralsOpen: true });
    referredOpen = r.id;

    // An anonymous consultation in 2018.
    const anon = await consult(w.window.agent, { anonymous: true, subjectSummary: '駅前の60代男性', chiefComplaint: '近所の人の心配' });
    await sql`update consultations set received_at = ${OLD} where id = ${anon.id}`.execute(t.db);
    anonymousId = anon.id;

    // Alerts of those days (their titles may name people).
    await sql`update notifications set created_at = ${OLD}`.execute(t.db);
  });

  it('only the 事務局 and the administrator see the preview; only the administrator runs it', async () => {
    expect((await w.coordinator.agent.get('/api/v1/retention')).statusCode).toBe(403);
    expect((await w.window.agent.get('/api/v1/retention')).statusCode).toBe(403);
    expect((await secretariat.get('/api/v1/retention')).statusCode).toBe(200);
    const refused = await secretariat.post('/api/v1/retention/run', { confirm: true });
    expect(refused.statusCode).toBe(403);
    expect(json(refused).error.message).toBe('保存期間を過ぎた記録の匿名化の権限がありません。');
    const unconfirmed = await admin.post('/api/v1/retention/run', {});
    expect(unconfirmed.statusCode).toBe(422);
    expect(json(unconfirmed).error.fields.confirm).toMatch(/確認/);
    expect(await count(t.db, 'retention_runs')).toBe(0);
  });

  it('the preview lists exactly the old records, by number and date, without names', async () => {
    const res = await admin.get('/api/v1/retention');
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    const byType = Object.fromEntries(body.types.map((x: { type: string }) => [x.type, x]));
    expect(byType.cases.count).toBe(1);
    expect(byType.cases.items).toEqual([{ ref: oldCase.caseNo, date: OLD_DATE, detail: '終結（課題解決）' }]);
    // The old case's consultation, the consultation that never became a case, the anonymous one.
    expect(byType.consultations.count).toBe(3);
    expect(byType.referrals.count).toBe(1);
    expect(byType.consents.count).toBe(2);
    expect(byType.consentScans.count).toBe(1);
    expect(byType.persons.count).toBe(2);
    expect(byType.households.items).toEqual([{ ref: `世帯 ${oldHousehold.slice(0, 8)}`, date: OLD_DATE, detail: null }]);
    expect(byType.persons.items.map((i: { ref: string }) => i.ref).sort()).toEqual(
      [`本人 ${oldCase.sonId.slice(0, 8)}`, `本人 ${oldOnly.slice(0, 8)}`].sort(),
    );
    expect(byType.consultations.items.map((i: { ref: string }) => i.ref)).toContain(`受付 ${anonymousId.slice(0, 8)}`);
    expect(byType.notifications.count).toBeGreaterThan(0);
    expect(byType.outreachSubjects).toMatchObject({ count: 0, items: [] });
    // 5 years, counted from 1 April of the 年度 after: everything that ended before 1 April of (this 年度 − 5).
    expect(body.periods.find((p: { kind: string }) => p.kind === 'closedCases')).toMatchObject({ years: 5, available: true });
    for (const name of [...GONE, ...KEPT, '古井', '昔野']) expect(res.body).not.toContain(name);
    // The secretariat sees the same list.
    const sec = json(await secretariat.get('/api/v1/retention'));
    expect(sec.types.find((x: { type: string }) => x.type === 'cases').items).toEqual(byType.cases.items);
    // Nothing was changed by looking.
    for (const name of GONE) expect(await rowsNaming(t.db, name)).toBeGreaterThan(0);
  });

  it('the run anonymises them: the names are gone from the database, the rows and counts stay', async () => {
    const tables = ['persons', 'consultations', 'referrals', 'cases', 'support_records', 'consents', 'case_persons', 'case_transitions'];
    const before = Object.fromEntries(await Promise.all(tables.map(async (x) => [x, await count(t.db, x)])));
    const perYear = sql<{ fy: number; n: number }>`
      select (extract(year from received_at + interval '9 hours' - interval '3 months'))::int as fy, count(*)::int as n
        from consultations group by 1 order by 1`;
    const yearsBefore = (await perYear.execute(t.db)).rows;

    const res = await admin.post('/api/v1/retention/run', { confirm: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).counts).toMatchObject({ cases: 1, consultations: 3, referrals: 1, consents: 2, consentScans: 1, persons: 2, households: 1 });

    for (const name of GONE) expect(await rowsNaming(t.db, name), name).toBe(0);
    expect(await rowsNaming(t.db, '古井')).toBe(0);
    expect(await rowsNaming(t.db, '昔野')).toBe(0);
    expect(await rowsNaming(t.db, '042-000-1111')).toBe(0);
    // Rows stay (scans excepted), so the 年度 figures are unchanged.
    for (const x of tables) expect(await count(t.db, x), x).toBe(before[x]);
    expect((await perYear.execute(t.db)).rows).toEqual(yearsBefore);
    expect(await t.db.selectFrom('consent_documents').select('id').where('person_id', '=', oldOnly).execute()).toEqual([]);

    const k = await t.db.selectFrom('cases').selectAll().where('id', '=', oldCase.id).executeTakeFirstOrThrow();
    expect(k).toMatchObject({ status: 'closed', closed_on: OLD_DATE, closure_reason: '課題解決', closure_note: null, case_no: oldCase.caseNo });
    expect(k.anonymized_at).not.toBeNull();
    const records = await t.db.selectFrom('support_records').select(['content', 'kind', 'duration_minutes']).where('case_id', '=', oldCase.id).execute();
    expect(records).toEqual([{ content: '', kind: '訪問', duration_minutes: 30 }]);
    const person = await t.db.selectFrom('persons').selectAll().where('id', '=', oldOnly).executeTakeFirstOrThrow();
    // The age band at the last record (68 in June 2018) stays for the counts by age.
    expect(person).toMatchObject({ name: null, name_kana: null, alias: '（保存期間経過）', phone: null, address: null, birth_date: null, phone_digits: '', age_band: '60代' });
    const home = await t.db.selectFrom('households').select(['name', 'address', 'anonymized_at']).where('id', '=', oldHousehold).executeTakeFirstOrThrow();
    expect(home).toMatchObject({ name: '（保存期間経過）', address: null });
    const member = await t.db.selectFrom('household_members').select(['relationship', 'situation']).where('household_id', '=', oldHousehold).execute();
    expect(member).toEqual([{ relationship: '本人', situation: null }]);
    const consultation = await t.db.selectFrom('consultations').selectAll().where('person_id', '=', oldOnly).executeTakeFirstOrThrow();
    expect(consultation).toMatchObject({ chief_complaint: '', content: '', channel: '電話', issues: ['家賃・ローン'], response: '継続相談' });
    const anon = await t.db.selectFrom('consultations').select(['subject_summary', 'anonymous']).where('id', '=', anonymousId).executeTakeFirstOrThrow();
    expect(anon).toEqual({ subject_summary: null, anonymous: true });

    // The run is audited with its counts, and the chain still verifies.
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['actor_login', 'details'])
      .where('action', '=', 'retention.run')
      .where('outcome', '=', 'success')
      .execute();
    expect(audit).toHaveLength(1);
    // The 事務局's refused attempt is in the log too.
    const denied = await t.db.selectFrom('audit_events').select('actor_role').where('action', '=', 'retention.run').where('outcome', '=', 'denied').execute();
    expect(denied).toEqual([{ actor_role: 'secretariat' }]);
    expect(audit[0]!.actor_login).toBe('admin');
    expect(audit[0]!.details).toMatchObject({ trigger: 'manual', counts: { cases: 1, persons: 2, consultations: 3 } });
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('leaves an open case, a recent case, a returning person and an open referral untouched', async () => {
    for (const name of KEPT) expect(await rowsNaming(t.db, name), name).toBeGreaterThan(0);
    for (const id of [openCase.sonId, recentCase.sonId, recentlySeen, referredOpen]) {
      const p = await t.db.selectFrom('persons').select(['name', 'anonymized_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(p.name).not.toBeNull();
      expect(p.anonymized_at).toBeNull();
      const rows = await t.db.selectFrom('consultations').select(['chief_complaint', 'anonymized_at']).where('person_id', '=', id).execute();
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r).toMatchObject({ anonymized_at: null, chief_complaint: expect.stringMatching(/.+/) });
    }
    const kept = await t.db.selectFrom('households').select(['name', 'anonymized_at']).where('id', '=', keptHousehold).executeTakeFirstOrThrow();
    expect(kept).toEqual({ name: '今井家', anonymized_at: null });
    for (const id of [openCase.id, recentCase.id]) {
      const k = await t.db.selectFrom('cases').select(['title', 'anonymized_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(k.anonymized_at).toBeNull();
      expect(k.title).not.toBe('（保存期間経過）');
    }
    // The staff still find the open case's person by name.
    const found = json(await w.window.agent.get(`/api/v1/persons?q=${encodeURIComponent('開田')}`));
    expect(found.items.map((p: { id: string }) => p.id)).toContain(openCase.sonId);
  });

  it('the next preview is empty and shows the last run', async () => {
    const body = json(await admin.get('/api/v1/retention'));
    for (const x of body.types) expect(x.count, x.type).toBe(0);
    expect(body.lastRun).toMatchObject({ trigger: 'manual', counts: { cases: 1, persons: 2 } });
    expect(body.lastRun.actorName).toBeTruthy();
  });

  it('periods are settings the administrator changes within bounds, in Japanese, audited', async () => {
    const low = await admin.patch('/api/v1/municipality/settings', { retentionClosedCaseYears: 2 });
    expect(low.statusCode).toBe(422);
    expect(json(low).error.fields.retentionClosedCaseYears).toBe('保存期間：終結・中断した事例（多機関協働）（年）：3以上の値を入力してください');
    const high = await admin.patch('/api/v1/municipality/settings', { retentionConsentScanYears: 31 });
    expect(high.statusCode).toBe(422);
    expect(json(high).error.fields.retentionConsentScanYears).toMatch(/30以下の値を入力してください$/);
    const text = await admin.patch('/api/v1/municipality/settings', { retentionConsultationYears: '五' });
    expect(text.statusCode).toBe(422);
    expect(json(text).error.fields.retentionConsultationYears).toMatch(/数値で入力してください/);
    expect((await secretariat.patch('/api/v1/municipality/settings', { retentionConsultationYears: 3 })).statusCode).toBe(403);

    // Saving one setting leaves the others as they were (a partial of defaults used to reset them).
    expect((await admin.patch('/api/v1/municipality/settings', { sessionIdleMinutes: 45 })).statusCode).toBe(200);
    const ok = await admin.patch('/api/v1/municipality/settings', { retentionConsultationYears: 3, retentionAutoRun: false });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ sessionIdleMinutes: 45, retentionConsultationYears: 3, retentionClosedCaseYears: 5, retentionOutreachYears: 3, retentionAutoRun: false });
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'settings.update')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ retentionConsultationYears: 3, retentionAutoRun: false });
    const preview = json(await admin.get('/api/v1/retention'));
    expect(preview.autoRun).toBe(false);
    expect(preview.periods.find((p: { kind: string }) => p.kind === 'consultations').years).toBe(3);
  });

  it('the daily job runs only where the automatic run is on, as the system, audited', async () => {
    const runs = () => t.db.selectFrom('retention_runs').select(['trigger', 'actor_user_id']).orderBy('ran_at').execute();
    await runRetentionForAll(t.db);
    expect(await runs()).toHaveLength(1);
    expect((await admin.patch('/api/v1/municipality/settings', { retentionAutoRun: true })).statusCode).toBe(200);
    await runRetentionForAll(t.db);
    const after = await runs();
    expect(after).toHaveLength(2);
    expect(after[1]).toEqual({ trigger: 'job', actor_user_id: null });
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['actor_role', 'actor_login'])
      .where('action', '=', 'retention.run')
      .where('outcome', '=', 'success')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_role: 'system', actor_login: 'retention' });
  });
});
