import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, apiSession, createStaff, launchBrowser, loginAs, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * Departments, the municipality's own 課題 and consent purposes, and the
 * promoter's view of its department's windows, in the browser (issue 12,
 * items 4 and 6). Screenshots at 1366 px and 390 px.
 */
const TIMEOUT = 180_000;

const CLERK = { loginId: 'madoguchi.sato', name: '佐藤 由美', role: 'intake_clerk', agency: '福祉総合相談窓口（自立相談サポートセンター）', password: 'Taxonomy-clerk-2026' } as const;
const PROMOTER = { loginId: 'suishin.kato', name: '加藤 誠', role: 'promoter', agency: '地域福祉課', password: 'Taxonomy-promoter-26' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));

async function both(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await screenshot(page, `${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await createStaff(server, CLERK);
  await createStaff(server, PROMOTER);
  const clerk = await apiSession(server, CLERK.loginId, CLERK.password);
  const agencies = await server.handle.db.selectFrom('agencies').select(['id', 'name']).execute();
  const idOf = (name: string) => agencies.find((a) => a.name === name)!.id;
  await clerk.post('/api/v1/referrals', {
    toAgencyId: idOf('小金井にし地域包括支援センター'),
    chiefComplaint: '母の介護サービスの相談',
    content: '息子さんからの電話相談。母（80代）の介護について。',
    reason: '介護保険の申請支援のため',
    consentConfirmed: false,
  });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('departments and the municipality taxonomy in the browser', () => {
  it(
    'the administrator adds a department, links a window, and adds a 課題 and a consent purpose',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, 'admin', ADMIN_PASSWORD, 'システム管理者');
        await page.goto('/departments');
        await waitForHeading(page, '課（所管課）');
        await page.locator('#department-name').fill('福祉総合課');
        await page.locator('#department-kana').fill('フクシソウゴウカ');
        await page.getByRole('button', { name: '課を追加する' }).click();
        await page.getByText('「福祉総合課」を登録しました。').waitFor();
        await page.getByRole('listitem').filter({ hasText: 'フクシソウゴウカ' }).waitFor();
        await both(page, 'departments');

        // The window 消費生活相談 gets the new department.
        await page.goto('/agencies?q=' + encodeURIComponent('消費生活'));
        await page.getByRole('link', { name: '消費生活相談' }).click();
        await waitForHeading(page, '消費生活相談');
        await page.getByRole('link', { name: /編集/ }).first().click();
        await page.locator('#agency-departmentId').selectOption({ label: '福祉総合課' });
        await both(page, 'agency-edit-department');
        await page.getByRole('button', { name: /保存/ }).click();
        await page.getByText('変更を保存しました。').waitFor();
        expect(await page.getByText('福祉総合課').count()).toBeGreaterThan(0);

        await page.goto('/settings/taxonomy');
        await waitForHeading(page, '設定');
        await page.locator('#new-issue-label').fill('ごみ屋敷');
        await page.getByRole('button', { name: '課題を追加する' }).click();
        await page.getByText('課題「ごみ屋敷」を追加しました。').waitFor();
        await page.locator('#new-issue-label').fill('多頭飼育');
        await page.getByRole('button', { name: '課題を追加する' }).click();
        await page.getByText('課題「多頭飼育」を追加しました。').waitFor();
        await page.getByRole('button', { name: /利用停止にする.*多頭飼育/ }).click();
        await page.getByText('課題「多頭飼育」を利用停止にしました。').waitFor();
        await page.locator('#new-consent_purpose-label').fill('就労支援事業所への情報提供');
        await page.getByRole('button', { name: '同意の目的を追加する' }).click();
        await page.getByText('同意の目的「就労支援事業所への情報提供」を追加しました。').waitFor();
        await both(page, 'settings-taxonomy');

        await page.goto('/settings');
        await waitForHeading(page, '設定');
        await both(page, 'settings');

        // The users form offers the 福祉活動専門員.
        await page.goto('/users/new');
        await page.getByLabel(/役割/).selectOption({ label: '福祉活動専門員' });
        await both(page, 'user-new-role');

        // The directory filtered by the new department.
        await page.goto('/agencies');
        await page.locator('#agency-department').selectOption({ label: '福祉総合課' });
        await page.getByRole('link', { name: '消費生活相談' }).waitFor();
        await both(page, 'directory-department');
      });
    },
    TIMEOUT,
  );

  it(
    'the window clerk is offered the active 課題 of the municipality, not the stopped one',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        await page.goto('/intake');
        await waitForHeading(page, '相談受付');
        await page.getByRole('checkbox', { name: 'ごみ屋敷' }).waitFor();
        expect(await page.getByRole('checkbox', { name: '多頭飼育' }).count()).toBe(0);
        await page.getByRole('checkbox', { name: 'ごみ屋敷' }).check();
        await page.getByRole('group', { name: /課題/ }).first().scrollIntoViewIfNeeded();
        await both(page, 'intake-issues');

        // A consent to the municipality's own purpose shows on the person's page beside the legal two.
        const clerk = await apiSession(server, CLERK.loginId, CLERK.password);
        const taxonomy = await clerk.get('/api/v1/municipality/taxonomy');
        const work = taxonomy.consentPurposes.find((p: { label: string }) => p.label === '就労支援事業所への情報提供');
        const person = await clerk.post('/api/v1/persons', { name: '山田 花子', nameKana: 'ヤマダ ハナコ', birthDate: '1985-06-01', confirmNotDuplicate: true });
        const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
        await clerk.post('/api/v1/consents', { personId: person.person?.id ?? person.id, purpose: work.code, decision: 'granted', scopeKind: 'all', consentedOn: today, method: '書面' });
        await page.goto(`/persons/${person.person?.id ?? person.id}`);
        await page.getByRole('heading', { name: '就労支援事業所への情報提供' }).waitFor();
        await page.locator('#consent-section').scrollIntoViewIfNeeded();
        await both(page, 'person-consent');
      });
    },
    TIMEOUT,
  );

  it(
    "the promoter of 地域福祉課 sees the referral of the department's window",
    async () => {
      await withPage(async (page) => {
        await loginAs(page, PROMOTER.loginId, PROMOTER.password, PROMOTER.name);
        await page.goto('/referrals');
        await page.getByRole('link', { name: '所管課の窓口のつなぎ' }).click();
        await page.getByRole('link', { name: '母の介護サービスの相談' }).waitFor();
        await both(page, 'referrals-department');
      });
    },
    TIMEOUT,
  );
});
