import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentStep, totpCode } from '../../src/auth/totp.ts';
import {
  ADMIN_PASSWORD,
  launchBrowser,
  logout,
  pageRunner,
  screenshot,
  startServer,
  submitLogin,
  waitForHeading,
  type TestServer,
} from './support.ts';

/**
 * Browser journeys through the web UI against an in-process server with the
 * 小金井市 preset. Screenshots of every page go to .tmp/screenshots/.
 */
const TIMEOUT = 120_000;

const STAFF = {
  loginId: 'minami.sato',
  name: '佐藤 花子',
  initialPassword: 'Shokai-pass-2025',
  password: 'Minami-own-pass-77',
};

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

const withPage = pageRunner(() => ({ browser, server }));

async function loginAsAdmin(page: Page): Promise<void> {
  await page.goto('/login');
  await submitLogin(page, 'admin', ADMIN_PASSWORD);
  await waitForHeading(page, 'こんにちは、システム管理者さん');
}

async function openNav(page: Page, label: string, heading: string | RegExp = label): Promise<void> {
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: label, exact: true }).click();
  await waitForHeading(page, heading);
}

/** The visible text of the table rows' first cells. */
async function firstColumn(page: Page): Promise<string[]> {
  return page.locator('table tbody tr td:first-child').allInnerTexts();
}

