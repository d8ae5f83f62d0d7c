import { describe, expect, it } from 'vitest';
import { runCli, USAGE } from '../../src/cli/commands.ts';
import { DATABASE_KINDS, uniqueLogin, useTestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('administrator CLI (%s)', (kind) => {
  const t = useTestApp(kind);

  it('creates a user with a generated password that must be changed', async () => {
    const login = uniqueLogin('cli');
    const r = await runCli(t.db, { args: ['user', 'create', '--login', login, '--name', '窓口 一郎', '--role', '窓口職員', '--agency', '地域福祉課'] });
    expect(r.code, r.stderr).toBe(0);
    const [line1, line2] = r.stdout.trim().split('\n');
    expect(line1).toBe(`created ${login} (窓口職員, 地域福祉課, 小金井市)`);
    const password = /shown once.*: (\S+)$/.exec(line2 ?? '')?.[1];
    expect(password).toBeTruthy();
    const agent = await t.login(login, password!);
    expect(agent.session?.step).toBe('password');
    const created = await t.db.selectFrom('users').select('id').where('login_id', '=', login).executeTakeFirstOrThrow();
    const audit = await t.db.selectFrom('audit_events').select(['actor_login', 'actor_role']).where('action', '=', 'user.create').where('target_id', '=', created.id).execute();
    expect(audit).toEqual([{ actor_login: 'cli', actor_role: 'system' }]);
  });

  it('reports problems in plain words with a non-zero exit code', async () => {
    const dup = await runCli(t.db, { args: ['user', 'create', '--login', 'admin', '--name', 'x', '--role', 'admin', '--agency', '地域福祉課'] });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('このログインIDはすでに使われています');
    const role = await runCli(t.db, { args: ['user', 'create', '--login', uniqueLogin('cli'), '--name', 'x', '--role', 'boss', '--agency', '地域福祉課'] });
    expect(role).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown role "boss"') });
    const agency = await runCli(t.db, { args: ['user', 'create', '--login', uniqueLogin('cli'), '--name', 'x', '--role', 'admin', '--agency', '地域福祉'] });
    expect(agency.code).toBe(2);
    expect(agency.stderr).toContain('did you mean: 地域福祉課');
    const missing = await runCli(t.db, { args: ['user', 'create', '--name', 'x'] });
    expect(missing).toMatchObject({ code: 2, stderr: 'error: --login is required\n' });
    const emptyStdin = await runCli(t.db, { args: ['user', 'reset-password', '--login', 'admin', '--password-stdin'], stdin: '' });
    expect(emptyStdin.code).toBe(2);
    const weak = await runCli(t.db, { args: ['user', 'reset-password', '--login', 'admin', '--password-stdin'], stdin: 'short\n' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('10文字以上');
    const nobody = await runCli(t.db, { args: ['user', 'unlock', '--login', 'nobody-at-all'] });
    expect(nobody).toMatchObject({ code: 2, stderr: 'error: no user with login id "nobody-at-all"\n' });
    const unknown = await runCli(t.db, { args: ['frobnicate'] });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(await runCli(t.db, { args: [] })).toEqual({ code: 2, stdout: USAGE, stderr: '' });
    expect(await runCli(t.db, { args: ['help'] })).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it('resets a password from standard input and unlocks an account', async () => {
    const user = await t.createUser();
    const agent = await t.login(user.loginId, user.password);
    await t.db.updateTable('users').set({ locked_at: new Date(), failed_attempts: 5 }).where('id', '=', user.id).execute();
    const unlock = await runCli(t.db, { args: ['user', 'unlock', '--login', user.loginId] });
    expect(unlock).toEqual({ code: 0, stdout: `${user.loginId} unlocked\n`, stderr: '' });
    expect((await t.login(user.loginId, user.password)).session?.step).toBe('done');

    const reset = await runCli(t.db, { args: ['user', 'reset-password', '--login', user.loginId, '--password-stdin'], stdin: 'Kinmokusei-2025\r\n' });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).not.toContain('Kinmokusei');
    expect((await agent.get('/api/v1/agencies')).statusCode).toBe(401);
    expect((await t.login(user.loginId, 'Kinmokusei-2025')).session?.step).toBe('password');

    const generated = await runCli(t.db, { args: ['user', 'reset-password', '--login', user.loginId] });
    const password = /new password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toBeTruthy();
    await t.login(user.loginId, password!);
  });

  it('migrates (nothing to do on a current schema)', async () => {
    expect(await runCli(t.db, { args: ['migrate'] })).toEqual({ code: 0, stdout: 'schema is up to date\n', stderr: '' });
  });

  it('generates fictional demo data and says what it made, meetings included', async () => {
    const r = await runCli(t.db, { args: ['demo', 'generate', '--population', '400', '--years', '2', '--seed', '7'] });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^小金井市: 400 people, \d+ households, \d+ consultations, \d+ consents, \d+ referrals, \d+ staff accounts added in [\d.]+ s \(fictional data\)$/);
    expect(lines[1]).toMatch(/^cases: 40 cases with \d+ support records/);
    expect(lines[2]).toMatch(/^meetings: \d+ \(重層的支援会議 \d+, 支援会議 \d+, 推進会議 \d+\) with \d+ agenda items, \d+ decisions, \d+ follow-up actions, \d+ attendees, \d+ 守秘義務 acknowledgements$/);
    const bad = await runCli(t.db, { args: ['demo', 'generate', '--population', '0'] });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--population must be a whole number from 1 to 2000000');
  });
});
