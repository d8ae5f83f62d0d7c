import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_DOMAINS } from '../../src/shared/cases.ts';
import { todayJst } from '../../src/shared/date-input.ts';
import type { Agent, Response } from '../support/app.ts';
import { COORD_AGENCY, HOUKATSU_AGENCY, OTHER_AGENCY, WINDOW_AGENCY } from '../support/cases.ts';
import { recordConsent } from '../support/people.ts';
import { addDays, apiSession, createStaff, launchBrowser, loginAs, open8050CaseOverHttp, pageRunner, screenshot, startServer, waitForHeading, type TestServer, relaxMeetingRules } from './support.ts';

/**
 * 会議資料 in the browser: a 重層的支援会議 set up through the API with the
 * 8050 case on the agenda (its assessment, draft plan and records) and a
 * follow-up action for the 地域包括; the attendee opens the materials, the
 * A4 handout (on screen and as printed) and finds the action in わたしの仕事.
 */
const TIMEOUT = 120_000;

const COORD = { loginId: 'csw.hayashi', name: '林 真理子', role: 'coordinator', agency: COORD_AGENCY, password: 'Meet-coordinator-26' } as const;
const WINDOW = { loginId: 'window.kato', name: '加藤 学', role: 'intake_clerk', agency: WINDOW_AGENCY, password: 'Meet-window-2026x' } as const;
const HOUKATSU = { loginId: 'houkatsu.ogawa', name: '小川 由美', role: 'agency_staff', agency: HOUKATSU_AGENCY, password: 'Meet-houkatsu-26' } as const;
const OUTSIDE = { loginId: 'other.ishii', name: '石井 亮', role: 'agency_staff', agency: OTHER_AGENCY, password: 'Meet-outsider-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));
let meetingId = '';
let shienId = '';
const SECRETARIAT = { loginId: 'jimu.sato', name: '佐藤 恵', role: 'secretariat', agency: '地域福祉課', password: 'Meet-secretariat-26' } as const;

async function ok(res: Promise<Response>, status = 201): Promise<Response> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r;
}

