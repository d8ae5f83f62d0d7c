/**
 * npm run bench — end-to-end latency of a real kasane server.
 *
 * For each database kind (embedded PGlite, PostgreSQL) and each data size
 * (20,000 and 200,000 people) it seeds a database — the preset, the
 * generator's fictional people with five years of consultations, consents
 * and referrals (src/demo/generator.ts) and 多機関協働 cases, one per ten
 * people with about 50 support records each (src/demo/cases.ts), a directory
 * of a realistic size —
 * runs VACUUM ANALYZE, starts `src/server/main.ts` as a child process,
 * measures the API over keep-alive HTTP, then times the bare SQL of the same
 * operations on a connection of its own. It writes bench/results.json and
 * bench/RESULTS.md, prints the table and exits non-zero when a budget of
 * bench/budgets.ts is broken.
 *
 *   npm run bench                        both databases at both sizes (~30 minutes; PGlite at 200,000 takes most)
 *   npm run bench -- --size=small        20,000 people only (a few minutes)
 *   npm run bench -- --size=large        200,000 people only
 *   npm run bench -- --db=postgres       one database kind
 *   npm run bench -- --no-pglite-large   skip PGlite at 200,000 people
 *   npm run bench -- --report            rewrite bench/RESULTS.md from bench/results.json (no measurement)
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CompiledQuery } from 'kysely';
import { Gateway, type Scope } from '../src/access/gateway.ts';
import type { Action } from '../src/access/policy.ts';
import type { SystemContext, UserContext } from '../src/access/context.ts';
import { hashPassword, verifyPassword } from '../src/auth/password.ts';
import { login } from '../src/auth/service.ts';
import { lookupSession } from '../src/auth/sessions.ts';
import type { DatabaseOptions } from '../src/db/database.ts';
import { createRecord, recordInputSchema } from '../src/cases/records.ts';
import { getCase } from '../src/cases/service.ts';
import { getAgency, listAgencies } from '../src/directory/service.ts';
import { consultationInputSchema } from '../src/intake/schema.ts';
import { createConsultation } from '../src/intake/service.ts';
import { personSearchSchema } from '../src/people/schema.ts';
import { getPerson, PERSON_SEARCH_MATCH_LIMIT, searchPersons } from '../src/people/service.ts';
import { AppError } from '../src/server/errors.ts';
import { personTimeline } from '../src/people/timeline.ts';
import { referralListQuery } from '../src/referrals/schema.ts';
import { listReferrals } from '../src/referrals/service.ts';
import { getMaterials } from '../src/meetings/service.ts';
import { myTasks, refreshTaskOverview, taskOverview } from '../src/tasks/service.ts';
import { postgresAvailable, type PostgresServer } from '../test/support/postgres.ts';
import { BareDb } from './bare.ts';
import { BUDGETS, GROWTH_FLOOR_MS, GROWTH_LIMIT, SIZES, type Budget, type DbKind } from './budgets.ts';
import { HttpClient, measure, measureRaw, summarize, type HttpResponse, type RawMeasurement, type Stats } from './http.ts';
import { anonymousIntake, PERSON_TERMS, personIntake, personSearchAnswered, recordBody } from './requests.ts';
import { cpuBusyPercent, machineInfo, runCleanups, signIn, startServer, startThrowawayPostgres, tempDir } from './server.ts';
import { seedDatabase, type BenchUser, type CasesSeed, type PeopleSeed, type SeedResult } from './seed.ts';

/** Names the run in the fictional text of its writes. */
const LABEL = 'ベンチマーク';

const BENCH_DIR = import.meta.dirname;
const PRESET = '小金井市';
const ADMIN_PASSWORD = 'bench-kanri-pass-2026';
const EXTRA_AGENCIES = Number(process.env.BENCH_AGENCIES ?? 2000);
const GENERATOR_SEED = 1;

/** Requests per operation (after warm-up); operations measured in rounds split them evenly. */
const N = {
  login: 100,
  session: 500,
  search: 600,
  searchConcurrent: 400,
  detail: 500,
  scrypt: 20,
  personSearch: 300,
  personSearchBirthDate: 150,
  personSearchPhone: 150,
  personDetail: 200,
  personTimeline: 200,
  referralInbox: 200,
  intakeAnonymous: 210,
  intakePerson: 210,
  casePage: 300,
  myWork: 150,
  recordSave: 150,
  overview: 60,
  overviewRefresh: 10,
  materials: 150,
};
/**
 * Budgeted operations run in rounds spread over the run. Other work on a
 * shared machine only adds latency, so a budget is judged on the best
 * round's percentile; every round is reported.
 */
const ROUNDS = 3;
const WARMUP = { login: 5, session: 50, search: 50, detail: 50, person: 20, intake: 10, case: 10 };
const CONCURRENCY = 8;

/** Search terms as people type them: kanji words, two characters, hiragana and katakana. */
export const SEARCH_TERMS = [
  'みなみ',
  '地域包括',
  'ほっと',
  '子育て',
  '相談支援',
  '東町',
  '支援',
  '包括',
  'ミナミ',
  'こがね',
  'ひろば',
  'さくら',
  '食堂',
  'ボランティア',
  'ひきこもり',
  'センター',
  '第二',
  'カフェ',
  '緑ヶ丘',
  '該当なし',
] as const;
/** Terms whose query plans the report shows: a frequent one and a rare one of 3+ characters. */
const PLAN_TERMS = ['地域包括', 'こがね'] as const;

/** Person search terms whose query plans the report shows: a common kana surname and a two-kanji given name. */
const PERSON_PLAN_TERMS = ['たかはし', 'サイトウ ケイコ'] as const;

/** Operation keys this bench measures (a budget on any other key is for a capability still to come). */
const MEASURED = new Set([
  'auth.login',
  'auth.session',
  'directory.search',
  'directory.search.c8',
  'directory.detail',
  'person.search',
  'person.search.birthDate',
  'person.search.phone',
  'person.detail',
  'person.timeline',
  'referral.inbox',
  'intake.save',
  'intake.save.person',
  'case.page',
  'my-work',
  'record.save',
  'tasks.overview',
  'meeting.materials',
]);

interface OperationResult {
  key: string;
  label: string;
  app: Stats;
  /** Separate rounds of the same measurement (app holds them combined). */
  rounds?: Stats[];
  /** The same statements without the server: null when not measured. */
  bare: Stats | null;
  bareNote: string;
  /** app p50 / bare p50 */
  ratioP50: number | null;
}

interface RunResult {
  kind: DbKind;
  /** People generated (the data size). */
  population: number;
  version: string;
  agencies: number;
  people: Omit<PeopleSeed, 'visiblePersonIds' | 'birthDates' | 'phoneFragments' | 'clerk' | 'coordinator'> & {
    clerkAgency: string;
    coordinatorAgency: string;
  };
  cases: Omit<CasesSeed, 'coordinator' | 'pageCaseIds' | 'recordCaseIds' | 'materialsMeetingIds'> & { coordinatorAgency: string };
  /** Seeding (migrate, bootstrap, generator, directory, users) and VACUUM ANALYZE, ms. */
  seedMs: number;
  vacuumMs: number;
  /** Load average (1 min) when the run started and ended: other work on the machine. */
  loadAverage: { start: number; end: number };
  searchHits: Record<string, { items: number; more: boolean }>;
  personSearchHits: Record<string, { items: number; more: boolean; tooBroad?: boolean }>;
  /** Phone fragments searched, and how many matched more than PERSON_SEARCH_MATCH_LIMIT people. */
  phoneSearches?: { fragments: number; tooBroad: number };
  scryptVerify: Stats;
  /** The overview's background recomputation for the measured agency (in-process, ms). */
  overviewRefresh?: Stats;
  operations: OperationResult[];
  /** Trigrams pg_trgm extracts from 地域包括 (0: the trigram index cannot help Japanese searches). */
  japaneseTrigrams: number;
  /** In-process listAgencies mean over the terms, as inserted and after VACUUM ANALYZE. */
  serviceSearchMeanMs: SeedResult['serviceSearchMeanMs'];
  /** EXPLAIN ANALYZE of the searches, by label. */
  plans: Record<string, string>;
}

