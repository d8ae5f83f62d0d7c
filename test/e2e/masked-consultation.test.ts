import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession, createStaff, launchBrowser, loginAs, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * A consultation seen only through a referral that did not name the person
 * (as the demo generator once wrote them): the receiving 地域包括 opens it
 * and sees only what the referral shares — never the person's name.
 * Screenshots at 1366 px and 390 px go to .tmp/screenshots/.
 */
const TIMEOUT = 180_000;
const WINDOW = { loginId: 'sogo.tanaka', name: '田中 窓口', role: 'intake_clerk', agency: '福祉総合相談窓口（自立相談サポートセンター）', password: 'Sogo-window-2026' } as const;
const HOUKATSU = { loginId: 'kita.sato', name: '佐藤 包括', role: 'agency_staff', agency: '小金井きた地域包括支援センター', password: 'Kita-houkatsu-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
let consultationId = '';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const user of [WINDOW, HOUKATSU]) await createStaff(server, user);
  const win = await apiSession(server, WINDOW.loginId, WINDOW.password);
  const person = await win.post('/api/v1/persons', { name: '伏見 佳代子', nameKana: 'フシミ カヨコ', birthDate: '1944-05-01', gender: '女', confirmNotDuplicate: true });
  const consultation = await win.post('/api/v1/consultations', {
    personId: person.id,
    channel: '電話',
    consulterType: '家族',
    consulterRelation: '子',
    consulterName: '伏見 一郎',
    chiefComplaint: '佳代子さんの物忘れと一人暮らし',
    content: '長男の一郎さんから。佳代子さんの物忘れが進んでいる。',
    issues: ['介護', '社会的孤立'],
    response: '他機関へつなぎ',
    consentStatus: '未確認',
  });
  consultationId = consultation.id;
  const houkatsu = await server.handle.db.selectFrom('agencies').select('id').where('name', '=', HOUKATSU.agency).executeTakeFirstOrThrow();
  const referral = await win.post('/api/v1/referrals', {
    toAgencyId: houkatsu.id,
    chiefComplaint: '一人暮らしの高齢の方の見守り',
    content: '同意の確認ができていないため、本人を特定せずにつなぎます。地域での見守りをお願いします。',
    reason: '地域での見守りが必要なため',
    consentConfirmed: false,
  });
  await server.handle.db.updateTable('referrals').set({ consultation_id: consultationId }).where('id', '=', referral.id).execute();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('a consultation seen through a referral', () => {
  it(
    'shows only what the referral shares, on a wide and a narrow screen',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, HOUKATSU.loginId, HOUKATSU.password, HOUKATSU.name);
        for (const width of [1366, 390]) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`/consultations/${consultationId}`);
          await waitForHeading(page, /一人暮らしの高齢の方の見守り/);
          await page.getByText('つなぎで共有された内容のみ表示しています').waitFor();
          const text = await page.locator('main').innerText();
          for (const secret of ['伏見', '佳代子', '一郎', '物忘れ']) expect(text.includes(secret), secret).toBe(false);
          expect(text).toContain('つなぎで共有されていません');
          await screenshot(page, `consultation-masked-${width}`);
          await page.goto('/consultations?scope=visible');
          await waitForHeading(page, '受け付けた相談');
          await page.getByText('つなぎで共有された内容', { exact: true }).first().waitFor();
          expect((await page.locator('main').innerText()).includes('伏見')).toBe(false);
          await screenshot(page, `consultations-masked-${width}`);
        }
      });
    },
    TIMEOUT,
  );
});
