import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/access/audit.ts';
import { runCli } from '../../src/cli/commands.ts';
import { findPreset, listPresets, loadPreset, readPresets } from '../../src/municipalities/presets.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import { ADMIN_PASSWORD, DATABASE_KINDS, json, useTestApp, type TestApp } from '../support/app.ts';

const PRESET_NAMES = ['デモ市', '小金井市', '福生市', '西東京市'];

async function counts(t: TestApp, municipalityId: string) {
  const n = async (table: 'agencies' | 'meeting_bodies' | 'placements' | 'departments') =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('municipality_id', '=', municipalityId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { agencies: await n('agencies'), meetingBodies: await n('meeting_bodies'), placements: await n('placements'), departments: await n('departments') };
}

describe('preset files', () => {
  it('all four presets parse, with distinct keys and municipality codes', () => {
    const presets = readPresets();
    expect(presets.map((p) => p.name).sort()).toEqual([...PRESET_NAMES].sort());
    expect(new Set(presets.map((p) => p.key)).size).toBe(4);
    expect(new Set(presets.map((p) => p.code)).size).toBe(4);
    for (const p of presets) {
      expect(new Set(p.agencies.map((a) => a.key)).size, p.name).toBe(p.agencies.length);
      expect(new Set(p.agencies.map((a) => a.name)).size, p.name).toBe(p.agencies.length);
      expect(new Set(p.meetingBodies.map((m) => m.key)).size, p.name).toBe(p.meetingBodies.length);
      const keys = new Set(p.agencies.map((a) => a.key));
      for (const placement of p.placements) {
        if (placement.agencyKey) expect(keys.has(placement.agencyKey), `${p.name}: ${placement.agencyKey}`).toBe(true);
      }
      // Kana must pass the same rule as the directory form.
      for (const a of p.agencies) expect(a.kana, `${p.name}: ${a.name}`).toMatch(/^[\u3041-\u3096\u30a1-\u30fa\u30fc\s・ー]*$/);
    }
    expect(findPreset('koganei')?.name).toBe('小金井市');
    expect(findPreset('小金井')?.name).toBe('小金井市');
    expect(findPreset('小金井市')?.code).toBe('132101');
    expect(findPreset('どこでもない市')).toBeUndefined();
  });
});

describe.each(DATABASE_KINDS)('loading presets (%s)', (kind) => {
  const t = useTestApp(kind);

  it('every preset loads, and loading twice creates nothing the second time', async () => {
    const presets = readPresets();
    const first = new Map<string, Awaited<ReturnType<typeof loadPreset>>>();
    for (const preset of presets) first.set(preset.name, await loadPreset(t.db, preset));
    for (const preset of presets) {
      const r = first.get(preset.name)!;
      const c = await counts(t, r.municipalityId);
      expect(c, preset.name).toEqual({
        agencies: preset.agencies.length,
        meetingBodies: preset.meetingBodies.length,
        placements: preset.placements.length,
        departments: new Set(preset.departments.map((d) => d.name)).size,
      });
      // 小金井市 was already loaded by the first start.
      expect(r.created.municipality, preset.name).toBe(preset.name !== '小金井市');
    }
    const auditBefore = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'preset.load').execute();
    expect(auditBefore).toHaveLength(4);

    for (const preset of presets) {
      const again = await loadPreset(t.db, preset);
      expect(again.municipalityId).toBe(first.get(preset.name)!.municipalityId);
      expect(again.created, preset.name).toEqual({ municipality: false, departments: 0, agencies: 0, meetingBodies: 0, placements: 0 });
    }
    const auditAfter = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'preset.load').execute();
    expect(auditAfter).toHaveLength(4);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('福生市 has placements of 断らない相談窓口推進員, shown to its staff', async () => {
    const fussa = findPreset('福生市')!;
    const loaded = await loadPreset(t.db, fussa);
    const rows = await t.db
      .selectFrom('placements')
      .select(['kind', 'agency_id'])
      .where('municipality_id', '=', loaded.municipalityId)
      .where('kind', '=', '断らない相談窓口推進員')
      .execute();
    expect(rows.length).toBe(fussa.placements.filter((p) => p.kind === '断らない相談窓口推進員').length);
    expect(rows.length).toBeGreaterThan(0);

    const user = await t.createUser({ municipalityId: loaded.municipalityId, role: 'promoter' });
    const agent = await t.login(user.loginId, user.password);
    const overview = json(await agent.get('/api/v1/municipality'));
    expect(overview.name).toBe('福生市');
    const kinds = overview.placements.map((p: { kind: string }) => p.kind);
    expect(kinds).toContain('断らない相談窓口推進員');
    expect(overview.meetingBodies.length).toBe(fussa.meetingBodies.length);
  });

  it('an agency edited after loading is left alone by a second load', async () => {
    const admin = await t.loginAdmin();
    const id = await t.agencyId('教育相談');
    const v = json(await admin.get(`/api/v1/agencies/${id}`)).version;
    expect((await admin.patch(`/api/v1/agencies/${id}`, { version: v, name: '教育相談室' })).statusCode).toBe(200);
    await loadPreset(t.db, findPreset('小金井市')!);
    const names = await t.db.selectFrom('agencies').select('name').where('municipality_id', '=', t.municipalityId).where('name', 'like', '教育相談%').execute();
    expect(names).toEqual([{ name: '教育相談室' }]);
  });

  it('the CLI lists and loads presets; loading twice says nothing changed', async () => {
    const list = await runCli(t.db, { args: ['preset', 'list'] });
    expect(list.code).toBe(0);
    for (const name of PRESET_NAMES) expect(list.stdout).toContain(name);
    expect(list.stdout.trim().split('\n')).toHaveLength(listPresets().length);
    const again = await runCli(t.db, { args: ['preset', 'load', '小金井市'] });
    expect(again).toEqual({ code: 0, stdout: '小金井市: already loaded, nothing changed\n', stderr: '' });
    const unknown = await runCli(t.db, { args: ['preset', 'load', 'どこでもない市'] });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no preset');
  });

  it('the first start happens once: a second bootstrap changes nothing', async () => {
    const again = await bootstrap(t.db, { preset: '福生市', adminPassword: ADMIN_PASSWORD });
    expect(again).toEqual({ installed: false, municipalityName: null });
    const admins = await t.db.selectFrom('users').select('id').where('login_id', '=', 'admin').execute();
    expect(admins).toHaveLength(1);
  });
});

describe.each(DATABASE_KINDS)('first start with the デモ市 preset (%s)', (kind) => {
  const t = useTestApp(kind, { preset: 'デモ市' });

  it('creates the municipality and an administrator in its secretariat', async () => {
    const admin = await t.loginAdmin();
    expect(admin.session).toMatchObject({ municipality: { name: 'デモ市' }, user: { loginId: 'admin', role: 'admin' } });
    const agency = await t.db.selectFrom('agencies').select(['name', 'is_secretariat']).where('id', '=', admin.session!.user!.agencyId).executeTakeFirstOrThrow();
    expect(agency.is_secretariat).toBe(true);
    const c = await counts(t, t.municipalityId);
    expect(c.agencies).toBe(findPreset('デモ市')!.agencies.length);
  });
});