// ---------------------------------------------------------------- one run

function log(kind: string, message: string) {
  console.log(`[${kind}] ${message}`);
}

const ratio = (app: Stats, bare: Stats | null) => (bare && bare.p50 > 0 ? Math.round((app.p50 / bare.p50) * 10) / 10 : null);
const sizeLabel = (population: number) => `${population / 1000}k`;

function userContext(user: BenchUser, municipalityId: string): UserContext {
  return {
    kind: 'user',
    userId: user.userId,
    loginId: user.loginId,
    name: user.name,
    role: user.role,
    roles: [user.role],
    agencyId: user.agencyId,
    municipalityId,
    sessionId: null,
    clientIp: '127.0.0.1',
  };
}

async function benchRun(kind: DbKind, population: number, where: DatabaseOptions, serverDb: { url: string } | { dataDir: string }): Promise<RunResult> {
  const tag = `${kind} ${sizeLabel(population)}`;
  const t0 = performance.now();
  const loadStart = os.loadavg()[0]!;
  log(tag, `seeding preset ${PRESET} + ${population.toLocaleString('en')} people (generator seed ${GENERATOR_SEED}) + ${EXTRA_AGENCIES} fictional agencies + staff users`);
  const seed: SeedResult = await seedDatabase(where, {
    preset: PRESET,
    adminPassword: ADMIN_PASSWORD,
    agencies: EXTRA_AGENCIES,
    searchTerms: SEARCH_TERMS,
    population,
    generatorSeed: GENERATOR_SEED,
    onProgress: (message) => log(tag, message),
  });
  const seedMs = Math.round(performance.now() - t0);
  const people = seed.people;
  const g = people.generated;
  log(
    tag,
    `seeded in ${Math.round(seedMs / 1000)} s (generator ${Math.round(people.generateMs / 1000)} s, VACUUM ANALYZE ${Math.round(seed.vacuumMs / 1000)} s): ` +
      `${g.persons} people, ${g.consultations} consultations, ${g.consents} consents, ${g.referrals} referrals, ` +
      `${g.cases.cases} cases with ${g.cases.supportRecords} support records (cases part ${Math.round(g.cases.ms / 1000)} s), ${seed.agencies} agencies; starting the server`,
  );

  const server = await startServer(serverDb, { preset: PRESET, adminPassword: ADMIN_PASSWORD });
  const staff = seed.staff[0]!;
  const client = new HttpClient(server.port, 1);
  const concurrent = new HttpClient(server.port, CONCURRENCY);
  const loginClient = new HttpClient(server.port, 1);
  const clerk = new HttpClient(server.port, 1);
  const coordinator = new HttpClient(server.port, 1);
  const caseWorker = new HttpClient(server.port, 1);
  const app: Record<string, Stats> = {};
  const rounds: Record<string, Stats[]> = {};
  const searchHits: RunResult['searchHits'] = {};
  const personSearchHits: RunResult['personSearchHits'] = {};
  let phoneTooBroad = 0;
  let token: string;
  try {
    token = await signIn(client, staff);
    concurrent.cookie = client.cookie;
    await signIn(clerk, people.clerk);
    await signIn(coordinator, people.coordinator);
    await signIn(caseWorker, seed.cases.coordinator);

    const searchPath = (i: number) => `/api/v1/agencies?q=${encodeURIComponent(SEARCH_TERMS[i % SEARCH_TERMS.length]!)}`;
    for (const [i, term] of SEARCH_TERMS.entries()) {
      const page = JSON.parse((await client.expect('GET', searchPath(i), 200)).body) as { items: unknown[]; nextCursor: string | null };
      searchHits[term] = { items: page.items.length, more: page.nextCursor !== null };
    }
    const personPath = (i: number) => `/api/v1/persons?q=${encodeURIComponent(PERSON_TERMS[i % PERSON_TERMS.length]!)}`;
    for (const [i, term] of PERSON_TERMS.entries()) {
      const res = await clerk.request('GET', personPath(i));
      if (!personSearchAnswered(res)) throw new Error(`person search ${term}: ${res.status} ${res.body.slice(0, 300)}`);
      const page = res.status === 200 ? (JSON.parse(res.body) as { items: unknown[]; nextCursor: string | null }) : null;
      personSearchHits[term] = page ? { items: page.items.length, more: page.nextCursor !== null } : { items: 0, more: false, tooBroad: true };
    }
    // A page (200) or, past PERSON_SEARCH_MATCH_LIMIT matches, the refusal as too broad (422).
    const personSearch = async (path: string) => {
      const res = await clerk.request('GET', path);
      if (!personSearchAnswered(res)) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 300)}`);
      return res;
    };
    const birthPath = (i: number) => `/api/v1/persons?birthDate=${people.birthDates[i % people.birthDates.length]}`;
    const phonePath = (i: number) => `/api/v1/persons?phone=${encodeURIComponent(people.phoneFragments[i % people.phoneFragments.length]!)}`;
    for (const [i] of people.phoneFragments.entries()) if ((await personSearch(phonePath(i))).status === 422) phoneTooBroad += 1;
    const personId = (i: number) => people.visiblePersonIds[i % people.visiblePersonIds.length]!;
    let intakes = 0;
    const casePage = (i: number) => `/api/v1/cases/${seed.cases.pageCaseIds[i % seed.cases.pageCaseIds.length]}`;
    const recordPath = (i: number) => `/api/v1/cases/${seed.cases.recordCaseIds[i % seed.cases.recordCaseIds.length]}/records`;
    let records = 0;

    // Operations judged on their best round, measured round by round in turn.
    const rounded: { key: string; n: number; warmup: number; op: (i: number) => Promise<unknown> }[] = [
      { key: 'directory.search', n: N.search, warmup: WARMUP.search, op: (i) => client.expect('GET', searchPath(i), 200) },
      {
        key: 'person.search',
        n: N.personSearch,
        warmup: WARMUP.person,
        op: (i) => personSearch(personPath(i)),
      },
      { key: 'person.search.birthDate', n: N.personSearchBirthDate, warmup: WARMUP.person, op: (i) => personSearch(birthPath(i)) },
      { key: 'person.search.phone', n: N.personSearchPhone, warmup: WARMUP.person, op: (i) => personSearch(phonePath(i)) },
      {
        key: 'intake.save',
        n: N.intakeAnonymous,
        warmup: WARMUP.intake,
        op: () => clerk.expect('POST', '/api/v1/consultations', 201, anonymousIntake(intakes++, LABEL)),
      },
      {
        key: 'intake.save.person',
        n: N.intakePerson,
        warmup: WARMUP.intake,
        op: (i) => clerk.expect('POST', '/api/v1/consultations', 201, personIntake(personId(i), LABEL)),
      },
      { key: 'case.page', n: N.casePage, warmup: WARMUP.case, op: (i) => caseWorker.expect('GET', casePage(i), 200) },
      { key: 'my-work', n: N.myWork, warmup: WARMUP.case, op: () => caseWorker.expect('GET', '/api/v1/tasks', 200) },
      // Not budgeted, but judged by the growth rule: measured in rounds like the budgeted ones.
      { key: 'referral.inbox', n: N.referralInbox, warmup: WARMUP.person, op: () => coordinator.expect('GET', '/api/v1/referrals?box=inbox', 200) },
      { key: 'tasks.overview', n: N.overview, warmup: WARMUP.case, op: () => caseWorker.expect('GET', '/api/v1/tasks/overview', 200) },
      {
        key: 'record.save',
        n: N.recordSave,
        warmup: WARMUP.case,
        op: (i) => caseWorker.expect('POST', recordPath(i), 201, recordBody(records++, LABEL)),
      },
    ];
    const raw: Record<string, RawMeasurement[]> = {};
    const round = async () => {
      for (const r of rounded) {
        const done = (raw[r.key] ??= []);
        const n = Math.ceil(r.n / ROUNDS);
        log(tag, `${r.key} ×${n} (round ${done.length + 1} of ${ROUNDS})`);
        const offset = done.length * n;
        done.push(await measureRaw(n, async (i) => void (await r.op(offset + i)), { warmup: done.length === 0 ? r.warmup : 5 }));
      }
    };
    const once = async (key: string, n: number, op: (i: number) => Promise<HttpResponse>, options: { warmup: number; concurrency?: number }) => {
      log(tag, `${key} ×${n}${options.concurrency ? ` at concurrency ${options.concurrency}` : ''}`);
      app[key] = await measure(n, async (i) => void (await op(i)), options);
    };

    await once('auth.session', N.session, () => client.expect('GET', '/api/v1/auth/session', 200), { warmup: WARMUP.session });
    await round();
    await once('directory.search.c8', N.searchConcurrent, (i) => concurrent.expect('GET', searchPath(i), 200), {
      warmup: CONCURRENCY * 2,
      concurrency: CONCURRENCY,
    });
    await once('directory.detail', N.detail, (i) => client.expect('GET', `/api/v1/agencies/${seed.sampleIds[i % seed.sampleIds.length]}`, 200), {
      warmup: WARMUP.detail,
    });
    await round();
    await once('person.detail', N.personDetail, (i) => clerk.expect('GET', `/api/v1/persons/${personId(i)}`, 200), { warmup: WARMUP.person });
    await once('person.timeline', N.personTimeline, (i) => clerk.expect('GET', `/api/v1/persons/${personId(i)}/timeline`, 200), {
      warmup: WARMUP.person,
    });
    const materialsIds = seed.cases.materialsMeetingIds;
    if (materialsIds.length > 0) {
      await once('meeting.materials', N.materials, (i) => caseWorker.expect('GET', `/api/v1/meetings/${materialsIds[i % materialsIds.length]}/materials`, 200), {
        warmup: WARMUP.case,
      });
    }
    while ((raw['person.search']?.length ?? 0) < ROUNDS) await round();
    for (const r of rounded) {
      const list = raw[r.key]!;
      app[r.key] = summarize(
        list.flatMap((m) => m.samples),
        list.reduce((sum, m) => sum + m.wallMs, 0),
        1,
      );
      rounds[r.key] = list.map((m) => summarize(m.samples, m.wallMs, 1));
    }
    // Last: 100 scrypt hashes of 32 MiB each should not disturb the read measurements.
    await once(
      'auth.login',
      N.login,
      (i) => {
        const user = seed.staff[i % seed.staff.length]!;
        return loginClient.expect('POST', '/api/v1/auth/login', 200, { loginId: user.loginId, password: user.password });
      },
      { warmup: WARMUP.login },
    );
  } finally {
    for (const c of [client, concurrent, loginClient, clerk, coordinator, caseWorker]) c.close();
    // PGlite allows one opener: the server must be gone before the bare measurements.
    await server.stop();
  }

  log(tag, 'bare SQL of the same operations');
  const bare = await BareDb.open(where);
  try {
    const version = await bare.version();
    const ctx: SystemContext = { kind: 'system', label: 'bench', municipalityId: seed.municipalityId, clientIp: null };
    const clerkCtx = userContext(people.clerk, seed.municipalityId);
    const coordinatorCtx = userContext(people.coordinator, seed.municipalityId);
    const caseCtx = userContext(seed.cases.coordinator, seed.municipalityId);
    const single = (qs: CompiledQuery[], what: string) => {
      if (qs.length !== 1) throw new Error(`expected one SELECT for ${what}, captured ${qs.length}`);
      return qs[0]!;
    };
    /** The SELECTs of a read through the gateway, without the audit chain head (audit is the app's cost). */
    const reads = async (what: string, ctxUser: UserContext, fn: (scope: Scope) => Promise<unknown>, action: Action = 'person.read') => {
      const qs = (await bare.capture((db) => new Gateway(db).run(ctxUser, action, fn))).filter((q) => !/"audit_chains"/.test(q.sql));
      if (qs.length === 0) throw new Error(`no SELECT captured for ${what}`);
      return qs;
    };
    const replay = (queries: readonly CompiledQuery[], warmup: number, n: number) =>
      measure(n, async (i) => void (await bare.exec(queries[i % queries.length]!)), { warmup });
    const isSetting = (q: CompiledQuery) => /^\s*set\s+local\b/i.test(q.sql);
    // A group that sets a transaction-local setting (e.g. jit off) runs in a transaction, as in the app.
    const replayGroups = (groups: readonly (readonly CompiledQuery[])[], warmup: number, n: number) =>
      measure(
        n,
        async (i) => {
          const group = groups[i % groups.length]!;
          if (group.some(isSetting)) await bare.replayInTransaction(group);
          else for (const q of group) await bare.exec(q);
        },
        { warmup },
      );
    /** EXPLAIN ANALYZE of the statement of `group` that matches, under the group's SET LOCAL settings. */
    const explainIn = (group: readonly CompiledQuery[], pattern: RegExp) => {
      const q = group.find((x) => pattern.test(x.sql));
      if (!q) throw new Error(`no statement matching ${pattern} was captured`);
      return bare.explain(q, group.filter(isSetting));
    };
    const replayWrites = (groups: readonly (readonly CompiledQuery[])[], warmup: number, n: number) =>
      measure(n, async (i) => bare.replayRolledBack(groups[i % groups.length]!), { warmup });

    const searchQueries: CompiledQuery[] = [];
    for (const q of SEARCH_TERMS) {
      const captured = await bare.capture((db) =>
        new Gateway(db).run(ctx, 'directory.read', (scope) => listAgencies(scope, { q, limit: 50 })),
      );
      searchQueries.push(single(captured, `search ${q}`));
    }
    const detailQueries: CompiledQuery[] = [];
    for (const id of seed.sampleIds) {
      const captured = await bare.capture((db) => new Gateway(db).run(ctx, 'directory.read', (scope) => getAgency(scope, id)));
      detailQueries.push(single(captured, 'detail'));
    }
    const sessionQuery = single(await bare.capture((db) => lookupSession(db, token, '127.0.0.1')), 'session lookup');
    // login(): the user lookup is its first statement; the rest are writes (session, audit).
    const loginQuery = (
      await bare.capture((db) => login(db, staff.loginId, staff.password, { clientIp: '127.0.0.1', userAgent: 'bench' }))
    )[0];
    if (!loginQuery || !/from "users"/.test(loginQuery.sql)) throw new Error('the first statement of login() is no longer the user lookup');

    const search = (query: Record<string, string>) => {
      const parsed = personSearchSchema.parse(query);
      // A search refused as too broad sent its counting statement: that is what it costs.
      return reads('person search', clerkCtx, (scope) =>
        searchPersons(scope, parsed).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'search_too_broad') return null;
          throw error;
        }),
      );
    };
    // One capture at a time: BareDb records the statements of whatever runs on its connection.
    const each = async <T>(items: readonly T[], fn: (item: T) => Promise<CompiledQuery[]>) => {
      const out: CompiledQuery[][] = [];
      for (const item of items) out.push(await fn(item));
      return out;
    };
    const personSearchGroups = await each(PERSON_TERMS, (q) => search({ q }));
    const birthGroups = await each(people.birthDates, (birthDate) => search({ birthDate }));
    const phoneGroups = await each(people.phoneFragments, (phone) => search({ phone }));
    const sampleIds = people.visiblePersonIds.slice(0, 20);
    const personDetailGroups = await each(sampleIds, (id) => reads('person detail', clerkCtx, (scope) => getPerson(scope, id)));
    const timelineGroups = await each(sampleIds, (id) => reads('timeline', clerkCtx, (scope) => personTimeline(scope, id)));
    const inboxGroup = await reads('inbox', coordinatorCtx, (scope) => listReferrals(scope, referralListQuery.parse({ box: 'inbox' })));
    const casePageGroups = await each(seed.cases.pageCaseIds.slice(0, 20), (id) => reads('case page', caseCtx, (scope) => getCase(scope, id), 'case.read'));
    const myWorkGroup = await reads('my work', caseCtx, (scope) => myTasks(scope), 'case.read');
    // Before capturing the page: the background recomputation of the same agency's overview (the job, every 5 minutes): the
    // service in-process in a transaction that commits (it replaces the agency's rows with the same).
    const overviewAgency = seed.cases.coordinator.agencyId;
    const overviewRefresh = await measure(
      N.overviewRefresh,
      async () => void (await bare.db.transaction().execute((trx) => refreshTaskOverview(trx, seed.municipalityId, overviewAgency))),
      { warmup: 2 },
    );
    const overviewGroup = await reads('overview', caseCtx, (scope) => taskOverview(scope, {}), 'case.read');
    const materialsGroups = await each(seed.cases.materialsMeetingIds.slice(0, 10), (id) => reads('materials', caseCtx, (scope) => getMaterials(scope, id), 'meeting.read'));
    // Writes last: reads through the gateway commit their audit rows, which would take the
    // audit sequence numbers the captured (rolled back) writes replay.
    const intakeWrite = (input: unknown) =>
      bare.captureWrite((db) =>
        new Gateway(db).run(clerkCtx, 'person.write', (scope) => createConsultation(scope, consultationInputSchema.parse(input))),
      );
    const anonymousWrites = [await intakeWrite(anonymousIntake(0, LABEL))];
    const personWrites = await each(sampleIds.slice(0, 10), (id) => intakeWrite(personIntake(id, LABEL)));
    const recordWrites = await each(seed.cases.recordCaseIds.slice(0, 10), (id) =>
      bare.captureWrite((db) =>
        new Gateway(db).run(caseCtx, 'case.write', (scope) => createRecord(scope, id, recordInputSchema.parse(recordBody(0, LABEL)))),
      ),
    );

    const bareStats: Record<string, Stats> = {
      'auth.session': await replay([sessionQuery], WARMUP.session, N.session),
      'directory.search': await replay(searchQueries, WARMUP.search, N.search),
      'directory.detail': await replay(detailQueries, WARMUP.detail, N.detail),
      'auth.login': await replay([loginQuery], WARMUP.login, N.login),
      'person.search': await replayGroups(personSearchGroups, WARMUP.person, N.personSearch),
      'person.search.birthDate': await replayGroups(birthGroups, WARMUP.person, N.personSearchBirthDate),
      'person.search.phone': await replayGroups(phoneGroups, WARMUP.person, N.personSearchPhone),
      'person.detail': await replayGroups(personDetailGroups, WARMUP.person, N.personDetail),
      'person.timeline': await replayGroups(timelineGroups, WARMUP.person, N.personTimeline),
      'referral.inbox': await replayGroups([inboxGroup], WARMUP.person, N.referralInbox),
      'intake.save': await replayWrites(anonymousWrites, WARMUP.intake, N.intakeAnonymous),
      'intake.save.person': await replayWrites(personWrites, WARMUP.intake, N.intakePerson),
      'case.page': await replayGroups(casePageGroups, WARMUP.case, N.casePage),
      'my-work': await replayGroups([myWorkGroup], WARMUP.case, N.myWork),
      'record.save': await replayWrites(recordWrites, WARMUP.case, N.recordSave),
      'tasks.overview': await replayGroups([overviewGroup], WARMUP.case, N.overview),
      ...(materialsGroups.length ? { 'meeting.materials': await replayGroups(materialsGroups, WARMUP.case, N.materials) } : {}),
    };
    const plans: Record<string, string> = {};
    for (const term of PLAN_TERMS) plans[`directory search for ${term}`] = await bare.explain(searchQueries[SEARCH_TERMS.indexOf(term)]!);
    for (const term of PERSON_PLAN_TERMS) {
      const group = personSearchGroups[PERSON_TERMS.indexOf(term)]!;
      // The page of matches when the term is answered with a list, else the count that refused it.
      plans[`person search for ${term}`] = await explainIn(group, group.some((q) => /order by/i.test(q.sql)) ? /order by/i : /count\(\*\)/i);
    }
    plans['referral inbox counts (coordinators)'] = await bare.explain(inboxGroup.find((q) => /count\(\*\)/.test(q.sql))!);
    const largestCase = casePageGroups[0]!;
    plans['case page: access check'] = await explainIn(largestCase, /"case_members" as "tm"/);
    plans['case page: last 50 records'] = await explainIn(largestCase, /from "support_records"/);
    plans['my work (わたしの仕事)'] = await explainIn(myWorkGroup, /^\s*with\b/i);
    plans['coordinator overview (page of the aggregate)'] = await explainIn(overviewGroup, /"?task_overview_rows"?\s+t\b/);
    const japaneseTrigrams = await bare.japaneseTrigrams();

    // What dominates a login: one scrypt verification (N=2^15, r=8), in this process.
    const hash = await hashPassword(staff.password);
    const scryptVerify = await measure(N.scrypt, async () => void (await verifyPassword(staff.password, hash)), { warmup: 2 });

    const op = (key: string, label: string, bareNote: string): OperationResult => {
      const bareKey = key === 'directory.search.c8' ? 'directory.search' : key;
      const b = bareStats[bareKey] ?? null;
      return { key, label, app: app[key]!, ...(rounds[key] ? { rounds: rounds[key] } : {}), bare: b, bareNote, ratioP50: ratio(app[key]!, b) };
    };
    const intakeNote = 'every statement of createConsultation incl. the audit append, replayed in one transaction that is rolled back';
    const operations = [
      op('auth.login', 'login (POST /api/v1/auth/login)', 'user lookup SELECT only; scrypt verify is reported apart'),
      op('auth.session', 'session check (GET /api/v1/auth/session)', 'session lookup SELECT (sessions ⋈ users ⋈ agencies ⋈ municipalities)'),
      op('directory.search', 'directory search (GET /api/v1/agencies?q=…)', 'listAgencies SELECT, same terms'),
      op('directory.search.c8', `directory search, ${CONCURRENCY} concurrent`, 'sequential bare SQL'),
      op('directory.detail', 'directory detail (GET /api/v1/agencies/:id)', 'getAgency SELECT'),
      op('person.search', 'person search by name (GET /api/v1/persons?q=…)', 'searchPersons SELECTs (search + consent states), same terms'),
      op('person.search.birthDate', 'person search by birth date (?birthDate=…)', 'searchPersons SELECTs, same dates'),
      op('person.search.phone', 'person search by phone fragment (?phone=…)', 'searchPersons SELECTs, same fragments'),
      op('person.detail', 'person detail (GET /api/v1/persons/:id)', 'getPerson SELECTs (access, person, consents, households, links)'),
      op('person.timeline', 'person timeline (GET /api/v1/persons/:id/timeline)', 'personTimeline SELECTs (access, consultations, referrals, consents)'),
      op('referral.inbox', 'referral inbox, coordinators (GET /api/v1/referrals?box=inbox)', 'listReferrals SELECTs (page + counts)'),
      op('intake.save', 'intake save, anonymous phone (POST /api/v1/consultations)', intakeNote),
      op('intake.save.person', 'intake save, linked person (POST /api/v1/consultations)', intakeNote),
      op('case.page', 'case page (GET /api/v1/cases/:id)', 'getCase SELECTs (access, case, persons, team, links, history, assessment, plan, info requests, last 50 records)'),
      op('my-work', 'my work (GET /api/v1/tasks)', 'myTasks SELECTs (settings + one statement)'),
      op('record.save', 'record entry (POST /api/v1/cases/:id/records)', 'every statement of createRecord incl. the audit append, replayed in one transaction that is rolled back'),
      op('tasks.overview', 'coordinator overview (GET /api/v1/tasks/overview)', 'taskOverview SELECTs (the agency\'s aggregate + one page statement)'),
      ...(app['meeting.materials']
        ? [op('meeting.materials', 'meeting materials (GET /api/v1/meetings/:id/materials)', 'getMaterials SELECTs (attendance, agenda, consent per item, assessment, plan, last 10 records per case)')]
        : []),
    ];
    log(tag, `done in ${Math.round((performance.now() - t0) / 100) / 10} s`);
    const { visiblePersonIds: _v, birthDates: _b, phoneFragments: _p, clerk: c, coordinator: k, ...peopleSummary } = people;
    const { coordinator: caseCoordinator, pageCaseIds: _pc, recordCaseIds: _rc, materialsMeetingIds: _mm, ...casesSummary } = seed.cases;
    return {
      kind,
      population,
      version,
      agencies: seed.agencies,
      people: { ...peopleSummary, clerkAgency: c.agencyName, coordinatorAgency: k.agencyName },
      cases: { ...casesSummary, coordinatorAgency: caseCoordinator.agencyName },
      seedMs,
      vacuumMs: seed.vacuumMs,
      loadAverage: { start: Math.round(loadStart * 100) / 100, end: Math.round(os.loadavg()[0]! * 100) / 100 },
      searchHits,
      personSearchHits,
      phoneSearches: { fragments: people.phoneFragments.length, tooBroad: phoneTooBroad },
      scryptVerify,
      overviewRefresh,
      operations,
      japaneseTrigrams,
      plans,
      serviceSearchMeanMs: seed.serviceSearchMeanMs,
    };
  } finally {
    await bare.close();
  }
}

// ---------------------------------------------------------------- report

interface BudgetOutcome extends Budget {
  /** Data size judged (null: not measured). */
  judgedPopulation: number | null;
  status: 'pass' | 'fail' | 'not measured';
  /** The value judged: the best round's when the operation ran in rounds. */
  actualMs: number | null;
  /** The metric over all samples and per round, for the report. */
  allSamplesMs: number | null;
  roundsMs: number[];
}

function evaluateBudgets(results: RunResult[]): BudgetOutcome[] {
  return BUDGETS.flatMap((b): BudgetOutcome[] => {
    const runs = results.filter((r) => r.kind === b.db && (b.population === undefined || r.population === b.population));
    const outcomes = runs.flatMap((run): BudgetOutcome[] => {
      const op = run.operations.find((o) => o.key === b.operation);
      if (!op) return [];
      const roundsMs = (op.rounds ?? []).map((r) => r[b.metric]);
      const actual = roundsMs.length ? Math.min(...roundsMs) : op.app[b.metric];
      return [
        {
          ...b,
          judgedPopulation: run.population,
          status: actual < b.limitMs ? 'pass' : 'fail',
          actualMs: actual,
          allSamplesMs: op.app[b.metric],
          roundsMs,
        },
      ];
    });
    return outcomes.length
      ? outcomes
      : [{ ...b, judgedPopulation: null, status: 'not measured', actualMs: null, allSamplesMs: null, roundsMs: [] }];
  });
}

interface Growth {
  kind: DbKind;
  key: string;
  label: string;
  from: number;
  to: number;
  p95From: number;
  p95To: number;
  /** p95 at the larger size / p95 at the smaller (best rounds for operations measured in rounds). */
  ratio: number;
  /** Judged: the large size's p95 reaches GROWTH_FLOOR_MS. */
  judged: boolean;
  withinLimit: boolean;
}

/** p95 growth of each operation measured at two sizes on the same database (issue 6: at most 1.5×; a run that breaks it fails). */
function growthOf(results: RunResult[]): Growth[] {
  const out: Growth[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const runs = results.filter((r) => r.kind === kind).sort((a, b) => a.population - b.population);
    if (runs.length < 2) continue;
    const small = runs[0]!;
    const large = runs.at(-1)!;
    const p95 = (o: OperationResult) => (o.rounds?.length ? Math.min(...o.rounds.map((r) => r.p95)) : o.app.p95);
    for (const o of large.operations) {
      const before = small.operations.find((s) => s.key === o.key);
      if (!before) continue;
      const r = Math.round((p95(o) / p95(before)) * 100) / 100;
      out.push({ kind, key: o.key, label: o.label, from: small.population, to: large.population, p95From: p95(before), p95To: p95(o), ratio: r, judged: p95(o) >= GROWTH_FLOOR_MS, withinLimit: r <= GROWTH_LIMIT || p95(o) < GROWTH_FLOOR_MS });
    }
  }
  return out;
}

const ms = (v: number | undefined | null) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const count = (n: number) => n.toLocaleString('en');

interface Report {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  runs: RunResult[];
  budgets: BudgetOutcome[];
  growth: Growth[];
  notes: string[];
}

/** Why a budget has no value: its operation does not exist yet, or its data size or database was not run. */
function notMeasured(b: BudgetOutcome): string {
  if (!MEASURED.has(b.operation)) return 'not yet measured (no such operation yet)';
  return b.population ? `not measured (needs ${b.db} at ${count(b.population)} people)` : `not measured (needs ${b.db})`;
}

function markdown(report: Report) {
  const m = report.machine;
  const lines: string[] = [];
  lines.push('# kasane benchmark results', '');
  lines.push(
    `Generated by \`npm run bench\` on ${report.date}.`,
    '',
    `Machine: ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.platform}, Node ${m.node}, Fastify ${m.fastify}, PGlite ${m.pglitePackage}; CPU ${m.busyBeforeStartPct}% busy just before the start, load average (1/5/15 min) ${m.loadAverageAtStart.join(' / ')} at start, ${m.loadAverageAtEnd.join(' / ')} at end (the bench itself keeps about one core busy; much more means other work shared the machine).`,
    '',
  );
  for (const r of report.runs) {
    const p = r.people;
    const k = r.cases;
    const gc = p.generated.cases;
    lines.push(
      `- **${r.kind}, ${count(r.population)} people**: ${r.version.split(',')[0]} — ${count(p.generated.persons)} people in ${count(p.generated.households)} households, ${count(p.generated.consultations)} consultations, ${count(p.generated.consents)} consents, ${count(p.generated.referrals)} referrals, ${count(gc.cases)} cases with ${count(gc.supportRecords)} support records, ${count(gc.plans)} plans, ${count(gc.assessments)} assessments and ${count(gc.infoRequests)} information requests, ${count(r.agencies)} agencies. Seeded in ${Math.round(r.seedMs / 1000)} s (generator ${Math.round(p.generateMs / 1000)} s of which cases ${Math.round(gc.ms / 1000)} s, VACUUM ANALYZE ${Math.round(r.vacuumMs / 1000)} s); load average ${r.loadAverage.start} → ${r.loadAverage.end} during the run. Window clerk at ${p.clerkAgency} (registered ${count(p.clerkRegistered)} people); coordinator at ${p.coordinatorAgency} (${count(p.inboxSize)} referrals in the inbox); case coordinator at ${k.coordinatorAgency}, named on ${count(k.named)} cases (${count(k.namedOpen)} open; its agency leads ${count(k.agencyLeadOpen)} open cases and is on the team of ${count(k.agencyTeam)}); case pages of their cases with ${count(k.pageRecords.min)}–${count(k.pageRecords.max)} records.`,
    );
  }
  lines.push(
    '',
    'Each server is `src/server/main.ts` started as a child process (KASANE_JOBS=off), measured over keep-alive HTTP from this process; times are in milliseconds per request, sequential unless *c* > 1, after a warm-up. *bare* replays the SQL statement(s) the service runs (captured from the service code, same parameters) on a connection of the bench\'s own, without HTTP, session check, transaction or JSON (reads: their SELECTs without the audit append; intake saves: every statement including the audit append, in one transaction rolled back). *app/bare* is the ratio of the p50s: the cost of everything around the query.',
    '',
  );
  const budgetFor = (r: RunResult, key: string) => report.budgets.find((b) => b.db === r.kind && b.operation === key && b.judgedPopulation === r.population);
  lines.push('| operation | db | people | n | c | p50 | p95 | p99 | mean | req/s | bare p50 | bare p95 | app/bare | budget | result |');
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|');
  for (const r of report.runs) {
    for (const o of r.operations) {
      const b = budgetFor(r, o.key);
      lines.push(
        `| ${o.label} | ${r.kind} | ${sizeLabel(r.population)} | ${o.app.n} | ${o.app.concurrency} | ${ms(o.app.p50)} | ${ms(o.app.p95)} | ${ms(o.app.p99)} | ${ms(o.app.mean)} | ${o.app.rps} | ${ms(o.bare?.p50)} | ${ms(o.bare?.p95)} | ${o.ratioP50 === null ? '–' : `${o.ratioP50}×`} | ${b ? `${b.metric} < ${b.limitMs}` : ''} | ${b ? `${b.status === 'pass' ? 'pass' : `**${b.status.toUpperCase()}**`} (${ms(b.actualMs)})` : ''} |`,
      );
    }
  }
  lines.push('', '## Budgets', '');
  lines.push('| budget | db | people | metric | limit (ms) | judged (ms) | all samples (ms) | rounds (ms) | status |');
  lines.push('|---|---|--:|---|--:|--:|--:|---|---|');
  for (const b of report.budgets) {
    const size = b.judgedPopulation ?? b.population;
    lines.push(
      `| ${b.label} | ${b.db} | ${size ? sizeLabel(size) : 'any'} | ${b.metric} | ${b.limitMs} | ${ms(b.actualMs)} | ${ms(b.allSamplesMs)} | ${b.roundsMs.map(ms).join(', ') || '–'} | ${b.status === 'fail' ? '**FAIL**' : b.status === 'pass' ? 'pass' : notMeasured(b)} |`,
    );
  }
  lines.push(
    '',
    `Budgeted operations (and the referral inbox and the overview, judged by the growth rule) are measured in ${ROUNDS} rounds spread over the run and judged on their best round, since work sharing the machine only adds latency; a slowdown of kasane itself shows in every round.`,
  );
  lines.push('', `## Growth from ${count(SIZES.small)} to ${count(SIZES.large)} people`, '');
  if (report.growth.length === 0) {
    lines.push('Only one data size was measured (--size=small or --size=large): no growth to report.');
  } else {
    lines.push(
      `p95 at the large size divided by p95 at the small size (best rounds for operations measured in rounds). Issue 6 allows at most ${GROWTH_LIMIT}× for reports and interactive pages, and a run that breaks it fails; operations whose p95 at the large size stays under ${GROWTH_FLOOR_MS} ms are not judged (at that scale the ratio measures the machine's noise).`,
      '',
      '| operation | db | p95 small | p95 large | growth | ≤ 1.5× |',
      '|---|---|--:|--:|--:|---|',
    );
    for (const gr of report.growth) {
      lines.push(`| ${gr.label} | ${gr.kind} | ${ms(gr.p95From)} | ${ms(gr.p95To)} | ${gr.ratio}× | ${!gr.judged ? `(under ${GROWTH_FLOOR_MS} ms)` : gr.withinLimit ? 'yes' : '**no**'} |`);
    }
  }
  lines.push('', ...findings(report.runs));
  lines.push(...caseFindings(report.runs));
  lines.push('## Notes', '');
  for (const r of report.runs) {
    const tag = `${r.kind} ${sizeLabel(r.population)}`;
    lines.push(
      r.japaneseTrigrams > 0
        ? `- ${tag}: pg_trgm extracts ${r.japaneseTrigrams} trigrams from 地域包括, so the gin_trgm_ops index can serve Japanese needles of 3+ characters (the planner may still prefer a scan at this size).`
        : `- ${tag}: pg_trgm extracts **no** trigrams from 地域包括 (its LC_CTYPE does not classify kanji/kana as letters), so the gin_trgm_ops index never serves Japanese searches here: every Japanese search reads the municipality's agencies (seq scan or kana-order index scan with a filter).`,
    );
    lines.push(
      `- ${tag}: directory search in-process (service + SQL, mean over the terms): ${ms(r.serviceSearchMeanMs.beforeMaintenance)} ms right after the bulk insert (GIN pending list, no statistics), ${ms(r.serviceSearchMeanMs.afterMaintenance)} ms after VACUUM ANALYZE; one scrypt password verification (N=2^15, r=8) takes p50 ${ms(r.scryptVerify.p50)} ms in-process, a login is bound by it.`,
    );
  }
  const hits = (h: RunResult['personSearchHits']) =>
    Object.entries(h)
      .map(([t, x]) => `${t} ${x.tooBroad ? 'too broad' : `${x.items}${x.more ? '+' : ''}`}`)
      .join(', ');
  const first = report.runs[0];
  if (first) lines.push(`- Directory search terms (first page of up to 50, "+" = more pages): ${hits(first.searchHits)}.`);
  for (const r of report.runs) {
    lines.push(`- Person search terms at ${count(r.population)} people on ${r.kind} (first page of up to 30 the clerk may see, "+" = more pages; "too broad" = more than ${PERSON_SEARCH_MATCH_LIMIT} matches in the municipality, answered 422 and asked for another criterion): ${hits(r.personSearchHits)}.`);
    if (r.phoneSearches) {
      lines.push(`- Phone fragments at ${count(r.population)} people on ${r.kind} (the last four digits, or the start of a mobile number): ${r.phoneSearches.tooBroad} of ${r.phoneSearches.fragments} matched more than ${PERSON_SEARCH_MATCH_LIMIT} people and were answered 422 (too broad).`);
    }
  }
  for (const note of report.notes) lines.push(`- ${note}`);
  lines.push('');
  for (const r of report.runs) {
    if (r !== report.runs.filter((x) => x.kind === r.kind).sort((a, b) => b.population - a.population)[0]) continue;
    for (const [label, plan] of Object.entries(r.plans)) {
      lines.push(`Plan of the ${label} on ${r.kind} at ${count(r.population)} people:`, '', '```', plan, '```', '');
    }
  }
  return lines.join('\n');
}

