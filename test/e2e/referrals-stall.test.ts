import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gateway } from '../../src/access/gateway.ts';
import { findPreset, loadPreset } from '../../src/municipalities/presets.ts';
import { createUser } from '../../src/users/service.ts';
import { ADMIN_PASSWORD, apiSession, createStaff, launchBrowser, loginAs, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * Referrals that cannot stall, in the browser (西東京市, whose preset lists
 * 田無警察署 with no accounts in kasane): the sender of a referral to the
 * police prints the sheet, records that it was faxed and then the answer;
 * the receiving agency of a stalled referral sees the notice and records
 * progress. Screenshots at 1366 px and 390 px.
 */
const TIMEOUT = 120_000;
const SENDER = { loginId: 'support.kato', name: '加藤 直子', role: 'intake_clerk', agency: '生活サポート相談窓口', password: 'Stall-sender-2026' } as const;
const RECEIVER = { loginId: 'kikan.mori', name: '森 健一', role: 'agency_staff', agency: '基幹相談支援センター', password: 'Stall-receiver-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
const ids = { police: '', stalled: '' };

async function both(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 900 });
  await screenshot(page, `${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  server = await startServer({ preset: '西東京市' });
  browser = await launchBrowser();
  await createStaff(server, SENDER);
  await createStaff(server, RECEIVER);
  const db = server.handle.db;
  const agency = async (name: string) => (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const s = await apiSession(server, SENDER.loginId, SENDER.password);
  const r = await apiSession(server, RECEIVER.loginId, RECEIVER.password);
  const police = await s.post('/api/v1/referrals', {
    toAgencyId: await agency('田無警察署'),
    chiefComplaint: '夜間に徘徊する高齢者の見守り',
    content: '80代の単身女性。夜間に自宅周辺を歩き回り、近所の方から相談があった。',
    reason: '夜間の見守りと、保護された場合の連絡体制をお願いしたい',
    consentConfirmed: false,
  });
  ids.police = police.id;
  const stalled = await s.post('/api/v1/referrals', {
    toAgencyId: await agency(RECEIVER.agency),
    chiefComplaint: '障害のある息子の就労の相談',
    content: '40代の息子と70代の母の世帯。息子の就労先が見つからない。',
    reason: '障害福祉サービスの利用を含めて相談に乗ってほしい',
    consentConfirmed: false,
  });
  ids.stalled = stalled.id;
  await r.post(`/api/v1/referrals/${stalled.id}/accept`, {});
  // Nobody has recorded progress for longer than the municipality allows.
  // (as if accepted eight days ago: the deadline is five business days later).
  await db
    .updateTable('referrals')
    .set({ progress_at: new Date(Date.now() - 8 * 86_400_000), progress_due_at: new Date(Date.now() - 3600_000) })
    .where('id', '=', stalled.id)
    .execute();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('referrals that cannot stall', () => {
  it(
    '(a) the sender of a referral to the police prints the sheet, records the FAX, then the answer',
    () =>
      withPage(async (page) => {
        await loginAs(page, SENDER.loginId, SENDER.password, SENDER.name);
        await page.goto(`/referrals/${ids.police}`);
        await waitForHeading(page, /夜間に徘徊する高齢者の見守り/);
        await page.getByRole('heading', { name: '紙・FAXでの送付' }).waitFor();
        await both(page, 'referral-offline-send');
        // Submitting without a method names the problem.
        await page.getByRole('button', { name: '送付を記録する' }).click();
        await page.getByText('送付の方法を選んでください').first().waitFor();
        await page.getByRole('radio', { name: /^FAX/ }).check();
        await page.getByLabel('送付先（部署・担当者）').fill('生活安全課あて');
        await page.getByRole('button', { name: '送付を記録する' }).click();
        await page.getByText('送付を記録しました。').waitFor();
        await page.getByRole('heading', { name: '回答の記録' }).waitFor();
        await both(page, 'referral-offline-answer');
        await page.getByLabel('回答者（部署・氏名）').fill('田無警察署 生活安全課 山田');
        await page.getByRole('radio', { name: '電話', exact: true }).check();
        await page.getByRole('radio', { name: /^引き受けてもらえた/ }).check();
        await page.getByLabel('回答の内容').fill('夜間の巡回のときに自宅周辺に立ち寄ってもらえることになった。保護した場合は当課に連絡が来る。');
        await page.getByRole('button', { name: '回答を記録する' }).click();
        await page.getByText('回答を記録しました。つなぎは「完了」になりました。').waitFor();
        await expect(page.getByText('引き受けてもらえた｜田無警察署 生活安全課 山田｜電話', { exact: false }).count()).resolves.toBe(1);
        await both(page, 'referral-offline-answered');
        await page.goto('/referrals?box=outbox');
        await waitForHeading(page, /つなぎ/);
        await both(page, 'referrals-outbox-offline');
      }),
    TIMEOUT,
  );

  it(
    '(b) the receiving agency sees that its accepted referral has stalled and records progress',
    () =>
      withPage(async (page) => {
        await loginAs(page, RECEIVER.loginId, RECEIVER.password, RECEIVER.name);
        // わたしの仕事 lists it, with why.
        await page.getByRole('link', { name: 'わたしの仕事' }).first().click();
        await page.getByText('受けたつなぎの経過の記録').first().waitFor();
        await both(page, 'tasks-referral-stalled');
        await page.goto(`/referrals/${ids.stalled}`);
        await waitForHeading(page, /障害のある息子の就労の相談/);
        await page.getByText('対応が止まっています').first().waitFor();
        await both(page, 'referral-stalled');
        await page.getByRole('button', { name: '経過を記録する' }).click();
        await page.getByRole('textbox', { name: /^経過/ }).fill('本人と面談し、就労移行支援の見学日を調整した。次回は来週。');
        await page.getByRole('button', { name: '経過を記録する' }).click();
        await page.getByText('経過を記録しました。送付元に通知しました。').waitFor();
        await expect(page.getByText('対応が止まっています').count()).resolves.toBe(0);
        await both(page, 'referral-progress-recorded');
      }),
    TIMEOUT,
  );

  it(
    '(c) the directory shows a site of 小金井市 with the programme total (設置箇所数 per site)',
    () =>
      withPage(async (page) => {
        const db = server.handle.db;
        const { municipalityId } = await loadPreset(db, findPreset('小金井市')!);
        const kita = await db.selectFrom('agencies').select('id').where('municipality_id', '=', municipalityId).where('name', '=', '小金井きた地域包括支援センター').executeTakeFirstOrThrow();
        await new Gateway(db).run({ kind: 'system', label: 'e2e', municipalityId, clientIp: null }, 'users.write', (scope) =>
          createUser(scope, { loginId: 'kita.sato', name: '佐藤 美和', role: 'agency_staff', agencyId: kita.id, password: 'Koganei-kita-2026' }, { mustChange: false }),
        );
        await loginAs(page, 'kita.sato', 'Koganei-kita-2026', '佐藤 美和');
        await page.goto(`/agencies/${kita.id}`);
        await waitForHeading(page, /小金井きた地域包括支援センター/);
        await page.getByText('事業全体で4か所（この拠点：1か所）').waitFor();
        await both(page, 'agency-programme-sites');
      }),
    TIMEOUT,
  );

  it(
    '(d) the administrator sets the business days after which a stalled referral alerts',
    () =>
      withPage(async (page) => {
        await loginAs(page, 'admin', ADMIN_PASSWORD, 'システム管理者');
        await page.goto('/settings');
        const field = page.getByLabel(/受理したつなぎの対応が止まったときの警告/);
        await field.waitFor();
        await expect(field.inputValue()).resolves.toBe('5');
        await field.fill('7');
        await page.getByRole('button', { name: /保存/ }).first().click();
        await page.getByText(/保存しました/).first().waitFor();
        const row = await server.handle.db.selectFrom('municipalities').select('settings').where('preset_key', '=', 'nishitokyo').executeTakeFirstOrThrow();
        expect((row.settings as { referralStallBusinessDays: number }).referralStallBusinessDays).toBe(7);
        await both(page, 'settings-referral-stall');
      }),
    TIMEOUT,
  );
});
