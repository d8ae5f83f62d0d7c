import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { isDatabaseUnavailable } from '../../src/server/db-errors.ts';
import { startJobs } from '../../src/server/jobs.ts';
import { ADMIN_PASSWORD } from '../support/app.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

/**
 * PostgreSQL restarted under load (pg_ctl stop -m fast, then start): the
 * kasane process stays alive, answers 503 `database_unavailable` in the one
 * error shape while the database is down (and /api/health says so), and
 * serves again once it is back — the same session, without a restart of
 * kasane. A PostgreSQL server of its own, since it is stopped.
 */

const UNAVAILABLE = {
  code: 'database_unavailable',
  message: 'データベースに接続できません。しばらく待ってからもう一度お試しください。',
  fields: {},
};

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

describe.skipIf(!postgresAvailable())('a PostgreSQL restart under load', () => {
  let pgServer: PostgresServer | undefined;
  let kasane: ServerProcess | undefined;
  let handle: DatabaseHandle | undefined;
  let paused = false;
  let cookie = '';
  let csrf = '';

  async function call(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { cookie: `kasane_session=${cookie}` };
    if (method !== 'GET') headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`http://127.0.0.1:${kasane!.port}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Reads and writes of the administrator, `workers` at a time, until stopped; every answer is kept. */
  function load(workers: number) {
    const answers: (Answer & { path: string })[] = [];
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        n += 1;
        const [method, path, body] =
          n % 3 === 0
            ? (['PATCH', '/api/v1/municipality/settings', { consentFormInformation: `氏名、連絡先、相談の内容（${n}）` }] as const)
            : n % 3 === 1
              ? (['GET', '/api/v1/municipality', undefined] as const)
              : (['GET', '/api/v1/users', undefined] as const);
        try {
          answers.push({ path, ...(await call(method, path, body)) });
        } catch (error) {
          // The kasane process itself did not answer (it is gone).
          answers.push({ path, status: 0, body: String(error) });
          await new Promise((ok) => setTimeout(ok, 50));
        }
      }
    };
    const done = Promise.all(Array.from({ length: workers }, worker));
    return {
      answers,
      stop: async () => {
        running = false;
        await done;
      },
    };
  }

  beforeAll(async () => {
    pgServer = await startPostgres({ poolSize: 4 });
    kasane = await startServerProcess({
      DATABASE_URL: pgServer.url,
      DATABASE_POOL_SIZE: '4',
      KASANE_PRESET: '小金井市',
      KASANE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KASANE_LOG_LEVEL: 'warn',
    });
    const login = await fetch(`http://127.0.0.1:${kasane.port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers.getSetCookie().find((c) => c.startsWith('kasane_session='))!.split(';')[0]!.slice('kasane_session='.length);
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    // The background jobs, in this process, on the same database (kasane's own run every minute only).
    handle = await openDatabase({ url: pgServer.url, poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    await kasane?.stop();
    await handle?.close();
    if (paused) await pgServer?.resume().catch(() => {});
    await pgServer?.stop();
  });

  it('survives three restarts: 503 in the error shape while down, served again after', async () => {
    for (let round = 1; round <= 3; round++) {
      const traffic = load(12);
      await new Promise((ok) => setTimeout(ok, 400));
      await pgServer!.pause();
      paused = true;
      // Down: whatever is asked is answered 503 database_unavailable, health included.
      const whileDown = traffic.answers.length;
      await new Promise((ok) => setTimeout(ok, 800));
      const health = await fetch(`http://127.0.0.1:${kasane!.port}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', database: 'unavailable', error: UNAVAILABLE });
      const down = traffic.answers.slice(whileDown);
      expect(down.length).toBeGreaterThan(5);
      for (const a of down) expect({ status: a.status, error: a.body?.error }).toEqual({ status: 503, error: UNAVAILABLE });
      expect(kasane!.alive(), kasane!.output()).toBe(true);
      if (round === 1) {
        // A tick of the background jobs while the database is down: each job's failure is reported, nothing is thrown.
        const failures: unknown[] = [];
        const stopJobs = startJobs(handle!.db, 'postgres', { onError: (error) => failures.push(error) });
        const until = Date.now() + 10_000;
        while (failures.length < 5 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 50));
        stopJobs();
        expect(failures.length).toBeGreaterThanOrEqual(5);
        expect(failures.every(isDatabaseUnavailable), String(failures.find((f) => !isDatabaseUnavailable(f)))).toBe(true);
      }

      await pgServer!.resume();
      paused = false;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${kasane!.port}/api/health`);
        if (res.status === 200) {
          expect(await res.json()).toEqual({ status: 'ok', database: 'ok' });
          break;
        }
        if (Date.now() > deadline) throw new Error(`not healthy again after the restart:\n${kasane!.output()}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
      const afterRestart = traffic.answers.length;
      await new Promise((ok) => setTimeout(ok, 600));
      await traffic.stop();

      // Around the stop every answer was a success or a 503, never a 500 or no answer at all.
      const statuses = new Set(traffic.answers.map((a) => a.status));
      expect([...statuses].filter((s) => s !== 200 && s !== 503), JSON.stringify(traffic.answers.filter((a) => a.status !== 200 && a.status !== 503).slice(0, 3))).toEqual([]);
      for (const a of traffic.answers.filter((x) => x.status === 503)) expect(a.body.error).toEqual(UNAVAILABLE);
      // Back: the same session reads and writes again.
      const back = traffic.answers.slice(afterRestart);
      expect(back.length).toBeGreaterThan(5);
      expect(back.every((a) => a.status === 200), JSON.stringify(back.find((a) => a.status !== 200))).toBe(true);
      const saved = await call('PATCH', '/api/v1/municipality/settings', { consentFormInformation: `再起動 ${round} 回目のあと` });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(kasane!.alive(), kasane!.output()).toBe(true);
    }
  }, 120_000);
});