/**
 * What the first measurement at 200,000 people found, and what was changed:
 * the "before" numbers are historical (one run of this bench on PostgreSQL at
 * 200,000 people before the fixes, 2026-11-23); "after" is this run's. Kept in
 * the report so the reason for each index and rewrite stays visible.
 */
const FINDING_ROWS: { key: string; label: string; before: string; cause: string; fix: string }[] = [
  { key: 'person.search', label: 'person search by name', before: '439.5', cause: 'The visibility predicate (five EXISTS) ran for every match before the sort and limit: 2,000–7,000 people for a common surname. PostgreSQL ran "my agency recorded a consultation" and "a referral to my agency" as hashed subplans that read every consultation (22,435) and received referral of the clerk\'s window on each search. Needles of one or two characters (高橋, 一郎, 森, 齋藤 → 斎藤) cannot use pg_trgm, so those searches read the whole persons table (~100 ms each).', fix: '`searchPersons` sorts the matches first and checks visibility after, in order, until the page is full (an `OFFSET 0` subquery); the two EXISTS of the person predicates carry `offset 0`, so they are per-person index probes; a GIN index on `search_short_grams(name_norm \\|\\| \' \' \\|\\| kana_norm)` (every 1- and 2-character substring) serves short needles.' },
  { key: 'person.search.phone', label: 'person search by phone', before: '597.9', cause: '`phone_digits like \'%1234%\'` had only a btree: a scan of all people.', fix: 'gin_trgm_ops index on `phone_digits`.' },
  { key: 'intake.save', label: 'intake save, anonymous', before: '74.3 (all samples 100.4)', cause: 'Reading back the new consultation\'s referrals (`referrals where consultation_id = …`) had no index: a scan of 150,000 referrals on every save.', fix: 'Index `referrals (municipality_id, consultation_id)`.' },
  { key: 'intake.save.person', label: 'intake save, linked person', before: '77.9 (all samples 105.0)', cause: 'The same scan.', fix: 'The same index.' },
  { key: 'person.timeline', label: 'person timeline', before: '121.0', cause: 'The consultation visibility predicate looks up referrals by consultation: the same missing index.', fix: 'The same index.' },
  { key: 'referral.inbox', label: 'referral inbox, coordinators', before: '279.2', cause: '43,643 referrals in the coordinators\' inbox: no index gives a whole box in date order (status sits between agency and date), so every page sorted all of them; the counts per status read them from the heap.', fix: 'Indexes on (agency, sent_at desc, id desc) for each box; the counts run per box on covering indexes (index-only scans).' },
];

