import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORD_AGENCY, HOUKATSU_AGENCY, OTHER_AGENCY, WINDOW_AGENCY } from '../support/cases.ts';
import { consult, registerPerson } from '../support/people.ts';
import { ADMIN_PASSWORD, createStaff, launchBrowser, loginAs, open8050CaseOverHttp, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * 保存期間 in the browser: an 8050 case closed in 2018 and a consultation of
 * 2018 are past their 5-year periods. The 事務局 reads what the next run
 * would anonymise (numbers and dates, no names) and the periods; the
 * administrator is told in Japanese when a period is out of bounds, runs
 * the anonymisation now, and sees the next run empty.
 */
const TIMEOUT = 120_000;
const OLD = '2018-06-01T10:00:00+09:00';

const COORD = { loginId: 'csw.mori', name: '森 千尋', role: 'coordinator', agency: COORD_AGENCY, password: 'Retention-coord-2026' } as const;
const WINDOW = { loginId: 'window.abe', name: '阿部 翔', role: 'intake_clerk', agency: WINDOW_AGENCY, password: 'Retention-window-2026' } as const;
const HOUKATSU = { loginId: 'nishi.sato', name: '佐藤 恵', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Retention-houkatsu-26' } as const;
const OUTSIDE = { loginId: 'josei.ito', name: '伊藤 舞', role: 'agency_staff', agency: OTHER_AGENCY, password: 'Retention-outside-2026' } as const;
const SECRETARIAT = { loginId: 'jimu.kato', name: '加藤 直子', role: 'secretariat', agency: WINDOW_AGENCY, password: 'Retention-jimu-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
let caseNo = '';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const db = server.handle.db;
  const { world, opened } = await open8050CaseOverHttp(server, { coordinator: COORD, window: WINDOW, houkatsu: HOUKATSU, outsider: OUTSIDE }, { name: '古井 太一' });
  caseNo = opened.case.caseNo;
  await createStaff(server, SECRETARIAT);
  const other = await registerPerson(world.window.agent, { name: '昔野 相子' });
  await consult(world.window.agent, { personId: other.id, chiefComplaint: '家賃の相談' });
  // Everything of those two people happened in 2018; the case was closed then.
  for (const personId of [opened.sonId, other.id]) {
    await sql`update persons set created_at = ${OLD}, updated_at = ${OLD} where id = ${personId}`.execute(db);
    await sql`update consultations set received_at = ${OLD} where person_id = ${personId}`.execute(db);
    await sql`update consents set consented_on = '2018-06-01', created_at = ${OLD} where person_id = ${personId}`.execute(db);
  }
  await sql`update referrals set sent_at = ${OLD}, accepted_at = ${OLD}, started_at = ${OLD}, completed_at = ${OLD}, status = 'completed'`.execute(db);
  await sql`update cases set status = 'closed', closed_on = '2018-06-01', closure_reason = '課題解決', opened_on = '2018-04-10', status_changed_at = ${OLD}, last_contact_at = null where id = ${opened.case.id}`.execute(db);
  await sql`update notifications set created_at = ${OLD}`.execute(db);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openRetention(page: Page): Promise<void> {
  await page.getByRole('link', { name: '保存期間' }).click();
  await waitForHeading(page, '保存期間');
  await page.getByRole('heading', { name: '次回の実行で匿名化・削除される記録' }).waitFor();
}

describe('retention page', () => {
  it(
    'the 事務局 reads what the next run would anonymise, by number and date, without names',
    () =>
      withPage(async (page) => {
        await loginAs(page, SECRETARIAT.loginId, SECRETARIAT.password, SECRETARIAT.name);
        await openRetention(page);
        const cases = page.getByRole('row', { name: /事例（多機関協働）/ }).first();
        await expect(cases.getByRole('cell').last().textContent()).resolves.toBe('1件');
        await page.getByText(/事例（多機関協働）の一覧（1件）/).click();
        await page.getByRole('cell', { name: caseNo, exact: true }).waitFor();
        const text = await page.locator('main').textContent();
        expect(text).not.toContain('古井');
        expect(text).not.toContain('昔野');
        // Only the administrator runs it and changes the periods.
        expect(await page.getByRole('button', { name: '今すぐ実行する' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: '保存期間を保存する' }).count()).toBe(0);
        await screenshot(page, 'retention-secretariat-1366');
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, 'retention-secretariat-390');
      }),
    TIMEOUT,
  );

  it(
    'the administrator is told when a period is out of bounds, runs it now, and the next run is empty',
    () =>
      withPage(async (page) => {
        await loginAs(page, 'admin', ADMIN_PASSWORD, 'システム管理者');
        await openRetention(page);
        await page.setViewportSize({ width: 1366, height: 900 });
        await screenshot(page, 'retention-admin-1366');
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, 'retention-admin-390');
        // Nothing wider than a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await page.setViewportSize({ width: 1366, height: 900 });

        const cases = page.getByRole('textbox', { name: /終結・中断した事例/ });
        await cases.fill('2');
        await page.getByRole('button', { name: '保存期間を保存する' }).click();
        await page.getByRole('alert').getByText('終結・中断した事例（多機関協働）：3から30までの整数（年）で入力してください').first().waitFor();
        await cases.fill('5');
        await page.getByRole('button', { name: '保存期間を保存する' }).click();
        await page.getByText('保存期間を保存しました。').waitFor();

        await page.getByRole('button', { name: '今すぐ実行する' }).click();
        await page.getByRole('button', { name: '匿名化を実行する' }).click();
        await page.getByText('匿名化を実行しました').waitFor();
        await page.getByText('事例（多機関協働）：1件').waitFor();
        await page.getByText(/保存期間を過ぎた記録はありません。/).waitFor();
        await page.getByText(/管理者が実行/).waitFor();
        await screenshot(page, 'retention-admin-after-run-1366');
      }),
    TIMEOUT,
  );
});
