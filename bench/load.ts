/**
 * npm run bench:load — many users at once (issue 6).
 *
 * Seeds a database like bench/run.ts (the preset, the generator's people and
 * cases, the fictional directory), adds signed-in-able users spread over roles
 * and agencies (bench/seed.ts seedLoadUsers), starts one server child, signs
 * every user in before the clock starts, then runs one closed-loop virtual user
 * per signed-in user for the duration: each loops a mix of reads and writes
 * for its role (person search and detail, referral inbox, case page, わたしの仕事,
 * record entry, intake save) on a keep-alive connection of its own, with no
 * think time. Reports throughput, latency percentiles per operation, errors
 * (any non-2xx or network error: the run fails) and the server process's
 * memory (VmRSS/VmHWM from /proc every second). Writes bench/load.json and
 * bench/LOAD.md.
 *
 *   npm run bench:load                                   PostgreSQL then PGlite, 20,000 people, 100 users, 60 s each
 *   npm run bench:load -- --db=pglite --population=20000 --users=100 --duration=60
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { postgresAvailable } from '../test/support/postgres.ts';
import type { DbKind } from './budgets.ts';
import { HttpClient, summarize, type HttpResponse, type Stats } from './http.ts';
import { anonymousIntake, PERSON_TERMS, personIntake, personSearchAnswered, recordBody } from './requests.ts';
import { cpuBusyPercent, machineInfo, machineTimes, runCleanups, signIn, sleep, startServer, startThrowawayPostgres, tempDir, type RunningServer } from './server.ts';
import { prng, seedDatabase, seedLoadUsers, type LoadUser, type LoadUserKind } from './seed.ts';

/** Names the run in the fictional text of its writes. */
const LABEL = '負荷試験';

const BENCH_DIR = import.meta.dirname;
const PRESET = '小金井市';
const ADMIN_PASSWORD = 'bench-kanri-pass-2026';
const GENERATOR_SEED = 1;
/** Fictional directory agencies: fewer than bench/run.ts (the directory is not what this test loads). */
const EXTRA_AGENCIES = 500;
/** A request that takes longer counts as an error. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Names as a clerk types them at the window: kana and kanji surnames and given names, one full name. */
export type LoadOp =
  | 'person.search'
  | 'person.detail'
  | 'referral.inbox'
  | 'case.page'
  | 'my-work'
  | 'record.save'
  | 'intake.save'
  | 'intake.save.person';

const OP_LABELS: Record<LoadOp, string> = {
  'person.search': 'person search by name (GET /api/v1/persons?q=…)',
  'person.detail': 'person detail (GET /api/v1/persons/:id)',
  'referral.inbox': 'referral inbox (GET /api/v1/referrals?box=inbox)',
  'case.page': 'case page (GET /api/v1/cases/:id)',
  'my-work': 'my work (GET /api/v1/tasks)',
  'record.save': 'record entry (POST /api/v1/cases/:id/records)',
  'intake.save': 'intake save, anonymous (POST /api/v1/consultations)',
  'intake.save.person': 'intake save, linked person (POST /api/v1/consultations)',
};

/** Weights of each operation in a user's loop, by kind of user. Writes are about a quarter. */
const MIX: Record<LoadUserKind, Partial<Record<LoadOp, number>>> = {
  clerk: { 'person.search': 30, 'person.detail': 25, 'referral.inbox': 10, 'my-work': 10, 'intake.save': 12, 'intake.save.person': 13 },
  coordinator: { 'case.page': 25, 'record.save': 15, 'my-work': 20, 'referral.inbox': 15, 'person.search': 15, 'person.detail': 10 },
  agency: { 'case.page': 25, 'record.save': 15, 'my-work': 15, 'referral.inbox': 10, 'person.search': 15, 'person.detail': 10, 'intake.save': 10 },
};

export interface LoadOptions {
  db: DbKind;
  population: number;
  users: number;
  durationS: number;
  onProgress?: (message: string) => void;
}

export interface MemorySample {
  /** Seconds since the clock started (negative: before). */
  t: number;
  rssMiB: number;
  hwmMiB: number;
}