const FINDINGS_AFTER = [
  'Access rules are unchanged: the same predicates decide, only evaluated per person and for fewer people; the person, access and referral API tests pass on both databases. The fixes are migration `20261124T0900_search_indexes` and the changes to `src/people/service.ts` (searchPersons), `src/access/person-access.ts` (`offset 0`) and `src/referrals/service.ts` (referralCounts).',
  '',
  'Before the rewrite, the person search plan cost (~150,000) passed `jit_above_cost` and PostgreSQL spent ~30 ms compiling it with LLVM on every search; the rewritten plans cost under 10,000. Production PostgreSQL has JIT on by default: a kasane query whose estimate grows with the data can cross the threshold at any size.',
  '',
];

/** The second round (2026-12-02): what still grew from 20,000 to 200,000 people, with p95 before (bench of 2026-12-02 06:06) and now. */
const GROWTH_FINDING_ROWS: { key: string; label: string; before: string; cause: string; fix: string }[] = [
  { key: 'person.search', label: 'person search by name', before: '85.3 (6.29× the 20,000 size)', cause: 'Every match of a common name (3,690 for たかはし, 7,495 for 齋藤 → 斎藤) was read and sorted to give the first page in kana order: work in proportion to the city. PostgreSQL also ran the larger ones as parallel plans whose start-up on two cores cost more than they saved, and guessed LIMIT over a sequential scan for some.', fix: 'A product rule: a search whose criteria match more than 500 people in the municipality is refused as too broad (422 `search_too_broad`, 「名前の続き、生年月日、電話番号、住所のどれかを加えて」); counting stops at 501, so the refusal costs the same in any city. Parallel workers and sequential scans are off for the search transaction (every criterion has an index).' },
  { key: 'tasks.overview', label: 'coordinator overview', before: '158.7 (3.46×)', cause: 'Every open case the agency is on the team of (2,210 at 200,000) was checked for visibility and turned into tasks on every view: work in proportion to the agency\'s caseload.', fix: 'A periodic aggregate per agency (`task_overview_runs`/`task_overview_rows`, job every 5 minutes; recomputed on view when missing, older than 15 minutes or from another day); the page reads the counts and checks only the listed cases against the user\'s access.' },
  { key: 'my-work', label: 'my work', before: '62.5 (1.56×)', cause: 'The user\'s cases were found by one pass over every case of the municipality (20,000) with hashed sub-plans, and the planner, expecting a thousand cases where there were fifty, hashed every due plan, meeting follow-up and agency for the joins after.', fix: 'Three index reads: the user\'s team rows; the agency\'s open lead cases that nobody there is named on, through `cases.lead_unassigned` (kept by triggers on the team table) and the partial index `cases_lead_unassigned`, instead of probing each of the 2,210 open cases the agency leads; the closed cases it follows. Hash and merge joins are off for the transaction.' },
  { key: 'referral.inbox', label: 'referral inbox, coordinators', before: '23.9 (1.57×)', cause: 'The counts per status read the agency\'s whole history (43,756 referrals, index-only) on every view.', fix: 'Counts of open referrals only (送付・受理・対応中), from the open part of the box index; completed and returned ones are not counted. The generator now answers old referrals (open ones are mostly recent), as a real inbox would be.' },
];

