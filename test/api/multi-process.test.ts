import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { SystemContext } from '../../src/access/context.ts';
import { Gateway } from '../../src/access/gateway.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { buildApp } from '../../src/server/app.ts';
import { JOBS } from '../../src/server/jobs.ts';
import { createUser } from '../../src/users/service.ts';
import { ADMIN_PASSWORD, DATABASE_KINDS, USER_PASSWORD, databaseAvailable, uniqueLogin, useTestApp } from '../support/app.ts';
import { startRoundRobin, type RoundRobin } from '../support/round-robin.ts';

/**
 * Several server processes on one PostgreSQL behind a round-robin proxy (the
 * README's "複数のサーバープロセスで動かす"): sessions, CSRF tokens, the login
 * rate limit and background jobs live in the database, so it does not matter
 * which process answers.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const RATE_LIMIT = 5;

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

interface ServerProcess {
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `npm start` without the web build: node --import tsx src/server/main.ts with the README's variables. */
async function startServer(databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KASANE_DATA_DIR;
  delete env.KASANE_JOBS;
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    KASANE_PRESET: '小金井市',
    KASANE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    KASANE_TRUST_PROXY: '1',
    KASANE_LOGIN_RATE_LIMIT: String(RATE_LIMIT),
    KASANE_LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((ok) => setTimeout(() => ok(false), 5000))]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes('kasane is running at')) {
    if (child.exitCode !== null) throw new Error(`server on :${port} exited: ${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server on :${port} did not start: ${output}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return { port, child, output: () => output, stop };
}

interface Answer {
  status: number;
  upstream: string;
  body: Record<string, unknown>;
  cookie: string | null;
}

/** A browser-like client of the proxy: keeps the session cookie, sends a CSRF token when given. */
function client(port: number, clientIp: string) {
  let cookie: string | null = null;
  const call = async (method: string, path: string, body?: unknown, csrf?: string | null): Promise<Answer> => {
    const headers: Record<string, string> = { 'x-forwarded-for': clientIp };
    if (cookie) headers.cookie = `kasane_session=${cookie}`;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('kasane_session='));
    if (set) cookie = set.slice('kasane_session='.length).split(';')[0] || null;
    const text = await res.text();
    return { status: res.status, upstream: res.headers.get('x-upstream') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, cookie };
  };
  return {
    call,
    get cookie() {
      return cookie;
    },
    set cookie(value: string | null) {
      cookie = value;
    },
  };
}

const postgres = databaseAvailable('postgres');

describe('two server processes on one PostgreSQL behind a round-robin proxy', () => {
  let servers: ServerProcess[] = [];
  let proxy: RoundRobin | undefined;
  let handle: DatabaseHandle | undefined;
  let dropDatabase = async () => {};
  const clerk = { loginId: uniqueLogin('clerk'), password: USER_PASSWORD };

  beforeAll(async () => {
    if (!postgres) return;
    // An empty database: both processes start at once, so they migrate and install (first start) concurrently.
    const info = inject('postgres')!;
    const name = `kasane_mp_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = async (statement: string) => {
      const client = new pg.Client({ connectionString: info.adminUrl });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    await admin(`create database ${name}`);
    dropDatabase = () => admin(`drop database if exists ${name} with (force)`);
    const url = `${info.baseUrl}${name}`;
    servers = await Promise.all([startServer(url), startServer(url)]);
    proxy = await startRoundRobin(servers.map((s) => s.port));

    // An intake clerk, made as the administrator's CLI would.
    handle = await openDatabase({ url, poolSize: 2 });
    const db = handle.db;
    const municipality = await db.selectFrom('municipalities').select('id').executeTakeFirstOrThrow();
    const agency = await db
      .selectFrom('agencies')
      .select('id')
      .where('municipality_id', '=', municipality.id)
      .where('active', '=', true)
      .orderBy('kana')
      .limit(1)
      .executeTakeFirstOrThrow();
    const ctx: SystemContext = { kind: 'system', label: 'test', municipalityId: municipality.id, clientIp: null };
    await new Gateway(db).run(ctx, 'users.write', (scope) =>
      createUser(scope, { loginId: clerk.loginId, name: 'テスト 窓口', role: 'intake_clerk', agencyId: agency.id, password: clerk.password }, { mustChange: false }),
    );
  }, 120_000);

  beforeEach((ctx) => {
    if (!postgres) ctx.skip('PostgreSQL is not available in this run');
  });

  afterAll(async () => {
    await proxy?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await handle?.close();
    await dropDatabase();
  });

  it('both start on one empty database: one migrates and installs, the other finds it done', async () => {
    const outputs = servers.map((s) => s.output());
    expect(outputs.filter((o) => o.includes('database migrated:'))).toHaveLength(1);
    expect(outputs.filter((o) => o.includes('first start: municipality 小金井市 created'))).toHaveLength(1);
    expect(await handle!.db.selectFrom('municipalities').select('id').execute()).toHaveLength(1);
    expect(await handle!.db.selectFrom('users').select('id').where('login_id', '=', 'admin').execute()).toHaveLength(1);
  });

  it('keeps the session and the CSRF token whichever process answers, and ends the session on both', async () => {
    const browser = client(proxy!.port, '198.51.100.10');
    const login = await browser.call('POST', '/api/v1/auth/login', { loginId: clerk.loginId, password: clerk.password });
    expect(login.status).toBe(200);
    const csrf = login.body.csrfToken as string;
    expect(csrf).toMatch(/.{16,}/);

    // The next requests alternate between the processes: both know the session.
    const sessions = [await browser.call('GET', '/api/v1/auth/session'), await browser.call('GET', '/api/v1/auth/session')];
    expect(new Set(sessions.map((s) => s.upstream)).size).toBe(2);
    for (const s of sessions) {
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({ authenticated: true, csrfToken: csrf });
    }

    // A write needs the CSRF token, on either process.
    const person = { name: '多摩 ハナ', nameKana: 'タマ ハナ', birthDate: '1950-04-01', confirmNotDuplicate: true };
    const refused = [await browser.call('POST', '/api/v1/persons', person), await browser.call('POST', '/api/v1/persons', person, 'not-the-token')];
    expect(new Set(refused.map((r) => r.upstream)).size).toBe(2);
    for (const r of refused) expect(r.body).toMatchObject({ error: { code: 'csrf_failed' } });
    const created = await browser.call('POST', '/api/v1/persons', person, csrf);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const reads = [await browser.call('GET', `/api/v1/persons/${id}`), await browser.call('GET', `/api/v1/persons/${id}`)];
    expect(new Set(reads.map((r) => r.upstream)).size).toBe(2);
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, name: '多摩 ハナ' });
    }

    // Logging out on one process ends the session on both.
    const session = browser.cookie;
    const logout = await browser.call('POST', '/api/v1/auth/logout', undefined, csrf);
    expect(logout.status).toBe(204);
    browser.cookie = session;
    const after = [await browser.call('GET', '/api/v1/auth/session'), await browser.call('GET', '/api/v1/auth/session')];
    expect(new Set(after.map((r) => r.upstream)).size).toBe(2);
    for (const r of after) expect(r.body).toMatchObject({ authenticated: false });
    browser.cookie = session;
    const denied = [await browser.call('GET', `/api/v1/persons/${id}`), await browser.call('POST', '/api/v1/persons', person, csrf)];
    expect(new Set(denied.map((r) => r.upstream)).size).toBe(2);
    for (const r of denied) expect(r.status).toBe(401);
  });

  it('counts the login rate limit across both processes', async () => {
    const attacker = client(proxy!.port, '203.0.113.99');
    const answers: Answer[] = [];
    for (let i = 0; i <= RATE_LIMIT; i++) {
      answers.push(await attacker.call('POST', '/api/v1/auth/login', { loginId: 'nobody-here', password: 'wrong-password-1' }));
    }
    // Alone, neither process has seen more than three attempts; together they refuse the sixth.
    expect(new Set(answers.map((a) => a.upstream)).size).toBe(2);
    expect(answers.slice(0, RATE_LIMIT).map((a) => a.status)).toEqual(Array(RATE_LIMIT).fill(401));
    expect(answers[RATE_LIMIT]!.status).toBe(429);
    expect(answers[RATE_LIMIT]!.body).toMatchObject({ error: { code: 'too_many_requests' } });
    // Another address is not affected.
    const other = await client(proxy!.port, '203.0.113.100').call('POST', '/api/v1/auth/login', { loginId: 'nobody-here', password: 'wrong-password-1' });
    expect(other.status).toBe(401);
  });

  it('runs each due background job once in total, not once per process', async () => {
    const expected = JOBS.filter((j) => j.only !== 'pglite').map((j) => j.name).sort();
    const ran = () =>
      servers
        .flatMap((s) => s.output().split('\n'))
        .filter((line) => line.includes('"background job ran"'))
        .map((line) => (JSON.parse(line) as { job: string }).job)
        .sort();
    const deadline = Date.now() + 15_000;
    while (ran().length < expected.length && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
    // Both processes ticked at start (and have answered requests since): nothing runs twice.
    await new Promise((ok) => setTimeout(ok, 500));
    expect(ran()).toEqual(expected);
    const runs = await handle!.db.selectFrom('job_runs').select('job').execute();
    expect(runs.map((r) => r.job).sort()).toEqual(expected);
    for (const s of servers) expect(s.output()).not.toContain('background job failed');
  });
});

