import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.ts';
import { down, up } from '../../src/db/migrations/20261203T1200_departments_taxonomy.ts';
import { DATABASE_KINDS, json, uniqueLogin, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { consult, registerPerson } from '../support/people.ts';

/**
 * Departments (課) as data, the 断らない相談窓口推進員 who sees the intakes and
 * referrals of their own department's windows, and the 福祉活動専門員 role
 * (issue 12, item 6). 小金井市's preset: 地域福祉課 holds 福祉総合相談窓口;
 * 介護福祉課 the 地域包括支援センター.
 */
const DEPT_A_WINDOW = '福祉総合相談窓口（自立相談サポートセンター）';
const DEPT_A_HOME = '地域福祉課';
const DEPT_B_WINDOW = '小金井にし地域包括支援センター';
const ELSEWHERE = '女性総合相談';

interface Department {
  id: string;
  name: string;
  kana: string;
  active: boolean;
  sortOrder: number;
  agencyCount: number;
  version: number;
}

describe.each(DATABASE_KINDS)('departments and the promoter (%s)', (kind) => {
  const t = useTestApp(kind);
  let admin: Agent;
  let clerkA: Agent;
  let clerkB: Agent;
  let promoter: Agent;
  let promoterUser: TestUser;
  let homeClerk: Agent;
  let departments: Department[];

  const dept = (name: string) => departments.find((d) => d.name === name)!;

  beforeAll(async () => {
    admin = await t.loginAdmin();
    const a = await t.createUser({ role: 'intake_clerk', agency: DEPT_A_WINDOW });
    const b = await t.createUser({ role: 'intake_clerk', agency: DEPT_B_WINDOW });
    promoterUser = await t.createUser({ role: 'promoter', agency: DEPT_A_HOME });
    const home = await t.createUser({ role: 'intake_clerk', agency: DEPT_A_HOME });
    [clerkA, clerkB, promoter, homeClerk] = await Promise.all([
      t.login(a.loginId, a.password),
      t.login(b.loginId, b.password),
      t.login(promoterUser.loginId, promoterUser.password),
      t.login(home.loginId, home.password),
    ]);
    const res = await admin.get('/api/v1/departments');
    expect(res.statusCode, res.body).toBe(200);
    departments = json(res).items;
  });

  it("turns the preset's department texts into rows the agencies point at, in the preset's order", async () => {
    expect(departments.slice(0, 3).map((d) => d.name)).toEqual(['地域福祉課', '介護福祉課', '自立生活支援課']);
    expect(dept('介護福祉課').agencyCount).toBe(6);
    const agencies = await t.db
      .selectFrom('agencies as a')
      .leftJoin('departments as d', (j) => j.onRef('d.municipality_id', '=', 'a.municipality_id').onRef('d.id', '=', 'a.department_id'))
      .select(['a.name', 'a.department', 'd.name as dept'])
      .where('a.municipality_id', '=', t.municipalityId)
      .execute();
    const byName = new Map(agencies.map((a) => [a.name, a]));
    expect(byName.get(DEPT_B_WINDOW)!.dept).toBe('介護福祉課');
    // 「児童青少年課／こども家庭センター」 links to the first department it names; the text stays readable.
    expect(byName.get('本町児童館（ぽかぽかひろば）')).toMatchObject({ dept: '児童青少年課', department: '児童青少年課／こども家庭センター' });
    for (const a of agencies) if (a.department) expect(a.dept, a.name).not.toBeNull();
    // The API shows the link.
    const agency = json(await clerkA.get(`/api/v1/agencies/${await t.agencyId(DEPT_B_WINDOW)}`));
    expect(agency).toMatchObject({ department: '介護福祉課', departmentId: dept('介護福祉課').id });
  });

  it('the promoter of department A sees a consultation of a window in A with the person, not one of B; audited with that basis', async () => {
    const personA = await registerPerson(clerkA, { name: '推進 花子', nameKana: 'スイシン ハナコ', birthDate: '1970-05-01' });
    const inA = await consult(clerkA, { personId: personA.id, chiefComplaint: '家賃が払えない', issues: ['家賃・ローン'] });
    const personB = await registerPerson(clerkB, { name: '包括 太郎', nameKana: 'ホウカツ タロウ', birthDate: '1940-02-01' });
    const inB = await consult(clerkB, { personId: personB.id, chiefComplaint: '介護の相談' });

    const read = await promoter.get(`/api/v1/consultations/${inA.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(json(read)).toMatchObject({ chiefComplaint: '家賃が払えない', person: { id: personA.id, displayName: '推進 花子' } });
    expect((await promoter.get(`/api/v1/consultations/${inB.id}`)).statusCode).toBe(404);

    const list = json(await promoter.get('/api/v1/consultations?scope=visible&limit=100')).items.map((c: { id: string }) => c.id);
    expect(list).toContain(inA.id);
    expect(list).not.toContain(inB.id);

    const listAudit = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('actor_user_id', '=', promoterUser.id)
      .where('action', '=', 'consultation.list')
      .executeTakeFirstOrThrow();
    expect(listAudit.details).toMatchObject({ scope: 'visible', basis: 'promoter_department' });

    // The consultation only: the person's record stays behind the consent rules.
    expect((await promoter.get(`/api/v1/persons/${personA.id}`)).statusCode).toBe(404);

    const audit = await t.db
      .selectFrom('audit_events')
      .select(['reason', 'details', 'subject_person_id'])
      .where('actor_user_id', '=', promoterUser.id)
      .where('action', '=', 'consultation.read')
      .where('target_id', '=', inA.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ reason: 'department window of the promoter', details: { basis: 'promoter_department' }, subject_person_id: personA.id });

    // Other roles are unchanged: a clerk of the same agency as the promoter sees neither.
    expect((await homeClerk.get(`/api/v1/consultations/${inA.id}`)).statusCode).toBe(404);
    const homeList = json(await homeClerk.get('/api/v1/consultations?scope=visible&limit=100')).items.map((c: { id: string }) => c.id);
    expect(homeList).not.toContain(inA.id);
    // And the window of B does not see A's consultation.
    expect((await clerkB.get(`/api/v1/consultations/${inA.id}`)).statusCode).toBe(404);
  });

  it("the promoter sees the referrals of their department's windows (box=department), not others'", async () => {
    const send = async (agent: Agent, to: string, complaint: string) => {
      const res = await agent.post('/api/v1/referrals', {
        toAgencyId: await t.agencyId(to),
        chiefComplaint: complaint,
        content: '匿名でのつなぎ',
        reason: '専門の窓口のため',
        consentConfirmed: false,
      });
      expect(res.statusCode, res.body).toBe(201);
      return json(res) as { id: string };
    };
    const fromA = await send(clerkA, ELSEWHERE, '窓口Aからのつなぎ');
    const intoA = await send(clerkB, DEPT_A_WINDOW, '窓口Aへのつなぎ');
    const bOnly = await send(clerkB, ELSEWHERE, '窓口Bからのつなぎ');

    const box = json(await promoter.get('/api/v1/referrals?box=department&limit=100')).items.map((r: { id: string }) => r.id);
    expect(box).toEqual(expect.arrayContaining([fromA.id, intoA.id]));
    expect(box).not.toContain(bOnly.id);
    expect((await promoter.get(`/api/v1/referrals/${fromA.id}`)).statusCode).toBe(200);
    expect((await promoter.get(`/api/v1/referrals/${bOnly.id}`)).statusCode).toBe(404);
    // Seeing is not acting: only the receiving agency accepts.
    const accept = await promoter.post(`/api/v1/referrals/${intoA.id}/accept`, { version: 1 });
    expect([403, 404]).toContain(accept.statusCode);
    expect(json(await clerkA.get(`/api/v1/referrals/${intoA.id}`)).status).toBe('sent');

    // Not a promoter: the department box is empty, the detail 404.
    expect(json(await homeClerk.get('/api/v1/referrals?box=department')).items).toEqual([]);
    expect((await homeClerk.get(`/api/v1/referrals/${fromA.id}`)).statusCode).toBe(404);
  });

  it('the administrator manages departments; moving a window into A shows its consultations to A’s promoter', async () => {
    const created = await admin.post('/api/v1/departments', { name: '福祉総合課', kana: 'フクシソウゴウカ' });
    expect(created.statusCode, created.body).toBe(201);
    const d = json(created) as Department;
    expect(d).toMatchObject({ name: '福祉総合課', active: true, agencyCount: 0, version: 1 });
    expect((await admin.post('/api/v1/departments', { name: '福祉総合課' })).statusCode).toBe(422);
    expect((await clerkA.post('/api/v1/departments', { name: '勝手な課' })).statusCode).toBe(403);

    // Link 消費生活相談 (経済課) to it, then rename: the agency's 所管課 and its search follow.
    const agencyId = await t.agencyId('消費生活相談');
    const agency = json(await admin.get(`/api/v1/agencies/${agencyId}`));
    const linked = await admin.patch(`/api/v1/agencies/${agencyId}`, { departmentId: d.id, version: agency.version });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(json(linked)).toMatchObject({ departmentId: d.id, department: '福祉総合課' });
    const renamed = await admin.patch(`/api/v1/departments/${d.id}`, { name: '福祉相談課', version: 1 });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(json(renamed)).toMatchObject({ name: '福祉相談課', agencyCount: 1, version: 2 });
    expect(json(await admin.get(`/api/v1/agencies/${agencyId}`)).department).toBe('福祉相談課');
    const found = json(await admin.get(`/api/v1/agencies?q=${encodeURIComponent('福祉相談課')}`)).items.map((a: { id: string }) => a.id);
    expect(found).toContain(agencyId);
    expect((await admin.patch(`/api/v1/departments/${d.id}`, { name: 'x', version: 1 })).statusCode).toBe(409);

    // Deactivated: still on the agency that has it, but not offered for a new link.
    expect((await admin.patch(`/api/v1/departments/${d.id}`, { active: false, version: 2 })).statusCode).toBe(200);
    expect(json(await admin.get('/api/v1/departments')).items.map((x: Department) => x.id)).not.toContain(d.id);
    expect(json(await admin.get('/api/v1/departments?includeInactive=true')).items.map((x: Department) => x.id)).toContain(d.id);
    const other = await t.agencyId('教育相談');
    const otherVersion = json(await admin.get(`/api/v1/agencies/${other}`)).version;
    const refused = await admin.patch(`/api/v1/agencies/${other}`, { departmentId: d.id, version: otherVersion });
    expect(refused.statusCode).toBe(422);
    expect(json(refused).error.fields.departmentId).toContain('所管課');
    const unknown = await admin.post('/api/v1/agencies', { name: '新しい窓口', departmentId: '00000000-0000-7000-8000-000000000000' });
    expect(unknown.statusCode).toBe(422);

    // Reorder: 介護福祉課 moves above 地域福祉課.
    const care = dept('介護福祉課');
    expect((await admin.patch(`/api/v1/departments/${care.id}`, { move: 'up', version: care.version })).statusCode).toBe(200);
    const order = json(await admin.get('/api/v1/departments')).items.map((x: Department) => x.name);
    expect(order.slice(0, 2)).toEqual(['介護福祉課', '地域福祉課']);

    // The access follows the data: put 地域包括 (B) into 地域福祉課 and A's promoter sees its intake.
    const inB = await consult(clerkB, { chiefComplaint: '移管後に見える相談', anonymous: true, consulterType: '匿名' });
    expect((await promoter.get(`/api/v1/consultations/${inB.id}`)).statusCode).toBe(404);
    const bId = await t.agencyId(DEPT_B_WINDOW);
    const b = json(await admin.get(`/api/v1/agencies/${bId}`));
    const moved = await admin.patch(`/api/v1/agencies/${bId}`, { departmentId: dept('地域福祉課').id, version: b.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await promoter.get(`/api/v1/consultations/${inB.id}`)).statusCode).toBe(200);
    // And without a department, nothing: the promoter's own agency loses its department.
    const home = json(await admin.get(`/api/v1/agencies/${await t.agencyId(DEPT_A_HOME)}`));
    expect((await admin.patch(`/api/v1/agencies/${home.id}`, { departmentId: null, version: home.version })).statusCode).toBe(200);
    expect((await promoter.get(`/api/v1/consultations/${inB.id}`)).statusCode).toBe(404);
  });

  it('福祉活動専門員 (community_worker): created by the API and the CLI, works with people, opens no case', async () => {
    const res = await admin.post('/api/v1/users', { loginId: uniqueLogin('cw'), name: '活動 専門', role: 'community_worker', agencyId: await t.agencyId(DEPT_A_HOME), password: 'Ryokucha-2025-tests' });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).user).toMatchObject({ role: 'community_worker', roleLabel: '福祉活動専門員' });
    const listed = json(await admin.get('/api/v1/users?role=community_worker')).items;
    expect(listed.map((u: { id: string }) => u.id)).toContain(json(res).user.id);

    const cw = await t.createUser({ role: 'community_worker', agency: '地域福祉コーディネーター（参加支援事業）' });
    const agent = await t.login(cw.loginId, cw.password);
    const person = await registerPerson(agent, { name: '参加 支援', nameKana: 'サンカ シエン', birthDate: '1990-01-01' });
    await consult(agent, { personId: person.id, chiefComplaint: '居場所を探している', issues: ['社会的孤立'] });
    const open = await agent.post('/api/v1/cases', { origin: 'consultation', consultationId: '00000000-0000-7000-8000-000000000000' });
    expect(open.statusCode).toBe(403);

    const login = uniqueLogin('cli-cw');
    const cli = await runCli(t.db, { args: ['user', 'create', '--login', login, '--name', '専門 員', '--role', '福祉活動専門員', '--agency', DEPT_A_HOME] });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('福祉活動専門員');
    const row = await t.db.selectFrom('users').select('role').where('login_id', '=', login).executeTakeFirstOrThrow();
    expect(row.role).toBe('community_worker');
    // The database accepts the role, and only known roles.
    await expect(sql`update users set role = 'boss' where login_id = ${login}`.execute(t.db)).rejects.toThrow();
  });

  it('the migration turns existing department texts into rows and links them (down, then up again)', async () => {
    await down(t.db as never);
    await sql`update agencies set department = '新設の課' where municipality_id = ${t.municipalityId} and name = ${ELSEWHERE}`.execute(t.db);
    await up(t.db as never);
    const rows = await t.db
      .selectFrom('agencies as a')
      .leftJoin('departments as d', (j) => j.onRef('d.municipality_id', '=', 'a.municipality_id').onRef('d.id', '=', 'a.department_id'))
      .select(['a.name', 'a.department', 'd.name as dept'])
      .where('a.municipality_id', '=', t.municipalityId)
      .execute();
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get(ELSEWHERE)).toMatchObject({ department: '新設の課', dept: '新設の課' });
    expect(byName.get('本町児童館（ぽかぽかひろば）')!.dept).toBe('児童青少年課');
    expect(byName.get('消費生活相談')!.dept).toBe('福祉相談課');
    for (const r of rows) if (r.department) expect(r.dept, r.name).not.toBeNull();
  });
});