/** Issue 4 at the large size: what the case, my-work, record and overview measurements read, and why they grow as they do. */
function caseFindings(runs: readonly RunResult[]): string[] {
  const large = runs.find((r) => r.kind === 'postgres' && r.population === SIZES.large);
  const small = runs.find((r) => r.kind === 'postgres' && r.population === SIZES.small);
  if (!large?.cases) return [];
  const o = (run: RunResult | undefined, key: string) => run?.operations.find((x) => x.key === key);
  const p95 = (run: RunResult | undefined, key: string) => {
    const x = o(run, key);
    return x ? ms(x.rounds?.length ? Math.min(...x.rounds.map((r) => r.p95)) : x.app.p95) : '–';
  };
  const bare = (key: string) => ms(o(large, key)?.bare?.p50);
  const k = large.cases;
  const g = large.people.generated.cases;
  const ks = small?.cases;
  return [
    `## Cases at ${count(SIZES.large)} people (issue 4)`,
    '',
    `Issue 4 states its budgets for 20,000 cases and 1,000,000 support records on PostgreSQL: the generator's ${count(SIZES.large)} people carry ${count(g.cases)} cases with ${count(g.supportRecords)} support record rows (current records plus the superseded revisions of the ~1% corrected ones), generated in ${Math.round(g.ms / 1000)} s. Every budget passes without a new index: case page p95 ${p95(large, 'case.page')} ms (< 80), わたしの仕事 ${p95(large, 'my-work')} ms (< 150), record entry ${p95(large, 'record.save')} ms (< 100); the coordinator overview (no budget) ${p95(large, 'tasks.overview')} ms.`,
    '',
    `- Case page: ${bare('case.page')} ms of SQL (p50) in about a dozen short statements. The last 50 records come from \`support_records_case\` (municipality, case, occurred_at desc, id desc where is_current) as an index scan stopped at 50 rows, so a case with ${count(k.pageRecords.max)} records costs what one with 50 does; the access check reads the team row and the 本人's current consent. Flat from 20,000 to 200,000 people.`,
    `- わたしの仕事: one statement (after the municipality's settings), ${bare('my-work')} ms of SQL (p50). It covers the cases the user is named on, the open cases the user's agency leads while nobody there is named, and the closed ones it keeps the connection with (伴走) — three index reads, the unassigned lead cases through the trigger-kept \`cases.lead_unassigned\` — and checks the cases with tasks for visibility (team and the 本人's consent); hash and merge joins are off, every join being a key lookup. p95 ${small ? `${p95(small, 'my-work')} → ` : ''}${p95(large, 'my-work')} ms. The measured coordinator is the generated one named on the most cases; their agency leads ${count(k.agencyLeadOpen)} open cases at ${count(SIZES.large)} people${ks ? ` (${count(ks.agencyLeadOpen)} at ${count(SIZES.small)})` : ''}; none of them is unassigned, so none is read. The user's own 次の予定 read \`support_records_next_action\` (staff, date where current).`,
    `- Coordinator overview: computed per agency in the background (job every 5 minutes) over every case the agency is on the team of (${count(k.agencyTeam)}), each checked for visibility — that recomputation takes p50 ${large.overviewRefresh ? ms(large.overviewRefresh.p50) : '–'} / p95 ${large.overviewRefresh ? ms(large.overviewRefresh.p95) : '–'} ms here${small?.overviewRefresh ? ` (${ms(small.overviewRefresh.p50)} / ${ms(small.overviewRefresh.p95)} ms at ${count(SIZES.small)})` : ''}, in proportion to the caseload. The page reads the aggregate and checks only the listed cases against the user's access: ${bare('tasks.overview')} ms of SQL (p50), whatever the caseload.`,
    `- Record entry: ${bare('record.save')} ms of SQL (p50) for the access check, the insert, \`last_contact_at\` and the audit append; independent of the case's size.`,
    '- The task statements run with `set local jit = off` (src/tasks/service.ts): at this size their plan costs (90,000–125,000) reach the default `jit_above_cost` of 100,000, and in a first measurement EXPLAIN ANALYZE showed PostgreSQL spending 110–175 ms compiling the わたしの仕事 statement with LLVM on every request (execution 215–230 ms in all, about twice the statement without JIT).',
    '- Generating: the case tables are ANALYZEd after the first chunk of cases. Until then PostgreSQL checks every foreign key to `cases` (support records, team, transitions) with the plan it made for an empty table, a scan of all cases so far for each row: the cases part took about three times as long at 20,000 people and grew with every chunk.',
    '',
  ];
}

