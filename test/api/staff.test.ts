import { beforeAll, describe, expect, it } from 'vitest';
import { findPreset, loadPreset } from '../../src/municipalities/presets.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type TestUser } from '../support/app.ts';
import { HOUKATSU_AGENCY, WINDOW_AGENCY } from '../support/cases.ts';

interface StaffItem {
  id: string;
  name: string;
  role: string;
  roleLabel: string;
  agencyId: string;
  agencyName: string;
  loginId?: string;
}

describe.each(DATABASE_KINDS)('staff directory (%s)', (kind) => {
  const t = useTestApp(kind);
  let agent: Agent;
  let me: TestUser;
  let houkatsu: TestUser;
  let houkatsu2: TestUser;
  let admin: TestUser;
  let auditor: TestUser;
  let inactive: TestUser;
  let fussa: TestUser;

  const search = async (params: string): Promise<StaffItem[]> => {
    const res = await agent.get(`/api/v1/staff?${params}`);
    expect(res.statusCode, res.body).toBe(200);
    return (json(res) as { items: StaffItem[] }).items;
  };

  beforeAll(async () => {
    const loaded = await loadPreset(t.db, findPreset('福生市')!);
    [me, houkatsu, houkatsu2, admin, auditor, inactive, fussa] = await Promise.all([
      t.createUser({ agency: WINDOW_AGENCY, role: 'intake_clerk', name: '窓口 職員花子' }),
      t.createUser({ agency: HOUKATSU_AGENCY, role: 'agency_staff', name: '包括 職員次郎' }),
      t.createUser({ agency: HOUKATSU_AGENCY, role: 'agency_staff', name: '包括 職員三郎' }),
      t.createUser({ agency: WINDOW_AGENCY, role: 'admin', name: '管理 職員四郎' }),
      t.createUser({ agency: WINDOW_AGENCY, role: 'auditor', name: '監査 職員五郎' }),
      t.createUser({ agency: WINDOW_AGENCY, role: 'agency_staff', name: '退職 職員六郎' }),
      t.createUser({ municipalityId: loaded.municipalityId, role: 'promoter', name: '福生 職員七郎' }),
    ]);
    await t.db.updateTable('users').set({ active: false }).where('id', '=', inactive.id).execute();
    agent = await t.login(me.loginId, me.password);
  });

  it('finds colleagues by a fragment of the name, with agency and role, without login ids', async () => {
    const items = await search(`q=${encodeURIComponent('職員次郎')}`);
    expect(items.map((i) => i.id)).toEqual([houkatsu.id]);
    expect(items[0]).toEqual({
      id: houkatsu.id,
      name: '包括 職員次郎',
      role: 'agency_staff',
      roleLabel: '機関職員',
      agencyId: houkatsu.agencyId,
      agencyName: HOUKATSU_AGENCY,
    });
    // Spaces do not matter, and the login id finds the person too.
    expect((await search(`q=${encodeURIComponent('包括職員三郎')}`)).map((i) => i.id)).toEqual([houkatsu2.id]);
    expect((await search(`q=${encodeURIComponent(houkatsu2.loginId)}`)).map((i) => i.id)).toEqual([houkatsu2.id]);
  });

  it('filters by agency and sorts by agency kana, then name', async () => {
    const byAgency = await search(`q=${encodeURIComponent('職員')}&agencyId=${houkatsu.agencyId}`);
    expect(byAgency.map((i) => i.name)).toEqual(['包括 職員三郎', '包括 職員次郎']);
    const all = await search(`q=${encodeURIComponent('職員')}&limit=50`);
    const ids = all.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([me.id, houkatsu.id, houkatsu2.id]));
    const kana = await t.db.selectFrom('agencies').select(['id', 'kana']).where('municipality_id', '=', t.municipalityId).execute();
    const kanaOf = new Map(kana.map((a) => [a.id, a.kana]));
    const keys = all.map((i) => `${kanaOf.get(i.agencyId)}\u0000${i.name}`);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('never lists administrators, auditors, inactive users or another municipality’s staff', async () => {
    const all = await search('limit=50');
    expect(all.length).toBeGreaterThan(0);
    const ids = new Set(all.map((i) => i.id));
    for (const hidden of [admin, auditor, inactive, fussa]) expect(ids.has(hidden.id)).toBe(false);
    expect(all.every((i) => i.role !== 'admin' && i.role !== 'auditor' && !('loginId' in i))).toBe(true);
    for (const name of ['管理', '監査', '退職', '福生']) expect(await search(`q=${encodeURIComponent(name)}`)).toEqual([]);
    const fussaAgency = await t.db.selectFrom('users').select('agency_id').where('id', '=', fussa.id).executeTakeFirstOrThrow();
    expect(await search(`agencyId=${fussaAgency.agency_id}`)).toEqual([]);
  });

  it('rejects a large limit with 422 and never fails on odd input', async () => {
    const res = await agent.get('/api/v1/staff?limit=1000');
    expect(res.statusCode).toBe(422);
    expect(json(res).error.fields.limit).toBeTruthy();
    for (const q of ['%', '_', '\\', "'; drop table users; --", '％＿', '\u0000', 'x'.repeat(100)]) {
      const r = await agent.get(`/api/v1/staff?q=${encodeURIComponent(q)}`);
      expect(r.statusCode, `${q}: ${r.body}`).toBeLessThan(500);
    }
    // A wildcard is a character, not "anything".
    expect(await search(`q=${encodeURIComponent('%')}`)).toEqual([]);
    expect((await agent.get('/api/v1/staff?agencyId=not-a-uuid')).statusCode).toBe(422);
    expect((await agent.get(`/api/v1/staff?q=${encodeURIComponent('x'.repeat(101))}`)).statusCode).toBe(422);
  });

  it('records the search in the audit log', async () => {
    await search(`q=${encodeURIComponent('包括')}`);
    const rows = await t.db.selectFrom('audit_events').select(['action']).where('actor_user_id', '=', me.id).where('action', '=', 'staff.search').execute();
    expect(rows.length).toBeGreaterThan(0);
  });

  it('needs a session', async () => {
    expect((await t.anonymous().get('/api/v1/staff')).statusCode).toBe(401);
  });
});
