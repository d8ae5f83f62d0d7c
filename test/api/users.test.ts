import { beforeAll, describe, expect, it } from 'vitest';
import { currentStep, totpCode } from '../../src/auth/totp.ts';
import { DATABASE_KINDS, json, uniqueLogin, useTestApp, type Agent } from '../support/app.ts';

const GENERATED = /^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3}$/;

describe.each(DATABASE_KINDS)('user administration (%s)', (kind) => {
  const t = useTestApp(kind);
  let admin: Agent;
  let agencyId: string;

  beforeAll(async () => {
    admin = await t.loginAdmin();
    agencyId = await t.agencyId('こども家庭センター');
  });

  const body = (extra: Record<string, unknown> = {}) => ({
    loginId: uniqueLogin('staff'),
    name: '小金井 花子',
    role: 'intake_clerk',
    agencyId,
    ...extra,
  });

  it('creates a user with a given password: no password in the answer, change required at first login', async () => {
    const input = body({ password: 'Hanamizuki-2025' });
    const res = await admin.post('/api/v1/users', input);
    expect(res.statusCode, res.body).toBe(201);
    const created = json(res);
    expect(created.initialPassword).toBeUndefined();
    expect(created.user).toMatchObject({
      loginId: input.loginId,
      name: '小金井 花子',
      role: 'intake_clerk',
      roleLabel: '窓口職員',
      agencyId,
      agencyName: 'こども家庭センター',
      active: true,
      locked: false,
      mustChangePassword: true,
      totpEnabled: false,
      version: 1,
    });
    expect(res.body).not.toContain('Hanamizuki-2025');
    expect(res.body).not.toContain('scrypt');
    const login = await t.login(input.loginId, 'Hanamizuki-2025');
    expect(login.session?.step).toBe('password');
    const audited = await t.db.selectFrom('audit_events').select(['actor_login', 'details']).where('action', '=', 'user.create').where('target_id', '=', created.user.id).execute();
    expect(audited).toEqual([{ actor_login: 'admin', details: { loginId: input.loginId, role: 'intake_clerk' } }]);
  });

  it('creates a user without a password: a generated one is returned once', async () => {
    const input = body({ role: 'secretariat' });
    const res = await admin.post('/api/v1/users', input);
    expect(res.statusCode).toBe(201);
    const { user, initialPassword } = json(res);
    expect(initialPassword).toMatch(GENERATED);
    const detail = await admin.get(`/api/v1/users/${user.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(initialPassword);
    expect(json(detail)).toMatchObject({ id: user.id, roleLabel: '事務局', mustChangePassword: true });
    const login = await t.login(input.loginId, initialPassword);
    expect(login.session?.step).toBe('password');
    // The audit row does not carry the password either.
    const rows = await t.db.selectFrom('audit_events').select('details').where('target_id', '=', user.id).execute();
    expect(JSON.stringify(rows)).not.toContain(initialPassword);
  });

  it('refuses a duplicate login id, a bad role, an unknown agency and weak passwords', async () => {
    const first = body();
    expect((await admin.post('/api/v1/users', first)).statusCode).toBe(201);
    const dup = await admin.post('/api/v1/users', body({ loginId: first.loginId }));
    expect(dup.statusCode).toBe(422);
    expect(json(dup).error.fields).toEqual({ loginId: 'ログインID：このログインIDはすでに使われています' });
    // Login ids are unique across municipalities: 'admin' is taken.
    expect(json(await admin.post('/api/v1/users', body({ loginId: 'admin' }))).error.fields.loginId).toContain('すでに使われています');

    const role = await admin.post('/api/v1/users', body({ role: 'superuser' }));
    expect(role.statusCode).toBe(422);
    expect(json(role).error.fields.role).toBe('役割：選択肢の中から選んでください');

    const agency = await admin.post('/api/v1/users', body({ agencyId: '00000000-0000-7000-8000-000000000000' }));
    expect(agency.statusCode).toBe(422);
    expect(json(agency).error.fields.agencyId).toBe('所属機関：この自治体の機関・窓口から選んでください');
    const notUuid = await admin.post('/api/v1/users', body({ agencyId: 'こども家庭センター' }));
    expect(json(notUuid).error.fields.agencyId).toBe('所属機関：IDの形式が正しくありません');

    const short = await admin.post('/api/v1/users', body({ password: 'short' }));
    expect(json(short).error.fields.password).toBe('初期パスワード：10文字以上にしてください');
    const digits = await admin.post('/api/v1/users', body({ password: '12345678901' }));
    expect(json(digits).error.fields.password).toContain('数字だけ');
    const withLogin = body();
    const containsLogin = await admin.post('/api/v1/users', { ...withLogin, password: `${withLogin.loginId}-pw` });
    expect(json(containsLogin).error.fields.password).toContain('ログインIDを含む');

    const badLogin = await admin.post('/api/v1/users', body({ loginId: '山田 太郎' }));
    expect(json(badLogin).error.fields.loginId).toBe('ログインID：半角英数字と . _ @ - で入力してください');
    const missing = await admin.post('/api/v1/users', {});
    expect(Object.keys(json(missing).error.fields).sort()).toEqual(['agencyId', 'loginId', 'name', 'role']);

    const inactiveAgency = await t.agencyId('教育相談');
    const v = json(await admin.get(`/api/v1/agencies/${inactiveAgency}`)).version;
    await admin.patch(`/api/v1/agencies/${inactiveAgency}`, { version: v, active: false });
    const toInactive = await admin.post('/api/v1/users', body({ agencyId: inactiveAgency }));
    expect(json(toInactive).error.fields.agencyId).toContain('利用を停止した');
  });

  it('lists users with search, filters and keyset paging', async () => {
    const tag = uniqueLogin('listed');
    for (let i = 0; i < 3; i++) await t.createUser({ loginId: `${tag}-${i}`, role: 'coordinator', name: `一覧 ${i}` });
    const found = json(await admin.get(`/api/v1/users?q=${tag}`));
    expect(found.items.map((u: { loginId: string }) => u.loginId)).toEqual([`${tag}-0`, `${tag}-1`, `${tag}-2`]);
    const byName = json(await admin.get(`/api/v1/users?q=${encodeURIComponent('一覧')}&role=coordinator`));
    expect(byName.items).toHaveLength(3);

    const all = await t.db.selectFrom('users').select('id').where('municipality_id', '=', t.municipalityId).execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = json(await admin.get(url));
      seen.push(...page.items.map((u: { id: string }) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen)).toEqual(new Set(all.map((u) => u.id)));
  });

  it('deactivating a user ends that user’s sessions and stops logins', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    const res = await admin.patch(`/api/v1/users/${user.id}`, { version: 1, active: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ active: false, version: 2 });
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(401);
    const sessions = await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toEqual([]);
    const login = await t.tryLogin(user.loginId, user.password);
    expect(login.res.statusCode).toBe(401);
    expect(json(login.res).error.code).toBe('login_failed');

    const back = await admin.patch(`/api/v1/users/${user.id}`, { version: 2, active: true });
    expect(back.statusCode).toBe(200);
    await t.login(user.loginId, user.password);
  });

  it('changing a user’s role or agency ends the sessions; renaming does not', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    expect((await admin.patch(`/api/v1/users/${user.id}`, { version: 1, name: '改名 後' })).statusCode).toBe(200);
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(200);
    const promoted = await admin.patch(`/api/v1/users/${user.id}`, { version: 2, role: 'promoter' });
    expect(json(promoted)).toMatchObject({ role: 'promoter', roleLabel: '推進員', name: '改名 後' });
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(401);
    const stale = await admin.patch(`/api/v1/users/${user.id}`, { version: 1, name: '古い版' });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).current).toMatchObject({ id: user.id, version: 3 });
  });

  it('the administrator cannot deactivate or demote themself', async () => {
    const me = json(await admin.get('/api/v1/auth/session')).user;
    const current = json(await admin.get(`/api/v1/users/${me.id}`));
    const off = await admin.patch(`/api/v1/users/${me.id}`, { version: current.version, active: false });
    expect(off.statusCode).toBe(422);
    expect(json(off).error.fields).toEqual({ active: '自分自身のアカウントは変更できません' });
    const demote = await admin.patch(`/api/v1/users/${me.id}`, { version: current.version, role: 'auditor' });
    expect(demote.statusCode).toBe(422);
    expect(json(demote).error.fields.role).toBeDefined();
    expect((await admin.get('/api/v1/users')).statusCode).toBe(200);
  });

  it('reset-password returns a generated password, ends sessions and forces a change', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    const res = await admin.post(`/api/v1/users/${user.id}/reset-password`, {});
    expect(res.statusCode, res.body).toBe(200);
    const { password, user: view } = json(res);
    expect(password).toMatch(GENERATED);
    expect(view.mustChangePassword).toBe(true);
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(401);
    expect((await t.tryLogin(user.loginId, user.password)).res.statusCode).toBe(401);
    const next = await t.login(user.loginId, password);
    expect(next.session?.step).toBe('password');

    const given = await admin.post(`/api/v1/users/${user.id}/reset-password`, { password: 'Given-password-2025' });
    expect(given.statusCode).toBe(200);
    expect(json(given).password).toBeUndefined();
    expect((await t.login(user.loginId, 'Given-password-2025')).session?.step).toBe('password');
    const weak = await admin.post(`/api/v1/users/${user.id}/reset-password`, { password: 'abc' });
    expect(weak.statusCode).toBe(422);
  });

  it('reset-totp lets a user who lost the device log in with the password again', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    const { secret } = json(await agent.post('/api/v1/auth/totp/setup'));
    expect((await agent.post('/api/v1/auth/totp/enable', { code: totpCode(secret, currentStep()) })).statusCode).toBe(200);
    expect((await t.login(user.loginId, user.password)).session?.step).toBe('totp');
    const res = await admin.post(`/api/v1/users/${user.id}/reset-totp`);
    expect(res.statusCode).toBe(200);
    expect(json(res).totpEnabled).toBe(false);
    expect((await t.login(user.loginId, user.password)).session?.step).toBe('done');
  });

  it('only the administrator manages users', async () => {
    const target = await t.createUser();
    for (const role of ['intake_clerk', 'promoter', 'coordinator', 'secretariat', 'agency_staff', 'auditor'] as const) {
      const user = await t.createUser({ role });
      const agent = await t.login(user.loginId, user.password);
      expect((await agent.get('/api/v1/users')).statusCode, role).toBe(403);
      expect((await agent.get(`/api/v1/users/${target.id}`)).statusCode, role).toBe(403);
      expect((await agent.post('/api/v1/users', body())).statusCode, role).toBe(403);
      expect((await agent.post(`/api/v1/users/${target.id}/reset-password`, {})).statusCode, role).toBe(403);
    }
  });
});
