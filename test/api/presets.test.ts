import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { verifyAudit } from '../../src/access/audit.ts';
import { correctPresetRows } from '../../src/db/migrations/20261203T1100_referral_progress.ts';
import { runCli } from '../../src/cli/commands.ts';
import { findPreset, listPresets, loadPreset, readPresets } from '../../src/municipalities/presets.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import { ADMIN_PASSWORD, DATABASE_KINDS, json, useTestApp, type TestApp } from '../support/app.ts';

const PRESET_NAMES = ['デモ市', '小金井市', '福生市', '西東京市'];

/**
 * Facts read from the seeds (/work/shared/seeds), which the presets must keep.
 * 事務局: the municipal 課 that runs the 事業 —
 *  小金井市 004: 会議体の表「事務局(地域福祉課)」, 所管課 地域福祉課;
 *  西東京市 003: 多機関協働事業（重層的支援会議・支援会議）の構成に「地域共生課」, 支援会議は「市（地域共生課）の招集」;
 *  福生市 002: 事務局の課は明記なし; 福祉総合相談窓口と地域福祉コーディネーター2名を置く社会福祉課
 *  (福生市社会福祉協議会 is not: its note merely names its 事務局長 on the 地域福祉検討会);
 *  デモ市: fictional, 地域福祉課.
 */
const SECRETARIATS: Record<string, string[]> = {
  デモ市: ['地域福祉課'],
  小金井市: ['地域福祉課'],
  福生市: ['社会福祉課'],
  西東京市: ['地域共生課'],
};
/** 協定先 the seeds name: 福生市 ※5 「郵便局、水道検診事業者等の関係機関と連携体制の構築（協定の締結等）」; the others name none. */
const PARTNERS: Record<string, string[]> = { デモ市: [], 小金井市: [], 福生市: ['郵便局', '水道検診事業者'], 西東京市: [] };
/** 小金井市 004 設置箇所数 per programme, and the rows that are its sites. */
const KOGANEI_PROGRAMMES = [
  { programme: '地域包括支援センターの運営', total: 4, sites: ['小金井きた地域包括支援センター', '小金井みなみ地域包括支援センター', '小金井ひがし地域包括支援センター', '小金井にし地域包括支援センター'] },
  { programme: '地域子育て支援拠点事業', total: 5, sites: ['本町児童館（ぽかぽかひろば）', '東児童館（常設子育てひろば「ばおばお」）', '貫井南児童館（ぬくぬくひろば）', '緑児童館（ほのぼのサロン）', '地域子育て相談機関 親子あそびひろば「ゆりかご」'] },
  { programme: '地域活動支援センター機能強化事業', total: 2, sites: ['スペース楽・2', '地域生活支援センターそら'] },
];

