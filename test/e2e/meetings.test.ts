import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayJst } from '../../src/shared/date-input.ts';
import type { Agent } from '../support/app.ts';
import { COORD_AGENCY, HOUKATSU_AGENCY, OTHER_AGENCY, WINDOW_AGENCY, type CaseWorld } from '../support/cases.ts';
import { recordConsent } from '../support/people.ts';
import { addDays, createStaff, launchBrowser, loginAs, open8050CaseOverHttp, pageRunner, screenshot, startServer, waitForHeading, type TestServer, relaxMeetingRules } from './support.ts';

/**
 * 会議体 in the browser (issue 5): the 事務局 convenes a 支援会議 about a
 * household without consent to meeting sharing; two attendees acknowledge
 * the 守秘義務 and read the agenda, a third who did not is refused. Later,
 * with the son's consent, the coordinator's 重層的支援会議 approves the
 * case's plan and the plan page shows 承認.
 */
const TIMEOUT = 150_000;

const COORD = { loginId: 'csw.kaneko', name: '金子 美穂', role: 'coordinator', agency: COORD_AGENCY, password: 'Meet-coordinator-26' } as const;
const WINDOW = { loginId: 'window.ota', name: '太田 誠', role: 'intake_clerk', agency: WINDOW_AGENCY, password: 'Meet-window-2026x' } as const;
const HOUKATSU = { loginId: 'nishi.hara', name: '原 さとみ', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Meet-houkatsu-26' } as const;
const OUTSIDE = { loginId: 'josei.kudo', name: '工藤 彩', role: 'agency_staff', agency: OTHER_AGENCY, password: 'Meet-outsider-2026' } as const;
const NAMED = { loginId: 'nishi.mori', name: '森 由美', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Meet-named-staff-26' } as const;
const SEC = { loginId: 'jimukyoku.ito', name: '伊藤 直子', role: 'secretariat', agency: '地域福祉課', password: 'Meet-secretariat-26' } as const;

const SHIEN_TITLE = '令和8年度 第2回 支援会議';
const JUSOU_TITLE = '令和8年度 第3回 重層的支援会議';

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
let world: CaseWorld;
let caseId = '';
let caseNo = '';
let sonId = '';
let shienId = '';

beforeAll(async () => {
  server = await startServer();
  await relaxMeetingRules(server, { convening: true });
  browser = await launchBrowser();
  ({ world } = await (async () => {
    const r = await open8050CaseOverHttp(server, { coordinator: COORD, window: WINDOW, houkatsu: HOUKATSU, outsider: OUTSIDE }, { name: '小金 太一' });
    caseId = r.opened.case.id;
    caseNo = r.opened.case.caseNo;
    sonId = r.opened.sonId;
    return r;
  })());
  await createStaff(server, SEC);

  // The case reaches プラン作成 with a plan draft (本人の同意 to the plan recorded on it).
  const coordinator: Agent = world.coordinator.agent;
  for (const to of ['assessment', 'planning']) {
    const current = (await coordinator.get(`/api/v1/cases/${caseId}`)).json() as { version: number };
    const moved = await coordinator.post(`/api/v1/cases/${caseId}/transitions`, { to, reason: 'チームで確認', version: current.version });
    expect(moved.statusCode, moved.body).toBe(200);
  }
  const today = todayJst();
  const plan = await coordinator.post(`/api/v1/cases/${caseId}/plans`, {
    longTermGoal: '母が安心して在宅で暮らし続け、太一さんが地域に居場所を持てる',
    shortTermGoals: [{ text: '母が訪問介護を使い始める' }, { text: '太一さんが週1回、地域の居場所に通う' }],
    direction: '多機関協働が世帯全体を調整し、母の介護は地域包括支援センターが担う。',
    actions: [
      { content: '世帯全体の調整と本人への定期訪問', agencyId: world.agencies.coord, staffName: '金子', frequency: '月2回', period: '6か月' },
      { content: '母の要介護認定の申請支援', agencyId: world.agencies.houkatsu, staffName: '原', frequency: '随時', period: '3か月' },
    ],
    leadAgencyId: world.agencies.coord,
    consentOn: today,
    consentMethod: '書面',
    nextReviewOn: addDays(today, 90),
  });
  expect(plan.statusCode, plan.body).toBe(201);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('会議 in the browser', () => {
  it(
    '支援会議: the 事務局 convenes it; attendees read the agenda only after acknowledging the 守秘義務',
    async () => {
      // The 事務局 convenes the 支援会議, invites three staff and a 民生委員, acknowledges and adds a person known only partly.
      await withPage(async (page) => {
        await loginAs(page, SEC.loginId, SEC.password, SEC.name);
        await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '会議', exact: true }).click();
        await waitForHeading(page, '会議');
        await page.getByText('予定されている会議はありません。').waitFor();
        await page.getByRole('link', { name: '会議を招集する' }).click();
        await waitForHeading(page, '会議を招集する');
        await page.getByRole('radio', { name: /^支援会議/ }).check();
        await page.getByLabel(/^会議名/).fill(SHIEN_TITLE);
        await page.getByLabel(/^日時/).fill(`${addDays(todayJst(), 7)}T14:00`);
        await page.getByLabel('オンラインで開催する').check();
        await page.getByLabel(/^場所/).fill('市役所第二庁舎 801会議室');
        await page.getByLabel(/^主催者/).selectOption({ label: '地域福祉課' });
        await screenshot(page, 'meeting-new');
        await page.getByRole('button', { name: '招集する' }).click();
        await waitForHeading(page, SHIEN_TITLE);
        await page.getByText('支援会議を招集しました。').waitFor();
        shienId = new URL(page.url()).pathname.split('/').pop()!;

        // Staff are picked by name from the staff directory (the surname is enough).
        for (const u of [COORD, HOUKATSU, OUTSIDE]) {
          await page.getByRole('button', { name: '出席者を招く' }).click();
          await page.getByLabel('招く職員').fill(u.name.split(' ')[0]!);
          const pick = page.getByRole('button', { name: new RegExp(`^招く\\s*（${u.name}）$`) });
          await pick.waitFor();
          if (u === COORD) await screenshot(page, 'meeting-invite-picker');
          await pick.click();
          await page.getByText(`${u.name}さんを出席者に加えました。`).waitFor();
        }
        await page.getByRole('button', { name: '出席者を招く' }).click();
        await page.getByRole('radio', { name: '外部の出席者' }).check();
        await page.getByLabel(/^氏名/).fill('民生 和子');
        await page.getByLabel(/^所属/).fill('民生委員・児童委員協議会');
        await page.getByRole('button', { name: '招く', exact: true }).click();
        await page.getByText('民生 和子さんを出席者に加えました。').waitFor();
        // One invited by mistake is taken off again.
        await page.getByRole('button', { name: '出席者を招く' }).click();
        await page.getByRole('radio', { name: '外部の出席者' }).check();
        await page.getByLabel(/^氏名/).fill('西 一郎');
        await page.getByLabel(/^所属/).fill('小金井市社会福祉協議会');
        await page.getByRole('button', { name: '招く', exact: true }).click();
        await page.getByText('西 一郎さんを出席者に加えました。').waitFor();
        await page.locator('.attendee', { hasText: '西 一郎' }).getByRole('button', { name: '外す' }).click();
        await page.getByRole('group', { name: '外す' }).getByRole('button', { name: '外す' }).click();
        await page.getByText('西 一郎さんを出席者から外しました。').waitFor();
        expect(await page.locator('.attendee', { hasText: '西 一郎' }).count()).toBe(0);

        await page.getByRole('button', { name: '守秘義務を確認しました' }).click();
        await page.getByText('守秘義務の内容を読み、チェックを入れてください', { exact: true }).first().waitFor();
        await page.getByLabel(/守秘義務を負うことを理解しました/).check();
        await page.getByRole('button', { name: '守秘義務を確認しました' }).click();
        await page.getByText('守秘義務の確認を記録しました。').waitFor();
        await page.getByRole('button', { name: '議題を加える' }).click();
        await page.getByRole('radio', { name: /^氏名などが分からない方/ }).check();
        await page.getByLabel(/^呼び名/).fill('駅前の公園で寝泊まりしている男性');
        await page.getByRole('textbox', { name: /^議題/ }).fill('氏名不明の方の見守り');
        await page.getByRole('textbox', { name: /^内容/ }).fill('60代くらい。商店会の方から、冬を前に体調が心配との声');
        await page.getByRole('button', { name: '議題に加える' }).click();
        await page.getByRole('heading', { name: /氏名不明の方の見守り/ }).waitFor();
      });

      // The coordinator sees only the date and the attendees until she acknowledges; then adds the case without consent.
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto('/meetings');
        await waitForHeading(page, '会議');
        await page.getByRole('link', { name: SHIEN_TITLE }).click();
        await waitForHeading(page, SHIEN_TITLE);
        await page.getByRole('heading', { name: '守秘義務の確認' }).waitFor();
        await page.getByText(/守秘義務の確認」をした後に表示されます/).waitFor();
        expect(await page.getByRole('heading', { name: /氏名不明の方の見守り/ }).count()).toBe(0);
        expect(await page.getByRole('link', { name: '会議資料を開く' }).count()).toBe(0);
        await screenshot(page, 'meeting-shien-ack');
        await page.getByLabel(/守秘義務を負うことを理解しました/).check();
        await page.getByRole('button', { name: '守秘義務を確認しました' }).click();
        await page.getByText('守秘義務の確認を記録しました。').waitFor();
        await page.getByRole('heading', { name: /氏名不明の方の見守り/ }).waitFor();

        await page.getByRole('button', { name: '議題を加える' }).click();
        await page.getByRole('radio', { name: /^事例/ }).check();
        const select = page.getByRole('combobox', { name: /^事例/ });
        await select.locator('option', { hasText: caseNo }).waitFor({ state: 'attached' });
        await select.selectOption({ label: (await select.locator('option', { hasText: caseNo }).textContent())! });
        await page.getByRole('textbox', { name: /^議題/ }).fill('同意のない8050世帯の見守りと役割分担');
        await page.getByRole('button', { name: '議題に加える' }).click();
        await page.getByRole('heading', { name: /同意のない8050世帯/ }).waitFor();
        await page.getByText(/社会福祉法第106条の6（支援会議）：本人の同意は不要/).first().waitFor();
        // The materials are the other page (/meetings/:id/materials); here its link opens with the agenda.
        await page.getByRole('link', { name: '会議資料を開く' }).waitFor();
        await screenshot(page, 'meeting-shien-agenda');
      });

      // A second attendee acknowledges and reads both items.
      await withPage(async (page) => {
        await loginAs(page, HOUKATSU.loginId, HOUKATSU.password, HOUKATSU.name);
        await page.goto(`/meetings/${shienId}`);
        await waitForHeading(page, SHIEN_TITLE);
        await page.getByLabel(/守秘義務を負うことを理解しました/).check();
        await page.getByRole('button', { name: '守秘義務を確認しました' }).click();
        await page.getByRole('heading', { name: /同意のない8050世帯/ }).waitFor();
        await page.getByRole('heading', { name: /氏名不明の方の見守り/ }).waitFor();
        await page.getByText('この欄の内容は非公開です', { exact: false }).waitFor();
        // The materials (the case's summary, plan and recent records) open from the meeting page.
        await page.getByRole('link', { name: '会議資料を開く' }).click();
        await waitForHeading(page, /会議資料/);
        await page.getByRole('heading', { name: /同意のない8050世帯/ }).waitFor();
        await page.getByText(/小金 太一/).first().waitFor();
      });

      // The third did not acknowledge: the agenda stays closed, and the API refuses the materials.
      await withPage(async (page) => {
        await loginAs(page, OUTSIDE.loginId, OUTSIDE.password, OUTSIDE.name);
        await page.goto(`/meetings/${shienId}`);
        await waitForHeading(page, SHIEN_TITLE);
        await page.getByRole('heading', { name: '守秘義務の確認' }).waitFor();
        expect(await page.getByText('同意のない8050世帯').count()).toBe(0);
        expect(await page.getByText('駅前の公園').count()).toBe(0);
      });
      const refused = await world.outsider.agent.get(`/api/v1/meetings/${shienId}/materials`);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('守秘義務の確認が必要です');
      const read = await world.houkatsu.agent.get(`/api/v1/meetings/${shienId}/materials`);
      expect(read.statusCode, read.body).toBe(200);
    },
    TIMEOUT,
  );

  it(
    '重層的支援会議: refused without consent, then with the son\'s consent it approves the plan and the plan shows 承認',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto('/meetings');
        await page.getByRole('link', { name: '会議を招集する' }).click();
        await waitForHeading(page, '会議を招集する');
        expect(await page.getByRole('radio', { name: /^支援会議/ }).count()).toBe(0);
        await page.getByRole('radio', { name: /^重層的支援会議/ }).check();
        await page.getByLabel(/^会議名/).fill(JUSOU_TITLE);
        await page.getByLabel(/^日時/).fill(`${addDays(todayJst(), -1)}T14:00`);
        await page.getByLabel(/^場所/).fill('市役所第二庁舎 801会議室');
        await page.getByRole('button', { name: '招集する' }).click();
        await waitForHeading(page, JUSOU_TITLE);

        // No consent to meeting sharing yet: refused, with the two ways forward.
        await page.getByRole('button', { name: '議題を加える' }).click();
        const select = page.getByRole('combobox', { name: /^事例/ });
        await select.locator('option', { hasText: caseNo }).waitFor({ state: 'attached' });
        await select.selectOption({ label: (await select.locator('option', { hasText: caseNo }).textContent())! });
        await page.getByRole('textbox', { name: /^議題/ }).fill('第1次プランの承認');
        await page.getByRole('button', { name: '議題に加える' }).click();
        await page.getByText('本人の同意がないため、この会議の議題にできません').waitFor();
        await page.getByText(/市（事務局）に支援会議の開催を相談してください/).waitFor();
        expect(await page.getByRole('link', { name: /本人の同意（会議での情報共有）を得る/ }).getAttribute('href')).toBe(`/persons/${sonId}#consent`);
        await screenshot(page, 'meeting-jusou-consent');

        // The son agrees to the sharing at the meeting (recorded by the window); now the case enters.
        await recordConsent(world.window.agent, { personId: sonId, purpose: 'meeting_sharing' });
        await page.getByRole('button', { name: '議題に加える' }).click();
        await page.getByRole('heading', { name: /第1次プランの承認/ }).waitFor();
        await page.getByText(/共有の根拠：本人の同意（会議での情報共有）/).waitFor();

        // The 地域包括 joins (picked by name).
        await page.getByRole('button', { name: '出席者を招く' }).click();
        await page.getByLabel('招く職員').fill('さとみ');
        await page.getByRole('button', { name: new RegExp(`^招く\\s*（${HOUKATSU.name}）$`) }).click();
        await page.getByText(`${HOUKATSU.name}さんを出席者に加えました。`).waitFor();
        await page.getByRole('button', { name: `${HOUKATSU.name}さんを出席にする` }).click();
        await page.getByRole('button', { name: `${COORD.name}さんを出席にする` }).click();
        await page.getByText(`${COORD.name}さんを出席にしました。`).waitFor();

        await page.getByRole('button', { name: '議事録を書く' }).click();
        await page.getByLabel(/^議事録/).fill('第1次プラン（案）について、地域包括から母の介護サービスの見通しを報告。太一さんは訪問を受け入れている。');
        // Meanwhile the 地域包括 saves the minutes first: the save is refused (409) with what she wrote.
        const jusouId = new URL(page.url()).pathname.split('/').pop()!;
        const agenda = (await world.houkatsu.agent.get(`/api/v1/meetings/${jusouId}/agenda`)).json() as { items: { id: string; version: number }[] };
        const first = agenda.items[0]!;
        const theirs = await world.houkatsu.agent.request('PUT', `/api/v1/meetings/${jusouId}/agenda/${first.id}/minutes`, {
          minutes: '地域包括：母の区分変更を申請予定。',
          version: first.version,
        });
        expect(theirs.statusCode, theirs.body).toBe(200);
        await page.getByRole('button', { name: '議事録を保存する' }).click();
        await page.getByText('ほかの方が先に議事録を更新しました').waitFor();
        await page.getByText('地域包括：母の区分変更を申請予定。').waitFor();
        await page.getByRole('button', { name: '最新の内容を読み込む' }).click();
        const minutes = page.getByLabel(/^議事録/);
        expect(await minutes.inputValue()).toBe('地域包括：母の区分変更を申請予定。');
        await minutes.fill('地域包括：母の区分変更を申請予定。\n第1次プラン（案）について、太一さんは訪問を受け入れている。');
        await page.getByRole('button', { name: '議事録を保存する' }).click();
        await page.getByText('議事録を保存しました。').waitFor();
        await screenshot(page, 'meeting-jusou');

        await page.getByRole('button', { name: '開催済にする' }).click();
        await page.getByText('会議を開催済にしました。').waitFor();
        await page.getByRole('button', { name: 'やることを加える' }).click();
        await page.getByLabel(/^やること/).fill('母の要介護認定の区分変更申請を支援する');
        await page.getByRole('combobox', { name: /^担当者/ }).selectOption({ label: `${HOUKATSU.name}（${HOUKATSU_AGENCY}）` });
        await page.getByLabel(/^期限/).fill(addDays(todayJst(), 14));
        await page.getByRole('button', { name: '記録する', exact: true }).click();
        await page.getByText('母の要介護認定の区分変更申請を支援する').waitFor();

        await page.getByRole('button', { name: '決定を記録する' }).click();
        await page.getByRole('combobox', { name: /^決定の種類/ }).selectOption({ label: 'プラン承認' });
        const plan = page.getByRole('combobox', { name: /^承認するプラン/ });
        await plan.locator('option', { hasText: '第1次プラン' }).waitFor({ state: 'attached' });
        await page.waitForFunction(() => (document.querySelector('select[id$="-plan"]') as HTMLSelectElement | null)?.value !== '');
        await page.getByLabel(/^決定の内容/).fill('第1次プランを承認する。主担当は多機関協働、母の介護は地域包括支援センター。');
        await page.getByRole('button', { name: '決定を記録する' }).click();
        await page.getByText(/プランを承認しました。事例 .* のプランは「承認」になりました。/).waitFor();
        await page.getByText('第1版のプランを承認').waitFor();
        await screenshot(page, 'meeting-decision');

        await page.goto(`/cases/${caseId}/plans`);
        await waitForHeading(page, /小金 太一/);
        await page.getByText('承認', { exact: true }).first().waitFor();
        // The approval links to the minutes of the meeting that decided it.
        await page.getByRole('link', { name: '議事録を開く' }).first().click();
        await waitForHeading(page, JUSOU_TITLE);

        await page.goto('/meetings');
        await waitForHeading(page, '会議');
        await page.getByRole('link', { name: JUSOU_TITLE }).waitFor();
        await page.getByRole('link', { name: SHIEN_TITLE }).waitFor();
        await screenshot(page, 'meetings-list');
        await page.getByRole('link', { name: '支援会議', exact: true }).click();
        await page.getByRole('link', { name: JUSOU_TITLE }).waitFor({ state: 'detached' });
        await page.getByRole('link', { name: SHIEN_TITLE }).waitFor();
      });
      const plans = (await world.coordinator.agent.get(`/api/v1/cases/${caseId}/plans`)).json() as { items: { status: string; approval: { meetingId: string | null } | null }[] };
      expect(plans.items[0]).toMatchObject({ status: 'approved' });
      expect(plans.items[0]!.approval?.meetingId).toBeTruthy();
    },
    TIMEOUT,
  );

  it(
    'the case team: the coordinator names a staff member of the 地域包括 picked from the staff directory',
    async () => {
      await createStaff(server, NAMED);
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto(`/cases/${caseId}`);
        await waitForHeading(page, /小金 太一/);
        const team = page.getByRole('region', { name: 'チーム（役割分担）' });
        await team.getByLabel('機関で絞り込む').selectOption({ label: HOUKATSU_AGENCY });
        // Only staff of the team's agencies are offered; the outsider's agency is not on the team.
        await team.getByRole('button', { name: new RegExp(`^選ぶ\\s*（${NAMED.name}）$`) }).click();
        await page.locator('#team-staff-role').selectOption('cooperating');
        await team.getByRole('button', { name: '担当者に加える' }).click();
        await page.getByText(`${NAMED.name}さん（${HOUKATSU_AGENCY}）を担当者に加えました。`).waitFor();
        await team.getByRole('row', { name: new RegExp(HOUKATSU_AGENCY) }).getByText(NAMED.name).waitFor();
        await team.getByLabel('職員', { exact: true }).fill('工藤');
        await team.getByText('見つかりませんでした。', { exact: false }).waitFor();
        await team.getByLabel('職員', { exact: true }).fill('');
        await team.getByText('見つかりませんでした。', { exact: false }).waitFor({ state: 'detached' });
        await screenshot(page, 'case-team-named-staff');
      });
      const detail = (await world.coordinator.agent.get(`/api/v1/cases/${caseId}`)).json() as { team: { userName: string | null; agencyId: string }[] };
      expect(detail.team.some((m) => m.userName === NAMED.name && m.agencyId === world.agencies.houkatsu)).toBe(true);
    },
    TIMEOUT,
  );
});
