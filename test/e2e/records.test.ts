import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayJst } from '../../src/shared/date-input.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Agent, Response } from '../support/app.ts';
import { COORD_AGENCY, HOUKATSU_AGENCY, open8050Case, OTHER_AGENCY, WINDOW_AGENCY } from '../support/cases.ts';
import { addDays, launchBrowser, loginAs, open8050CaseOverHttp, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * 支援経過記録 and わたしの仕事 in the browser: the coordinator records a home
 * visit from the case page, corrects it with a reason and reads the history;
 * then opens わたしの仕事 (tasks with why, quick entry) and the overview.
 * The case and the work around it are set up through the API and the database.
 */
const TIMEOUT = 120_000;

const COORD = { loginId: 'csw.hayashi', name: '林 由美', role: 'coordinator', agency: COORD_AGENCY, password: 'Records-coord-2026' } as const;
const WINDOW = { loginId: 'window.ishii', name: '石井 亮', role: 'intake_clerk', agency: WINDOW_AGENCY, password: 'Records-window-2026' } as const;
const HOUKATSU = { loginId: 'nishi.okada', name: '岡田 恵', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Records-houkatsu-26' } as const;
const OUTSIDE = { loginId: 'josei.kondo', name: '近藤 舞', role: 'agency_staff', agency: OTHER_AGENCY, password: 'Records-outside-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
let caseId = '';
let caseLabel = '';

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const db = server.handle.db;
  // The case of the journey: an 8050 household, with the 地域包括 on the team and a few weeks of records.
  const { world, opened: { case: opened } } = await open8050CaseOverHttp(server, { coordinator: COORD, window: WINDOW, houkatsu: HOUKATSU, outsider: OUTSIDE }, { name: '小金 太一' });
  const c = world.coordinator.agent;
  const h = world.houkatsu.agent;
  const ok = (res: Response, status = 201) => expect(res.statusCode, res.body).toBe(status);
  caseId = opened.id;
  caseLabel = `${opened.caseNo} ${opened.title}（本人：小金 太一）`;
  await db.updateTable('cases').set({ opened_on: addDays(todayJst(), -30) }).where('id', '=', caseId).execute();
  const records: [Agent, number, string, string, number | null][] = [
    [c, 21, '電話', '母に電話。息子は日中ほとんど自室にいるとのこと。来週の訪問を約束した。', 15],
    [h, 14, '訪問', '母の介護保険の申請について説明。息子とはドア越しに挨拶のみ。', 60],
    [c, 7, '会議', '地域包括支援センターとケース会議。訪問の分担と、息子への関わり方を確認。', 90],
    [h, 3, '連絡調整', 'ケアマネジャー候補の事業所に空き状況を確認。', 20],
  ];
  for (const [agent, days, kind, content, minutes] of records) {
    ok(await agent.post(`/api/v1/cases/${caseId}/records`, { occurredAt: daysAgo(days), kind, content, durationMinutes: minutes }));
  }
  ok(
    await c.post(`/api/v1/cases/${caseId}/records`, {
      occurredAt: daysAgo(2),
      kind: '面談',
      content: '母と面談。息子が最近、夜に近所のコンビニへ出かけていると聞いた。',
      durationMinutes: 40,
      nextAction: '息子あての手紙を届ける',
      nextActionOn: todayJst(),
    }),
  );

  // The work around it: a review date past, a request unanswered, a referral waiting, a case nobody reached.
  const m = (await db.selectFrom('cases').select('municipality_id').where('id', '=', caseId).executeTakeFirstOrThrow()).municipality_id;
  const planId = newId();
  await db
    .insertInto('plans')
    .values({ municipality_id: m, id: planId, case_id: caseId, plan_no: 1, status: 'active', current_version: 1, next_review_on: addDays(todayJst(), -4) })
    .execute();
  await db
    .insertInto('plan_versions')
    .values({ municipality_id: m, plan_id: planId, version_no: 1, short_term_goals: '[]', actions: '[]', long_term_goal: '母子が地域で安心して暮らす' })
    .execute();
  ok(await c.post(`/api/v1/cases/${caseId}/info-requests`, { toAgencyId: world.agencies.houkatsu, question: '母の要介護認定の結果を教えてください', dueOn: addDays(todayJst(), 1) }));
  await db.updateTable('info_requests').set({ due_on: addDays(todayJst(), -2) }).where('case_id', '=', caseId).execute();
  const other = (await open8050Case(world, { name: '野川 一郎' })).case.id;
  await db.updateTable('cases').set({ opened_on: addDays(todayJst(), -48) }).where('id', '=', other).execute();
  ok(
    await world.window.agent.post('/api/v1/referrals', {
      toCoordination: true,
      chiefComplaint: '高齢の父と無職の娘の世帯。家賃の滞納がある',
      content: '匿名の相談。民生委員から。',
      reason: '複数の課題があるため',
      consentConfirmed: false,
    }),
  );
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('支援経過記録 and わたしの仕事 in the browser', () => {
  it(
    'records a home visit, corrects it, reads the history, then opens my work and the overview',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto(`/cases/${caseId}/records`);
        await waitForHeading(page, /支援経過記録/);
        await page.getByText('延べ対応回数').waitFor();

        // A home visit, entered at the top of the page (日時 defaults to now).
        await page.getByRole('radio', { name: '訪問' }).check();
        expect(await page.getByRole('checkbox', { name: /本人と接触した/ }).isChecked()).toBe(true);
        await page.getByRole('textbox', { name: /^内容/ }).fill('自宅を訪問。息子の太一さんと初めて対面で話せた。昼夜逆転の生活で、食事は母が部屋の前に置いている。');
        await page.getByRole('textbox', { name: '所要時間（分）' }).fill('45');
        await page.getByRole('textbox', { name: '次の予定' }).fill('太一さんに居場所の見学を提案する');
        await page.getByLabel('予定日').fill(addDays(todayJst(), 2));
        await page.getByRole('button', { name: '記録する' }).click();
        await page.getByText(/訪問を記録しました/).waitFor();
        // The timeline reloads after the save: wait until the new visit is on top.
        const first = page.locator('.record-list > li').first();
        await expect.poll(() => first.textContent()).toContain('初めて対面で話せた');

        // Correct it: the reason is required, the original stays in the history.
        await first.getByRole('button', { name: '訂正する' }).click();
        await page.getByText('訂正前の内容（第1版').waitFor();
        const form = page.locator('.record-correct');
        await form.getByRole('textbox', { name: /^内容/ }).fill('自宅を訪問。息子の太一さんとドア越しに話せた（対面ではなかった）。昼夜逆転の生活で、食事は母が部屋の前に置いている。');
        await form.getByRole('button', { name: '訂正を保存する' }).click();
        await form.getByText('訂正の理由：入力してください').first().waitFor();
        await form.getByRole('textbox', { name: /^訂正の理由/ }).fill('対面ではなくドア越しだったため');
        await form.getByRole('button', { name: '訂正を保存する' }).click();
        await page.getByText('記録を訂正しました。').waitFor();
        const corrected = page.locator('.record-list > li').first();
        await corrected.getByText('訂正あり').waitFor();
        await expect.poll(() => corrected.textContent()).toContain('ドア越しに話せた');
        await screenshot(page, 'case-records');

        await corrected.getByRole('button', { name: '訂正の履歴を見る' }).click();
        await corrected.getByText('訂正の履歴（2版）').waitFor();
        expect(await corrected.locator('.record-history__item').first().textContent()).toContain('初めて対面で話せた');
        await corrected.getByText('訂正の理由：対面ではなくドア越しだったため').waitFor();
        await corrected.scrollIntoViewIfNeeded();
        await screenshot(page, 'case-record-history');

        // Filter chips: only the 地域包括's records.
        await page.getByRole('button', { name: new RegExp(`^${HOUKATSU_AGENCY}`) }).click();
        await page.waitForFunction(() => document.querySelectorAll('.record-list > li').length === 2);

        // わたしの仕事: counts, tasks with why, and quick entry.
        await page.getByRole('link', { name: 'わたしの仕事' }).first().click();
        await waitForHeading(page, 'わたしの仕事');
        await page.getByRole('heading', { name: /プランの評価/ }).waitFor();
        await page.getByText(/次回評価日（.+）を過ぎています/).waitFor();
        await page.getByText(/事例の開始（.+）から48日、本人と接触した記録がありません（基準：30日）/).waitFor();
        await page.getByText(/への依頼「母の要介護認定の結果を教えてください」が、回答期限/).waitFor();
        await page.getByText(/つなぎ「高齢の父と無職の娘の世帯。家賃の滞納がある」が届いています/).waitFor();
        // The visit supersedes the earlier 面談's next action (the latest record says what happens next).
        await page.getByText('次の予定：太一さんに居場所の見学を提案する', { exact: true }).waitFor();
        expect(await page.getByText('次の予定：息子あての手紙を届ける', { exact: true }).count()).toBe(0);
        await page.getByRole('combobox', { name: /^事例/ }).selectOption({ label: caseLabel });
        await page.getByRole('radio', { name: '電話' }).check();
        await page.getByRole('textbox', { name: /^内容/ }).fill('母に電話。手紙は息子に渡したとのこと。');
        await page.getByRole('button', { name: '記録する' }).click();
        await page.getByText(/に電話の記録を保存しました/).waitFor();
        await page.locator('.today-records').getByText('手紙は息子に渡したとのこと').waitFor();
        await screenshot(page, 'my-work');

        // The overview (coordinators and the secretariat).
        await page.getByRole('link', { name: '全体の状況' }).click();
        await waitForHeading(page, /全体の状況/);
        await page.getByRole('heading', { name: '主担当機関別' }).waitFor();
        expect(await page.locator('.overview-tasks tbody tr').count()).toBeGreaterThanOrEqual(3);
        await screenshot(page, 'cases-overview');
        await page.getByRole('combobox', { name: '種類' }).selectOption('no_contact');
        await page.waitForFunction(() => document.querySelectorAll('.overview-tasks tbody tr').length === 1);
      });

      // Other staff: no overview.
      await withPage(async (page) => {
        await loginAs(page, HOUKATSU.loginId, HOUKATSU.password, HOUKATSU.name);
        await page.goto('/cases/overview');
        await page.getByText('この情報を表示する権限がありません').waitFor();
        await page.getByText(/全体状況は地域福祉コーディネーターと事務局/).waitFor();
      });
    },
    TIMEOUT,
  );
});
