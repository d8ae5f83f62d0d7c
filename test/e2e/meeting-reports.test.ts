import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fiscalYear, formatFiscalYear } from '../../src/shared/dates.ts';
import { COORD_AGENCY } from '../support/cases.ts';
import { apiSession, createStaff, launchBrowser, loginAs, pageRunner, screenshot, startServer, waitForHeading, type TestServer } from './support.ts';

/**
 * The meeting reports in the browser: 資源開発の課題 decided at a 推進会議
 * and at a 支援会議 (非公開: only its acknowledged attendees see it), and the
 * 事務局's 会議の実績（年度別）, which a coordinator may not open.
 */
const TIMEOUT = 120_000;

const SECRETARIAT = { loginId: 'jimu.mori', name: '森 香織', role: 'secretariat', agency: '地域福祉課', password: 'Report-secretariat-26' } as const;
const COORD = { loginId: 'csw.ueda', name: '上田 誠', role: 'coordinator', agency: COORD_AGENCY, password: 'Report-coordinator-26' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));

const SUISHIN_GAP = 'ひきこもりの方が日中に安心して過ごせる居場所が、市の北部にない';
const SHIEN_GAP = '夜間に相談できる窓口がなく、緊急時の一時的な宿泊先も足りない';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await createStaff(server, SECRETARIAT);
  await createStaff(server, COORD);
  const sec = await apiSession(server, SECRETARIAT.loginId, SECRETARIAT.password);
  const bodies = await server.handle.db.selectFrom('meeting_bodies').select(['id', 'kind']).execute();
  const bodyOf = (kind: string) => bodies.find((b) => b.kind === kind)!.id;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

  const suishin = await sec.post('/api/v1/meetings', { meetingBodyId: bodyOf('suishin'), title: '令和8年度 第2回 重層的支援体制推進会議', scheduledAt: hoursAgo(30), place: '市役所 大会議室' });
  const topic = await sec.post(`/api/v1/meetings/${suishin.id}/agenda`, { kind: 'topic', title: '地域の居場所づくりについて' });
  await sec.post(`/api/v1/meetings/${suishin.id}/decisions`, { agendaItemId: topic.items.at(-1).id, kind: 'resource_gap', content: SUISHIN_GAP });
  await sec.post(`/api/v1/meetings/${suishin.id}/decisions`, { agendaItemId: topic.items.at(-1).id, kind: 'system_issue', content: '北部地区の社会福祉法人と協議する' });

  const shien = await sec.post('/api/v1/meetings', { meetingBodyId: bodyOf('shien'), title: '支援会議（11月）', scheduledAt: hoursAgo(3), place: '市役所 第3会議室' });
  await sec.post(`/api/v1/meetings/${shien.id}/acknowledgements`);
  const item = await sec.post(`/api/v1/meetings/${shien.id}/agenda`, { kind: 'topic', title: '夜間の緊急対応について' });
  await sec.post(`/api/v1/meetings/${shien.id}/decisions`, { agendaItemId: item.items.at(-1).id, kind: 'resource_gap', content: SHIEN_GAP });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('meeting reports in the browser', () => {
  it(
    'the secretariat reads the resource gaps and the counts of the year; a coordinator sees only the open gaps and no counts',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, SECRETARIAT.loginId, SECRETARIAT.password, SECRETARIAT.name);
        await page.goto('/meetings');
        await waitForHeading(page, '会議');
        await screenshot(page, 'meetings-report-links');
        await page.getByRole('link', { name: '資源開発の課題' }).click();
        await waitForHeading(page, '資源開発の課題');
        const rows = page.locator('.resource-gap-table tbody tr');
        await rows.first().waitFor();
        expect(await rows.count()).toBe(2);
        // Newest first: the 支援会議's gap, marked 非公開, then the 推進会議's.
        await expect.poll(() => rows.nth(0).innerText()).toContain(SHIEN_GAP);
        await rows.nth(0).getByText('非公開').waitFor();
        await expect.poll(() => rows.nth(1).innerText()).toContain(SUISHIN_GAP);
        expect(await rows.nth(1).getByText('非公開').count()).toBe(0);
        await screenshot(page, 'resource-gaps');
        await rows.nth(1).getByRole('link', { name: '令和8年度 第2回 重層的支援体制推進会議' }).click();
        await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/);

        await page.goto('/meetings');
        await waitForHeading(page, '会議');
        await page.getByRole('link', { name: '年度別の実績' }).click();
        await waitForHeading(page, '会議の実績（年度別）');
        const fy = fiscalYear(new Date());
        expect(await page.getByLabel('年度', { exact: true }).inputValue()).toBe(String(fy));
        await page.getByRole('heading', { name: `${formatFiscalYear(fy)}の開催数と検討した事例` }).waitFor();
        const held = page.locator('.meeting-counts-table').first();
        await expect.poll(() => held.getByRole('row', { name: /重層的支援体制推進会議/ }).innerText()).toMatch(/1回/);
        await expect.poll(() => held.getByRole('row', { name: /支援会議（社会福祉法第106条の6）/ }).innerText()).toMatch(/1回/);
        const decisions = page.locator('.meeting-counts-table').nth(1);
        await expect.poll(() => decisions.getByRole('row', { name: /資源開発の課題/ }).innerText()).toMatch(/2件/);
        await screenshot(page, 'meeting-counts');
        await page.getByLabel('年度', { exact: true }).selectOption(String(fy - 1));
        await page.getByRole('heading', { name: `${formatFiscalYear(fy - 1)}の決定` }).waitFor();
        await expect.poll(() => decisions.getByRole('row', { name: /資源開発の課題/ }).innerText()).toMatch(/0件/);
      });

      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto('/meetings');
        await waitForHeading(page, '会議');
        await page.getByRole('link', { name: '資源開発の課題' }).waitFor();
        expect(await page.getByRole('link', { name: '年度別の実績' }).count()).toBe(0);
        await page.goto('/resource-gaps');
        await waitForHeading(page, '資源開発の課題');
        await page.getByText(SUISHIN_GAP).waitFor();
        expect(await page.getByText(SHIEN_GAP).count()).toBe(0);
        await page.goto('/meetings/counts');
        await waitForHeading(page, '会議の実績（年度別）');
        await page.getByText('会議の集計は事務局が閲覧します。').waitFor();
        await screenshot(page, 'meeting-counts-refused');
      });
    },
    TIMEOUT,
  );
});
