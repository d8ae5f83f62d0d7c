import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { buildApp } from '../../src/server/app.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';

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
  // Let fonts and the last render settle so screenshots are stable.
  await page.evaluate(() => document.fonts.ready);
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
