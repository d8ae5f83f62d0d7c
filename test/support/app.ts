import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { beforeAll, beforeEach, afterAll, inject } from 'vitest';
import type { SystemContext } from '../../src/access/context.ts';
import { Gateway } from '../../src/access/gateway.ts';
import { migrateToLatest, openDatabase, type Db, type DatabaseHandle } from '../../src/db/database.ts';
import { buildApp } from '../../src/server/app.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import type { Role } from '../../src/shared/roles.ts';
import { createUser as createUserService } from '../../src/users/service.ts';
import './provided.ts';

/**
 * API test harness: a kasane app (Fastify, driven with app.inject) on a
 * fresh database of either kind, bootstrapped with a municipality preset
 * and its administrator "admin".
 */
export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** Password of the bootstrap administrator "admin" (must not contain the login id). */
export const ADMIN_PASSWORD = 'kasane-test-pass-1';
/** Default password of users made with createUser(). */
export const USER_PASSWORD = 'Ryokucha-2025-tests';

export type Response = LightMyRequestResponse;

export interface RequestOptions {
  headers?: Record<string, string>;
  /** The x-csrf-token to send: the agent's own by default, a string to send another, null to send none. */
  csrf?: string | null;
  /** A raw body (sent as is instead of JSON). */
  payload?: string | Buffer;
  contentType?: string;
}

export interface Agent {
  /** Session cookie value (null for an anonymous agent). */
  cookie: string | null;
  csrf: string | null;
  /** Body of the login response (step, user, municipality…). */
  session: SessionBody | null;
  get(url: string, options?: RequestOptions): Promise<Response>;
  post(url: string, body?: unknown, options?: RequestOptions): Promise<Response>;
  patch(url: string, body?: unknown, options?: RequestOptions): Promise<Response>;
  request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, options?: RequestOptions): Promise<Response>;
}

export interface SessionBody {
  authenticated: boolean;
  step?: 'done' | 'totp' | 'enroll' | 'password';
  csrfToken?: string;
  user?: { id: string; loginId: string; name: string; role: string; agencyId: string; agencyName: string; totpEnabled: boolean };
  municipality?: { id: string; name: string; mfaRequired: boolean };
}

export interface CreateUserOptions {
  role?: Role;
  loginId?: string;
  name?: string;
  /** Agency name or id (default: the municipality's first active agency by kana). */
  agency?: string;
  password?: string;
  /** Whether the user must change the password at first login (default false, so tests can log in at once). */
  mustChange?: boolean;
  /** Municipality id (default: the bootstrap municipality). */
  municipalityId?: string;
}

export interface TestUser {
  id: string;
  loginId: string;
  password: string;
  agencyId: string;
  role: Role;
  municipalityId: string;
}

export interface TestApp {
  kind: DatabaseKind;
  app: FastifyInstance;
  db: Db;
  /** The bootstrap municipality (the preset's). */
  municipalityId: string;
  close(): Promise<void>;
  /** Log in and return an agent; throws unless the login answers 200. */
  login(loginId: string, password: string): Promise<Agent>;
  /** Log in without judging the answer. */
  tryLogin(loginId: string, password: string, options?: RequestOptions): Promise<{ res: Response; agent: Agent }>;
  /** An agent without a session. */
  anonymous(): Agent;
  /** Log in as the bootstrap administrator. */
  loginAdmin(): Promise<Agent>;
  createUser(options?: CreateUserOptions): Promise<TestUser>;
  /** Id of an agency of the municipality by its exact name. */
  agencyId(name: string, municipalityId?: string): Promise<string>;
}

