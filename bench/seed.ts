import { performance } from 'node:perf_hooks';
import { sql, type Insertable } from 'kysely';
import { Gateway } from '../src/access/gateway.ts';
import { hashPassword } from '../src/auth/password.ts';
import type { SystemContext } from '../src/access/context.ts';
import { migrateToLatest, openDatabase, type DatabaseOptions, type Db } from '../src/db/database.ts';
import type { Database } from '../src/db/types.ts';
import { agencySearchText } from '../src/directory/search-text.ts';
import { listAgencies } from '../src/directory/service.ts';
import { generateDemoData, type GenerateResult } from '../src/demo/generator.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { newId } from '../src/shared/ids.ts';
import type { Role } from '../src/shared/roles.ts';
import { createUser } from '../src/users/service.ts';

/**
 * Seeds a benchmark database: the preset (via the server's own bootstrap),
 * the fictional people, households, consultations, consents and referrals
 * of src/demo/generator.ts on the preset's agencies, a few thousand
 * fictional agencies built from name parts, and staff users.
 * Every name, address and phone number here is made up.
 */

/** Small deterministic PRNG (mulberry32) so every run seeds the same directory. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** Fictional area names with katakana readings. */
const AREAS: readonly [string, string][] = [
  ['東町', 'ヒガシマチ'], ['西町', 'ニシマチ'], ['南町', 'ミナミマチ'], ['北町', 'キタマチ'],
  ['本町', 'ホンチョウ'], ['中町', 'ナカマチ'], ['緑町', 'ミドリチョウ'], ['桜町', 'サクラマチ'],
  ['旭町', 'アサヒチョウ'], ['若葉台', 'ワカバダイ'], ['青葉台', 'アオバダイ'], ['富士見', 'フジミ'],
  ['栄町', 'サカエチョウ'], ['大和', 'ヤマト'], ['泉町', 'イズミチョウ'], ['宮前', 'ミヤマエ'],
  ['新田', 'シンデン'], ['高台', 'タカダイ'], ['川辺', 'カワベ'], ['松原', 'マツバラ'],
  ['梅園', 'ウメゾノ'], ['竹の台', 'タケノダイ'], ['柳町', 'ヤナギチョウ'], ['朝日ヶ丘', 'アサヒガオカ'],
  ['星川', 'ホシカワ'], ['花見台', 'ハナミダイ'], ['光が丘', 'ヒカリガオカ'], ['鶴見台', 'ツルミダイ'],
  ['亀山', 'カメヤマ'], ['森下', 'モリシタ'], ['野川', 'ノガワ'], ['石原', 'イシハラ'],
  ['白山', 'ハクサン'], ['緑ヶ丘', 'ミドリガオカ'], ['日の出', 'ヒノデ'], ['春日', 'カスガ'],
  ['みなみ野', 'ミナミノ'], ['ひばりが丘', 'ヒバリガオカ'], ['常盤台', 'トキワダイ'], ['清水', 'シミズ'],
];

interface AgencyType {
  name: string;
  kana: string;
  fields: string[];
  roles: string[];
  program: string;
  department: string;
  target: string;
}

