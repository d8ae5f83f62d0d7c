import { describe, expect, it } from 'vitest';
import { MAX_FAILED_LOGINS } from '../../src/auth/service.ts';
import { DATABASE_KINDS, json, useTestApp, type TestApp, type TestUser } from '../support/app.ts';

const WRONG = 'definitely-wrong-1';

async function failTimes(t: TestApp, user: TestUser, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await t.tryLogin(user.loginId, WRONG)).res.statusCode);
  return statuses;
}

async function userRow(t: TestApp, id: string) {
  return t.db.selectFrom('users').select(['failed_attempts', 'locked_at']).where('id', '=', id).executeTakeFirstOrThrow();
}

// The tests wait out the login slow-down (up to 2 s per failure): they run side by side, each with its own user.
describe.concurrent.each(DATABASE_KINDS)('brute-force lockout (%s)', (kind) => {
  const t = useTestApp(kind);

  it('locks the account after 5 consecutive failures, even against the right password', async () => {
    expect(MAX_FAILED_LOGINS).toBe(5);
    const user = await t.createUser();
    expect(await failTimes(t, user, 5)).toEqual([401, 401, 401, 401, 423]);

    const right = await t.tryLogin(user.loginId, user.password);
    expect(right.res.statusCode).toBe(423);
    expect(json(right.res).error.code).toBe('account_locked');
    expect(json(right.res).error.message).toContain('ロック');
    expect(right.agent.cookie).toBeNull();

    const row = await userRow(t, user.id);
    expect(row.failed_attempts).toBe(5);
    expect(row.locked_at).not.toBeNull();

    const lockouts = await t.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'reason', 'municipality_id'])
      .where('action', '=', 'auth.lockout')
      .where('actor_login', '=', user.loginId)
      .execute();
    expect(lockouts).toEqual([{ actor_user_id: user.id, reason: '5 consecutive failures', municipality_id: t.municipalityId }]);
    const logins = await t.db
      .selectFrom('audit_events')
      .select(['outcome', 'reason'])
      .where('action', '=', 'auth.login')
      .where('actor_login', '=', user.loginId)
      .orderBy('seq')
      .execute();
    expect(logins.map((r) => r.reason)).toEqual([...Array(5).fill('wrong password'), 'account locked']);
    expect(logins.every((r) => r.outcome === 'failure')).toBe(true);

    // The administrator sees the lock and lifts it.
    const admin = await t.loginAdmin();
    const view = json(await admin.get(`/api/v1/users/${user.id}`));
    expect(view).toMatchObject({ locked: true, failedAttempts: 5 });
    expect(view.lockedAt).toEqual(expect.any(String));

    const unlock = await admin.post(`/api/v1/users/${user.id}/unlock`);
    expect(unlock.statusCode, unlock.body).toBe(200);
    expect(json(unlock)).toMatchObject({ locked: false, lockedAt: null, failedAttempts: 0 });
    const unlockRows = await t.db.selectFrom('audit_events').select('actor_login').where('action', '=', 'user.unlock').where('target_id', '=', user.id).execute();
    expect(unlockRows).toEqual([{ actor_login: 'admin' }]);

    const agent = await t.login(user.loginId, user.password);
    expect(agent.session?.step).toBe('done');
  });

  it('parallel guesses cannot slip past the limit: every failure counts, one lockout is audited', async () => {
    const user = await t.createUser();
    const answers = await Promise.all(
      Array.from({ length: 7 }, () => t.tryLogin(user.loginId, 'wrong-password-xyz').then((r) => r.res.statusCode)),
    );
    expect(answers.every((code) => code === 401 || code === 423)).toBe(true);
    const row = await userRow(t, user.id);
    expect(row.locked_at).not.toBeNull();
    const lockouts = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'auth.lockout').where('actor_user_id', '=', user.id).execute();
    expect(lockouts).toHaveLength(1);
  });

  it('a successful login resets the count of consecutive failures', async () => {
    const user = await t.createUser();
    expect(await failTimes(t, user, 4)).toEqual([401, 401, 401, 401]);
    expect((await userRow(t, user.id)).failed_attempts).toBe(4);
    await t.login(user.loginId, user.password);
    expect((await userRow(t, user.id)).failed_attempts).toBe(0);
    expect(await failTimes(t, user, 4)).toEqual([401, 401, 401, 401]);
    await t.login(user.loginId, user.password);
    const row = await userRow(t, user.id);
    expect(row).toEqual({ failed_attempts: 0, locked_at: null });
  });

  it('locking an account ends its open sessions', async () => {
    const user = await t.createUser();
    const victim = await t.login(user.loginId, user.password);
    await failTimes(t, user, 5);
    const res = await victim.get('/api/v1/agencies');
    expect(res.statusCode).toBe(401);
    expect(json(res).error.code).toBe('session_expired');
  });

  it('only an administrator can unlock, and only existing users', async () => {
    const user = await t.createUser();
    await t.db.updateTable('users').set({ locked_at: new Date(), failed_attempts: 5 }).where('id', '=', user.id).execute();
    const staff = await t.createUser({ role: 'secretariat' });
    const agent = await t.login(staff.loginId, staff.password);
    const denied = await agent.post(`/api/v1/users/${user.id}/unlock`);
    expect(denied.statusCode).toBe(403);
    expect(json(denied).error.code).toBe('forbidden');
    expect((await userRow(t, user.id)).locked_at).not.toBeNull();

    const admin = await t.loginAdmin();
    const missing = await admin.post('/api/v1/users/00000000-0000-7000-8000-000000000000/unlock');
    expect(missing.statusCode).toBe(404);
    expect(json(missing).error.code).toBe('not_found');
  });
});
