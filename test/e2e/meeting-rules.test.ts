import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../support/people.ts';
import { COORD_AGENCY, HOUKATSU_AGENCY, OTHER_AGENCY, WINDOW_AGENCY, type CaseWorld } from '../support/cases.ts';
import { ADMIN_PASSWORD, SCREENSHOT_DIR, apiSession, createStaff, launchBrowser, loginAs, open8050CaseOverHttp, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * Meeting rules in the browser (issue 12 items 2–4): the 重層的支援会議 page
 * states the body's rule (小金井市: 招集 市・主催 社協・市は毎回出席); the
 * case page closes a case by choosing the meeting's decision (no free text);
 * the administrator corrects a body's rule on 会議体・配置.
 */
const TIMEOUT = 150_000;
const COORD = { loginId: 'csw.rules', name: '金子 美穂', role: 'coordinator', agency: COORD_AGENCY, password: 'Rules-coordinator-26' } as const;
const WINDOW = { loginId: 'window.rules', name: '太田 誠', role: 'intake_clerk', agency: WINDOW_AGENCY, password: 'Rules-window-2026x' } as const;
const HOUKATSU = { loginId: 'houkatsu.rules', name: '原 さとみ', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Rules-houkatsu-26' } as const;
const OUTSIDE = { loginId: 'outside.rules', name: '工藤 彩', role: 'agency_staff', agency: OTHER_AGENCY, password: 'Rules-outsider-2026' } as const;
const SEC = { loginId: 'sec.rules', name: '伊藤 直子', role: 'secretariat', agency: '地域福祉課', password: 'Rules-secretariat-26' } as const;
const TITLE = '令和8年度 第4回 重層的支援会議';

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
let world: CaseWorld;
let caseId = '';
let meetingId = '';

async function both(page: Page, name: string) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const r = await open8050CaseOverHttp(server, { coordinator: COORD, window: WINDOW, houkatsu: HOUKATSU, outsider: OUTSIDE }, { name: '小金 太一' });
  world = r.world;
  caseId = r.opened.case.id;
  await recordConsent(world.window.agent, { personId: r.opened.sonId, purpose: 'meeting_sharing' });
  await createStaff(server, SEC);
  const sec = await apiSession(server, SEC.loginId, SEC.password);
  const coord = await apiSession(server, COORD.loginId, COORD.password);
  const m = await sec.post('/api/v1/meetings', { meetingBodyId: (await sec.get('/api/v1/meeting-bodies')).items.find((b: { kind: string }) => b.kind === 'jusou').id, title: TITLE, scheduledAt: new Date(Date.now() - 3600_000).toISOString(), place: '市役所第二庁舎 801会議室' });
  meetingId = m.id;
  const coordUser = await server.handle.db.selectFrom('users').select('id').where('login_id', '=', COORD.loginId).executeTakeFirstOrThrow();
  await sec.post(`/api/v1/meetings/${meetingId}/attendees`, { userId: coordUser.id });
  const agenda = await coord.post(`/api/v1/meetings/${meetingId}/agenda`, { kind: 'case', caseId, title: '8050世帯の支援の終結について' });
  // The meeting decides the closure; the 主担当 carries it out from the case page.
  await sec.post(`/api/v1/meetings/${meetingId}/decisions`, { agendaItemId: agenda.items[0].id, kind: 'closure', content: '母の介護サービスが定着し、息子も居場所に通えているため終結', closure: { reason: '課題解決' }, carryOut: false });
  await server.handle.db.updateTable('cases').set({ status: 'evaluation' }).where('id', '=', caseId).execute();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('meeting rules in the browser', () => {
  it(
    'the meeting page states the body\'s rule; the case closes by choosing the meeting\'s decision',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, SEC.loginId, SEC.password, SEC.name);
        await page.goto(`/meetings/${meetingId}`);
        await waitForHeading(page, TITLE);
        await page.getByText('本人同意が必要な会議体', { exact: true }).waitFor();
        await page.getByText(/招集は市（事務局）、主催は小金井市社会福祉協議会、市（事務局）が毎回出席/).waitFor();
        await both(page, 'rules-meeting-jusou');
      });
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto(`/cases/${caseId}`);
        await page.getByRole('button', { name: '終結' }).first().click();
        await page.getByRole('radio', { name: '課題解決' }).check();
        const decision = page.getByRole('radio', { name: new RegExp(TITLE) });
        await decision.waitFor();
        await decision.check();
        await page.getByLabel(/^つながり続ける機関/).selectOption({ label: HOUKATSU_AGENCY });
        await page.getByLabel(/^頻度・方法/).fill('月1回の電話');
        await page.getByLabel(/^連絡の間隔/).fill('30');
        await page.getByLabel(/^理由・経緯/).fill('会議の決定にもとづき終結');
        await both(page, 'rules-case-closure-picker');
        await page.getByRole('button', { name: /を記録する$/ }).click();
        await page.getByText(/事例は「終結」になりました/).waitFor();
        await page.getByText(new RegExp(`決定：${TITLE}`)).first().waitFor();
      });
    },
    TIMEOUT,
  );

  it(
    'the administrator corrects a body\'s rule on 会議体・配置',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, 'admin', ADMIN_PASSWORD, 'システム管理者');
        await page.goto('/meeting-bodies');
        await waitForHeading(page, '会議体・配置');
        // 会議の決定のルール: 死亡・転居 may close without a meeting decision (with a reason).
        const rules = page.getByRole('region', { name: '会議の決定のルール' });
        await rules.getByRole('button', { name: 'ルールを変更する' }).click();
        await rules.getByRole('group', { name: '会議の決定なしに終結できる終結理由' }).getByLabel('死亡').check();
        await rules.getByRole('group', { name: '会議の決定なしに終結できる終結理由' }).getByLabel('転居').check();
        await rules.getByRole('button', { name: '保存する' }).click();
        await rules.getByText('会議の決定のルールを保存しました。').waitFor();
        await rules.getByText(/(転居・死亡|死亡・転居)（理由を記録します）/).waitFor();
        const card = page.locator('.meeting-body', { hasText: '支援調整会議（生活困窮者自立支援制度）' });
        await card.getByRole('button', { name: 'ルールを変更する' }).click();
        await card.getByRole('radio', { name: /法律上の守秘義務あり/ }).check();
        await both(page, 'rules-bodies-admin');
        await page.setViewportSize({ width: 390, height: 900 });
        await card.screenshot({ path: `${SCREENSHOT_DIR}/rules-bodies-admin-card-390.png` });
        await page.setViewportSize({ width: 1366, height: 900 });
        await card.getByRole('button', { name: '保存する' }).click();
        await card.getByText(/守秘義務の根拠（条文）：守秘義務を定める法律の条文を入力してください/).first().waitFor();
        await card.getByRole('button', { name: 'やめる' }).click();
        expect(await page.locator('.meeting-body', { hasText: '支援会議（法第106条の6）' }).first().textContent()).toContain('守秘義務のある会議体（社会福祉法第106条の6）');
      });
    },
    TIMEOUT,
  );
});