const TYPES: readonly AgencyType[] = [
  { name: '地域包括支援センター', kana: 'チイキホウカツシエンセンター', fields: ['高齢'], roles: ['包括的相談支援', '地域づくり'], program: '地域包括支援センターの運営', department: '介護福祉課', target: '地域の高齢者とその家族' },
  { name: '居宅介護支援事業所', kana: 'キョタクカイゴシエンジギョウショ', fields: ['高齢'], roles: ['その他の相談窓口'], program: '居宅介護支援', department: '介護福祉課', target: '要介護認定を受けた方' },
  { name: '相談支援事業所', kana: 'ソウダンシエンジギョウショ', fields: ['障がい'], roles: ['包括的相談支援'], program: '障害者相談支援事業', department: '自立生活支援課', target: '障がいのある方とその家族' },
  { name: '地域活動支援センター', kana: 'チイキカツドウシエンセンター', fields: ['障がい'], roles: ['参加支援'], program: '地域活動支援センター事業', department: '自立生活支援課', target: '障がいのある方' },
  { name: '就労支援センター', kana: 'シュウロウシエンセンター', fields: ['障がい', '生活困窮'], roles: ['参加支援'], program: '就労準備支援事業', department: '地域福祉課', target: '就労に不安のある方' },
  { name: '子育てひろば', kana: 'コソダテヒロバ', fields: ['子ども'], roles: ['包括的相談支援', '地域づくり'], program: '地域子育て支援拠点事業', department: '子育て支援課', target: '乳幼児とその保護者' },
  { name: '子ども家庭支援センター', kana: 'コドモカテイシエンセンター', fields: ['子ども'], roles: ['包括的相談支援'], program: '子ども家庭支援センター事業', department: '子育て支援課', target: '18歳未満の子どもとその家庭' },
  { name: '学童保育所', kana: 'ガクドウホイクジョ', fields: ['子ども'], roles: ['その他の相談窓口'], program: '放課後児童健全育成事業', department: '児童青少年課', target: '小学生' },
  { name: '児童館', kana: 'ジドウカン', fields: ['子ども'], roles: ['地域づくり'], program: '児童館運営', department: '児童青少年課', target: '0歳から18歳までの子ども' },
  { name: 'ほっとサロン', kana: 'ホットサロン', fields: ['その他'], roles: ['地域づくり'], program: '地域の居場所づくり', department: '地域福祉課', target: 'どなたでも' },
  { name: 'ほっとステーション', kana: 'ホットステーション', fields: ['その他'], roles: ['アウトリーチ', '地域づくり'], program: '地域福祉コーディネーター事業', department: '地域福祉課', target: '地域の住民' },
  { name: 'ふれあい食堂', kana: 'フレアイショクドウ', fields: ['子ども', 'その他'], roles: ['地域づくり'], program: '地域の居場所づくり', department: '地域福祉課', target: '子どもと地域の住民' },
  { name: '生活相談センター', kana: 'セイカツソウダンセンター', fields: ['生活困窮'], roles: ['包括的相談支援'], program: '自立相談支援事業', department: '地域福祉課', target: '生活に困りごとのある方' },
  { name: '訪問看護ステーション', kana: 'ホウモンカンゴステーション', fields: ['高齢', '障がい'], roles: ['その他の相談窓口'], program: '訪問看護', department: '介護福祉課', target: '在宅療養中の方' },
  { name: '地域福祉センター', kana: 'チイキフクシセンター', fields: ['その他'], roles: ['地域づくり', '多機関協働'], program: '地域福祉推進事業', department: '地域福祉課', target: '地域の住民' },
  { name: '民生委員協議会', kana: 'ミンセイイインキョウギカイ', fields: ['その他'], roles: ['アウトリーチ'], program: '民生委員・児童委員活動', department: '地域福祉課', target: '地域の住民' },
  { name: '見守りネットワーク', kana: 'ミマモリネットワーク', fields: ['高齢'], roles: ['アウトリーチ'], program: '高齢者見守り事業', department: '介護福祉課', target: 'ひとり暮らしの高齢者' },
  { name: '障害者福祉センター', kana: 'ショウガイシャフクシセンター', fields: ['障がい'], roles: ['参加支援'], program: '障害者福祉センター運営', department: '自立生活支援課', target: '障がいのある方' },
  { name: '認知症カフェ', kana: 'ニンチショウカフェ', fields: ['高齢'], roles: ['地域づくり'], program: '認知症総合支援事業', department: '介護福祉課', target: '認知症の方とその家族' },
  { name: '子ども食堂', kana: 'コドモショクドウ', fields: ['子ども'], roles: ['地域づくり', '参加支援'], program: '子どもの居場所づくり', department: '子育て支援課', target: '子どもとその保護者' },
  { name: 'ボランティアセンター', kana: 'ボランティアセンター', fields: ['その他'], roles: ['地域づくり', '参加支援'], program: 'ボランティア活動推進', department: '地域福祉課', target: 'ボランティアをしたい方' },
  { name: '居場所カフェ', kana: 'イバショカフェ', fields: ['子ども', '生活困窮'], roles: ['参加支援'], program: '若者の居場所づくり', department: '児童青少年課', target: '中高生・若者' },
  { name: 'デイサービスセンター', kana: 'デイサービスセンター', fields: ['高齢'], roles: ['その他の相談窓口'], program: '通所介護', department: '介護福祉課', target: '要支援・要介護の方' },
  { name: '保健相談所', kana: 'ホケンソウダンジョ', fields: ['子ども', 'その他'], roles: ['包括的相談支援'], program: '母子保健事業', department: '健康課', target: '妊産婦と乳幼児' },
  { name: 'ひきこもり相談窓口', kana: 'ヒキコモリソウダンマドグチ', fields: ['生活困窮'], roles: ['アウトリーチ', '包括的相談支援'], program: 'ひきこもり支援', department: '地域福祉課', target: 'ひきこもりの状態にある方とその家族' },
];