let counter = 0;
/** A login id no other test uses. */
export function uniqueLogin(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** Whether this kind of database can be tested here (PostgreSQL binaries may be missing locally). */
export function databaseAvailable(kind: DatabaseKind): boolean {
  return kind === 'pglite' || inject('postgres') !== null;
}

interface OpenedDatabase {
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function openTestDatabase(kind: DatabaseKind): Promise<OpenedDatabase> {
  if (kind === 'pglite') {
    // Start from the migrated data folder the global setup dumped (skips initdb); migrating again is a no-op check.
    const handle = await openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    await migrateToLatest(handle.db);
    return { handle, drop: async () => {} };
  }
  const info = inject('postgres');
  if (!info) throw new Error('PostgreSQL is not available in this run (see the global setup warning)');
  const name = `kasane_t_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(info.adminUrl, async (client) => {
    // Copies of one template are made one at a time (the template must be idle while copied).
    await client.query('select pg_advisory_lock(7301999)');
    try {
      await client.query(`create database ${name} template ${info.template}`);
    } finally {
      await client.query('select pg_advisory_unlock(7301999)');
    }
  });
  const handle = await openDatabase({ url: `${info.baseUrl}${name}`, poolSize: 5 });
  return {
    handle,
    drop: () =>
      withAdminClient(info.adminUrl, async (client) => {
        await client.query(`drop database if exists ${name} with (force)`);
      }),
  };
}

export async function createTestApp(kind: DatabaseKind, options: { preset?: string } = {}): Promise<TestApp> {
  const { handle, drop } = await openTestDatabase(kind);
  const db = handle.db;
  let app: FastifyInstance;
  try {
    await bootstrap(db, { preset: options.preset ?? '小金井市', adminPassword: ADMIN_PASSWORD });
    app = await buildApp({ db, webRoot: null, loginRateLimit: 1000 });
    await app.ready();
  } catch (error) {
    await handle.close();
    await drop();
    throw error;
  }
  const admin = await db.selectFrom('users').select(['municipality_id']).where('login_id', '=', 'admin').executeTakeFirstOrThrow();
  const municipalityId = admin.municipality_id;

  const makeAgent = (cookie: string | null, csrf: string | null, session: SessionBody | null): Agent => {
    const agent: Agent = {
      cookie,
      csrf,
      session,
      request: (method, url, body, opts = {}) => {
        const headers: Record<string, string> = { ...(opts.headers ?? {}) };
        if (agent.cookie) headers.cookie = `kasane_session=${agent.cookie}`;
        const csrfToken = opts.csrf === undefined ? agent.csrf : opts.csrf;
        if (csrfToken !== null && method !== 'GET') headers['x-csrf-token'] = csrfToken;
        if (opts.contentType) headers['content-type'] = opts.contentType;
        const payload =
          opts.payload !== undefined ? opts.payload : body === undefined ? undefined : JSON.stringify(body);
        if (payload !== undefined && !opts.contentType) headers['content-type'] = 'application/json';
        return app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
      },
      get: (url, opts) => agent.request('GET', url, undefined, opts),
      post: (url, body, opts) => agent.request('POST', url, body, opts),
      patch: (url, body, opts) => agent.request('PATCH', url, body, opts),
    };
    return agent;
  };

  const tryLogin: TestApp['tryLogin'] = async (loginId, password, opts = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) },
      payload: JSON.stringify({ loginId, password }),
    });
    const cookie = res.cookies.find((c) => c.name === 'kasane_session')?.value ?? null;
    const body = res.statusCode === 200 ? (res.json() as SessionBody) : null;
    return { res, agent: makeAgent(cookie, body?.csrfToken ?? null, body) };
  };

  const login: TestApp['login'] = async (loginId, password) => {
    const { res, agent } = await tryLogin(loginId, password);
    if (res.statusCode !== 200) throw new Error(`login of ${loginId} failed: ${res.statusCode} ${res.body}`);
    return agent;
  };

  const agencyId: TestApp['agencyId'] = async (name, mid = municipalityId) => {
    const row = await db
      .selectFrom('agencies')
      .select('id')
      .where('municipality_id', '=', mid)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw new Error(`no agency named ${name}`);
    return row.id;
  };

  const createUser: TestApp['createUser'] = async (opts = {}) => {
    const mid = opts.municipalityId ?? municipalityId;
    const role = opts.role ?? 'intake_clerk';
    const loginId = opts.loginId ?? uniqueLogin(role.replace('_', ''));
    const password = opts.password ?? USER_PASSWORD;
    let agency: string;
    if (opts.agency && /^[0-9a-f-]{36}$/.test(opts.agency)) agency = opts.agency;
    else if (opts.agency) agency = await agencyId(opts.agency, mid);
    else {
      const first = await db
        .selectFrom('agencies')
        .select('id')
        .where('municipality_id', '=', mid)
        .where('active', '=', true)
        .orderBy('kana')
        .limit(1)
        .executeTakeFirstOrThrow();
      agency = first.id;
    }
    const ctx: SystemContext = { kind: 'system', label: 'test', municipalityId: mid, clientIp: null };
    const created = await new Gateway(db).run(ctx, 'users.write', (scope) =>
      createUserService(
        scope,
        { loginId, name: opts.name ?? `テスト ${loginId}`, role, agencyId: agency, password },
        { mustChange: opts.mustChange ?? false },
      ),
    );
    return { id: created.user.id, loginId, password, agencyId: agency, role, municipalityId: mid };
  };

  let closed = false;
  return {
    kind,
    app,
    db,
    municipalityId,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await handle.close();
      await drop();
    },
    login,
    tryLogin,
    anonymous: () => makeAgent(null, null, null),
    loginAdmin: () => login('admin', ADMIN_PASSWORD),
    createUser,
    agencyId,
  };
}

/**
 * Register a fresh app for the enclosing describe block: created before its
 * tests, closed after them. The PostgreSQL variant is skipped (not failed)
 * only when the global setup found no PostgreSQL, which CI forbids.
 * Returns a stand-in whose properties are those of the app once created.
 */
export function useTestApp(kind: DatabaseKind, options: { preset?: string } = {}): TestApp {
  const available = databaseAvailable(kind);
  let current: TestApp | undefined;
  beforeAll(async () => {
    if (available) current = await createTestApp(kind, options);
  });
  beforeEach((ctx) => {
    if (!available) ctx.skip('PostgreSQL is not available in this run');
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestApp, {
    get(_target, prop) {
      if (!current) throw new Error('the test app is not ready yet (use it inside tests or hooks)');
      return current[prop as keyof TestApp];
    },
  });
}

/** The JSON body of a response (typed loosely for assertions). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function json(res: Response): any {
  return res.json();
}
