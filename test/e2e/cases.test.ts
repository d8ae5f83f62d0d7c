import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  createStaff,
  launchBrowser,
  loginAs,
  pageRunner,
  screenshot,
  startServer,
  waitForHeading,
  type TestServer,
} from './support.ts';

/**
 * 多機関協働 in the browser: the coordinator opens a case from the 8050
 * referral, builds the team (a 地域包括支援センター and the 福祉総合相談窓口),
 * and moves it along the flow. Screenshots go to .tmp/screenshots/.
 */
const TIMEOUT = 180_000;
const MINAMI = '小金井みなみ地域包括支援センター';
const WINDOW = '福祉総合相談窓口（自立相談サポートセンター）';
const COORD = '地域福祉コーディネーター（多機関協働事業）';

const CLERK = { loginId: 'minami.ono', name: '小野 真理', role: 'intake_clerk', agency: MINAMI, password: 'Minami-window-2026' } as const;
const COORDINATOR = { loginId: 'csw.mori', name: '森 聡子', role: 'coordinator', agency: COORD, password: 'Coordinator-2026-m' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
const state = { referralId: '', caseUrl: '' };

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const u of [CLERK, COORDINATOR]) await createStaff(server, u);
  // The 8050 household is received at 小金井みなみ and referred to the coordinators (through the API).
  const clerk = await apiSession(server, CLERK.loginId, CLERK.password);
  const year = new Date().getFullYear();
  const son = await clerk.post('/api/v1/persons', {
    confirmNotDuplicate: true,
    name: '緑川 誠',
    nameKana: 'ミドリカワ マコト',
    birthDate: `${year - 53}-06-02`,
    gender: '男',
    address: '小金井市緑町3-4-5',
  });
  await clerk.post('/api/v1/consents', {
    personId: son.id,
    purpose: 'agency_sharing',
    decision: 'granted',
    scopeKind: 'all',
    consentedOn: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10),
    method: '書面',
  });
  const consultation = await clerk.post('/api/v1/consultations', {
    channel: '来所',
    consulterType: '家族',
    consulterRelation: '母',
    personId: son.id,
    chiefComplaint: '80代の母と50代の息子の世帯。息子が長くひきこもり、母の介護も必要',
    issues: ['8050', 'ひきこもり・不登校', '介護'],
    response: '多機関協働へ',
    consentStatus: 'あり',
  }).catch(async () =>
    clerk.post('/api/v1/consultations', {
      channel: '来所',
      consulterType: '本人',
      personId: son.id,
      chiefComplaint: '80代の母と50代の息子の世帯。息子が長くひきこもり、母の介護も必要',
      issues: ['8050', 'ひきこもり・不登校', '介護'],
      response: '多機関協働へ',
      consentStatus: '未確認',
    }),
  );
  const referral = await clerk.post('/api/v1/referrals', {
    consultationId: consultation.id,
    personId: son.id,
    toCoordination: true,
    chiefComplaint: '8050世帯：母の介護と息子のひきこもり',
    content: '母（84歳）の介護が必要になり、息子（53歳）は20年近く就労していない。',
    reason: '介護・就労・孤立の課題が重なり、多機関での支援が必要',
    consentConfirmed: true,
  });
  state.referralId = referral.id;
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('多機関協働 journey', () => {
  it('the coordinator opens a case from the 8050 referral and builds the team', { timeout: TIMEOUT }, async () => {
    await withPage(async (page) => {
      await loginAs(page, COORDINATOR.loginId, COORDINATOR.password, COORDINATOR.name);
      await page.goto(`/referrals/${state.referralId}`);
      await waitForHeading(page, /8050世帯/);
      await page.getByRole('button', { name: '受理する' }).click();
      await page.getByRole('button', { name: '多機関協働の事例として開始する' }).click();
      await waitForHeading(page, /緑川 誠さん/);
      await page.getByText(/事例 R\d+-0001 を開始しました/).waitFor();
      state.caseUrl = new URL(page.url()).pathname;

      const team = page.getByRole('region', { name: 'チーム（役割分担）' });
      for (const agency of [MINAMI, WINDOW]) {
        await team.getByLabel('機関', { exact: true }).selectOption({ label: agency });
        await team.getByRole('button', { name: 'チームに加える' }).click();
        await page.getByText(`${agency}をチームに加えました。`).waitFor();
      }
      await expect.poll(() => team.getByRole('row').count()).toBe(4);
      // The coordinator who opened the case is named on the team.
      await team.getByRole('cell', { name: COORDINATOR.name }).waitFor();

      await page.getByRole('button', { name: 'アセスメントへ進む' }).click();
      await page.getByLabel('理由・経緯').fill('母と息子に面談し、チームでアセスメントを始める。');
      await page.getByRole('button', { name: 'アセスメントへ進むを記録する' }).click();
      await page.getByText('事例は「アセスメント」になりました').waitFor();
      await screenshot(page, 'case-page');

      await page.goto('/cases');
      await waitForHeading(page, '事例（多機関協働）');
      await page.getByRole('link', { name: '緑川 誠さん' }).waitFor();
      await screenshot(page, 'cases-list');
    });
  });
});