describe('web journeys', () => {
  it(
    '(a) admin creates a user; the user changes the password and finds an agency',
    async () => {
      await withPage(async (page) => {
        await page.goto('/');
        // Not signed in: the login page, with the product name.
        await waitForHeading(page, 'ログイン');
        expect(await page.title()).toBe('ログイン | kasane');
        await page.getByText('重層的支援体制整備事業 支援システム').waitFor();
        await screenshot(page, 'login');

        await submitLogin(page, 'admin', ADMIN_PASSWORD);
        await waitForHeading(page, 'こんにちは、システム管理者さん');
        expect(await page.title()).toBe('ホーム | kasane');
        await screenshot(page, 'home-admin');

        await openNav(page, '利用者管理');
        expect(await page.title()).toBe('利用者管理 | kasane');
        // Focus moves to the new page's heading.
        expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
        await page.getByRole('link', { name: 'システム管理者' }).waitFor();
        await screenshot(page, 'users');

        await page.getByRole('link', { name: '新規登録' }).click();
        await waitForHeading(page, '利用者の新規登録');
        // Sending the empty form: an error summary linked to each field.
        await page.getByRole('button', { name: '登録する' }).click();
        const summary = page.getByRole('alert').filter({ hasText: '入力内容を確認してください' });
        await summary.waitFor();
        expect(await page.evaluate(() => document.activeElement?.className)).toContain('error-summary');
        await summary.getByRole('link', { name: '氏名：入力してください' }).click();
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('user-name');
        await screenshot(page, 'user-new-errors');

        await page.getByLabel('ログインID').fill(STAFF.loginId);
        await page.getByLabel('氏名').fill(STAFF.name);
        await page.getByLabel('役割').selectOption({ label: '窓口職員' });
        await page.getByLabel('所属機関').selectOption({ label: '小金井みなみ地域包括支援センター' });
        await page.getByLabel('初期パスワード（任意）').fill(STAFF.initialPassword);
        await page.getByRole('button', { name: '登録する' }).click();
        await waitForHeading(page, STAFF.name);
        await page.getByText(`${STAFF.name}さんを登録しました。`).waitFor();
        await page.getByText('パスワード変更待ち').first().waitFor();
        await screenshot(page, 'user-detail');

        await logout(page);
        await screenshot(page, 'login-logged-out');

        // First login with the password the administrator set: must change it.
        await submitLogin(page, STAFF.loginId, STAFF.initialPassword);
        await waitForHeading(page, 'パスワードの変更');
        await screenshot(page, 'login-password-change');
        await page.getByLabel('現在のパスワード（必須）').fill(STAFF.initialPassword);
        await page.getByLabel('新しいパスワード（必須）').fill(STAFF.password);
        await page.getByLabel('新しいパスワード（確認）（必須）').fill(STAFF.password);
        await page.getByRole('button', { name: '変更して利用を始める' }).click();
        await waitForHeading(page, `こんにちは、${STAFF.name}さん`);
        const header = page.getByRole('banner');
        await header.getByText('窓口職員').waitFor();
        await header.getByText('小金井みなみ地域包括支援センター').waitFor();
        await header.getByText('小金井市').waitFor();
        await screenshot(page, 'home-staff');

        // 機関・窓口: hiragana finds the kanji-and-hiragana name.
        await openNav(page, '機関・窓口');
        expect(await page.title()).toBe('機関・窓口 | kasane');
        await page.getByLabel('キーワード').fill('みなみ');
        const minami = page.getByRole('link', { name: '小金井みなみ地域包括支援センター' });
        await minami.waitFor();
        await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length <= 3);
        const names = await firstColumn(page);
        expect(names.some((n) => n.includes('小金井みなみ地域包括支援センター'))).toBe(true);
        expect(names.some((n) => n.includes('小金井きた'))).toBe(false);
        await screenshot(page, 'directory-search');

        await minami.click();
        await waitForHeading(page, '小金井みなみ地域包括支援センター');
        expect(await page.title()).toBe('小金井みなみ地域包括支援センター | kasane');
        for (const text of ['事業（サービス）', '運営主体', '所在地・連絡先', '地域包括支援センターの運営', '介護保険法', '介護福祉課']) {
          await page.getByText(text).first().waitFor();
        }
        // Staff may read the directory but not edit it.
        expect(await page.getByRole('link', { name: '編集' }).count()).toBe(0);
        await screenshot(page, 'agency-detail');

        await logout(page);
      });
    },
    TIMEOUT,
  );

  it(
    '(b) the directory finds the four 地域包括支援センター and shows the meeting bodies',
    async () => {
      await withPage(async (page) => {
        await page.goto('/agencies');
        await waitForHeading(page, 'ログイン');
        await submitLogin(page, STAFF.loginId, STAFF.password);
        // After login the page asked for comes back.
        await waitForHeading(page, '機関・窓口');
        await page.getByRole('link', { name: '小金井きた地域包括支援センター' }).waitFor();
        await screenshot(page, 'directory');

        const search = page.getByLabel('キーワード');
        await search.fill('地域包括');
        await search.press('Enter');
        await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 4);
        const names = await firstColumn(page);
        for (const area of ['きた', 'みなみ', 'ひがし', 'にし']) {
          expect(names.some((n) => n.includes(`小金井${area}地域包括支援センター`))).toBe(true);
        }
        expect(new URL(page.url()).searchParams.get('q')).toBe('地域包括');

        // Filters combine with the search.
        await page.getByLabel('対象分野').selectOption('子ども');
        await page.getByText('条件に合う機関・窓口は見つかりませんでした。').waitFor();
        await page.getByLabel('対象分野').selectOption('高齢');
        await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 4);
        await screenshot(page, 'directory-houkatsu');

        await page.getByRole('link', { name: '会議体・配置' }).click();
        await waitForHeading(page, '会議体・配置');
        await page.getByRole('heading', { name: '重層的支援会議', exact: true }).waitFor();
        await page.getByRole('heading', { name: '支援会議', exact: true }).waitFor();
        await page.getByRole('heading', { name: '推進員・コーディネーター等の配置' }).waitFor();
        await screenshot(page, 'meeting-bodies');

        // The menu links the built areas (会議 included); what a role may not use is not listed.
        const nav = page.getByRole('navigation', { name: 'メインメニュー' });
        await nav.getByRole('link', { name: '事例（多機関協働）' }).waitFor();
        await nav.getByRole('link', { name: '会議', exact: true }).waitFor();
        await nav.getByRole('link', { name: '相談受付' }).waitFor();
        expect(await nav.getByRole('link', { name: '利用者管理' }).count()).toBe(0);

        await page.goto('/no-such-page');
        await waitForHeading(page, 'ページが見つかりません');
        await screenshot(page, 'not-found');

        await page.goto('/users');
        await waitForHeading(page, 'この画面を表示する権限がありません');

        // The session ends on the server (expired, or ended by an administrator):
        // the next request leads to the login page, and back to the same page after login.
        await page.goto('/agencies?q=%E3%81%BF%E3%81%AA%E3%81%BF');
        await waitForHeading(page, '機関・窓口');
        await server.handle.db.deleteFrom('sessions').execute();
        await page.getByLabel('対象分野').selectOption('高齢');
        await waitForHeading(page, 'ログイン');
        await page.getByText('ログインが必要です。もう一度ログインしてください。').waitFor();
        await screenshot(page, 'login-session-ended');
        await submitLogin(page, STAFF.loginId, STAFF.password);
        await waitForHeading(page, '機関・窓口');
        expect(new URL(page.url()).searchParams.get('q')).toBe('みなみ');
        await logout(page);
      });
    },
    TIMEOUT,
  );

  it(
    '(c) five wrong passwords lock the account; the administrator unlocks it',
    async () => {
      await withPage(async (page) => {
        await page.goto('/login');
        for (let attempt = 1; attempt <= 4; attempt++) {
          await submitLogin(page, STAFF.loginId, `wrong-password-${attempt}`);
          await page.getByRole('alert').filter({ hasText: 'ログインIDまたはパスワードが正しくありません。' }).waitFor();
        }
        await screenshot(page, 'login-failed');
        await submitLogin(page, STAFF.loginId, 'wrong-password-5');
        await page.getByText('アカウントがロックされています').waitFor();
        await page.getByText('管理者に解除を依頼してください').waitFor();
        await screenshot(page, 'login-locked');
        // Even the right password is refused while locked.
        await submitLogin(page, STAFF.loginId, STAFF.password);
        await page.getByText('アカウントがロックされています').waitFor();
        expect(page.url()).toContain('/login');
      });

      await withPage(async (page) => {
        await loginAsAdmin(page);
        await openNav(page, '利用者管理');
        const row = page.locator('tr', { hasText: STAFF.loginId });
        await row.getByText('ロック中').waitFor();
        await screenshot(page, 'users-locked');
        await row.getByRole('link', { name: STAFF.name }).click();
        await waitForHeading(page, STAFF.name);
        await page.getByText('このアカウントはロックされています').waitFor();
        await screenshot(page, 'user-locked');
        await page.getByRole('button', { name: 'ロック解除' }).click();
        await page.getByText('ロックを解除しました。').waitFor();
        expect(await page.getByText('ロック中').count()).toBe(0);
        await screenshot(page, 'user-unlocked');
        await logout(page);
      });

      await withPage(async (page) => {
        await page.goto('/login');
        await submitLogin(page, STAFF.loginId, STAFF.password);
        await waitForHeading(page, `こんにちは、${STAFF.name}さん`);
        await logout(page);
      });
    },
    TIMEOUT,
  );

  it(
    '(d) the administrator edits agencies (errors, a concurrent save) and registers one',
    async () => {
      await withPage(async (page) => {
        await loginAsAdmin(page);
        await openNav(page, '機関・窓口');
        await page.getByRole('link', { name: '小金井きた地域包括支援センター' }).click();
        await waitForHeading(page, '小金井きた地域包括支援センター');
        await page.getByRole('link', { name: '編集' }).click();
        await waitForHeading(page, '小金井きた地域包括支援センターの編集');
        await screenshot(page, 'agency-edit');

        // Two problems: the summary names both and links to the fields.
        await page.getByLabel('名称（必須）').fill('');
        await page.getByLabel('メールアドレス').fill('not-an-email');
        await page.getByRole('button', { name: '変更を保存する' }).click();
        const summary = page.locator('.error-summary');
        await summary.waitFor();
        await summary.getByRole('link', { name: /名称/ }).waitFor();
        await summary.getByRole('link', { name: /メールアドレス/ }).waitFor();
        await page.locator('#agency-email-error').waitFor();
        await screenshot(page, 'agency-edit-errors');
        await summary.getByRole('link', { name: /メールアドレス/ }).click();
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('agency-email');

        await page.getByLabel('名称（必須）').fill('小金井きた地域包括支援センター');
        await page.getByLabel('メールアドレス').fill('kita@example.jp');
        await page.getByLabel('電話番号').fill('042-000-0001');
        await page.getByLabel('受付時間').fill('平日 8時30分〜17時15分');

        // Someone else saves first (same agency, through the API).
        await page.evaluate(async () => {
          const session = await (await fetch('/api/v1/auth/session')).json();
          const id = location.pathname.split('/')[2];
          const agency = await (await fetch(`/api/v1/agencies/${id}`)).json();
          await fetch(`/api/v1/agencies/${id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
            body: JSON.stringify({ note: '別の職員が更新しました。', version: agency.version }),
          });
        });
        await page.getByRole('button', { name: '変更を保存する' }).click();
        await page.getByText('ほかの方が先に保存しました').waitFor();
        await screenshot(page, 'agency-conflict');
        await page.getByRole('button', { name: '最新の内容を読み込む' }).click();
        expect(await page.getByRole('textbox', { name: '備考' }).inputValue()).toBe('別の職員が更新しました。');
        await page.getByLabel('電話番号').fill('042-000-0001');
        await page.getByRole('button', { name: '変更を保存する' }).click();
        await waitForHeading(page, '小金井きた地域包括支援センター');
        await page.getByText('変更を保存しました。').waitFor();
        await page.getByRole('link', { name: '042-000-0001' }).waitFor();

        // Register a new window.
        await openNav(page, '機関・窓口');
        await page.getByRole('link', { name: '新規登録' }).click();
        await waitForHeading(page, '機関・窓口の新規登録');
        await page.getByLabel('名称（必須）').fill('ひきこもり相談窓口');
        await page.getByLabel('名称（カナ）').fill('ひきこもりそうだんまどぐち');
        await page.getByLabel('事業名').fill('ひきこもり支援');
        await page.getByRole('group', { name: '対象分野' }).getByLabel('その他').check();
        await page.getByRole('group', { name: '事業における役割' }).getByLabel('アウトリーチ').check();
        await page.getByLabel('運営形態').selectOption('委託');
        await page.getByLabel('設置箇所数').fill('１');
        await screenshot(page, 'agency-new');
        await page.getByRole('button', { name: '登録する' }).click();
        await waitForHeading(page, 'ひきこもり相談窓口');
        await page.getByText('機関・窓口を登録しました。').waitFor();
        await page.getByText('1か所').waitFor();

        // Settings: a value out of range, then a valid change.
        await openNav(page, '設定');
        const idle = page.getByLabel('自動ログアウトまでの時間（分）');
        await idle.fill('3');
        await page.getByRole('button', { name: '設定を保存する' }).click();
        await page.locator('.error-summary').getByRole('link', { name: /5から480/ }).waitFor();
        await idle.fill('45');
        await page.getByRole('button', { name: '設定を保存する' }).click();
        await page.getByText('設定を保存しました。').waitFor();
        await screenshot(page, 'settings');
        await logout(page);
      });
    },
    TIMEOUT,
  );

  it(
    '(e) an auditor gets a generated password, reads the audit log and sets up the second factor',
    async () => {
      let initialPassword = '';
      await withPage(async (page) => {
        await loginAsAdmin(page);
        await openNav(page, '利用者管理');
        await page.getByRole('link', { name: '新規登録' }).click();
        await waitForHeading(page, '利用者の新規登録');
        await page.getByLabel('ログインID').fill('kansa.tanaka');
        await page.getByLabel('氏名').fill('田中 一郎');
        await page.getByLabel('役割').selectOption({ label: '監査担当' });
        await page.getByLabel('所属機関').selectOption({ label: '地域福祉課' });
        await page.getByRole('button', { name: '登録する' }).click();
        await waitForHeading(page, '利用者を登録しました');
        await page.getByText('初期パスワードは、この画面でだけ表示されます').waitFor();
        initialPassword = (await page.getByTestId('one-time-secret').innerText()).trim();
        expect(initialPassword).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);
        await screenshot(page, 'user-created-password');
        await logout(page);
      });

      const auditorPassword = 'Kansa-own-pass-88';
      await withPage(async (page) => {
        await page.goto('/login');
        await submitLogin(page, 'kansa.tanaka', initialPassword);
        await waitForHeading(page, 'パスワードの変更');
        await page.getByLabel('現在のパスワード（必須）').fill(initialPassword);
        await page.getByLabel('新しいパスワード（必須）').fill(auditorPassword);
        await page.getByLabel('新しいパスワード（確認）（必須）').fill('different-pass-99');
        await page.getByRole('button', { name: '変更して利用を始める' }).click();
        await page.locator('#confirm-password-error').waitFor();
        await page.getByLabel('新しいパスワード（確認）（必須）').fill(auditorPassword);
        await page.getByRole('button', { name: '変更して利用を始める' }).click();
        await waitForHeading(page, 'こんにちは、田中 一郎さん');
        await screenshot(page, 'home-auditor');

        await openNav(page, '監査ログ');
        await page.locator('table tbody tr').first().waitFor();
        await screenshot(page, 'audit');

        await page.getByLabel('結果').selectOption({ label: '失敗' });
        await page.getByLabel('ログインID').fill(STAFF.loginId);
        await page.getByRole('button', { name: 'この条件で表示' }).click();
        await page.getByText('パスワードの誤り').first().waitFor();
        const outcomes = await page.locator('table tbody tr td:nth-child(6)').allInnerTexts();
        expect(outcomes.length).toBeGreaterThanOrEqual(5);
        expect(new Set(outcomes)).toEqual(new Set(['失敗']));
        await screenshot(page, 'audit-filtered');

        const href = await page.getByRole('link', { name: 'CSVで出力' }).getAttribute('href');
        expect(href).toContain('outcome=failure');
        const csv = await page.request.get(href!);
        expect(csv.headers()['content-type']).toContain('text/csv');
        const text = await csv.text();
        expect(text).toContain('"ログイン","auth.login","失敗"');
        expect(text).toContain(STAFF.loginId);

        // Second factor from the account page: QR code as a data: image, then a code.
        await page.getByRole('link', { name: 'アカウント' }).click();
        await waitForHeading(page, 'アカウント');
        await page.getByRole('button', { name: '二要素認証を設定する' }).click();
        const qr = page.getByRole('img', { name: /QR コード/ });
        await qr.waitFor();
        expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
        expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        await screenshot(page, 'account-totp');
        const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
        await page.getByLabel('確認コード（6桁）').fill(totpCode(secret, currentStep()));
        await page.getByRole('button', { name: '確認して有効にする' }).click();
        await page.getByText('二要素認証を有効にしました').waitFor();
        await screenshot(page, 'account');
        await logout(page);

        // The next login asks for a code (the next time step: the enabling code cannot be replayed).
        await submitLogin(page, 'kansa.tanaka', auditorPassword);
        await waitForHeading(page, '確認コードの入力');
        await screenshot(page, 'login-totp');
        await page.getByLabel('確認コード（6桁）').fill(totpCode(secret, currentStep() + 1));
        await page.getByRole('button', { name: 'ログイン', exact: true }).click();
        await waitForHeading(page, 'こんにちは、田中 一郎さん');
        await logout(page);
      });
    },
    TIMEOUT,
  );

  it(
    '(f) when the municipality requires the second factor, a user without one sets it up at login',
    async () => {
      await withPage(async (page) => {
        await loginAsAdmin(page);
        await openNav(page, '設定');
        await page.getByLabel('二要素認証を必須にする').check();
        await page.getByRole('button', { name: '設定を保存する' }).click();
        await page.getByText('設定を保存しました。').waitFor();
        await logout(page);

        await submitLogin(page, STAFF.loginId, STAFF.password);
        await waitForHeading(page, '二要素認証の設定');
        const secretEl = page.getByTestId('totp-secret');
        await secretEl.waitFor();
        await screenshot(page, 'login-enroll');
        const secret = (await secretEl.getAttribute('data-secret'))!;
        await page.getByLabel('確認コード（6桁）').fill(totpCode(secret, currentStep()));
        await page.getByRole('button', { name: '確認して有効にする' }).click();
        await waitForHeading(page, `こんにちは、${STAFF.name}さん`);
        // The warning about a missing second factor is gone.
        expect(await page.getByText('二要素認証が設定されていません').count()).toBe(0);
        await logout(page);
      });
    },
    TIMEOUT,
  );
});