const VARIANTS: readonly [string, string][] = [['', ''], ['第二', 'ダイニ'], ['第三', 'ダイサン']];

const ORGANIZATIONS = [
  '社会福祉法人ひかり会', '社会福祉法人さくら福祉会', 'NPO法人ほっとネット', '一般社団法人みらいサポート',
  '株式会社ケアパートナーズ', '社会福祉法人みどりの森', 'NPO法人こどもの木', '医療法人あおば会', null,
] as const;

const OPERATIONS = ['直営', '委託', '直営・委託', '補助'] as const;

export type AgencyRow = Insertable<Database['agencies']>;

/** Build `count` fictional agencies for one municipality (deterministic). */
export function fictionalAgencies(municipalityId: string, count: number, seed = 20261123): AgencyRow[] {
  const rand = prng(seed);
  const combos: [number, number, number][] = [];
  for (let a = 0; a < AREAS.length; a++) {
    for (let t = 0; t < TYPES.length; t++) for (let v = 0; v < VARIANTS.length; v++) combos.push([a, t, v]);
  }
  if (count > combos.length) throw new Error(`at most ${combos.length} fictional agencies can be generated`);
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [combos[i], combos[j]] = [combos[j]!, combos[i]!];
  }
  return combos.slice(0, count).map(([a, t, v]) => {
    const [area, areaKana] = AREAS[a]!;
    const type = TYPES[t]!;
    const [variant, variantKana] = VARIANTS[v]!;
    const organization = pick(rand, ORGANIZATIONS);
    const row = {
      municipality_id: municipalityId,
      id: newId(),
      preset_key: null,
      name: `${area}${variant}${type.name}`,
      kana: `${areaKana}${variantKana}${type.kana}`,
      organization,
      fields: type.fields,
      program_name: type.program,
      legal_basis: null,
      description: `${area}地区の${type.target}を対象に、${type.program}を行います。困りごとの相談を受け、必要に応じて関係機関につなぎます。`,
      target_population: type.target,
      site_count: 1,
      operation: organization ? pick(rand, OPERATIONS.slice(1)) : '直営',
      department: type.department,
      roles: type.roles,
      area: `${area}地区`,
      address: `${area}${1 + Math.floor(rand() * 5)}丁目${1 + Math.floor(rand() * 30)}番${1 + Math.floor(rand() * 20)}号`,
      phone: `000-${String(100 + Math.floor(rand() * 900))}-${String(1000 + Math.floor(rand() * 9000))}`,
      email: null,
      hours: pick(rand, ['平日 8:30〜17:15', '月〜土 9:00〜18:00', '火・木 10:00〜16:00', '毎月第2土曜 11:00〜14:00']),
      is_window: rand() < 0.8,
      is_secretariat: false,
      note: null,
      active: rand() > 0.05,
      updated_at: new Date(),
    };
    return { ...row, search_text: agencySearchText(row) };
  });
}

export interface StaffUser {
  loginId: string;
  password: string;
  role: Role;
}

/** A user the bench signs in as, with what the bare-SQL replay needs to act as them. */
export interface BenchUser extends StaffUser {
  userId: string;
  name: string;
  agencyId: string;
  agencyName: string;
}

/** What the person, intake and referral measurements use (all from the generated data). */
export interface PeopleSeed {
  generated: GenerateResult;
  generateMs: number;
  /** Intake clerk of the window that registered the most people. */
  clerk: BenchUser;
  /** People that window registered. */
  clerkRegistered: number;
  /** Coordinator of the agency that receives the referrals "to the coordinators" (多機関協働). */
  coordinator: BenchUser;
  /** Referrals in the coordinators' inbox. */
  inboxSize: number;
  /** People the clerk may open: half registered by the clerk's window, half visible through consent. */
  visiblePersonIds: string[];
  /** Birth dates of visible people (each finds someone). */
  birthDates: string[];
  /** Phone fragments as typed: the last four digits (下4桁) or the start of a mobile number. */
  phoneFragments: string[];
}

/** What the case measurements use: the generated 多機関協働 cases (src/demo/cases.ts). */
export interface CasesSeed {
  /** The generated coordinator named on the most cases (the bench sets a password for it). */
  coordinator: BenchUser;
  /** Cases the coordinator is named on, and the open ones among them. */
  named: number;
  namedOpen: number;
  /** Open cases whose 主担当 is the coordinator's agency (わたしの仕事 covers them all). */
  agencyLeadOpen: number;
  /** Cases the coordinator's agency is on the team of (the overview covers them). */
  agencyTeam: number;
  /** Case page: the coordinator's cases with the most records. */
  pageCaseIds: string[];
  pageRecords: { min: number; max: number };
  /** Meeting materials: 重層的支援会議 the coordinator attends, those with the most cases on the agenda first. */
  materialsMeetingIds: string[];
  /** Cases on the agenda of those meetings (fewest, most). */
  materialsItems: { min: number; max: number };
  /** Record entry: open cases of the coordinator. */
  recordCaseIds: string[];
  /** All cases and support records (rows) of the municipality. */
  totalCases: number;
  totalRecords: number;
}