function findings(runs: readonly RunResult[]): string[] {
  const large = runs.find((r) => r.kind === 'postgres' && r.population === SIZES.large);
  const after = (key: string) => {
    const o = large?.operations.find((x) => x.key === key);
    if (!o) return '– (not run)';
    return ms(o.rounds?.length ? Math.min(...o.rounds.map((r) => r.p95)) : o.app.p95);
  };
  const small = runs.find((r) => r.kind === 'postgres' && r.population === SIZES.small);
  const growthOfKey = (key: string) => {
    const g = growthOf([small, large].filter((r): r is RunResult => !!r)).find((x) => x.key === key);
    return g ? `${g.ratio}×` : '–';
  };
  return [
    `## Findings at ${count(SIZES.large)} people`,
    '',
    'The first run of these operations at 200,000 people broke the person search budget. Before and after the fixes, same bench and data (PostgreSQL, 200,000 people, 2026-11-23; p95 in ms, best round for budgeted operations):',
    '',
    '| operation | before | after (this run) | cause | fix |',
    '|---|--:|--:|---|---|',
    ...FINDING_ROWS.map((f) => `| ${f.label} | ${f.before} | ${after(f.key)} | ${f.cause} | ${f.fix} |`),
    '',
    ...FINDINGS_AFTER,
    'Issue 6 allows at most 1.5× growth from 20,000 to 200,000 people. The bench of 2026-12-02 06:06 (same machine) broke it for four operations; p95 at 200,000 before and now (best round):',
    '',
    '| operation | before | now | growth now | cause | fix |',
    '|---|--:|--:|--:|---|---|',
    ...GROWTH_FINDING_ROWS.map((f) => `| ${f.label} | ${f.before} | ${after(f.key)} | ${growthOfKey(f.key)} | ${f.cause} | ${f.fix} |`),
    '',
  ];
}

