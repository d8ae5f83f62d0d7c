import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.ts';
import { DEMO_ACCOUNTS } from '../../src/demo/load.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';

/** The account rows of the printed table: login id → { role, agency, password }. */
function accountsIn(stdout: string): Map<string, { role: string; agency: string; password: string }> {
  const rows = new Map<string, { role: string; agency: string; password: string }>();
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s{2,}/);
    if (cells.length === 4 && cells[0]!.startsWith('demo-')) rows.set(cells[0]!, { role: cells[1]!, agency: cells[2]!, password: cells[3]! });
  }
  return rows;
}

describe.each(DATABASE_KINDS)('demo load (%s)', (kind) => {
  // The harness installs 小金井市: デモ市 is loaded alongside it.
  const t = useTestApp(kind);
  let first = new Map<string, { role: string; agency: string; password: string }>();

  const demoPersons = async () => {
    const m = await t.db.selectFrom('municipalities').select('id').where('code', '=', '999999').executeTakeFirstOrThrow();
    const r = await t.db.selectFrom('persons').select((eb) => eb.fn.countAll<string>().as('n')).where('municipality_id', '=', m.id).executeTakeFirstOrThrow();
    return Number(r.n);
  };

  it('loads デモ市 beside another municipality, with one account per role that logs straight in', async () => {
    const r = await runCli(t.db, { args: ['demo', 'load', '--population', '1000'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('デモ市 is installed alongside 小金井市');
    expect(r.stdout).toMatch(/generated 1000 people/);
    expect(r.stdout).toMatch(/Open http:\/\/localhost:\d+ /);
    expect(r.stdout).toContain('not asked to change their password');
    first = accountsIn(r.stdout);
    expect([...first.keys()]).toEqual(DEMO_ACCOUNTS.map((a) => a.loginId));
    expect(first.get('demo-coord')).toMatchObject({ role: '地域福祉コーディネーター', agency: 'デモ市社会福祉協議会' });
    expect(first.get('demo-houkatsu')).toMatchObject({ role: '機関職員', agency: 'デモ市きた地域包括支援センター' });
    expect(new Set([...first.values()].map((a) => a.role)).size).toBe(7);

    const agents = new Map<string, Agent>();
    for (const [loginId, account] of first) {
      const agent = await t.login(loginId, account.password);
      expect(agent.session?.step, loginId).toBe('done');
      expect(agent.session?.municipality?.name).toBe('デモ市');
      agents.set(loginId, agent);
    }

    // 地域福祉コーディネーター: わたしの仕事 and their cases are not empty.
    const coord = agents.get('demo-coord')!;
    const tasks = await coord.get('/api/v1/tasks');
    expect(tasks.statusCode).toBe(200);
    expect(json(tasks).items.length).toBeGreaterThan(0);
    const coordCases = await coord.get('/api/v1/cases?mine=true');
    expect(coordCases.statusCode).toBe(200);
    expect(json(coordCases).items.length).toBeGreaterThan(0);
    // 機関職員 of the 包括: named on cases they can open.
    const houkatsu = agents.get('demo-houkatsu')!;
    const mine = json(await houkatsu.get('/api/v1/cases?mine=true')).items as { id: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect((await houkatsu.get(`/api/v1/cases/${mine[0]!.id}`)).statusCode).toBe(200);
    // 窓口職員: consultations of the window.
    const window = json(await agents.get('demo-madoguchi')!.get('/api/v1/consultations')).items;
    expect(window.length).toBeGreaterThan(0);
    // 事務局 and the coordinator: the demo meetings, with an agenda.
    const meetings = json(await agents.get('demo-jimukyoku')!.get('/api/v1/meetings')).items as { id: string; kind: string }[];
    expect(meetings.map((m) => m.kind).sort()).toEqual(['jusou', 'shien', 'suishin']);
    const jusou = meetings.find((m) => m.kind === 'jusou')!;
    const agenda = await coord.get(`/api/v1/meetings/${jusou.id}/agenda`);
    expect(agenda.statusCode).toBe(200);
    expect(json(agenda).items.length).toBeGreaterThan(0);
    expect(json(await agents.get('demo-suishin')!.get('/api/v1/meetings')).items.length).toBeGreaterThan(0);
    // 管理者: users yes, personal data no. 監査担当: the audit log.
    const admin = agents.get('demo-kanri')!;
    expect((await admin.get('/api/v1/users')).statusCode).toBe(200);
    expect((await admin.get('/api/v1/persons?q=山')).statusCode).toBe(403);
    const audit = await agents.get('demo-kansa')!.get('/api/v1/audit-events');
    expect(audit.statusCode).toBe(200);
    expect(json(audit).items.length).toBeGreaterThan(0);
  });

  it('a second run generates nothing and issues new passwords; the old ones stop working', async () => {
    const before = await demoPersons();
    expect(before).toBe(1000);
    const r = await runCli(t.db, { args: ['demo', 'load'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('デモ市 already has 1000 people: nothing generated');
    expect(r.stdout).toContain('passwords renewed');
    const second = accountsIn(r.stdout);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [loginId, account] of second) {
      expect(account.password).not.toBe(first.get(loginId)!.password);
      expect((await t.tryLogin(loginId, first.get(loginId)!.password)).res.statusCode, loginId).toBe(401);
      expect((await t.login(loginId, account.password)).session?.step, loginId).toBe('done');
    }
    expect(await demoPersons()).toBe(before);
    const meetings = await t.db.selectFrom('meetings').select('id').where('title', 'like', '%（デモ）').execute();
    expect(meetings).toHaveLength(3);
  });

  it('refuses a bad --population', async () => {
    const r = await runCli(t.db, { args: ['demo', 'load', '--population', 'many'] });
    expect(r).toMatchObject({ code: 2, stderr: 'error: --population must be a whole number from 1 to 200000\n' });
  });
});