export interface SeedResult {
  municipalityId: string;
  agencies: number;
  staff: StaffUser[];
  /** Active agencies to open in the detail benchmark. */
  sampleIds: string[];
  /** Mean in-process listAgencies time over the search terms, as inserted and after VACUUM ANALYZE. */
  serviceSearchMeanMs: { beforeMaintenance: number; afterMaintenance: number };
  people: PeopleSeed;
  cases: CasesSeed;
  /** VACUUM ANALYZE after seeding (PGlite never autovacuums). */
  vacuumMs: number;
}

export const STAFF_PASSWORD = 'bench-staff-pass-2026';
const STAFF: readonly { loginId: string; name: string; role: Role }[] = [
  { loginId: 'bench.madoguchi1', name: 'ベンチ 窓口一', role: 'intake_clerk' },
  { loginId: 'bench.madoguchi2', name: 'ベンチ 窓口二', role: 'intake_clerk' },
  { loginId: 'bench.suishin1', name: 'ベンチ 推進一', role: 'promoter' },
  { loginId: 'bench.coord1', name: 'ベンチ 調整一', role: 'coordinator' },
  { loginId: 'bench.kikan1', name: 'ベンチ 機関一', role: 'agency_staff' },
];

/**
 * Open the database, migrate, run the server's first-start bootstrap with
 * the preset, generate `population` people with their records on the
 * preset's agencies, insert the fictional directory and staff users, VACUUM
 * ANALYZE, close. Runs before the server starts (PGlite allows one opener).
 *
 * People are generated before the fictional agencies exist, so they are
 * spread over the preset's ~24 windows as in a real municipality (thousands
 * of people per window at 200,000), not thinly over 2,000 made-up ones.
 */
