import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { Gateway } from '../../src/access/gateway.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { buildApp } from '../../src/server/app.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import type { Role } from '../../src/shared/roles.ts';
import { createUser } from '../../src/users/service.ts';
import type { Agent, Response } from '../support/app.ts';
import { COORD_AGENCY, HOUKATSU_AGENCY, OTHER_AGENCY, open8050Case, WINDOW_AGENCY, type CaseWorld, type OpenedCase, type Party } from '../support/cases.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const WEB_ROOT = join(REPO_ROOT, 'dist/web');
export const SCREENSHOT_DIR = join(REPO_ROOT, '.tmp/screenshots');
/** Password of the bootstrap administrator "admin" (the password rule refuses one that contains the login id). */
export const ADMIN_PASSWORD = 'test-kanri-pass-1';

export interface TestServer {
  url: string;
  handle: DatabaseHandle;
  app: FastifyInstance;
  stop(): Promise<void>;
}

/**
 * A kasane server in this process: a fresh embedded database in a temporary
 * folder, the 小金井市 preset, administrator "admin", and the built web UI.
 */
export async function startServer(options: { preset?: string } = {}): Promise<TestServer> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    throw new Error(`The web UI is not built (${WEB_ROOT}/index.html is missing). Run: npx vite build`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kasane-e2e-'));
  const handle = await openDatabase({ dataDir });
  await migrateToLatest(handle.db);
  await bootstrap(handle.db, { preset: options.preset ?? '小金井市', adminPassword: ADMIN_PASSWORD });
  // A generous login rate limit: the journeys log in many times from one address.
  const app = await buildApp({ db: handle.db, webRoot: WEB_ROOT, loginRateLimit: 1000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('server did not start');
  return {
    url: `http://127.0.0.1:${address.port}`,
    handle,
    app,
    async stop() {
      await app.close();
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium (never a downloaded browser), headless, in Japanese (date inputs show 年/月/日). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      '--lang=ja-JP',
    ],
  });
}

/** A fresh browser context (no cookies) with the screenshot viewport and Japanese locale. */
export async function newPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Save a full-page screenshot to .tmp/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let fonts and the last render settle so screenshots are stable; from
  // the top, so sticky panels sit where a reader first sees them.
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Wait for the page's <h1> to show the given text. */
export async function waitForHeading(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor({ state: 'visible' });
}

/** Fill and send the login form (the first step: login id and password); waits for the server's answer. */
export async function submitLogin(page: Page, loginId: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'ログインID' }).fill(loginId);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login'),
    page.getByRole('button', { name: 'ログイン', exact: true }).click(),
  ]);
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await waitForHeading(page, 'ログイン');
  await page.getByText('ログアウトしました。').waitFor();
}

/**
 * A staff account made directly through the users service (as the CLI
 * would), ready to log in: no password change, no second factor.
 */
export async function createStaff(
  server: TestServer,
  user: { loginId: string; name: string; role: Role; agency: string; password: string },
): Promise<void> {
  const admin = await server.handle.db.selectFrom('users').select('municipality_id').where('login_id', '=', 'admin').executeTakeFirstOrThrow();
  const agency = await server.handle.db
    .selectFrom('agencies')
    .select('id')
    .where('municipality_id', '=', admin.municipality_id)
    .where('name', '=', user.agency)
    .executeTakeFirstOrThrow();
  await new Gateway(server.handle.db).run(
    { kind: 'system', label: 'e2e', municipalityId: admin.municipality_id, clientIp: null },
    'users.write',
    (scope) =>
      createUser(scope, { loginId: user.loginId, name: user.name, role: user.role, agencyId: agency.id, password: user.password }, { mustChange: false }),
  );
}

/** Log in from the login page and wait for the home page. */
export async function loginAs(page: Page, loginId: string, password: string, name: string): Promise<void> {
  await page.goto('/login');
  await submitLogin(page, loginId, password);
  await waitForHeading(page, `こんにちは、${name}さん`);
}

/**
 * Run a journey step in a fresh browser context. Script errors and
 * Content-Security-Policy refusals fail the step; on failure the page is
 * kept as .tmp/screenshots/failure-<tag>.png.
 */
export function pageRunner(env: () => { browser: Browser; server: TestServer }) {
  return async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    const { browser, server } = env();
    const { context, page } = await newPage(browser, server.url);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    try {
      const result = await fn(page);
      expect(problems).toEqual([]);
      return result;
    } catch (error) {
      // Keep the state of the page for whoever reads the failure.
      const tag = /\((\w)\)/.exec(expect.getState().currentTestName ?? '')?.[1] ?? 'unknown';
      await screenshot(page, `failure-${tag}`).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  };
}

/** A signed-in HTTP client for setting up a journey's data through the API (cookie + CSRF token). */
export interface ApiSession {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(path: string): Promise<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  post(path: string, body?: unknown): Promise<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  patch(path: string, body: unknown): Promise<any>;
}