const STATIC_NOTES = [
  'Data: the preset 小金井市 (29 agencies, 24 of them windows) with the people, households, consultations (2.5 per person over 5 years), consents and referrals of src/demo/generator.ts (seed 1) on its agencies and the 多機関協働 cases of src/demo/cases.ts (one per ten people, led by its two 多機関協働 agencies, about 50 support records each), then 2,000 fictional agencies for the directory (bench/seed.ts). The people are generated before the fictional agencies exist, so each window holds thousands of people at 200,000, as in a real municipality. VACUUM ANALYZE runs after seeding (the state autovacuum reaches on PostgreSQL; PGlite has no autovacuum, see below).',
  'Person operations act as a new intake clerk (bench.window) of the window that registered the most people and a new coordinator (bench.kyodo) of the agency that receives the referrals to the coordinators (多機関協働); the generator\'s own staff accounts have passwords nobody knows. Person detail, timeline and the linked intake use 100 people the clerk may see: half registered by the clerk\'s window, half registered elsewhere and shared with every agency by their current consent. Birth dates and phone fragments (last four digits, or the first seven digits typed as 090-1234) are taken from those people, so each search finds someone.',
  'Intake saves are real: every measured POST adds a consultation (anonymous: 匿名・電話, no person; linked: an existing person the clerk may see, 同意未確認).',
  'Cases (src/demo/cases.ts, one per ten people, about 50 support records each, heavy-tailed): the case measurements act as the generated coordinator named on the most cases (the bench sets its password). The case page opens the 40 of their cases with the most records; わたしの仕事 covers the cases they are named on, every open case their agency leads and the follow-ups it keeps; the overview covers every case their agency is on the team of. Record entries are real: each measured POST adds a phone record (contact) to one of their 20 open cases with the most records.',
  'PostgreSQL is a throw-away server from test/support/postgres.ts (initdb --locale=C.UTF-8, fsync=off, synchronous_commit=off, shared_buffers=256MB, otherwise defaults: jit=on): writes (login, intake) are cheaper than on a durable production server. Each data size has a database of its own on that server.',
  'PGlite is a single connection inside the server process: concurrent requests queue; its bare SQL runs in this process on the same data folder after the server stopped. PGlite is measured at both sizes unless `--no-pglite-large` is given; loading 200,000 people into it takes several times longer than into PostgreSQL.',
  'PGlite runs PostgreSQL in single-user mode: autovacuum never runs there (it reports autovacuum=on; 10,000 dead rows stay untouched past the naptime), and kasane schedules no VACUUM/ANALYZE, so an embedded installation keeps GIN pending lists, dead rows, an outdated visibility map (no index-only scans) and missing statistics until someone runs VACUUM ANALYZE.',
];

