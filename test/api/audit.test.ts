import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/access/audit.ts';
import { runCli } from '../../src/cli/commands.ts';
import { writeAudit } from '../../src/access/audit.ts';
import { DATABASE_KINDS, json, uniqueLogin, useTestApp, type Agent, type TestApp } from '../support/app.ts';
import { registerPerson } from '../support/people.ts';

/** Today's date in Japan (the audit search filters by calendar day in JST). */
function jstDate(offsetDays = 0): string {
  return new Date(Date.now() + 9 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Cells of a CSV whose every cell is quoted (as the export writes them). */
function csvCells(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
}

interface EventView {
  seq: number;
  action: string;
  actorLogin: string | null;
  outcome: string;
  occurredAt: string;
  reason: string | null;
  targetId: string | null;
}

async function allPages(agent: Agent, query: string, limit: number): Promise<{ items: EventView[]; pages: number }> {
  const items: EventView[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/api/v1/audit-events?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await agent.get(url);
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

async function chainRows(t: TestApp) {
  return t.db
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_key', '=', t.municipalityId)
    .orderBy('seq')
    .execute();
}

async function withTriggerDisabled(t: TestApp, fn: () => Promise<unknown>) {
  await sql`alter table audit_events disable trigger audit_events_append_only`.execute(t.db);
  try {
    await fn();
  } finally {
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(t.db);
  }
}

describe.each(DATABASE_KINDS)('audit log (%s)', (kind) => {
  describe('what is recorded', () => {
    const t = useTestApp(kind);

    it('records successful and failed logins with actor, address and reason', async () => {
      const user = await t.createUser({ role: 'coordinator' });
      await t.login(user.loginId, user.password);
      await t.tryLogin(user.loginId, 'wrong-password-9');
      const unknown = uniqueLogin('ghost');
      await t.tryLogin(unknown, 'wrong-password-9');

      const rows = await t.db
        .selectFrom('audit_events')
        .select(['outcome', 'reason', 'actor_user_id', 'actor_role', 'actor_agency_id', 'client_ip', 'municipality_id'])
        .where('action', '=', 'auth.login')
        .where('actor_login', '=', user.loginId)
        .orderBy('seq')
        .execute();
      expect(rows).toEqual([
        { outcome: 'success', reason: null, actor_user_id: user.id, actor_role: 'coordinator', actor_agency_id: user.agencyId, client_ip: '127.0.0.1', municipality_id: t.municipalityId },
        { outcome: 'failure', reason: 'wrong password', actor_user_id: user.id, actor_role: 'coordinator', actor_agency_id: user.agencyId, client_ip: '127.0.0.1', municipality_id: t.municipalityId },
      ]);
      // An unknown login id belongs to no municipality: it goes to the system chain.
      const ghost = await t.db.selectFrom('audit_events').select(['chain_key', 'outcome', 'reason', 'municipality_id']).where('actor_login', '=', unknown).execute();
      expect(ghost).toEqual([{ chain_key: 'system', outcome: 'failure', reason: 'unknown login id', municipality_id: null }]);
    });

    it('audits an administrative change in the same transaction as the change', async () => {
      const admin = await t.loginAdmin();
      const created = await admin.post('/api/v1/agencies', { name: '監査試験センター', kana: 'かんさしけんせんたー', fields: ['その他'] });
      expect(created.statusCode, created.body).toBe(201);
      const id = json(created).id;
      const rows = await t.db.selectFrom('audit_events').selectAll().where('action', '=', 'agency.create').execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ target_type: 'agency', target_id: id, actor_login: 'admin', actor_role: 'admin', outcome: 'success' });
      expect(rows[0]!.details).toEqual({ name: '監査試験センター' });

      // Refused creations (422: duplicate name, invalid input) leave no agency.create row.
      expect((await admin.post('/api/v1/agencies', { name: '監査試験センター', kana: 'かんさ' })).statusCode).toBe(422);
      expect((await admin.post('/api/v1/agencies', { name: '', kana: 'abc' })).statusCode).toBe(422);
      const after = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'agency.create').execute();
      expect(after).toHaveLength(1);
    });

    it('rolls the change back when its audit row cannot be written', async () => {
      const admin = await t.loginAdmin();
      await sql`
        create function kasane_test_fail_audit() returns trigger language plpgsql as $$
        begin
          if new.action = 'agency.create' then raise exception 'audit store unavailable'; end if;
          return new;
        end $$`.execute(t.db);
      await sql`create trigger kasane_test_fail_audit before insert on audit_events for each row execute function kasane_test_fail_audit()`.execute(t.db);
      try {
        const res = await admin.post('/api/v1/agencies', { name: '記録できない機関', kana: 'きろくできないきかん' });
        expect(res.statusCode).toBe(500);
        expect(json(res).error.code).toBe('internal_error');
      } finally {
        await sql`drop trigger kasane_test_fail_audit on audit_events`.execute(t.db);
        await sql`drop function kasane_test_fail_audit()`.execute(t.db);
      }
      const agency = await t.db.selectFrom('agencies').select('id').where('name', '=', '記録できない機関').executeTakeFirst();
      expect(agency).toBeUndefined();
      expect((await verifyAudit(t.db)).ok).toBe(true);
    });

    it('records denials: agency staff listing users gets 403 and an audit row', async () => {
      const staff = await t.createUser({ role: 'agency_staff', agency: '小金井きた地域包括支援センター' });
      const agent = await t.login(staff.loginId, staff.password);
      const res = await agent.get('/api/v1/users');
      expect(res.statusCode).toBe(403);
      expect(json(res).error).toEqual({ code: 'forbidden', message: '利用者の閲覧の権限がありません。', fields: {} });
      const rows = await t.db
        .selectFrom('audit_events')
        .select(['action', 'outcome', 'reason', 'actor_role', 'actor_agency_id', 'municipality_id'])
        .where('actor_login', '=', staff.loginId)
        .where('outcome', '=', 'denied')
        .execute();
      expect(rows).toEqual([
        {
          action: 'users.read',
          outcome: 'denied',
          reason: 'role agency_staff may not users.read',
          actor_role: 'agency_staff',
          actor_agency_id: staff.agencyId,
          municipality_id: t.municipalityId,
        },
      ]);

      const user = await t.createUser();
      const denied = await agent.patch(`/api/v1/users/${user.id}`, { version: 1, active: false });
      expect(denied.statusCode).toBe(403);
      const target = await t.db.selectFrom('audit_events').select(['target_type', 'target_id']).where('action', '=', 'users.write').where('actor_login', '=', staff.loginId).execute();
      expect(target).toEqual([{ target_type: 'user', target_id: user.id }]);
    });

    it('lets the auditor search by action, login, outcome and date, with keyset paging', async () => {
      const auditor = await t.createUser({ role: 'auditor' });
      const agent = await t.login(auditor.loginId, auditor.password);
      const subject = await t.createUser();
      for (let i = 0; i < 3; i++) await t.login(subject.loginId, subject.password);
      await t.tryLogin(subject.loginId, 'wrong-password-7');

      const byLogin = json(await agent.get(`/api/v1/audit-events?login=${subject.loginId}`));
      expect(byLogin.items.map((e: EventView) => `${e.action}/${e.outcome}`)).toEqual([
        'auth.login/failure',
        'auth.login/success',
        'auth.login/success',
        'auth.login/success',
      ]);
      expect(byLogin.items[0]).toMatchObject({ actorLogin: subject.loginId, actionLabel: 'ログイン', reason: 'wrong password' });
      expect(byLogin.items[0].actorName).toBe(`テスト ${subject.loginId}`);

      const failures = json(await agent.get(`/api/v1/audit-events?login=${subject.loginId}&outcome=failure`));
      expect(failures.items).toHaveLength(1);

      const authOnly = json(await agent.get('/api/v1/audit-events?action=auth&limit=500'));
      expect(authOnly.items.length).toBeGreaterThan(4);
      expect(authOnly.items.every((e: EventView) => e.action.startsWith('auth.'))).toBe(true);
      const exact = json(await agent.get('/api/v1/audit-events?action=auth.login&limit=500'));
      expect(exact.items.every((e: EventView) => e.action === 'auth.login')).toBe(true);

      const denied = json(await agent.get('/api/v1/audit-events?outcome=denied&limit=500'));
      expect(denied.items.length).toBeGreaterThan(0);
      expect(denied.items.every((e: EventView) => e.outcome === 'denied')).toBe(true);

      const today = json(await agent.get(`/api/v1/audit-events?login=${subject.loginId}&from=${jstDate()}&to=${jstDate()}`));
      expect(today.items).toHaveLength(4);
      expect(json(await agent.get(`/api/v1/audit-events?login=${subject.loginId}&from=${jstDate(1)}`)).items).toHaveLength(0);
      expect(json(await agent.get(`/api/v1/audit-events?login=${subject.loginId}&to=${jstDate(-1)}`)).items).toHaveLength(0);

      // Keyset paging walks the same rows as one big page, newest first, without duplicates.
      const whole = json(await agent.get('/api/v1/audit-events?action=auth.login&limit=500')).items as EventView[];
      const { items, pages } = await allPages(agent, 'action=auth.login', 2);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(whole.length / 2));
      expect(items.map((e) => e.seq)).toEqual(whole.map((e) => e.seq));
      expect(new Set(items.map((e) => e.seq)).size).toBe(items.length);
      const seqs = items.map((e) => e.seq);
      expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);

      // Searching the log is itself audited.
      const searches = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'audit.search').where('actor_login', '=', auditor.loginId).execute();
      expect(searches.length).toBeGreaterThan(5);
    });

    it('validates the search filters', async () => {
      const auditor = await t.createUser({ role: 'auditor' });
      const agent = await t.login(auditor.loginId, auditor.password);
      for (const query of ['from=2025-13-01', 'outcome=maybe', 'limit=0', 'limit=501', 'userId=nope', 'colour=red']) {
        const res = await agent.get(`/api/v1/audit-events?${query}`);
        expect(res.statusCode, query).toBe(422);
        expect(json(res).error.code).toBe('validation_failed');
      }
    });

    it('exports CSV with a BOM and a Japanese header, neutralising formulas', async () => {
      const auditor = await t.createUser({ role: 'auditor' });
      const agent = await t.login(auditor.loginId, auditor.password);
      const sly = await t.createUser({ name: '=HYPERLINK("http://example.invalid")' });
      await t.login(sly.loginId, sly.password);

      const res = await agent.get('/api/v1/audit-events/export');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const text = res.body.replace(/^\ufeff/, '');
      const lines = text.split('\r\n');
      expect(lines.at(-1)).toBe('');
      expect(csvCells(lines[0]!)).toEqual([
        '番号', '日時', 'ログインID', '氏名', '所属機関', '役割', '操作', '操作コード', '結果', '対象種別', '対象ID', '本人ID', '接続元', '理由', '詳細',
      ]);
      const rows = lines.slice(1, -1).map(csvCells);
      expect(rows.every((r) => r.length === 15)).toBe(true);
      const adminLogin = rows.find((r) => r[2] === 'admin' && r[7] === 'auth.login');
      expect(adminLogin?.[6]).toBe('ログイン');
      const slyLogin = rows.find((r) => r[2] === sly.loginId && r[7] === 'auth.login');
      expect(slyLogin?.[8]).toBe('成功');
      expect(slyLogin?.[3]).toBe(`'=HYPERLINK("http://example.invalid")`);
      expect(slyLogin?.[1]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日（令和.+年） \d{2}:\d{2}$/);

      const filtered = await agent.get('/api/v1/audit-events/export?action=auth.login&outcome=failure');
      const filteredRows = filtered.body.split('\r\n').slice(1, -1).map(csvCells);
      expect(filteredRows.length).toBeGreaterThan(0);
      expect(filteredRows.every((r) => r[7] === 'auth.login' && r[8] === '失敗')).toBe(true);

      const exports = await t.db.selectFrom('audit_events').select('details').where('action', '=', 'audit.export').where('actor_login', '=', auditor.loginId).execute();
      expect(exports).toHaveLength(2);
    });

    it('refuses the log to everyone but the auditor (the administrator included)', async () => {
      const admin = await t.loginAdmin();
      const list = await admin.get('/api/v1/audit-events');
      expect(list.statusCode).toBe(403);
      expect(json(list).error.message).toBe('監査ログの閲覧の権限がありません。');
      const csv = await admin.get('/api/v1/audit-events/export');
      expect(csv.statusCode).toBe(403);
      expect(csv.headers['content-type']).toMatch(/^application\/json/);
      for (const role of ['intake_clerk', 'secretariat', 'agency_staff'] as const) {
        const user = await t.createUser({ role });
        const agent = await t.login(user.loginId, user.password);
        expect((await agent.get('/api/v1/audit-events')).statusCode).toBe(403);
      }
      const denials = await t.db.selectFrom('audit_events').select('action').where('actor_login', '=', 'admin').where('outcome', '=', 'denied').execute();
      expect(denials.map((d) => d.action).sort()).toEqual(['audit.export', 'audit.read']);
    });
  });

  describe('hash chain', () => {
    const t = useTestApp(kind);

    async function someActivity() {
      const user = await t.createUser();
      await t.login(user.loginId, user.password);
      await t.tryLogin(user.loginId, 'wrong-password-3');
      const admin = await t.loginAdmin();
      await admin.get('/api/v1/users');
    }

    it('verifies a clean log, through the API and the CLI', async () => {
      await someActivity();
      const result = await verifyAudit(t.db);
      expect(result.ok).toBe(true);
      expect(result.problems).toEqual([]);
      expect(result.rows).toBeGreaterThan(5);
      const cli = await runCli(t.db, { args: ['audit', 'verify'] });
      expect(cli.code).toBe(0);
      expect(cli.stdout).toMatch(/^監査ログは正常です：\d+本のチェーン、\d+件の記録を検証しました。/);
    });

    it('the database refuses updates and deletes of audit rows', async () => {
      await expect(sql`update audit_events set action = 'x' where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_events where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
      await expect(t.db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_chains`.execute(t.db)).rejects.toThrow(/append-only/);
      expect((await verifyAudit(t.db)).ok).toBe(true);
    });

    it('names the first altered row; restoring it makes the chain whole again', async () => {
      await someActivity();
      const rows = await chainRows(t);
      const victim = rows[Math.floor(rows.length / 2)]!;
      await withTriggerDisabled(t, () =>
        t.db.updateTable('audit_events').set({ action: 'auth.logout' }).where('chain_key', '=', victim.chain_key).where('seq', '=', victim.seq).execute(),
      );
      const result = await verifyAudit(t.db);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([{ chainKey: t.municipalityId, seq: victim.seq, code: 'altered', problem: expect.stringContaining('書き換えられています') }]);

      const cli = await runCli(t.db, { args: ['audit', 'verify'] });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain('監査ログの検証で問題が見つかりました');
      expect(cli.stderr).toContain(`チェーン 小金井市（${t.municipalityId}）：最初の問題は${victim.seq}番：内容がハッシュと一致しません（書き換えられています）`);

      // An altered detail (jsonb) is caught too.
      await withTriggerDisabled(t, () =>
        t.db
          .updateTable('audit_events')
          .set({ action: victim.action, details: JSON.stringify({ ...victim.details, injected: true }) })
          .where('chain_key', '=', victim.chain_key)
          .where('seq', '=', victim.seq)
          .execute(),
      );
      expect((await verifyAudit(t.db)).problems[0]?.seq).toBe(victim.seq);

      await withTriggerDisabled(t, () =>
        t.db
          .updateTable('audit_events')
          .set({ details: JSON.stringify(victim.details) })
          .where('chain_key', '=', victim.chain_key)
          .where('seq', '=', victim.seq)
          .execute(),
      );
      expect((await verifyAudit(t.db)).ok).toBe(true);
    });

    it('reports a deleted middle row and a deleted last row as missing', async () => {
      await someActivity();
      const rows = await chainRows(t);
      const victim = rows[Math.floor(rows.length / 2)]!;
      await withTriggerDisabled(t, () => t.db.deleteFrom('audit_events').where('chain_key', '=', victim.chain_key).where('seq', '=', victim.seq).execute());
      const result = await verifyAudit(t.db);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([{ chainKey: t.municipalityId, seq: victim.seq, code: 'missing', problem: `${victim.seq}番の記録がありません（削除されています）` }]);
      const cli = await runCli(t.db, { args: ['audit', 'verify'] });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`最初の問題は${victim.seq}番`);

      // Put it back (inserts are allowed): whole again.
      await t.db.insertInto('audit_events').values({ ...victim, details: JSON.stringify(victim.details) }).execute();
      expect((await verifyAudit(t.db)).ok).toBe(true);

      const last = (await chainRows(t)).at(-1)!;
      await withTriggerDisabled(t, () => t.db.deleteFrom('audit_events').where('chain_key', '=', last.chain_key).where('seq', '=', last.seq).execute());
      const truncated = await verifyAudit(t.db);
      expect(truncated.problems).toEqual([{ chainKey: t.municipalityId, seq: last.seq, code: 'truncated', problem: expect.stringContaining('末尾が削除されています') }]);
      await t.db.insertInto('audit_events').values({ ...last, details: JSON.stringify(last.details) }).execute();
      expect((await verifyAudit(t.db)).ok).toBe(true);
    });
    // Retention purges and the guard against other deletions: test/api/audit-chain.test.ts.
  });

  describe('the log is not a directory of names', () => {
    const t = useTestApp(kind);

    it('keeps kinds, lengths and keyed hashes of search criteria; the auditor finds a search by typing the term', async () => {
      const clerk = await t.createUser({ role: 'intake_clerk' });
      const clerkAgent = await t.login(clerk.loginId, clerk.password);
      const person = await registerPerson(clerkAgent, { name: '監査 花子', nameKana: 'かんさ はなこ', birthDate: '1980-05-06', phone: '042-111-2233' });
      const searched = await clerkAgent.get(`/api/v1/persons?q=${encodeURIComponent('監査　花子')}&birthDate=1980-05-06&phone=${encodeURIComponent('042-111-2233')}`);
      expect(searched.statusCode, searched.body).toBe(200);
      expect(json(searched).items.map((p: { id: string }) => p.id)).toContain(person.id);
      // An older row written before criteria were hashed (demo data, earlier versions).
      await writeAudit(t.db, [
        {
          municipalityId: t.municipalityId,
          action: 'person.search',
          outcome: 'success',
          actorLogin: clerk.loginId,
          actorUserId: clerk.id,
          targetType: 'person',
          details: { filters: { q: '旧式 太郎', phone: '09012345678' }, results: 1 },
        },
      ]);

      const auditor = await t.createUser({ role: 'auditor' });
      const agent = await t.login(auditor.loginId, auditor.password);
      const listed = await agent.get(`/api/v1/audit-events?action=person.search&login=${clerk.loginId}`);
      expect(listed.statusCode).toBe(200);
      const text = listed.body + (await agent.get('/api/v1/audit-events/export?action=person.search')).body;
      // Whole typed values only: a fragment like '042' also occurs by chance in timestamps (.042Z), ids and hashes.
      for (const leaked of ['監査', '花子', 'かんさ', '1980-05-06', '19800506', '042-111-2233', '0421112233', '旧式', '太郎', '09012345678']) expect(text, leaked).not.toContain(leaked);
      const [legacy, fresh] = json(listed).items;
      expect(fresh.details).toEqual({
        results: 1,
        criteria: [
          { kind: 'name', length: 4, hmac: expect.stringMatching(/^[0-9a-f]{32}$/) },
          { kind: 'birthDate', hmac: expect.stringMatching(/^[0-9a-f]{32}$/) },
          { kind: 'phone', length: 10, hmac: expect.stringMatching(/^[0-9a-f]{32}$/) },
        ],
      });
      expect(legacy.details).toEqual({ results: 1, masked: true, criteria: [{ kind: 'name', length: 4 }, { kind: 'phone', length: 11 }] });
      // The stored row keeps no typed text either, and the key is not in any audit row.
      const stored = await t.db.selectFrom('audit_events').select('details').where('action', '=', 'person.search').where('seq', '=', fresh.seq).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored.details)).not.toMatch(/監査|花子|1980-05-06|0421112233/);

      const find = (body: Record<string, unknown>) => agent.post('/api/v1/audit-events/criteria-search', body);
      const byName = await find({ kind: 'name', term: '監査 花子' });
      expect(byName.statusCode, byName.body).toBe(200);
      expect(json(byName).items.map((e: EventView) => e.seq)).toEqual([fresh.seq]);
      expect(json(await find({ kind: 'name', term: 'カンサハナコ' })).items).toEqual([]);
      expect(json(await find({ kind: 'phone', term: '(042) 111-2233' })).items.map((e: EventView) => e.seq)).toEqual([fresh.seq]);
      expect(json(await find({ kind: 'birthDate', term: '1980-05-06' })).items.map((e: EventView) => e.seq)).toEqual([fresh.seq]);
      expect(json(await find({ kind: 'name', term: '旧式 太郎' })).items.map((e: EventView) => e.seq)).toEqual([legacy.seq]);
      expect(json(await find({ kind: 'name', term: '山田 一郎' })).items).toEqual([]);
      const empty = await find({ kind: 'phone', term: 'abc' });
      expect(empty.statusCode).toBe(422);
      expect(json(empty).error.fields.term).toMatch(/検索語/);
      const lookups = await t.db.selectFrom('audit_events').select('details').where('action', '=', 'audit.criteria_search').where('actor_login', '=', auditor.loginId).execute();
      expect(lookups.length).toBe(6);
      expect(JSON.stringify(lookups)).not.toMatch(/監査|花子|旧式|0421112233/);
    });

    it('reveals the person behind one row only with a reason, audited and notified to the 事務局', async () => {
      const clerk = await t.createUser({ role: 'intake_clerk' });
      const clerkAgent = await t.login(clerk.loginId, clerk.password);
      const created = await registerPerson(clerkAgent, { name: '開示 次郎', nameKana: 'かいじ じろう' });
      expect((await clerkAgent.get(`/api/v1/persons/${created.id}`)).statusCode).toBe(200);
      const auditor = await t.createUser({ role: 'auditor', name: '監査 担当子' });
      const agent = await t.login(auditor.loginId, auditor.password);
      const rows = json(await agent.get(`/api/v1/audit-events?personId=${created.id}&action=person.read`)).items as (EventView & { subjectPersonId: string })[];
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('開示');
      const seq = rows[0]!.seq;

      const short = await agent.post(`/api/v1/audit-events/${seq}/reveal`, { reason: '確認のため' });
      expect(short.statusCode).toBe(422);
      expect(json(short).error.fields.reason).toMatch(/20/);
      const reason = '窓口職員による不要な閲覧の疑いについての内部調査（調査番号 R8-監-003）';
      const revealed = await agent.post(`/api/v1/audit-events/${seq}/reveal`, { reason });
      expect(revealed.statusCode, revealed.body).toBe(200);
      expect(json(revealed)).toMatchObject({ seq, subjectPersonId: created.id, name: '開示 次郎', kana: 'かいじ じろう' });

      const audited = await t.db.selectFrom('audit_events').selectAll().where('action', '=', 'audit.reveal').where('actor_login', '=', auditor.loginId).orderBy('seq').execute();
      expect(audited).toHaveLength(1);
      expect(audited[0]).toMatchObject({ subject_person_id: created.id, reason, target_id: String(seq) });
      const notes = await t.db.selectFrom('notifications').selectAll().where('kind', '=', 'audit_reveal').execute();
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ recipient_role: 'secretariat' });
      expect(notes[0]!.body).toContain('監査 担当子');
      expect(notes[0]!.body).toContain(reason);
      expect(notes[0]!.body).not.toContain('開示');

      // A refused attempt to open the person names them as the target only; it can be revealed too.
      const outsider = await t.createUser({ role: 'agency_staff', agency: '小金井きた地域包括支援センター' });
      const outsiderAgent = await t.login(outsider.loginId, outsider.password);
      expect((await outsiderAgent.get(`/api/v1/persons/${created.id}`)).statusCode).toBe(404);
      const refused = json(await agent.get(`/api/v1/audit-events?login=${outsider.loginId}&outcome=denied`)).items as (EventView & { subjectPersonId: string | null })[];
      expect(refused).toHaveLength(1);
      expect(refused[0]!.subjectPersonId).toBeNull();
      const who = await agent.post(`/api/v1/audit-events/${refused[0]!.seq}/reveal`, { reason });
      expect(who.statusCode, who.body).toBe(200);
      expect(json(who)).toMatchObject({ subjectPersonId: created.id, name: '開示 次郎' });

      // A row without a person, a row of nobody, and anyone but the auditor.
      const login = json(await agent.get(`/api/v1/audit-events?action=auth.login&login=${auditor.loginId}`)).items[0] as EventView;
      expect((await agent.post(`/api/v1/audit-events/${login.seq}/reveal`, { reason })).statusCode).toBe(422);
      expect((await agent.post('/api/v1/audit-events/99999999/reveal', { reason })).statusCode).toBe(404);
      const admin = await t.loginAdmin();
      expect((await admin.post(`/api/v1/audit-events/${seq}/reveal`, { reason })).statusCode).toBe(403);
      expect((await clerkAgent.post(`/api/v1/audit-events/${seq}/reveal`, { reason })).statusCode).toBe(403);
      expect((await clerkAgent.post('/api/v1/audit-events/criteria-search', { kind: 'name', term: '開示' })).statusCode).toBe(403);
      expect(await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'audit.reveal').execute()).toHaveLength(2);
      expect(await t.db.selectFrom('notifications').select('id').where('kind', '=', 'audit_reveal').execute()).toHaveLength(2);
    });
  });
});