async function counts(t: TestApp, municipalityId: string) {
  const n = async (table: 'agencies' | 'meeting_bodies' | 'placements' | 'departments' | 'partners') =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('municipality_id', '=', municipalityId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    agencies: await n('agencies'),
    meetingBodies: await n('meeting_bodies'),
    placements: await n('placements'),
    departments: await n('departments'),
    partners: await n('partners'),
  };
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

  it("every preset's 事務局 is the 課 the seed names, set explicitly and never read from a note", () => {
    const found = Object.fromEntries(readPresets().map((p) => [p.name, p.agencies.filter((a) => a.isSecretariat).map((a) => a.name)]));
    expect(found).toEqual(SECRETARIATS);
    // The old detection (「事務局」 anywhere in the note) flagged 福生市社会福祉協議会 for its 事務局長.
    const shakyo = findPreset('福生市')!.agencies.find((a) => a.name === '福生市社会福祉協議会')!;
    expect(shakyo.note).toContain('事務局長');
    expect(shakyo.isSecretariat).toBe(false);
  });

  it('partners follow the seeds: 福生市 names 郵便局 and 水道検診事業者 only', () => {
    const found = Object.fromEntries(readPresets().map((p) => [p.name, p.partners.map((x) => x.name)]));
    expect(found).toEqual(PARTNERS);
    // Partners have no accounts and receive no referrals: they are not agencies.
    for (const name of PARTNERS['福生市']!) expect(findPreset('福生市')!.agencies.some((a) => a.name.includes(name))).toBe(false);
  });

  it('設置箇所数 is per site: summing a preset gives the seed totals, never the total once per site', () => {
    const koganei = findPreset('小金井市')!;
    for (const { programme, total, sites } of KOGANEI_PROGRAMMES) {
      const rows = sites.map((name) => koganei.agencies.find((a) => a.name === name)!);
      expect(rows.every(Boolean), programme).toBe(true);
      expect(rows.reduce((n, a) => n + (a.siteCount ?? 0), 0), programme).toBe(total);
      expect(rows.every((a) => a.siteCount === 1), programme).toBe(true);
    }
    // Rows of one programme name carry the programme's total in programSiteCount, each the same and true to the seed.
    for (const { programme, total } of KOGANEI_PROGRAMMES.slice(0, 2)) {
      const rows = koganei.agencies.filter((a) => a.programName === programme);
      expect(rows.map((a) => a.programSiteCount), programme).toEqual(rows.map(() => total));
    }
    // In every preset, no count above 1 is repeated on several rows of one programme (the programme total copied per site).
    for (const p of readPresets()) {
      const seen = new Map<string, string>();
      for (const a of p.agencies) {
        if (!a.programName || (a.siteCount ?? 0) <= 1) continue;
        const key = `${a.programName}|${a.siteCount}`;
        expect(seen.get(key), `${p.name}: ${a.name} repeats ${key}`).toBeUndefined();
        seen.set(key, a.name);
      }
    }
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
        partners: preset.partners.length,
      });
      // 小金井市 was already loaded by the first start.
      expect(r.created.municipality, preset.name).toBe(preset.name !== '小金井市');
    }
    const auditBefore = await t.db.selectFrom('audit_events').select('seq').where('action', '=', 'preset.load').execute();
    expect(auditBefore).toHaveLength(4);

    for (const preset of presets) {
      const again = await loadPreset(t.db, preset);
      expect(again.municipalityId).toBe(first.get(preset.name)!.municipalityId);
      expect(again.created, preset.name).toEqual({ municipality: false, departments: 0, agencies: 0, meetingBodies: 0, placements: 0, partners: 0 });
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

  it('loaded presets keep the seed facts: 事務局, partners and per-site 設置箇所数, shown by the API', async () => {
    const ids = new Map<string, string>();
    for (const preset of readPresets()) ids.set(preset.name, (await loadPreset(t.db, preset)).municipalityId);
    for (const [name, secretariats] of Object.entries(SECRETARIATS)) {
      const rows = await t.db.selectFrom('agencies').select('name').where('municipality_id', '=', ids.get(name)!).where('is_secretariat', '=', true).orderBy('name').execute();
      expect(rows.map((r) => r.name), name).toEqual(secretariats);
      const partners = await t.db.selectFrom('partners').select('name').where('municipality_id', '=', ids.get(name)!).orderBy('preset_key').execute();
      expect(partners.map((r) => r.name).sort(), name).toEqual([...PARTNERS[name]!].sort());
    }
    const sites = await t.db
      .selectFrom('agencies')
      .select((eb) => eb.fn.sum<number>('site_count').as('n'))
      .where('municipality_id', '=', ids.get('小金井市')!)
      .where('name', 'in', KOGANEI_PROGRAMMES[0]!.sites)
      .executeTakeFirstOrThrow();
    expect(Number(sites.n)).toBe(4);
    // The directory shows the programme's total on a site's page; the municipality page lists the partners.
    const admin = await t.loginAdmin();
    const kita = json(await admin.get(`/api/v1/agencies/${await t.agencyId('小金井きた地域包括支援センター')}`));
    expect(kita).toMatchObject({ siteCount: 1, programSiteCount: 4 });
    const fussaUser = await t.createUser({ municipalityId: ids.get('福生市')!, role: 'intake_clerk' });
    const fussa = json(await (await t.login(fussaUser.loginId, fussaUser.password)).get('/api/v1/municipality'));
    expect(fussa.partners.map((p: { name: string }) => p.name).sort()).toEqual(['水道検診事業者', '郵便局'].sort());
  });

  it('an installed municipality gets the corrections from the migration, leaving edited values alone', async () => {
    const fussaId = (await loadPreset(t.db, findPreset('福生市')!)).municipalityId;
    const koganeiId = t.municipalityId;
    // Put back what the old loader wrote: 社協 flagged 事務局, the programme total on every site, no partners.
    await t.db.updateTable('agencies').set({ is_secretariat: true }).where('municipality_id', '=', fussaId).where('preset_key', '=', 'shakyo').execute();
    await t.db.deleteFrom('partners').where('municipality_id', '=', fussaId).execute();
    await t.db.updateTable('agencies').set({ site_count: 4, program_site_count: null }).where('municipality_id', '=', koganeiId).where('preset_key', 'like', 'houkatsu-%').execute();
    // An administrator's own value stays.
    await t.db.updateTable('agencies').set({ site_count: 3 }).where('municipality_id', '=', koganeiId).where('preset_key', '=', 'houkatsu-nishi').execute();
    await correctPresetRows(t.db as unknown as Kysely<unknown>);
    await correctPresetRows(t.db as unknown as Kysely<unknown>);
    const shakyo = await t.db.selectFrom('agencies').select('is_secretariat').where('municipality_id', '=', fussaId).where('preset_key', '=', 'shakyo').executeTakeFirstOrThrow();
    expect(shakyo.is_secretariat).toBe(false);
    const partners = await t.db.selectFrom('partners').select('name').where('municipality_id', '=', fussaId).execute();
    expect(partners.map((p) => p.name).sort()).toEqual(['水道検診事業者', '郵便局'].sort());
    const houkatsu = await t.db
      .selectFrom('agencies')
      .select(['preset_key', 'site_count', 'program_site_count'])
      .where('municipality_id', '=', koganeiId)
      .where('preset_key', 'like', 'houkatsu-%')
      .orderBy('preset_key')
      .execute();
    expect(houkatsu).toEqual([
      { preset_key: 'houkatsu-higashi', site_count: 1, program_site_count: 4 },
      { preset_key: 'houkatsu-kita', site_count: 1, program_site_count: 4 },
      { preset_key: 'houkatsu-minami', site_count: 1, program_site_count: 4 },
      { preset_key: 'houkatsu-nishi', site_count: 3, program_site_count: null },
    ]);
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