export interface LoadResult {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  options: Omit<LoadOptions, 'onProgress'>;
  users: Record<LoadUserKind, number>;
  seedMs: number;
  signInMs: number;
  /** Wall time of the measured phase, from the start until the last request in flight answered. */
  wallMs: number;
  total: { requests: number; errors: number; rps: number; p50: number; p95: number; p99: number; max: number };
  /** Completed requests per whole second of the run: min, median, max. */
  rpsPerSecond: { min: number; median: number; max: number };
  operations: { key: LoadOp; label: string; errors: number; stats: Stats }[];
  /** The first error messages (status and body), at most 20. */
  errorSamples: string[];
  server: {
    pid: number;
    memory: { startMiB: number; peakMiB: number; endMiB: number; hwmMiB: number; samples: MemorySample[] };
    /** CPU seconds the server process used during the measured phase (user + system), and the share of one core. */
    cpuSeconds: number;
    cpuCoreShare: number;
  };
  /**
   * Where the CPU went during the measured phase, in cores (of machine.cpuCount): the server,
   * the PostgreSQL backends of the test's database, this load generator, and the whole machine
   * (the rest is other work on a shared machine).
   */
  cpuCores: { server: number; postgres: number | null; loadGenerator: number; machineBusy: number };
  loadAverage: { start: number; end: number };
}

// ---------------------------------------------------------------- server process

function procStatus(pid: number): { rssMiB: number; hwmMiB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssMiB: Math.round((kb('VmRSS') / 1024) * 10) / 10, hwmMiB: Math.round((kb('VmHWM') / 1024) * 10) / 10 };
  } catch {
    return null;
  }
}

/** utime + stime of a process, in seconds. */
function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based), i.e. indexes 11 and 12 here.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds of the processes whose command line contains `marker` (PostgreSQL backends show their database), by pid. */
function cpuByMarker(marker: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) out.set(Number(entry), procCpuSeconds(Number(entry)));
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** The server child must be node running src/server/main.ts itself, not a wrapper. */
function assertServerProcess(pid: number) {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  if (!cmdline.includes('src/server/main.ts')) throw new Error(`pid ${pid} is not the server process: ${cmdline}`);
}

// ---------------------------------------------------------------- bodies

// ---------------------------------------------------------------- the load

interface VirtualUser {
  user: LoadUser;
  client: HttpClient;
  personIds: string[];
  caseIds: string[];
  openCaseIds: string[];
  ops: { op: LoadOp; upTo: number }[];
  totalWeight: number;
}

/** Keep the candidates the user really may open (200), asked before the clock starts. */
async function usable(client: HttpClient, paths: (id: string) => string, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const res = await client.request('GET', paths(id));
    if (res.status === 200) out.push(id);
  }
  return out;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function parallel<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/**
 * The measured phase against a running server whose database holds `users`
 * (seedLoadUsers): sign everyone in, check their candidates, then loop for
 * `durationS` seconds. Exported for bench/run.ts, which runs its own server.
 */
