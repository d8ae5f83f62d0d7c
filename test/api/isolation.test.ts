import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.ts';
import { findPreset, loadPreset } from '../../src/municipalities/presets.ts';
import { ADMIN_PASSWORD, DATABASE_KINDS, json, uniqueLogin, useTestApp, type Agent } from '../support/app.ts';

const FUSSA_ADMIN_PASSWORD = 'Tamagawa-2025-fussa';

interface Side {
  municipalityId: string;
  agencyIds: Set<string>;
  userIds: Set<string>;
  admin: Agent;
  someAgency: string;
  someUser: string;
}

describe.each(DATABASE_KINDS)('cross-municipality isolation (%s)', (kind) => {
  const t = useTestApp(kind);
  const fussaLogin = `fussa-admin-${kind}`;
  let koganei: Side;
  let fussa: Side;

  async function side(municipalityId: string, admin: Agent): Promise<Side> {
    const agencies = await t.db.selectFrom('agencies').select('id').where('municipality_id', '=', municipalityId).execute();
    const users = await t.db.selectFrom('users').select('id').where('municipality_id', '=', municipalityId).execute();
    return {
      municipalityId,
      agencyIds: new Set(agencies.map((a) => a.id)),
      userIds: new Set(users.map((u) => u.id)),
      admin,
      someAgency: agencies[0]!.id,
      someUser: users[0]!.id,
    };
  }

  beforeAll(async () => {
    const loaded = await loadPreset(t.db, findPreset('福生市')!);
    expect(loaded.created.municipality).toBe(true);
    const cli = await runCli(t.db, {
      args: ['user', 'create', '--login', fussaLogin, '--name', '福生 管理者', '--role', 'admin', '--agency', '社会福祉課', '--municipality', '福生市', '--password-stdin'],
      stdin: `${FUSSA_ADMIN_PASSWORD}\n`,
    });
    expect(cli, cli.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(cli.stdout).toBe(`created ${fussaLogin} (管理者, 社会福祉課, 福生市)\n`);
    // A second user in 福生市, so both sides have more than their administrator.
    await t.createUser({ municipalityId: loaded.municipalityId, role: 'promoter' });
    await t.createUser({ role: 'promoter' });

    koganei = await side(t.municipalityId, await t.login('admin', ADMIN_PASSWORD));
    const fussaAdmin = await t.login(fussaLogin, FUSSA_ADMIN_PASSWORD);
    expect(fussaAdmin.session).toMatchObject({ step: 'done', municipality: { name: '福生市' }, user: { agencyName: '社会福祉課' } });
    fussa = await side(loaded.municipalityId, fussaAdmin);
  });

  it('the CLI needs --municipality once several municipalities are installed', async () => {
    const cli = await runCli(t.db, {
      args: ['user', 'create', '--login', uniqueLogin('cli'), '--name', '誰か', '--role', 'promoter', '--agency', '社会福祉課'],
    });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('several municipalities are installed');
    const wrongAgency = await runCli(t.db, {
      args: ['user', 'create', '--login', uniqueLogin('cli'), '--name', '誰か', '--role', 'promoter', '--agency', '地域福祉課', '--municipality', '福生市'],
    });
    expect(wrongAgency.code).toBe(2);
    expect(wrongAgency.stderr).toContain('no agency "地域福祉課" in 福生市');
  });

  it('each administrator lists only the own municipality’s agencies', async () => {
    for (const [me, other] of [
      [koganei, fussa],
      [fussa, koganei],
    ] as const) {
      const res = await me.admin.get('/api/v1/agencies?limit=200&includeInactive=true');
      expect(res.statusCode).toBe(200);
      const ids = json(res).items.map((a: { id: string }) => a.id) as string[];
      expect(new Set(ids)).toEqual(me.agencyIds);
      expect(ids.some((id) => other.agencyIds.has(id))).toBe(false);
    }
    expect(koganei.agencyIds.size).toBe(findPreset('小金井市')!.agencies.length);
    expect(fussa.agencyIds.size).toBe(findPreset('福生市')!.agencies.length);

    // Search stays inside the municipality too.
    const search = json(await fussa.admin.get(`/api/v1/agencies?q=${encodeURIComponent('地域包括')}`));
    expect(search.items.every((a: { id: string }) => fussa.agencyIds.has(a.id))).toBe(true);
    expect(search.items.map((a: { name: string }) => a.name)).not.toContain('小金井みなみ地域包括支援センター');
  });

  it('each administrator lists only the own municipality’s users', async () => {
    for (const [me, other] of [
      [koganei, fussa],
      [fussa, koganei],
    ] as const) {
      const res = await me.admin.get('/api/v1/users?limit=200');
      expect(res.statusCode).toBe(200);
      const ids = json(res).items.map((u: { id: string }) => u.id) as string[];
      const own = await t.db.selectFrom('users').select('id').where('municipality_id', '=', me.municipalityId).execute();
      expect(new Set(ids)).toEqual(new Set(own.map((u) => u.id)));
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(ids.some((id) => other.userIds.has(id))).toBe(false);
    }
  });

  it('another municipality’s agency is “not found”, for reading and for editing', async () => {
    const target = fussa.someAgency;
    const before = await t.db.selectFrom('agencies').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    const get = await koganei.admin.get(`/api/v1/agencies/${target}`);
    expect(get.statusCode).toBe(404);
    expect(json(get).error.code).toBe('not_found');
    expect(get.body).not.toContain(before.name);
    const patch = await koganei.admin.patch(`/api/v1/agencies/${target}`, { version: before.version, name: '乗っ取り' });
    expect(patch.statusCode).toBe(404);
    const after = await t.db.selectFrom('agencies').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    // And the other way round.
    expect((await fussa.admin.get(`/api/v1/agencies/${koganei.someAgency}`)).statusCode).toBe(404);
  });

  it('another municipality’s users cannot be read, edited, unlocked or reset', async () => {
    const target = koganei.someUser;
    const before = await t.db.selectFrom('users').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    expect((await fussa.admin.get(`/api/v1/users/${target}`)).statusCode).toBe(404);
    expect((await fussa.admin.patch(`/api/v1/users/${target}`, { version: before.version, active: false })).statusCode).toBe(404);
    expect((await fussa.admin.post(`/api/v1/users/${target}/unlock`)).statusCode).toBe(404);
    expect((await fussa.admin.post(`/api/v1/users/${target}/reset-password`, {})).statusCode).toBe(404);
    expect((await fussa.admin.post(`/api/v1/users/${target}/reset-totp`)).statusCode).toBe(404);
    const after = await t.db.selectFrom('users').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('a user cannot be created in, or moved to, another municipality’s agency', async () => {
    const create = await koganei.admin.post('/api/v1/users', {
      loginId: uniqueLogin('cross'),
      name: '越境 太郎',
      role: 'intake_clerk',
      agencyId: fussa.someAgency,
    });
    expect(create.statusCode).toBe(422);
    expect(json(create).error.fields.agencyId).toBe('所属機関：この自治体の機関・窓口から選んでください');

    const user = await t.createUser();
    const move = await koganei.admin.patch(`/api/v1/users/${user.id}`, { version: 1, agencyId: fussa.someAgency });
    expect(move.statusCode).toBe(422);
    expect(json(move).error.fields.agencyId).toContain('この自治体の機関・窓口');
  });

  it('the same agency name may exist in two municipalities', async () => {
    for (const side of [koganei, fussa]) {
      const res = await side.admin.post('/api/v1/agencies', { name: '共通名の相談窓口', kana: 'きょうつうめい' });
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('sessions, settings and the audit log belong to one municipality', async () => {
    expect(json(await fussa.admin.get('/api/v1/municipality'))).toMatchObject({ name: '福生市', code: '132187' });
    expect(json(await koganei.admin.get('/api/v1/municipality'))).toMatchObject({ name: '小金井市', code: '132101' });

    const changed = await fussa.admin.patch('/api/v1/municipality/settings', { sessionIdleMinutes: 15 });
    expect(changed.statusCode).toBe(200);
    expect(json(await koganei.admin.get('/api/v1/municipality')).settings.sessionIdleMinutes).toBe(30);

    const auditor = await t.createUser({ role: 'auditor' });
    const agent = await t.login(auditor.loginId, auditor.password);
    const events = json(await agent.get('/api/v1/audit-events?limit=500')).items as { actorLogin: string | null; targetId: string | null }[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => e.actorLogin === fussaLogin)).toBe(false);
    expect(events.some((e) => e.targetId !== null && (fussa.agencyIds.has(e.targetId) || e.targetId === fussa.municipalityId))).toBe(false);
    const personFilter = await agent.get(`/api/v1/audit-events?login=${fussaLogin}`);
    expect(json(personFilter).items).toEqual([]);
  });
});
