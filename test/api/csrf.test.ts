import { describe, expect, it } from 'vitest';
import { currentStep, totpCode } from '../../src/auth/totp.ts';
import { DATABASE_KINDS, json, uniqueLogin, useTestApp, type Response } from '../support/app.ts';

const CSRF_MESSAGE = '画面の有効期限が切れています。画面を再読み込みしてから、もう一度操作してください。';

function expectCsrfFailure(res: Response) {
  expect(res.statusCode).toBe(403);
  expect(json(res)).toEqual({ error: { code: 'csrf_failed', message: CSRF_MESSAGE, fields: {} } });
}

describe.each(DATABASE_KINDS)('CSRF protection (%s)', (kind) => {
  const t = useTestApp(kind);

  const newAgency = (name: string) => ({ name, kana: 'しーえすあーるえふ', fields: ['その他'] });

  async function agencyCount() {
    const r = await t.db.selectFrom('agencies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  it('POST without x-csrf-token or with a wrong one is refused and changes nothing', async () => {
    const admin = await t.loginAdmin();
    const before = await agencyCount();
    expectCsrfFailure(await admin.post('/api/v1/agencies', newAgency('CSRF試験1'), { csrf: null }));
    expectCsrfFailure(await admin.post('/api/v1/agencies', newAgency('CSRF試験2'), { csrf: 'forged-token' }));
    expectCsrfFailure(await admin.post('/api/v1/agencies', newAgency('CSRF試験3'), { csrf: '' }));
    expect(await agencyCount()).toBe(before);
    const audited = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'agency.create').execute();
    expect(audited).toHaveLength(0);

    // The same request with the token goes through.
    const ok = await admin.post('/api/v1/agencies', newAgency('CSRF試験4'));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await agencyCount()).toBe(before + 1);
  });

  it('PATCH without the token is refused and the row keeps its version', async () => {
    const admin = await t.loginAdmin();
    const id = await t.agencyId('教育相談');
    const before = json(await admin.get(`/api/v1/agencies/${id}`));
    expectCsrfFailure(await admin.patch(`/api/v1/agencies/${id}`, { version: before.version, name: '改ざん' }, { csrf: null }));
    expectCsrfFailure(await admin.patch(`/api/v1/agencies/${id}`, { version: before.version, name: '改ざん' }, { csrf: 'x'.repeat(43) }));
    const after = json(await admin.get(`/api/v1/agencies/${id}`));
    expect(after).toEqual(before);

    const settings = await admin.patch('/api/v1/municipality/settings', { mfaRequired: true }, { csrf: null });
    expectCsrfFailure(settings);
    expect(json(await admin.get('/api/v1/municipality')).settings.mfaRequired).toBe(false);
  });

  it('another session’s valid token does not do', async () => {
    const admin = await t.loginAdmin();
    const other = await t.loginAdmin();
    expect(other.csrf).not.toBe(admin.csrf);
    const user = await t.createUser();
    await t.db.updateTable('users').set({ locked_at: new Date() }).where('id', '=', user.id).execute();
    expectCsrfFailure(await admin.post(`/api/v1/users/${user.id}/unlock`, undefined, { csrf: other.csrf }));
    const row = await t.db.selectFrom('users').select('locked_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.locked_at).not.toBeNull();
  });

  it('logout needs the token too (a forged logout does not end the session)', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    expectCsrfFailure(await agent.post('/api/v1/auth/logout', undefined, { csrf: null }));
    expect(json(await agent.get('/api/v1/auth/session')).authenticated).toBe(true);
  });

  it('the TOTP step and password change need the token', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    const setup = json(await agent.post('/api/v1/auth/totp/setup'));
    expectCsrfFailure(await agent.post('/api/v1/auth/totp/enable', { code: totpCode(setup.secret, currentStep()) }, { csrf: null }));
    expect((await agent.post('/api/v1/auth/totp/enable', { code: totpCode(setup.secret, currentStep()) })).statusCode).toBe(200);

    const partial = await t.login(user.loginId, user.password);
    expect(partial.session?.step).toBe('totp');
    expectCsrfFailure(await partial.post('/api/v1/auth/login/totp', { code: totpCode(setup.secret, currentStep() + 1) }, { csrf: null }));
    expectCsrfFailure(
      await partial.post('/api/v1/auth/password', { currentPassword: user.password, newPassword: 'Kaede-2025-autumn' }, { csrf: null }),
    );
  });

  it('reads need no token; without a session a write is 401, not 403', async () => {
    const admin = await t.loginAdmin();
    expect((await admin.get('/api/v1/agencies', { csrf: null })).statusCode).toBe(200);
    const anon = await t.anonymous().post('/api/v1/agencies', newAgency('匿名'));
    expect(anon.statusCode).toBe(401);
    expect(json(anon).error.code).toBe('unauthenticated');
    // Login itself is the one write without a token (there is no session yet).
    expect((await t.tryLogin(uniqueLogin('nobody'), 'wrong-password-0')).res.statusCode).toBe(401);
  });
});
