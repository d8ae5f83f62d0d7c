import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayJst } from '../../src/shared/date-input.ts';
import type { Agent } from '../support/app.ts';
import { COORD_AGENCY, HOUKATSU_AGENCY, OTHER_AGENCY, WINDOW_AGENCY } from '../support/cases.ts';
import {
  field,
  fillPlanActions,
  launchBrowser,
  loginAs,
  open8050CaseOverHttp,
  pageRunner,
  screenshot,
  SCREENSHOT_DIR,
  startServer,
  waitForHeading,
  type TestServer, relaxMeetingRules } from './support.ts';

/**
 * 支援プラン in the browser: a case set up through the API (HTTP against the
 * e2e server) up to プラン作成; the coordinator drafts a plan with three
 * actions across two agencies, saves a second version, approves it with
 * the meeting's decision, compares the versions and opens the plan sheet.
 */
const TIMEOUT = 120_000;

const COORD = { loginId: 'csw.kobayashi', name: '小林 美咲', role: 'coordinator', agency: COORD_AGENCY, password: 'Plan-coordinator-26' } as const;
const WINDOW = { loginId: 'window.saito', name: '斎藤 健', role: 'intake_clerk', agency: WINDOW_AGENCY, password: 'Plan-window-2026x' } as const;
const HOUKATSU = { loginId: 'nishi.mori', name: '森 さやか', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Plan-houkatsu-26' } as const;
const OUTSIDE = { loginId: 'josei.ueda', name: '上田 綾', role: 'agency_staff', agency: OTHER_AGENCY, password: 'Plan-outsider-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));

let caseId = '';
let coordinator: Agent;

beforeAll(async () => {
  server = await startServer();
  await relaxMeetingRules(server, { decisions: true });
  browser = await launchBrowser();
  const { world, opened } = await open8050CaseOverHttp(server, { coordinator: COORD, window: WINDOW, houkatsu: HOUKATSU, outsider: OUTSIDE }, { name: '小金 太一' });
  caseId = opened.case.id;
  coordinator = world.coordinator.agent;
  for (const to of ['assessment', 'planning']) {
    const current = (await coordinator.get(`/api/v1/cases/${caseId}`)).json() as { version: number };
    const moved = await coordinator.post(`/api/v1/cases/${caseId}/transitions`, { to, reason: 'チームで確認', version: current.version });
    expect(moved.statusCode, moved.body).toBe(200);
  }
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('支援プラン in the browser', () => {
  it(
    'drafts a plan with three actions across two agencies, approves it and prints the sheet',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto(`/cases/${caseId}/plans`);
        await waitForHeading(page, /小金 太一/);
        await page.getByText('支援プランはまだありません').waitFor();
        await page.getByRole('link', { name: 'プランを作成する' }).click();
        await waitForHeading(page, /新しいプランの作成（第1回）/);

        await field(page, /^長期目標/).fill('母が安心して在宅で暮らし続け、太一さんが地域の中に自分の居場所と役割を持てる');
        await field(page, '短期目標1').fill('母が介護保険のサービス（訪問介護）を使い始める');
        await page.getByRole('button', { name: '＋ 短期目標を追加' }).click();
        // The new row has the focus: typing goes straight in.
        await page.keyboard.type('太一さんが週1回、地域の居場所に通う');
        await page.getByRole('button', { name: '＋ 短期目標を追加' }).click();
        await page.keyboard.type('太一さんが就労準備支援の面談を受ける');
        await field(page, /^支援の方向性/).fill(
          '主担当の多機関協働が世帯全体を調整する。母の介護は地域包括支援センターが、太一さんの社会参加は本人のペースに合わせて訪問から始める。',
        );

        const rows: [string, string, string, string, string][] = [
          ['世帯全体の状況確認と関係機関の調整、本人への定期訪問', `${COORD_AGENCY}（主担当）`, '小林', '月2回', '6か月'],
          ['母の要介護認定の申請とケアプラン作成の支援', `${HOUKATSU_AGENCY}（協力）`, '森', '随時', '3か月'],
          ['地域の居場所・就労準備支援の紹介と初回の同行', `${COORD_AGENCY}（主担当）`, '小林', '週1回', '3か月'],
        ];
        await fillPlanActions(page, rows);
        const today = todayJst();
        const review = new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
        await field(page, /^本人の同意の日付/).fill(today);
        await page.getByRole('radio', { name: /^書面/ }).check();
        await field(page, /^次回評価日/).fill(review);
        await field(page, /^作成のメモ/).fill('第2回ケース会議での検討を反映');
        await screenshot(page, 'case-plan-edit');
        await page.getByRole('button', { name: '案を作成する' }).click();
        await waitForHeading(page, /小金 太一/);
        await page.getByText('第1回プランの案を作成しました').waitFor();
        expect(await page.locator('.plan-actions tbody tr').count()).toBe(3);

        // A second version: the direction is refined.
        await page.getByRole('link', { name: '編集', exact: true }).click();
        await waitForHeading(page, /第1回プランの案を編集/);
        await field(page, /^支援の方向性/).fill(
          '主担当の多機関協働が世帯全体を調整する。母の介護は地域包括支援センターが担い、太一さんには訪問で関係をつくってから居場所につなぐ。',
        );
        await field(page, /^変更の内容/).fill('会議での意見を反映');
        // Meanwhile a colleague saves 第2版 (the 地域包括's visits become weekly).
        const plans = (await coordinator.get(`/api/v1/cases/${caseId}/plans`)).json() as {
          items: { id: string; content: { longTermGoal: string; shortTermGoals: unknown[]; direction: string; actions: Record<string, string>[]; leadAgency: { id: string }; consentOn: string; consentMethod: string; nextReviewOn: string } }[];
        };
        const first = plans.items[0]!;
        const colleague = await coordinator.request('PUT', `/api/v1/cases/${caseId}/plans/${first.id}`, {
          longTermGoal: first.content.longTermGoal,
          shortTermGoals: first.content.shortTermGoals,
          direction: first.content.direction,
          actions: first.content.actions.map(({ agencyName: _name, ...a }, i) => (i === 1 ? { ...a, frequency: '週1回' } : a)),
          leadAgencyId: first.content.leadAgency.id,
          consentOn: first.content.consentOn,
          consentMethod: first.content.consentMethod,
          nextReviewOn: first.content.nextReviewOn,
          changeNote: '訪問の頻度を変更',
          baseVersion: 1,
        });
        expect(colleague.statusCode, colleague.body).toBe(200);
        await page.getByRole('button', { name: '案を保存する' }).click();
        await page.getByRole('heading', { name: 'ほかの方が先に保存しました（第2版）' }).waitFor();
        // Both versions, item by item; the user's input is still in the form.
        expect(await page.locator('.plan-conflict .plan-compare tbody tr').count()).toBe(2);
        expect(await field(page, /^支援の方向性/).inputValue()).toContain('訪問で関係をつくってから');
        await screenshot(page, 'case-plan-conflict');
        await page.getByRole('button', { name: /^最新の版にする\s*（支援の内容と役割分担）$/ }).click();
        expect(await page.locator('.plan-conflict .plan-compare tbody tr').count()).toBe(1);
        await page.getByRole('button', { name: 'この内容で保存する（第3版）' }).click();
        await page.getByText('第1回プランの案を保存しました（第3版）').waitFor();
        await expect.poll(() => page.locator('.plan-actions tbody tr').nth(1).textContent()).toContain('週1回');

        // Approval from the meeting's decision.
        await page.getByRole('button', { name: '承認を記録' }).click();
        await field(page, /^承認した会議の決定/).fill('第3回重層的支援会議 議事録 2');
        await page.getByRole('button', { name: '承認を記録する' }).click();
        await page.getByText('第1回プランの承認を記録しました。').waitFor();
        await expect.poll(() => page.locator('.plan-panel__meta .badge').first().textContent()).toBe('承認');
        await screenshot(page, 'case-plan');

        // History: what changed in 第3版 (the direction; the actions came from 第2版).
        await page.getByRole('button', { name: /^前の版と比べる\s*（第3版）$/ }).click();
        await page.getByRole('heading', { name: '第2版 → 第3版の違い' }).waitFor();
        await expect.poll(() => page.locator('.plan-compare tbody tr').count()).toBe(1);
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.locator('.plan-history').screenshot({ path: join(SCREENSHOT_DIR, 'case-plan-history.png') });

        // The plan sheet to print.
        await page.getByRole('link', { name: '印刷', exact: true }).click();
        await waitForHeading(page, 'プランシートの印刷');
        await page.getByText('第3回重層的支援会議 議事録 2').waitFor();
        expect(await page.locator('.sheet .plan-print__table').nth(1).locator('tbody tr').count()).toBe(3);
        await screenshot(page, 'case-plan-print');

        // 支援中 → 評価: the evaluation per goal.
        for (const to of ['active', 'evaluation']) {
          const current = (await coordinator.get(`/api/v1/cases/${caseId}`)).json() as { version: number };
          expect((await coordinator.post(`/api/v1/cases/${caseId}/transitions`, { to, reason: '会議で確認', version: current.version })).statusCode).toBe(200);
        }
        await page.getByRole('link', { name: '支援プランへ戻る' }).click();
        await page.getByText('評価の時期です').waitFor();
        await page.getByRole('button', { name: '評価を記録' }).click();
        const groups = page.locator('.plan-evaluate-goal');
        expect(await groups.count()).toBe(4);
        for (const [i, achievement] of ['一部達成', '達成', '一部達成', '未達成'].entries()) {
          await groups.nth(i).getByRole('radio', { name: achievement, exact: true }).check();
        }
        await field(page, /^長期目標のコメント/).fill('母の介護は安定した。太一さんは居場所に月2回通い始めた。');
        await field(page, /^評価のまとめ/).fill('終結し、地域包括支援センターが月1回の電話で見守りを続ける。');
        await screenshot(page, 'case-plan-evaluate');
        await page.getByRole('button', { name: '評価を記録する' }).click();
        await page.getByText('第1回プランの評価を記録しました。').waitFor();
        await expect.poll(() => page.locator('.plan-panel__meta .badge').first().textContent()).toBe('評価済');
      });
    },
    TIMEOUT,
  );
});