export async function apiSession(server: TestServer, loginId: string, password: string): Promise<ApiSession> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
  if (!login.ok) throw new Error(`login ${loginId}: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body = {}) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
  };
}

/** The API over real HTTP in the shape the API test helpers take (test/support/app.ts: status and body, no throwing). */
export async function httpAgent(server: TestServer, loginId: string, password: string): Promise<Agent> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
  expect(login.status).toBe(200);
  const cookie = /kasane_session=([^;]+)/.exec(login.headers.getSetCookie().join(';'))![1]!;
  const session = (await login.json()) as { csrfToken: string };
  const request: Agent['request'] = async (method, url, body) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: {
        cookie: `kasane_session=${cookie}`,
        'x-csrf-token': session.csrfToken,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { statusCode: res.status, body: text, json: () => JSON.parse(text) as unknown } as unknown as Response;
  };
  return {
    cookie,
    csrf: session.csrfToken,
    session: session as Agent['session'],
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body),
    patch: (url, body) => request('PATCH', url, body),
  };
}

type StaffUser = Parameters<typeof createStaff>[1];

/**
 * The cast of test/support/cases.ts as real staff of the e2e server, with
 * their agents over HTTP, and the 8050 case opened the way staff do it with
 * the 地域包括 on the team (協力, 母の介護).
 */
export async function open8050CaseOverHttp(
  server: TestServer,
  cast: { coordinator: StaffUser; window: StaffUser; houkatsu: StaffUser; outsider: StaffUser },
  options: { name?: string } = {},
): Promise<{ world: CaseWorld; opened: OpenedCase }> {
  const { coordinator, window, houkatsu, outsider } = cast;
  for (const user of [coordinator, window, houkatsu, outsider]) await createStaff(server, user);
  const agencyId = async (name: string) =>
    (await server.handle.db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const party = async (u: StaffUser): Promise<Party> => ({
    user: { id: '', loginId: u.loginId, password: u.password, agencyId: '', role: 'agency_staff', municipalityId: '' },
    agent: await httpAgent(server, u.loginId, u.password),
  });
  const world: CaseWorld = {
    coordinator: await party(coordinator),
    window: await party(window),
    houkatsu: await party(houkatsu),
    outsider: await party(outsider),
    agencies: { coord: await agencyId(COORD_AGENCY), window: await agencyId(WINDOW_AGENCY), houkatsu: await agencyId(HOUKATSU_AGENCY), other: await agencyId(OTHER_AGENCY) },
  };
  const opened = await open8050Case(world, options);
  const team = await world.coordinator.agent.post(`/api/v1/cases/${opened.case.id}/team`, { agencyId: world.agencies.houkatsu, role: 'cooperating', involvement: '母の介護' });
  expect(team.statusCode, team.body).toBe(201);
  return { world, opened };
}

/** A date (YYYY-MM-DD) so many days after another. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A text box by its accessible name. */
export function field(page: Page, name: string | RegExp) {
  return page.getByRole('textbox', { name });
}

/** A control of one row of the plan's actions table ("内容（2行目）"; the row number is visually hidden). */
export function rowName(label: string, n: number): RegExp {
  return new RegExp(`^${label}\\s*（${n}行目）$`);
}

/** Fill the plan form's actions table, adding rows as needed: content, agency (option label), staff, frequency, period. */
export async function fillPlanActions(page: Page, rows: readonly (readonly [string, string, string, string, string])[]): Promise<void> {
  for (const [i, [content, agency, staff, frequency, period]] of rows.entries()) {
    if (i > 0) await page.getByRole('button', { name: '＋ 行を追加' }).click();
    const n = i + 1;
    await field(page, rowName('内容', n)).fill(content);
    await page.getByRole('combobox', { name: rowName('担当機関', n) }).selectOption({ label: agency });
    await field(page, rowName('担当者', n)).fill(staff);
    await field(page, rowName('頻度', n)).fill(frequency);
    await field(page, rowName('期間', n)).fill(period);
  }
}

/** One domain of the assessment form: its status (a pill) and, if given, its note. */
export async function setDomain(page: Page, label: string, status: string, note?: string): Promise<void> {
  await page.getByRole('group', { name: label, exact: true }).getByText(status, { exact: true }).click();
  if (note !== undefined) await page.getByLabel(`${label}の状況・メモ`, { exact: true }).fill(note);
}

/**
 * As the administrator: let coordinators convene the 重層的支援会議 (小金井市's body says 招集 市 and 市 attends every
 * one) and/or stop binding closures, suspensions and approvals to a meeting decision (settings.meetingRules), for
 * journeys about something else. The rules themselves: test/api/meeting-rules.test.ts and test/e2e/meeting-rules.test.ts.
 */
export async function relaxMeetingRules(server: TestServer, what: { convening?: boolean; decisions?: boolean }): Promise<void> {
  const admin = await apiSession(server, 'admin', ADMIN_PASSWORD);
  if (what.convening) {
    const jusou = (await admin.get('/api/v1/meeting-bodies')).items.find((b: { kind: string }) => b.kind === 'jusou');
    await admin.patch(`/api/v1/meeting-bodies/${jusou.id}`, { convenedBy: null, secretariatAttends: false, version: jusou.version });
  }
  if (what.decisions) {
    const current = (await admin.get('/api/v1/municipality')).settings.meetingRules;
    await admin.patch('/api/v1/municipality/settings', { meetingRules: { ...current, meetingDecisions: [] } });
  }
}