// ---------------------------------------------------------------- main

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

async function main(): Promise<number> {
  if (process.argv.includes('--report')) {
    const saved = JSON.parse(readFileSync(join(BENCH_DIR, 'results.json'), 'utf8')) as Report;
    // The fixed notes as written now; the notes of the run (what was not measured) as saved.
    saved.notes = [...STATIC_NOTES, ...saved.notes.slice(STATIC_NOTES.length)];
    writeFileSync(join(BENCH_DIR, 'RESULTS.md'), markdown(saved));
    console.log('rewrote bench/RESULTS.md from bench/results.json');
    return 0;
  }
  const kinds = (option('db')?.split(',') ?? ['pglite', 'postgres']) as DbKind[];
  const size = option('size') ?? 'all';
  if (!['small', 'large', 'all'].includes(size)) throw new Error('--size must be small, large or all');
  const populations = size === 'small' ? [SIZES.small] : size === 'large' ? [SIZES.large] : [SIZES.small, SIZES.large];
  const pgliteLarge = !process.argv.includes('--no-pglite-large');
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = machineInfo();
  machine.busyBeforeStartPct = await cpuBusyPercent(2000);
  if (machine.busyBeforeStartPct > 25) {
    console.warn(`warning: the machine was ${machine.busyBeforeStartPct}% busy before the bench started; latencies will be inflated`);
  }
  const results: RunResult[] = [];
  const notes = [...STATIC_NOTES];

  if (kinds.includes('pglite')) {
    for (const population of populations) {
      if (population === SIZES.large && !pgliteLarge) {
        notes.push(`PGlite at ${count(population)} people was not measured in this run (--no-pglite-large).`);
        continue;
      }
      const dataDir = join(tempDir('kasane-bench-pglite-'), 'data');
      results.push(await benchRun('pglite', population, { dataDir }, { dataDir }));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (kinds.includes('postgres')) {
    if (!postgresAvailable()) {
      console.warn('[postgres] PostgreSQL binaries not found: skipped (its budgets are reported as not measured)');
    } else {
      console.log('[postgres] starting a throw-away PostgreSQL');
      const server: PostgresServer = await startThrowawayPostgres({ poolSize: 10 });
      for (const population of populations) {
        const url = await server.createDatabase(`kasane_${population}`);
        results.push(await benchRun('postgres', population, { url }, { url }));
      }
    }
  }

  machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const budgets = evaluateBudgets(results);
  const growth = growthOf(results);
  const report: Report & { config: unknown } = {
    date,
    machine,
    config: {
      preset: PRESET,
      extraAgencies: EXTRA_AGENCIES,
      generatorSeed: GENERATOR_SEED,
      populations,
      requests: N,
      rounds: ROUNDS,
      warmup: WARMUP,
      concurrency: CONCURRENCY,
      searchTerms: SEARCH_TERMS,
      personTerms: PERSON_TERMS,
    },
    runs: results,
    budgets,
    growth,
    notes,
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), md);
  console.log(`\n${md}`);
  console.log(`bench finished in ${Math.round((performance.now() - started) / 1000)} s; wrote bench/results.json and bench/RESULTS.md`);

  const grown = growth.filter((x) => !x.withinLimit);
  for (const gr of grown) {
    console.error(`GROWTH BUDGET BROKEN: ${gr.label} on ${gr.kind}: p95 ${ms(gr.p95From)} → ${ms(gr.p95To)} ms (${gr.ratio}× > ${GROWTH_LIMIT}×)`);
  }
  const broken = budgets.filter((b) => b.status === 'fail');
  for (const b of broken) {
    console.error(`BUDGET BROKEN: ${b.label} on ${b.db} at ${count(b.judgedPopulation ?? 0)} people: ${b.metric} ${ms(b.actualMs)} ms ≥ ${b.limitMs} ms`);
  }
  return broken.length || grown.length ? 1 : 0;
}

main()
  .then(async (code) => {
    await runCleanups();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await runCleanups();
    process.exit(1);
  });