beforeAll(async () => {
  server = await startServer();
  await relaxMeetingRules(server, { convening: true });
  browser = await launchBrowser();
  const { world, opened } = await open8050CaseOverHttp(server, { coordinator: COORD, window: WINDOW, houkatsu: HOUKATSU, outsider: OUTSIDE }, { name: '小金 太一' });
  const sonId = opened.sonId;
  const co: Agent = world.coordinator.agent;
  const caseId = opened.case.id;
  await recordConsent(world.window.agent, { personId: sonId, purpose: 'meeting_sharing' });
  const current = (await co.get(`/api/v1/cases/${caseId}`)).json() as { version: number };
  await ok(co.post(`/api/v1/cases/${caseId}/transitions`, { to: 'assessment', reason: 'チームで確認', version: current.version }), 200);
  const domains: Record<string, { status: string; note: string }> = {};
  for (const d of ASSESSMENT_DOMAINS) domains[d.key] = { status: 'unknown', note: '' };
  domains.care = { status: 'issue', note: '母（82歳）の要介護認定が未申請' };
  domains.social = { status: 'issue', note: '太一さんは10年以上ひきこもり' };
  await ok(
    co.post(`/api/v1/cases/${caseId}/assessments`, {
      baseVersion: null,
      domains,
      personWishes: '母の介護は自分でしたい',
      familyWishes: '母は息子の将来を心配している',
      strengths: '母子の関係は良好。太一さんは料理が得意',
      risks: ['孤立死のおそれ'],
      riskNote: '母が倒れたとき、太一さんが助けを呼べない可能性',
      involvement: [],
      summary:
        '母（82歳）の介護と、太一さん（52歳）の社会参加の両面から支援が必要。母の要介護認定の申請を急ぎ、太一さんとは訪問で関係をつくるところから始める。',
      changeNote: null,
    }),
  );
  const today = todayJst();
  await ok(
    co.post(`/api/v1/cases/${caseId}/plans`, {
      longTermGoal: '母が安心して在宅で暮らし続け、太一さんが地域に自分の居場所を持てる',
      shortTermGoals: [{ text: '母が訪問介護を使い始める' }, { text: '太一さんが週1回、地域の居場所に通う' }],
      actions: [{ content: '世帯全体の状況確認と関係機関の調整', agencyId: world.agencies.coord }],
      leadAgencyId: world.agencies.coord,
      consentOn: today,
      consentMethod: '書面',
      nextReviewOn: addDays(today, 90),
    }),
  );
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
  await ok(co.post(`/api/v1/cases/${caseId}/records`, { occurredAt: hoursAgo(72), kind: '訪問', content: '自宅を訪問。母と面談。太一さんは自室から出てこなかったが、ドア越しに挨拶を返してくれた。' }));
  await ok(co.post(`/api/v1/cases/${caseId}/records`, { occurredAt: hoursAgo(26), kind: '電話', content: '母から電話。腰の痛みが強く、買い物に行けないとのこと。包括に連絡した。' }));

  const bodies = await server.handle.db.selectFrom('meeting_bodies').select(['id', 'kind']).execute();
  const jusou = bodies.find((b) => b.kind === 'jusou')!.id;
  const meeting = (await ok(
    co.post('/api/v1/meetings', { meetingBodyId: jusou, title: '第3回 重層的支援会議', scheduledAt: hoursAgo(1), place: '市役所第二庁舎 801会議室' }),
  )).json() as { id: string };
  meetingId = meeting.id;
  const houkatsuUser = await server.handle.db.selectFrom('users').select('id').where('login_id', '=', HOUKATSU.loginId).executeTakeFirstOrThrow();
  await ok(co.post(`/api/v1/meetings/${meetingId}/attendees`, { userId: houkatsuUser.id }));
  await ok(co.post(`/api/v1/meetings/${meetingId}/attendees`, { externalName: '民生 委員', externalOrganization: '民生委員・児童委員協議会' }));
  await ok(co.post(`/api/v1/meetings/${meetingId}/agenda`, { kind: 'case', caseId, title: '8050世帯の支援方針とプラン案の検討', description: '母の介護と太一さんの社会参加について、役割分担を決める。' }));
  await ok(co.post(`/api/v1/meetings/${meetingId}/agenda`, { kind: 'topic', title: 'ひきこもりの方の居場所の不足について' }));
  await ok(co.post(`/api/v1/meetings/${meetingId}/follow-ups`, { content: '母の要介護認定の申請を支援する', ownerUserId: houkatsuUser.id, dueOn: addDays(today, 3) }));

  // A 支援会議 the 地域包括 is invited to but has not acknowledged the 守秘義務 of yet.
  await createStaff(server, SECRETARIAT);
  const sec = await apiSession(server, SECRETARIAT.loginId, SECRETARIAT.password);
  const shien = bodies.find((b) => b.kind === 'shien')!.id;
  shienId = (await sec.post('/api/v1/meetings', { meetingBodyId: shien, title: '支援会議（11月）', scheduledAt: hoursAgo(2), place: '市役所 第3会議室' })).id;
  await sec.post(`/api/v1/meetings/${shienId}/attendees`, { userId: houkatsuUser.id });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('会議資料 in the browser', () => {
  it(
    'an attendee opens the materials and the A4 handout, and finds the follow-up in my work',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, HOUKATSU.loginId, HOUKATSU.password, HOUKATSU.name);
        await page.goto(`/meetings/${meetingId}/materials`);
        await waitForHeading(page, /第3回 重層的支援会議/);
        await page.getByText('介護と、太一さん（52歳）の社会参加').waitFor();
        await page.getByText('母が訪問介護を使い始める').waitFor();
        await page.getByText('ドア越しに挨拶を返してくれた').waitFor();
        await page.getByText('取扱注意', { exact: true }).first().waitFor();
        await screenshot(page, 'meeting-materials');

        await page.getByRole('link', { name: '配布資料を印刷する' }).click();
        await waitForHeading(page, '会議の配布資料の印刷');
        const sheet = page.locator('.sheet');
        await sheet.getByText('市役所第二庁舎 801会議室').waitFor();
        await sheet.getByText('民生 委員').waitFor();
        await sheet.getByText('ひきこもりの方の居場所の不足について').first().waitFor();
        await screenshot(page, 'meeting-print');
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, 'meeting-print-paper');
        const pdf = await page.pdf({ format: 'A4' });
        // Several A4 pages, each with the mark and the number in its margin (named @page).
        expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(1);
        await page.emulateMedia({ media: 'screen' });

        // 支援会議 before the acknowledgement: the reason and the way back to the meeting.
        await page.goto(`/meetings/${shienId}/materials`);
        await waitForHeading(page, '会議資料');
        await page.getByText('会議資料を開けません').waitFor();
        await page.getByText(/守秘義務の確認が必要です/).waitFor();
        await screenshot(page, 'meeting-materials-refused');
        await page.getByRole('link', { name: '会議のページへ戻る' }).click();
        await page.waitForURL(`**/meetings/${shienId}`);

        await page.goto('/my-work');
        await waitForHeading(page, 'わたしの仕事');
        const group = page.locator('#task-meeting_follow_up');
        await group.getByText('母の要介護認定の申請を支援する', { exact: true }).waitFor();
        await group.getByText(/第3回 重層的支援会議（.+）で決まった対応です。期限：/).waitFor();
        await screenshot(page, 'my-work-follow-up');
        await group.getByRole('link', { name: /会議を開く/ }).click();
        await page.waitForURL(`**/meetings/${meetingId}`);
      });
    },
    TIMEOUT,
  );
});