describe.each(DATABASE_KINDS)('login rate limit kept in the database (%s)', (kind) => {
  const t = useTestApp(kind);

  it('two app instances on one database count the same attempts', async () => {
    const apps = [await buildApp({ db: t.db, webRoot: null, loginRateLimit: 3 }), await buildApp({ db: t.db, webRoot: null, loginRateLimit: 3 })];
    try {
      const attempt = (i: number, remoteAddress: string) =>
        apps[i % 2]!.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ loginId: 'nobody-here', password: 'wrong-password-1' }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await attempt(i, '192.0.2.1')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await attempt(0, '192.0.2.2')).statusCode).toBe(401);
      const rows = await t.db.selectFrom('rate_limits').select(['key', 'hits']).orderBy('key').execute();
      expect(rows).toEqual([
        { key: 'POST /api/v1/auth/login|192.0.2.1', hits: 4 },
        { key: 'POST /api/v1/auth/login|192.0.2.2', hits: 1 },
      ]);
      // An expired window starts again; the purge job removes expired rows.
      await t.db.updateTable('rate_limits').set({ expires_at: new Date(Date.now() - 1000) }).where('key', 'like', '%192.0.2.1').execute();
      expect((await attempt(1, '192.0.2.1')).statusCode).toBe(401);
      await t.db.updateTable('rate_limits').set({ expires_at: new Date(Date.now() - 1000) }).execute();
      await JOBS.find((j) => j.name === 'rate_limits.purge')!.run(t.db);
      expect(await t.db.selectFrom('rate_limits').select('key').execute()).toEqual([]);
    } finally {
      await Promise.all(apps.map((a) => a.close()));
    }
  });
});
