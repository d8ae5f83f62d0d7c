import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { currentStep, totpCode } from '../../src/auth/totp.ts';
import { ADMIN_PASSWORD, DATABASE_KINDS, json, uniqueLogin, useTestApp, type Agent, type TestApp } from '../support/app.ts';

const LOGIN_FAILED_MESSAGE = 'ログインIDまたはパスワードが正しくありません。';

async function setSettings(admin: Agent, settings: Record<string, unknown>) {
  const res = await admin.patch('/api/v1/municipality/settings', settings);
  expect(res.statusCode, res.body).toBe(200);
  return json(res);
}

/** A code for `step` that is certainly wrong (not valid at steps around it). */
function wrongCode(secret: string): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpCode(secret, currentStep() + d)));
  for (let i = 0; ; i++) {
    const candidate = String(123456 + i).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

/** Log in as a fresh user, set up TOTP and enable it with the current code. Returns the secret. */
async function enrolTotp(agent: Agent): Promise<string> {
  const setup = await agent.post('/api/v1/auth/totp/setup');
  expect(setup.statusCode, setup.body).toBe(200);
  const secret = json(setup).secret as string;
  const enable = await agent.post('/api/v1/auth/totp/enable', { code: totpCode(secret, currentStep()) });
  expect(enable.statusCode, enable.body).toBe(200);
  return secret;
}

async function auditRows(t: TestApp, action: string, login: string) {
  return t.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .where('actor_login', '=', login)
    .orderBy('seq')
    .execute();
}

describe.each(DATABASE_KINDS)('authentication (%s)', (kind) => {
  const t = useTestApp(kind);

  it('login succeeds with a csrf token and an HttpOnly, SameSite=Strict session cookie', async () => {
    const { res } = await t.tryLogin('admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({
      authenticated: true,
      step: 'done',
      user: { loginId: 'admin', role: 'admin', roleLabel: '管理者', totpEnabled: false },
      municipality: { name: '小金井市', mfaRequired: false },
    });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const cookie = res.cookies.find((c) => c.name === 'kasane_session');
    expect(cookie).toBeDefined();
    expect(cookie!.value.length).toBeGreaterThanOrEqual(32);
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Strict');
    expect(cookie!.path).toBe('/');
    // Plain HTTP in tests: Secure only behind HTTPS.
    expect(cookie!.secure).toBeFalsy();
    const header = String(res.headers['set-cookie']);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    // The token is stored hashed: the cookie value is not a session id in the table.
    const raw = await t.db.selectFrom('sessions').select('id').where('id', '=', cookie!.value).executeTakeFirst();
    expect(raw).toBeUndefined();
    expect(res.body).not.toContain('scrypt$');
  });

  it('a wrong password and an unknown login id get the same 401 with a Japanese message', async () => {
    const user = await t.createUser();
    const wrong = await t.tryLogin(user.loginId, 'not-the-password-1');
    expect(wrong.res.statusCode).toBe(401);
    expect(json(wrong.res)).toEqual({ error: { code: 'login_failed', message: LOGIN_FAILED_MESSAGE, fields: {} } });
    expect(wrong.agent.cookie).toBeNull();

    const unknown = await t.tryLogin(uniqueLogin('nobody'), 'not-the-password-1');
    expect(unknown.res.statusCode).toBe(401);
    expect(json(unknown.res)).toEqual(json(wrong.res));
    expect(unknown.agent.cookie).toBeNull();
  });

  it('login input is validated: missing fields and unknown keys get 422 in Japanese', async () => {
    const anon = t.anonymous();
    const missing = await anon.post('/api/v1/auth/login', { loginId: 'admin' });
    expect(missing.statusCode).toBe(422);
    expect(json(missing).error.code).toBe('validation_failed');
    expect(json(missing).error.fields.password).toBe('パスワード：入力してください');
    const extra = await anon.post('/api/v1/auth/login', { loginId: 'admin', password: ADMIN_PASSWORD, remember: true });
    expect(extra.statusCode).toBe(422);
    expect(Object.values(json(extra).error.fields).join()).toContain('使えない項目');
  });

  it('the session endpoint answers who is signed in and the same csrf token', async () => {
    const anon = await t.anonymous().get('/api/v1/auth/session');
    expect(anon.statusCode).toBe(200);
    expect(json(anon)).toEqual({ authenticated: false });

    const user = await t.createUser({ role: 'promoter', agency: '小金井みなみ地域包括支援センター' });
    const agent = await t.login(user.loginId, user.password);
    const res = await agent.get('/api/v1/auth/session');
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      authenticated: true,
      step: 'done',
      csrfToken: agent.csrf,
      user: { id: user.id, loginId: user.loginId, role: 'promoter', roleLabel: '推進員', agencyName: '小金井みなみ地域包括支援センター' },
      municipality: { id: t.municipalityId, name: '小金井市' },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('logout ends the session on the server and clears the cookie', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(200);

    const out = await agent.post('/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'kasane_session');
    expect(cleared?.value).toBe('');

    // The old cookie is worthless afterwards.
    expect(json(await agent.get('/api/v1/auth/session'))).toEqual({ authenticated: false });
    const after = await agent.get('/api/v1/agencies');
    expect(after.statusCode).toBe(401);
    expect(json(after).error.code).toBe('unauthenticated');
    const sessions = await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(0);
    expect(await auditRows(t, 'auth.logout', user.loginId)).toHaveLength(1);
  });

  it('a session idle longer than the municipality setting ends with 401 session_expired', async () => {
    const admin = await t.loginAdmin();
    await setSettings(admin, { sessionIdleMinutes: 5 });
    try {
      const user = await t.createUser();
      const agent = await t.login(user.loginId, user.password);
      const backdate = (minutes: number) =>
        t.db
          .updateTable('sessions')
          .set({ last_seen_at: new Date(Date.now() - minutes * 60_000) })
          .where('user_id', '=', user.id)
          .execute();

      // Idle for 4 of 5 minutes: still signed in (and the activity counts).
      await backdate(4);
      expect((await agent.get('/api/v1/agencies')).statusCode).toBe(200);

      await backdate(6);
      const res = await agent.get('/api/v1/agencies');
      expect(res.statusCode).toBe(401);
      expect(json(res).error).toMatchObject({ code: 'session_expired' });
      expect(json(res).error.message).toContain('ログイン');
      // The session is gone: the next request is plainly unauthenticated.
      const rows = await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
      expect(rows).toHaveLength(0);
      expect(json(await agent.get('/api/v1/auth/session')).authenticated).toBe(false);

      // A state-changing request on an expired session says so too.
      const again = await t.login(user.loginId, user.password);
      await backdate(6);
      const post = await again.post('/api/v1/auth/logout');
      expect(post.statusCode).toBe(401);
      expect(json(post).error.code).toBe('session_expired');
    } finally {
      await setSettings(admin, { sessionIdleMinutes: 30 });
    }
  });

  it('sessions past their absolute lifetime end even when active', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    await t.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', user.id)
      .execute();
    const res = await agent.get('/api/v1/agencies');
    expect(res.statusCode).toBe(401);
    expect(json(res).error.code).toBe('session_expired');
  });

  it('a user created by the administrator must change the password before anything else', async () => {
    const admin = await t.loginAdmin();
    const loginId = uniqueLogin('newcomer');
    const created = await admin.post('/api/v1/users', {
      loginId,
      name: '新任 職員',
      role: 'intake_clerk',
      agencyId: await t.agencyId('地域福祉課'),
    });
    expect(created.statusCode, created.body).toBe(201);
    const initial = json(created).initialPassword as string;
    expect(json(created).user.mustChangePassword).toBe(true);

    const { res, agent } = await t.tryLogin(loginId, initial);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ authenticated: false, step: 'password' });
    expect(agent.csrf).toBeTruthy();

    for (const url of ['/api/v1/agencies', '/api/v1/municipality']) {
      const blocked = await agent.get(url);
      expect(blocked.statusCode).toBe(401);
      expect(json(blocked).error.code).toBe('second_factor_required');
    }
    expect((await agent.post('/api/v1/auth/totp/setup')).statusCode).toBe(409);

    const wrongCurrent = await agent.post('/api/v1/auth/password', { currentPassword: 'wrong-password-1', newPassword: 'Midori-no-hi-2025' });
    expect(wrongCurrent.statusCode).toBe(422);
    expect(json(wrongCurrent).error.fields.currentPassword).toBe('現在のパスワードが正しくありません');
    const weak = await agent.post('/api/v1/auth/password', { currentPassword: initial, newPassword: '12345' });
    expect(weak.statusCode).toBe(422);
    expect(json(weak).error.fields.newPassword).toContain('10文字以上');
    const same = await agent.post('/api/v1/auth/password', { currentPassword: initial, newPassword: initial });
    expect(same.statusCode).toBe(422);
    expect(json(same).error.fields.newPassword).toContain('別に');

    const changed = await agent.post('/api/v1/auth/password', { currentPassword: initial, newPassword: 'Midori-no-hi-2025' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(json(changed)).toMatchObject({ authenticated: true, step: 'done' });
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(200);

    expect((await t.tryLogin(loginId, initial)).res.statusCode).toBe(401);
    const next = await t.login(loginId, 'Midori-no-hi-2025');
    expect(next.session?.step).toBe('done');
    expect(await auditRows(t, 'auth.password_changed', loginId)).toHaveLength(1);
  });

  it('changing one’s password ends one’s other sessions', async () => {
    const user = await t.createUser();
    const a = await t.login(user.loginId, user.password);
    const b = await t.login(user.loginId, user.password);
    const res = await a.post('/api/v1/auth/password', { currentPassword: user.password, newPassword: 'Another-pass-2025' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await a.get('/api/v1/agencies')).statusCode).toBe(200);
    expect(json(await b.get('/api/v1/auth/session')).authenticated).toBe(false);
  });

  it('TOTP: enrol, then every login asks for the code; wrong codes and replays are refused', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);

    const setup = await agent.post('/api/v1/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri, qrSvg } = json(setup);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(qrSvg).toContain('<svg');

    const badEnable = await agent.post('/api/v1/auth/totp/enable', { code: wrongCode(secret) });
    expect(badEnable.statusCode).toBe(422);
    expect(json(badEnable).error.fields.code).toContain('確認コード');
    const malformed = await agent.post('/api/v1/auth/totp/enable', { code: '12ab56' });
    expect(malformed.statusCode).toBe(422);
    expect(json(malformed).error.fields.code).toContain('6桁');

    const enabledAt = currentStep();
    const enable = await agent.post('/api/v1/auth/totp/enable', { code: totpCode(secret, enabledAt) });
    expect(enable.statusCode, enable.body).toBe(200);
    expect(json(enable)).toMatchObject({ authenticated: true, step: 'done', user: { totpEnabled: true } });
    expect((await agent.post('/api/v1/auth/totp/setup')).statusCode).toBe(409);

    // Next login: password first, then the code.
    const { res, agent: second } = await t.tryLogin(user.loginId, user.password);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ authenticated: false, step: 'totp' });
    const blocked = await second.get('/api/v1/agencies');
    expect(blocked.statusCode).toBe(401);
    expect(json(blocked).error.code).toBe('second_factor_required');

    const wrong = await second.post('/api/v1/auth/login/totp', { code: wrongCode(secret) });
    expect(wrong.statusCode).toBe(422);
    expect(json(wrong).error.fields.code).toContain('確認コードが正しくありません');

    // The code used to enable is spent; the next step's code is accepted (±1 step for clock drift).
    const code = totpCode(secret, enabledAt + 1);
    const right = await second.post('/api/v1/auth/login/totp', { code });
    expect(right.statusCode, right.body).toBe(200);
    expect(json(right)).toMatchObject({ authenticated: true, step: 'done' });
    expect((await second.get('/api/v1/agencies')).statusCode).toBe(200);
    expect((await second.post('/api/v1/auth/login/totp', { code })).statusCode).toBe(409);

    // Replaying the same code on another login is refused.
    const third = await t.login(user.loginId, user.password);
    expect(third.session?.step).toBe('totp');
    const replay = await third.post('/api/v1/auth/login/totp', { code });
    expect(replay.statusCode).toBe(422);
    expect((await third.get('/api/v1/agencies')).statusCode).toBe(401);

    const rows = await auditRows(t, 'auth.totp', user.loginId);
    expect(rows.map((r) => r.outcome)).toEqual(['failure', 'success', 'failure']);
    expect(await auditRows(t, 'auth.totp_enabled', user.loginId)).toHaveLength(1);
  });

  it('TOTP: the same code submitted several times at once is accepted once', async () => {
    const user = await t.createUser();
    const secret = await enrolTotp(await t.login(user.loginId, user.password));
    const agents = await Promise.all([1, 2, 3, 4].map(() => t.login(user.loginId, user.password)));
    for (const agent of agents) expect(agent.session?.step).toBe('totp');

    // The code enrolment spent is not reused; the next step's code is valid (±1 step for clock drift).
    const code = totpCode(secret, currentStep() + 1);
    const results = await Promise.all(agents.map((agent) => agent.post('/api/v1/auth/login/totp', { code })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 422, 422, 422]);
    for (const [i, res] of results.entries()) {
      if (res.statusCode === 422) expect(json(res).error.fields.code).toContain('確認コードが正しくありません');
      expect((await agents[i]!.get('/api/v1/agencies')).statusCode).toBe(res.statusCode === 200 ? 200 : 401);
    }

    const rows = await auditRows(t, 'auth.totp', user.loginId);
    expect(rows.map((r) => r.outcome).sort()).toEqual(['failure', 'failure', 'failure', 'success']);
  });

  it('when the municipality requires two factors, a user without TOTP must enrol at login', async () => {
    const admin = await t.loginAdmin();
    const settings = await setSettings(admin, { mfaRequired: true });
    expect(settings.mfaRequired).toBe(true);
    try {
      const user = await t.createUser();
      const { res, agent } = await t.tryLogin(user.loginId, user.password);
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ authenticated: false, step: 'enroll', municipality: { mfaRequired: true } });
      const blocked = await agent.get('/api/v1/agencies');
      expect(blocked.statusCode).toBe(401);
      expect(json(blocked).error.code).toBe('second_factor_required');

      const secret = await enrolTotp(agent);
      const session = json(await agent.get('/api/v1/auth/session'));
      expect(session).toMatchObject({ authenticated: true, step: 'done', user: { totpEnabled: true } });
      expect((await agent.get('/api/v1/agencies')).statusCode).toBe(200);

      // Enrolled: the next login asks for the code, not for enrolment.
      const next = await t.login(user.loginId, user.password);
      expect(next.session?.step).toBe('totp');
      const ok = await next.post('/api/v1/auth/login/totp', { code: totpCode(secret, currentStep() + 1) });
      expect(json(ok).step).toBe('done');

      // A new user created by the administrator: enrol first, then change the password.
      const newcomer = await t.createUser({ mustChange: true });
      const n = await t.login(newcomer.loginId, newcomer.password);
      expect(n.session?.step).toBe('enroll');
      await enrolTotp(n);
      expect(json(await n.get('/api/v1/auth/session')).step).toBe('password');
      const changed = await n.post('/api/v1/auth/password', { currentPassword: newcomer.password, newPassword: 'Sakura-2025-spring' });
      expect(json(changed)).toMatchObject({ authenticated: true, step: 'done' });
    } finally {
      await setSettings(admin, { mfaRequired: false });
    }
    const after = await t.createUser();
    expect((await t.login(after.loginId, after.password)).session?.step).toBe('done');
  });

  it('a session ends as soon as its user is disabled', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    await t.db.updateTable('users').set({ active: false }).where('id', '=', user.id).execute();
    const res = await agent.get('/api/v1/agencies');
    expect(res.statusCode).toBe(401);
    expect(json(res).error.code).toBe('session_expired');
    const count = await sql<{ n: number }>`select count(*)::int as n from sessions where user_id = ${user.id}`.execute(t.db);
    expect(count.rows[0]?.n).toBe(0);
  });
});
