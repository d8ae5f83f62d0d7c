import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/access/audit.ts';
import { JOBS, runIfDue } from '../../src/server/jobs.ts';
import { DATABASE_KINDS, useTestApp } from '../support/app.ts';

const purgeSessions = JOBS.find((j) => j.name === 'sessions.purge')!;
const retention = JOBS.find((j) => j.name === 'audit.retention')!;

describe.each(DATABASE_KINDS)('background jobs (%s)', (kind) => {
  const t = useTestApp(kind);

  it('runs a due job once when called twice in a row', async () => {
    const now = new Date();
    expect(await runIfDue(t.db, purgeSessions, now)).toBe(true);
    expect(await runIfDue(t.db, purgeSessions, now)).toBe(false);
    expect(await runIfDue(t.db, purgeSessions, new Date(now.getTime() + purgeSessions.everyMs - 1000))).toBe(false);
    // Once the period has passed, it is due again.
    expect(await runIfDue(t.db, purgeSessions, new Date(now.getTime() + purgeSessions.everyMs + 1000))).toBe(true);
  });

  it('runs a due job once when several processes ask at the same moment', async () => {
    const later = new Date(Date.now() + 7 * 24 * 3600_000);
    const results = await Promise.all([1, 2, 3, 4].map(() => runIfDue(t.db, retention, later)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const runs = await t.db.selectFrom('job_runs').selectAll().where('job', '=', 'audit.retention').execute();
    expect(runs).toHaveLength(1);
    expect(new Date(runs[0]!.last_run_at).getTime()).toBe(later.getTime());
    // Nothing is older than the retention period: the log is untouched and whole.
    expect(await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'audit.retention_purge').execute()).toEqual([]);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('the session purge removes expired sessions only', async () => {
    const user = await t.createUser();
    await t.login(user.loginId, user.password);
    await t.login(user.loginId, user.password);
    const [first] = await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    await t.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', first!.id).execute();
    await purgeSessions.run(t.db);
    const left = await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe(first!.id);
  });
});