export async function loadPhase(
  server: Pick<RunningServer, 'port' | 'pid'>,
  users: readonly LoadUser[],
  durationS: number,
  log: (message: string) => void = () => {},
  /** PostgreSQL: the database's name, to find its backends' CPU time. */
  database?: string,
) {
  assertServerProcess(server.pid);
  const memory: MemorySample[] = [];
  let clockStart = performance.now();
  const sampleMemory = () => {
    const s = procStatus(server.pid);
    if (s) memory.push({ t: Math.round((performance.now() - clockStart) / 100) / 10, ...s });
  };
  const sampler = setInterval(sampleMemory, 1000);
  const vus: VirtualUser[] = [];
  try {
    const signInStarted = performance.now();
    log(`signing ${users.length} users in (scrypt each) and checking what they may open`);
    await parallel(users, 4, async (user) => {
      const client = new HttpClient(server.port, 1);
      await signIn(client, user);
      const personIds = await usable(client, (id) => `/api/v1/persons/${id}`, user.personIds);
      const caseIds = await usable(client, (id) => `/api/v1/cases/${id}`, user.caseIds);
      const openCaseIds = user.openCaseIds.filter((id) => caseIds.includes(id));
      const weights = Object.entries(MIX[user.kind]).filter(([op]) => {
        if (op === 'person.detail' || op === 'intake.save.person') return personIds.length > 0;
        if (op === 'case.page') return caseIds.length > 0;
        if (op === 'record.save') return openCaseIds.length > 0;
        return true;
      }) as [LoadOp, number][];
      let upTo = 0;
      const ops = weights.map(([op, w]) => ({ op, upTo: (upTo += w) }));
      vus.push({ user, client, personIds, caseIds, openCaseIds, ops, totalWeight: upTo });
    });
    const signInMs = Math.round(performance.now() - signInStarted);
    const unusable = users.length - vus.filter((v) => v.caseIds.length + v.personIds.length > 0).length;
    log(
      `signed in ${vus.length} users in ${Math.round(signInMs / 1000)} s; candidates kept: ` +
        `${vus.reduce((s, v) => s + v.personIds.length, 0)} people, ${vus.reduce((s, v) => s + v.caseIds.length, 0)} cases` +
        (unusable ? ` (${unusable} users without any)` : ''),
    );

    const samples = new Map<LoadOp, number[]>();
    const errors = new Map<LoadOp, number>();
    const errorSamples: string[] = [];
    const perSecond: number[] = [];
    let counter = 0;
    await sleep(1000);
    sampleMemory();
    const cpuStart = procCpuSeconds(server.pid);
    const pgStart = database ? cpuByMarker(` ${database} `) : null;
    const selfStart = process.cpuUsage();
    const machineStart = machineTimes();
    clockStart = performance.now();
    const deadline = clockStart + durationS * 1000;
    log(`running ${vus.length} virtual users for ${durationS} s`);
    const progress = setInterval(() => {
      const done = perSecond.reduce((s, v) => s + v, 0);
      const last = memory.at(-1);
      log(`  ${Math.round((performance.now() - clockStart) / 1000)} s: ${done} requests, ${[...errors.values()].reduce((s, v) => s + v, 0)} errors, server RSS ${last?.rssMiB ?? '?'} MiB`);
    }, 10_000);

    const run = async (vu: VirtualUser, index: number) => {
      const rand = prng(1000 + index);
      const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
      while (performance.now() < deadline) {
        const x = rand() * vu.totalWeight;
        const op = vu.ops.find((o) => x < o.upTo)!.op;
        const n = counter++;
        const [method, path, body, expected]: [string, string, unknown, number] =
          op === 'person.search'
            ? ['GET', `/api/v1/persons?q=${encodeURIComponent(pick(PERSON_TERMS))}`, undefined, 200]
            : op === 'person.detail'
              ? ['GET', `/api/v1/persons/${pick(vu.personIds)}`, undefined, 200]
              : op === 'referral.inbox'
                ? ['GET', '/api/v1/referrals?box=inbox', undefined, 200]
                : op === 'case.page'
                  ? ['GET', `/api/v1/cases/${pick(vu.caseIds)}`, undefined, 200]
                  : op === 'my-work'
                    ? ['GET', '/api/v1/tasks', undefined, 200]
                    : op === 'record.save'
                      ? ['POST', `/api/v1/cases/${pick(vu.openCaseIds)}/records`, recordBody(n, LABEL), 201]
                      : op === 'intake.save'
                        ? ['POST', '/api/v1/consultations', anonymousIntake(n, LABEL), 201]
                        : ['POST', '/api/v1/consultations', personIntake(pick(vu.personIds), LABEL), 201];
        const t0 = performance.now();
        let res: HttpResponse | null = null;
        let failure: string | null = null;
        try {
          res = await withTimeout(vu.client.request(method, path, body), REQUEST_TIMEOUT_MS);
          if (op === 'person.search' ? !personSearchAnswered(res) : res.status !== expected) failure = `${res.status} ${res.body.slice(0, 200)}`;
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        const t1 = performance.now();
        const list = samples.get(op) ?? [];
        list.push(t1 - t0);
        samples.set(op, list);
        const second = Math.floor((t1 - clockStart) / 1000);
        perSecond[second] = (perSecond[second] ?? 0) + 1;
        if (failure) {
          errors.set(op, (errors.get(op) ?? 0) + 1);
          if (errorSamples.length < 20) errorSamples.push(`${vu.user.loginId} ${op} ${method} ${path}: ${failure}`);
          // A timed-out connection may still carry the old answer: start afresh.
          if (!res) vu.client.agent.destroy();
        }
      }
    };
    await Promise.all(vus.map((vu, i) => run(vu, i)));
    const wallMs = performance.now() - clockStart;
    clearInterval(progress);
    const cpuSeconds = Math.round((procCpuSeconds(server.pid) - cpuStart) * 100) / 100;
    const pgEnd = database ? cpuByMarker(` ${database} `) : null;
    const self = process.cpuUsage(selfStart);
    const machineEnd = machineTimes();
    const wallS = wallMs / 1000;
    const cores = (seconds: number) => Math.round((seconds / wallS) * 100) / 100;
    const postgresSeconds = pgEnd ? [...pgEnd].reduce((sum, [pid, end]) => sum + end - (pgStart?.get(pid) ?? 0), 0) : null;
    const cpuCores = {
      server: cores(cpuSeconds),
      postgres: postgresSeconds === null ? null : cores(postgresSeconds),
      loadGenerator: cores((self.user + self.system) / 1e6),
      machineBusy:
        Math.round(((machineEnd.busy - machineStart.busy) / Math.max(1, machineEnd.all - machineStart.all)) * os.cpus().length * 100) / 100,
    };
    sampleMemory();

    const all = [...samples.values()].flat();
    const overall = summarize(all, wallMs, vus.length);
    const full = perSecond.slice(0, Math.floor(durationS)).map((v) => v ?? 0).sort((a, b) => a - b);
    const operations = [...samples.entries()]
      .map(([key, list]) => ({ key, label: OP_LABELS[key], errors: errors.get(key) ?? 0, stats: summarize(list, wallMs, vus.length) }))
      .sort((a, b) => Object.keys(OP_LABELS).indexOf(a.key) - Object.keys(OP_LABELS).indexOf(b.key));
    const during = memory.filter((m) => m.t >= 0);
    const before = memory.filter((m) => m.t < 0).at(-1) ?? memory[0]!;
    const errorCount = [...errors.values()].reduce((s, v) => s + v, 0);
    return {
      signInMs,
      wallMs: Math.round(wallMs),
      total: { requests: all.length, errors: errorCount, rps: overall.rps, p50: overall.p50, p95: overall.p95, p99: overall.p99, max: overall.max },
      rpsPerSecond: { min: full[0] ?? 0, median: full[Math.floor(full.length / 2)] ?? 0, max: full.at(-1) ?? 0 },
      operations,
      errorSamples,
      server: {
        pid: server.pid,
        memory: {
          startMiB: before.rssMiB,
          peakMiB: Math.max(...during.map((m) => m.rssMiB)),
          endMiB: memory.at(-1)!.rssMiB,
          hwmMiB: memory.at(-1)!.hwmMiB,
          samples: memory,
        },
        cpuSeconds,
        cpuCoreShare: cores(cpuSeconds),
      },
      cpuCores,
    };
  } finally {
    clearInterval(sampler);
    for (const vu of vus) vu.client.close();
  }
}

/** Seed, start a server, run the load and stop it: the whole test, for npm run bench:load and bench/run.ts. */
export async function runLoadTest(options: LoadOptions): Promise<{ result: LoadResult; markdown: string }> {
  const log = options.onProgress ?? ((message: string) => console.log(`[load] ${message}`));
  const date = new Date().toISOString();
  const machine = machineInfo();
  machine.busyBeforeStartPct = await cpuBusyPercent(2000);
  const loadStart = os.loadavg()[0]!;
  let where: { url: string } | { dataDir: string };
  let database: string | undefined;
  if (options.db === 'postgres') {
    if (!postgresAvailable()) throw new Error('PostgreSQL binaries not found (use --db=pglite)');
    log('starting a throw-away PostgreSQL');
    const pg = await startThrowawayPostgres({ poolSize: 10 });
    database = `kasane_load_${options.population}`;
    where = { url: await pg.createDatabase(database) };
  } else {
    where = { dataDir: join(tempDir('kasane-load-pglite-'), 'data') };
  }
  const t0 = performance.now();
  log(`seeding preset ${PRESET} + ${options.population.toLocaleString('en')} people (generator seed ${GENERATOR_SEED}) + ${EXTRA_AGENCIES} fictional agencies`);
  await seedDatabase(where, {
    preset: PRESET,
    adminPassword: ADMIN_PASSWORD,
    agencies: EXTRA_AGENCIES,
    searchTerms: ['支援'],
    population: options.population,
    generatorSeed: GENERATOR_SEED,
    onProgress: log,
  });
  const users = await seedLoadUsers(where, { count: options.users });
  const seedMs = Math.round(performance.now() - t0);
  const kinds = { clerk: 0, coordinator: 0, agency: 0 } satisfies Record<LoadUserKind, number>;
  for (const u of users) kinds[u.kind]++;
  log(`seeded in ${Math.round(seedMs / 1000)} s; ${users.length} users: ${kinds.clerk} window clerks, ${kinds.coordinator} coordinators, ${kinds.agency} agency staff; starting the server`);
  const server = await startServer(where, { preset: PRESET, adminPassword: ADMIN_PASSWORD });
  try {
    const phase = await loadPhase(server, users, options.durationS, log, database);
    machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
    const { onProgress: _p, ...plain } = options;
    const result: LoadResult = {
      date,
      machine,
      options: plain,
      users: kinds,
      seedMs,
      ...phase,
      loadAverage: { start: Math.round(loadStart * 100) / 100, end: Math.round(os.loadavg()[0]! * 100) / 100 },
    };
    return { result, markdown: loadMarkdown(result) };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- report

const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const count = (n: number) => n.toLocaleString('en');

export function loadMarkdown(r: LoadResult): string {
  const m = r.machine;
  const mem = r.server.memory;
  const mix = (kind: LoadUserKind) =>
    Object.entries(MIX[kind])
      .map(([op, w]) => `${op} ${w}`)
      .join(', ');
  return [
    `# Many users at once (load test): ${r.options.db === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
    '',
    `Generated by \`npm run bench:load\` on ${r.date.slice(0, 10)}: ${r.options.db === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${count(r.options.population)} people, ${r.options.users} signed-in users for ${r.options.durationS} s.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cpuCount} CPUs (${m.availableParallelism} available), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, fastify ${m.fastify}. ` +
      `Load average (1 min) ${r.loadAverage.start} at the start and ${r.loadAverage.end} at the end; the machine was ${m.busyBeforeStartPct}% busy before the test started. ` +
      'The load generator, the server and PostgreSQL share these cores: the numbers are a lower bound of what the server alone could do.',
    '',
    `**${r.total.errors === 0 ? 'No errors' : `${count(r.total.errors)} ERRORS`}** in ${count(r.total.requests)} requests: ` +
      `${r.total.rps} requests/s (per second: min ${r.rpsPerSecond.min}, median ${r.rpsPerSecond.median}, max ${r.rpsPerSecond.max}); ` +
      `latency p50 ${ms(r.total.p50)} ms, p95 ${ms(r.total.p95)} ms, p99 ${ms(r.total.p99)} ms, max ${ms(r.total.max)} ms.`,
    '',
    `Server process (pid ${r.server.pid}, node running src/server/main.ts): RSS ${mem.startMiB} MiB when the clock started, peak ${mem.peakMiB} MiB, ${mem.endMiB} MiB at the end; ` +
      `VmHWM (the most since the server started) ${mem.hwmMiB} MiB. It used ${r.server.cpuSeconds} s of CPU in ${Math.round(r.wallMs / 1000)} s (${r.server.cpuCoreShare} cores).`,
    '',
    `CPU during the run, in cores of ${m.cpuCount}: server ${r.cpuCores.server}, PostgreSQL backends of the test database ${r.cpuCores.postgres ?? '– (PGlite runs in the server)'}, ` +
      `this load generator ${r.cpuCores.loadGenerator}; the whole machine was busy ${r.cpuCores.machineBusy}, so other work took about ` +
      `${Math.max(0, Math.round((r.cpuCores.machineBusy - r.cpuCores.server - (r.cpuCores.postgres ?? 0) - r.cpuCores.loadGenerator) * 100) / 100)}. ` +
      `With every user always waiting for an answer, latency is about users ÷ throughput (${r.options.users} ÷ ${r.total.rps}/s ≈ ${ms((r.options.users / r.total.rps) * 1000)} ms): it measures how long a request queues, not how long it takes alone (bench/RESULTS.md).`,
    '',
    '| operation | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...r.operations.map((o) => `| ${o.label} | ${count(o.stats.n)} | ${o.errors} | ${o.stats.rps} | ${ms(o.stats.p50)} | ${ms(o.stats.p95)} | ${ms(o.stats.p99)} | ${ms(o.stats.max)} |`),
    `| **all** | ${count(r.total.requests)} | ${r.total.errors} | ${r.total.rps} | ${ms(r.total.p50)} | ${ms(r.total.p95)} | ${ms(r.total.p99)} | ${ms(r.total.max)} |`,
    '',
    ...(r.errorSamples.length ? ['First errors:', '', ...r.errorSamples.map((e) => `- ${e}`), ''] : []),
    'How it runs:',
    '',
    `- Data as in bench/run.ts (preset ${PRESET}, the generator's people, consultations, consents, referrals and 多機関協働 cases, seed ${GENERATOR_SEED}) with ${EXTRA_AGENCIES} fictional directory agencies; seeding took ${Math.round(r.seedMs / 1000)} s.`,
    `- Users (bench/seed.ts seedLoadUsers): ${r.users.clerk} new window clerks spread round robin over the windows that registered people, ${r.users.coordinator} of the generator's coordinators named on the most cases, ${r.users.agency} new agency staff at the agencies on the most case teams. Each signs in (scrypt) before the clock starts (${Math.round(r.signInMs / 1000)} s for all, with their candidates checked); each candidate person and case was opened once then and kept only when answered 200.`,
    `- One closed-loop virtual user per signed-in user, on a keep-alive connection of its own, no think time: every user has a request in flight all the time, far more than 100 people at their desks would make. Each picks its next operation at random by weight — window clerks: ${mix('clerk')}; coordinators: ${mix('coordinator')}; agency staff: ${mix('agency')}.`,
    '- Writes are real: record entries add phone records (contact) to the user\'s open cases; intakes add anonymous phone consultations or consultations about a person the user may see. Any answer other than the expected 200/201, a network error or no answer within 30 s is an error and fails the run.',
    '- Memory: VmRSS and VmHWM of the server process read from /proc every second; the server runs with its default pool of 10 PostgreSQL connections (PGlite: one connection in the process).',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- main

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg) return arg.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positive(name: string, fallback: number): number {
  const value = Number(option(name) ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

async function main(): Promise<number> {
  const kinds = (option('db') ?? 'postgres,pglite').split(',') as DbKind[];
  if (kinds.length === 0 || kinds.some((k) => k !== 'postgres' && k !== 'pglite')) throw new Error('--db must be postgres, pglite or both (postgres,pglite)');
  const runs: { result: LoadResult; markdown: string }[] = [];
  for (const db of kinds) {
    runs.push(
      await runLoadTest({
        db,
        population: positive('population', 20_000),
        users: positive('users', 100),
        durationS: positive('duration', 60),
      }),
    );
  }
  const markdown = runs.map((r) => r.markdown).join('\n');
  writeFileSync(join(BENCH_DIR, 'load.json'), `${JSON.stringify({ runs: runs.map((r) => r.result) }, null, 2)}\n`);
  writeFileSync(join(BENCH_DIR, 'LOAD.md'), markdown);
  console.log(`\n${markdown}`);
  console.log('wrote bench/load.json and bench/LOAD.md');
  const errors = runs.reduce((sum, r) => sum + r.result.total.errors, 0);
  if (errors > 0) {
    console.error(`LOAD TEST FAILED: ${errors} errors`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
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
}