export async function seedDatabase(
  where: DatabaseOptions,
  options: {
    preset: string;
    adminPassword: string;
    agencies: number;
    searchTerms: readonly string[];
    population: number;
    generatorSeed: number;
    onProgress?: (message: string) => void;
  },
): Promise<SeedResult> {
  const handle = await openDatabase(where);
  try {
    const db = handle.db;
    await migrateToLatest(db);
    await bootstrap(db, { preset: options.preset, adminPassword: options.adminPassword });
    const admin = await db
      .selectFrom('users')
      .select(['municipality_id', 'agency_id'])
      .where('login_id', '=', 'admin')
      .executeTakeFirstOrThrow();
    const municipalityId = admin.municipality_id;

    const generateStarted = performance.now();
    let lastReport = 0;
    const generated = await generateDemoData(db, {
      municipalityId,
      population: options.population,
      years: 5,
      seed: options.generatorSeed,
      onProgress: (stage, done, total) => {
        if (performance.now() - lastReport < 15_000) return;
        lastReport = performance.now();
        options.onProgress?.(`generating: ${stage} ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
      },
    });
    const generateMs = Math.round(performance.now() - generateStarted);

    const rows = fictionalAgencies(municipalityId, options.agencies);
    for (let i = 0; i < rows.length; i += 250) {
      await db.insertInto('agencies').values(rows.slice(i, i + 250)).execute();
    }

    // Staff users through the users service (hashing, audit), as the CLI would.
    const gateway = new Gateway(db);
    const ctx: SystemContext = { kind: 'system', label: 'bench', municipalityId, clientIp: null };
    const activeRows = rows.filter((r) => r.active);
    const staff: StaffUser[] = [];
    for (const [i, s] of STAFF.entries()) {
      const agencyId = i === 0 ? admin.agency_id : activeRows[i * 7]!.id;
      await gateway.run(ctx, 'users.write', (scope) =>
        createUser(scope, { loginId: s.loginId, name: s.name, role: s.role, agencyId, password: STAFF_PASSWORD }, { mustChange: false }),
      );
      staff.push({ loginId: s.loginId, password: STAFF_PASSWORD, role: s.role });
    }
    // Steady state: on PostgreSQL autovacuum would vacuum and analyze after this many inserts.
    // VACUUM also merges the GIN pending list: until then every trigram lookup scans the
    // unsorted list, which the planner prices so high that it never uses the index.
    // PGlite never autovacuums, so time the search in both states for the report.
    const ctxRead: SystemContext = { kind: 'system', label: 'bench', municipalityId, clientIp: null };
    const timeSearch = async () => {
      const started = performance.now();
      let n = 0;
      for (let round = 0; round < 5; round++) {
        for (const q of options.searchTerms) {
          await gateway.run(ctxRead, 'directory.read', (scope) => listAgencies(scope, { q, limit: 50 }));
          n++;
        }
      }
      return Math.round(((performance.now() - started) / n) * 100) / 100;
    };
    await timeSearch(); // warm-up
    const beforeMaintenance = await timeSearch();
    const vacuumStarted = performance.now();
    await sql`vacuum analyze`.execute(db);
    const vacuumMs = Math.round(performance.now() - vacuumStarted);
    const afterMaintenance = await timeSearch();
    const total = await db
      .selectFrom('agencies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('municipality_id', '=', municipalityId)
      .executeTakeFirstOrThrow();
    const people = await peopleSeed(db, gateway, ctx, municipalityId, generated, generateMs);
    const cases = await casesSeed(db, municipalityId);
    return {
      municipalityId,
      agencies: Number(total.n),
      staff,
      sampleIds: activeRows.slice(0, 100).map((r) => r.id),
      serviceSearchMeanMs: { beforeMaintenance, afterMaintenance },
      people,
      cases,
      vacuumMs,
    };
  } finally {
    await handle.close();
  }
}

/**
 * The users and samples of the person measurements: a new intake clerk at
 * the window that registered the most people and a new coordinator at the
 * agency that receives the coordinators' referrals (the generator's staff
 * accounts have passwords nobody knows), and people the clerk may open.
 */
async function peopleSeed(
  db: Db,
  gateway: Gateway,
  ctx: SystemContext,
  municipalityId: string,
  generated: GenerateResult,
  generateMs: number,
): Promise<PeopleSeed> {
  const busiest = await db
    .selectFrom('persons')
    .select(['registered_by_agency_id as agency_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('municipality_id', '=', municipalityId)
    .groupBy('registered_by_agency_id')
    .orderBy('n', 'desc')
    .orderBy('registered_by_agency_id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const coordination = await db
    .selectFrom('referrals')
    .select(['to_agency_id as agency_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('municipality_id', '=', municipalityId)
    .where('to_coordination', '=', true)
    .groupBy('to_agency_id')
    .orderBy('n', 'desc')
    .orderBy('to_agency_id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const inbox = await db
    .selectFrom('referrals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('municipality_id', '=', municipalityId)
    .where('to_agency_id', '=', coordination.agency_id)
    .executeTakeFirstOrThrow();

  const makeUser = async (loginId: string, name: string, role: Role, agencyId: string): Promise<BenchUser> => {
    const created = await gateway.run(ctx, 'users.write', (scope) =>
      createUser(scope, { loginId, name, role, agencyId, password: STAFF_PASSWORD }, { mustChange: false }),
    );
    return { loginId, password: STAFF_PASSWORD, role, userId: created.user.id, name, agencyId, agencyName: created.user.agencyName };
  };
  const clerk = await makeUser('bench.window', 'ベンチ 窓口', 'intake_clerk', busiest.agency_id);
  const coordinator = await makeUser('bench.kyodo', 'ベンチ 協働', 'coordinator', coordination.agency_id);

  // People the clerk may open: registered by the clerk's window, and registered
  // elsewhere but shared with every agency by their current consent.
  const registered = await db
    .selectFrom('persons')
    .select(['id', 'birth_date', 'phone_digits'])
    .where('municipality_id', '=', municipalityId)
    .where('registered_by_agency_id', '=', clerk.agencyId)
    .orderBy(sql`md5(id::text)`)
    .limit(50)
    .execute();
  const consented = await db
    .selectFrom('persons as p')
    .innerJoin('consents as k', (j) => j.onRef('k.municipality_id', '=', 'p.municipality_id').onRef('k.person_id', '=', 'p.id'))
    .select(['p.id', 'p.birth_date', 'p.phone_digits'])
    .where('p.municipality_id', '=', municipalityId)
    .where('p.registered_by_agency_id', '<>', clerk.agencyId)
    .where('k.purpose', '=', 'agency_sharing')
    .where('k.decision', '=', 'granted')
    .where('k.scope_kind', '=', 'all')
    .where('k.withdrawn_on', 'is', null)
    .where(sql<boolean>`not exists (select 1 from consents k2 where k2.municipality_id = k.municipality_id
      and k2.person_id = k.person_id and k2.purpose = k.purpose and k2.version_no > k.version_no)`)
    .orderBy(sql`md5(p.id::text)`)
    .limit(50)
    .execute();
  const sample = registered.flatMap((r, i) => (consented[i] ? [r, consented[i]] : [r]));
  const withPhone = sample.filter((p) => p.phone_digits.length >= 10);
  const phoneFragments = [
    ...withPhone.slice(0, 20).map((p) => p.phone_digits.slice(-4)),
    ...withPhone.slice(20, 30).map((p) => `${p.phone_digits.slice(0, 3)}-${p.phone_digits.slice(3, 7)}`),
  ];
  return {
    generated,
    generateMs,
    clerk,
    clerkRegistered: Number(busiest.n),
    coordinator,
    inboxSize: Number(inbox.n),
    visiblePersonIds: sample.map((p) => p.id),
    birthDates: sample.flatMap((p) => (p.birth_date ? [p.birth_date] : [])).slice(0, 30),
    phoneFragments,
  };
}

/**
 * The coordinator of the case measurements: of the generator's coordinators
 * (their passwords are unknown), the one named on the most cases gets the
 * bench password. Case pages open that coordinator's cases with the most
 * records; records are written on their open cases.
 */
async function casesSeed(db: Db, municipalityId: string): Promise<CasesSeed> {
  const busiest = await db
    .selectFrom('case_members as m')
    .innerJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'm.municipality_id').onRef('u.id', '=', 'm.user_id'))
    .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'u.municipality_id').onRef('a.id', '=', 'u.agency_id'))
    .select(['u.id', 'u.login_id', 'u.name', 'u.agency_id', 'a.name as agency_name', (eb) => eb.fn.countAll<number>().as('n')])
    .where('m.municipality_id', '=', municipalityId)
    .where('m.removed_at', 'is', null)
    .where('u.role', '=', 'coordinator')
    .groupBy(['u.id', 'u.login_id', 'u.name', 'u.agency_id', 'a.name'])
    .orderBy('n', 'desc')
    .orderBy('u.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(STAFF_PASSWORD), must_change_password: false })
    .where('municipality_id', '=', municipalityId)
    .where('id', '=', busiest.id)
    .execute();
  const theirs = await db
    .selectFrom('cases as k')
    .innerJoin('case_members as m', (j) =>
      j.onRef('m.municipality_id', '=', 'k.municipality_id').onRef('m.case_id', '=', 'k.id').on('m.user_id', '=', busiest.id).on('m.removed_at', 'is', null),
    )
    .select([
      'k.id',
      'k.status',
      sql<number>`(select count(*) from support_records s where s.municipality_id = k.municipality_id and s.case_id = k.id and s.is_current)`.as('records'),
    ])
    .where('k.municipality_id', '=', municipalityId)
    .orderBy('records', 'desc')
    .orderBy('k.id')
    .execute();
  const open = theirs.filter((c) => c.status !== 'closed' && c.status !== 'suspended');
  const page = theirs.slice(0, 40);
  const count = async (q: Promise<{ n: number | string } | undefined>) => Number((await q)?.n ?? 0);
  const meetings = await db
    .selectFrom('meeting_attendees as ma')
    .innerJoin('meetings as mt', (j) => j.onRef('mt.municipality_id', '=', 'ma.municipality_id').onRef('mt.id', '=', 'ma.meeting_id'))
    .innerJoin('meeting_agenda_items as i', (j) => j.onRef('i.municipality_id', '=', 'mt.municipality_id').onRef('i.meeting_id', '=', 'mt.id'))
    .select(['mt.id', (eb) => eb.fn.countAll<number>().as('items')])
    .where('ma.municipality_id', '=', municipalityId)
    .where('ma.user_id', '=', busiest.id)
    .where('ma.removed_at', 'is', null)
    .where('mt.kind', '=', 'jusou')
    .where('i.kind', '=', 'case')
    .groupBy('mt.id')
    .orderBy('items', 'desc')
    .orderBy('mt.id')
    .limit(20)
    .execute();
  return {
    materialsMeetingIds: meetings.map((m) => m.id),
    materialsItems: { min: Number(meetings.at(-1)?.items ?? 0), max: Number(meetings[0]?.items ?? 0) },
    coordinator: {
      loginId: busiest.login_id,
      password: STAFF_PASSWORD,
      role: 'coordinator',
      userId: busiest.id,
      name: busiest.name,
      agencyId: busiest.agency_id,
      agencyName: busiest.agency_name,
    },
    named: theirs.length,
    namedOpen: open.length,
    agencyLeadOpen: await count(
      db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('municipality_id', '=', municipalityId)
        .where('lead_agency_id', '=', busiest.agency_id)
        .where('status', 'not in', ['closed', 'suspended'])
        .executeTakeFirst(),
    ),
    agencyTeam: await count(
      db
        .selectFrom('case_members')
        .select(sql<number>`count(distinct case_id)`.as('n'))
        .where('municipality_id', '=', municipalityId)
        .where('agency_id', '=', busiest.agency_id)
        .where('user_id', 'is', null)
        .where('removed_at', 'is', null)
        .executeTakeFirst(),
    ),
    pageCaseIds: page.map((c) => c.id),
    pageRecords: { min: Number(page.at(-1)?.records ?? 0), max: Number(page[0]?.records ?? 0) },
    recordCaseIds: open.slice(0, 20).map((c) => c.id),
    totalCases: await count(db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('municipality_id', '=', municipalityId).executeTakeFirst()),
    totalRecords: await count(
      db.selectFrom('support_records').select((eb) => eb.fn.countAll<number>().as('n')).where('municipality_id', '=', municipalityId).executeTakeFirst(),
    ),
  };
}

// ---------------------------------------------------------------- load test users

/** What a load-test user does most: 窓口 intake, a coordinator's cases, an agency's part on case teams. */
export type LoadUserKind = 'clerk' | 'coordinator' | 'agency';

/** A user of the load test (bench/load.ts) with candidates it should be able to open. */
export interface LoadUser extends StaffUser {
  kind: LoadUserKind;
  userId: string;
  agencyId: string;
  /** People it should see: registered by its agency, or the 本人 of its cases. */
  personIds: string[];
  /** Cases it should see (named on them, or its agency is on the team), open ones first. */
  caseIds: string[];
  /** Open cases among caseIds (record entry). */
  openCaseIds: string[];
}

/**
 * Users for the load test, run after seedDatabase and before the server
 * starts: `count` signed-in-able users spread over the roles and agencies of
 * the generated data — half window clerks (new accounts at the windows that
 * registered people, round robin), a fifth the generator's coordinators
 * named on cases (their password is set), the rest new agency staff at the
 * agencies on case teams. All share `password`, hashed once.
 */
export async function seedLoadUsers(
  where: DatabaseOptions,
  options: { count: number; password?: string; perUser?: number },
): Promise<LoadUser[]> {
  const password = options.password ?? STAFF_PASSWORD;
  const perUser = options.perUser ?? 12;
  const handle = await openDatabase(where);
  try {
    const db = handle.db;
    const admin = await db.selectFrom('users').select('municipality_id').where('login_id', '=', 'admin').executeTakeFirstOrThrow();
    const mid = admin.municipality_id;
    const hash = await hashPassword(password);
    const out: LoadUser[] = [];
    const nCoordinators = Math.round(options.count / 5);
    const nClerks = Math.round(options.count / 2);
    const nAgency = options.count - nCoordinators - nClerks;

    const casesOf = async (filter: { userId: string } | { agencyId: string }) => {
      let q = db
        .selectFrom('cases as k')
        .innerJoin('case_members as m', (j) => j.onRef('m.municipality_id', '=', 'k.municipality_id').onRef('m.case_id', '=', 'k.id'))
        .leftJoin('case_persons as kp', (j) =>
          j.onRef('kp.municipality_id', '=', 'k.municipality_id').onRef('kp.case_id', '=', 'k.id').on('kp.is_primary', '=', true),
        )
        .select(['k.id', 'k.status', 'kp.person_id'])
        .where('k.municipality_id', '=', mid)
        .where('m.removed_at', 'is', null);
      q = 'userId' in filter ? q.where('m.user_id', '=', filter.userId) : q.where('m.agency_id', '=', filter.agencyId).where('m.user_id', 'is', null);
      const rows = await q.orderBy(sql`md5(k.id::text)`).limit(perUser * 4).execute();
      const open = rows.filter((r) => r.status !== 'closed' && r.status !== 'suspended');
      const ordered = [...open, ...rows.filter((r) => !open.includes(r))].slice(0, perUser);
      return {
        caseIds: ordered.map((r) => r.id),
        openCaseIds: open.slice(0, perUser).map((r) => r.id),
        personIds: ordered.flatMap((r) => (r.person_id ? [r.person_id] : [])),
      };
    };
    const registeredBy = async (agencyId: string, limit: number) =>
      (
        await db
          .selectFrom('persons')
          .select('id')
          .where('municipality_id', '=', mid)
          .where('registered_by_agency_id', '=', agencyId)
          .orderBy(sql`md5(id::text)`)
          .limit(limit)
          .execute()
      ).map((r) => r.id);
    const insertUser = async (loginId: string, name: string, role: Role, agencyId: string) => {
      const id = newId();
      await db
        .insertInto('users')
        .values({
          municipality_id: mid,
          id,
          login_id: loginId,
          name,
          role,
          agency_id: agencyId,
          password_hash: hash,
          must_change_password: false,
          locked_at: null,
          totp_secret: null,
          totp_last_step: null,
          last_login_at: null,
          updated_at: new Date(),
        })
        .execute();
      return id;
    };

    // Coordinators named on the most cases.
    const coordinators = await db
      .selectFrom('case_members as m')
      .innerJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'm.municipality_id').onRef('u.id', '=', 'm.user_id'))
      .select(['u.id', 'u.login_id', 'u.agency_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.municipality_id', '=', mid)
      .where('m.removed_at', 'is', null)
      .where('u.role', '=', 'coordinator')
      .where('u.active', '=', true)
      .groupBy(['u.id', 'u.login_id', 'u.agency_id'])
      .orderBy('n', 'desc')
      .orderBy('u.id')
      .limit(nCoordinators)
      .execute();
    for (const c of coordinators) {
      await db
        .updateTable('users')
        .set({ password_hash: hash, must_change_password: false })
        .where('municipality_id', '=', mid)
        .where('id', '=', c.id)
        .execute();
      const cases = await casesOf({ userId: c.id });
      out.push({ kind: 'coordinator', loginId: c.login_id, password, role: 'coordinator', userId: c.id, agencyId: c.agency_id, ...cases });
    }

    // Window clerks, round robin over the windows that registered people (busiest first).
    const windows = await db
      .selectFrom('persons')
      .select(['registered_by_agency_id as agency_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('municipality_id', '=', mid)
      .groupBy('registered_by_agency_id')
      .orderBy('n', 'desc')
      .orderBy('registered_by_agency_id')
      .execute();
    const windowPeople = new Map<string, string[]>();
    for (let i = 0; i < nClerks + (nCoordinators - coordinators.length); i++) {
      const agencyId = windows[i % windows.length]!.agency_id;
      if (!windowPeople.has(agencyId)) windowPeople.set(agencyId, await registeredBy(agencyId, perUser * 4));
      const people = windowPeople.get(agencyId)!;
      const loginId = `load.madoguchi.${String(i + 1).padStart(3, '0')}`;
      const userId = await insertUser(loginId, `負荷 窓口${i + 1}`, 'intake_clerk', agencyId);
      const start = (i * perUser) % Math.max(1, people.length);
      const personIds = [...people.slice(start), ...people.slice(0, start)].slice(0, perUser);
      out.push({ kind: 'clerk', loginId, password, role: 'intake_clerk', userId, agencyId, personIds, caseIds: [], openCaseIds: [] });
    }

    // Agency staff at the agencies on the most case teams (not the coordination agencies).
    const teams = await db
      .selectFrom('case_members as m')
      .innerJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'm.municipality_id').onRef('a.id', '=', 'm.agency_id'))
      .select(['m.agency_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.municipality_id', '=', mid)
      .where('m.user_id', 'is', null)
      .where('m.removed_at', 'is', null)
      .where('m.role', '<>', 'lead')
      .where('a.active', '=', true)
      .groupBy('m.agency_id')
      .orderBy('n', 'desc')
      .orderBy('m.agency_id')
      .execute();
    for (let i = 0; i < nAgency; i++) {
      const agencyId = teams[i % teams.length]!.agency_id;
      const loginId = `load.kikan.${String(i + 1).padStart(3, '0')}`;
      const userId = await insertUser(loginId, `負荷 機関${i + 1}`, 'agency_staff', agencyId);
      const cases = await casesOf({ agencyId });
      const rotate = <T>(list: T[]) => {
        const s = (Math.floor(i / teams.length) * 3) % Math.max(1, list.length);
        return [...list.slice(s), ...list.slice(0, s)];
      };
      out.push({
        kind: 'agency',
        loginId,
        password,
        role: 'agency_staff',
        userId,
        agencyId,
        caseIds: rotate(cases.caseIds),
        openCaseIds: rotate(cases.openCaseIds),
        personIds: cases.personIds.length ? cases.personIds : await registeredBy(agencyId, perUser),
      });
    }
    await sql`analyze users`.execute(db);
    return out;
  } finally {
    await handle.close();
  }
}
