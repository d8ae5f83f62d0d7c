import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  createStaff,
  launchBrowser,
  loginAs,
  pageRunner,
  screenshot,
  SCREENSHOT_DIR,
  startServer,
  waitForHeading,
  type TestServer,
} from './support.ts';

/**
 * 包括的相談支援 in the browser: a window clerk at 小金井みなみ地域包括支援センター
 * records an 8050 household, gets routing suggestions, refers it to the
 * coordinators with consent; the coordinator accepts; the clerk sees it
 * accepted. Also the anonymous phone call, 名寄せ, urgent signs, emergency
 * access and the routing rules. Screenshots of every page go to .tmp/screenshots/.
 */
const TIMEOUT = 180_000;
const MINAMI = '小金井みなみ地域包括支援センター';
const COORD = '地域福祉コーディネーター（多機関協働事業）';
const OTHER = '障害者地域自立生活支援センター';

const CLERK = { loginId: 'minami.suzuki', name: '鈴木 和子', role: 'intake_clerk', agency: MINAMI, password: 'Minami-window-2026' } as const;
const COORDINATOR = { loginId: 'csw.yamada', name: '山田 健', role: 'coordinator', agency: COORD, password: 'Coordinator-2026-a' } as const;
const OUTSIDER = { loginId: 'sora.ito', name: '伊藤 誠', role: 'agency_staff', agency: OTHER, password: 'Jiritsu-center-2026' } as const;
const SECRETARIAT = { loginId: 'chiiki.kato', name: '加藤 由美', role: 'secretariat', agency: '地域福祉課', password: 'Jimukyoku-2026-b' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));

/** Shared between the steps: the journey goes on where the last step stopped. */
const state = { consultationUrl: '', motherUrl: '', motherId: '', referralUrl: '' };

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const user of [CLERK, COORDINATOR, OUTSIDER, SECRETARIAT]) await createStaff(server, user);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

async function openNav(page: Page, label: string, heading: string | RegExp = label): Promise<void> {
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: label, exact: true }).click();
  await waitForHeading(page, heading);
}

/** A fieldset of radio buttons or checkboxes by its legend (the legend may end in "（必須）"). */
function group(page: Page | Locator, legend: string): Locator {
  return page.getByRole('group', { name: new RegExp(`^${legend.replace(/[()（）]/g, '.')}`) });
}

async function choose(page: Page | Locator, legend: string, option: string): Promise<void> {
  await group(page, legend).getByRole('radio', { name: new RegExp(`^${option}`) }).check();
}

async function tick(page: Page | Locator, legend: string, option: string): Promise<void> {
  await group(page, legend).getByRole('checkbox', { name: option, exact: true }).check();
}

describe('包括的相談支援 journeys', () => {
  it(
    '(a) the clerk records an 8050 consultation with consent and sees the routing suggestions',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        await openNav(page, '相談受付');
        expect(await page.title()).toBe('相談受付 | kasane');
        await screenshot(page, 'intake-empty');

        // 受付: the time defaults to now; 来所, the person herself.
        expect(await page.getByLabel('受付日時（必須）').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
        await choose(page, '相談経路', '来所');
        await choose(page, '相談者', '本人');

        // 本人: a new registration with a 和暦 birth date and its live preview.
        await choose(page, '本人の記録', '新しく登録する');
        await page.getByLabel('氏名', { exact: true }).fill('髙橋 ヨシコ');
        await page.getByLabel('氏名（カナ）').fill('タカハシ ヨシコ');
        await page.getByLabel('生年月日').fill('昭和19年5月3日');
        await page.getByText(/^1944年5月3日（昭和19年）・\d+歳$/).waitFor();
        await choose(page, '性別', '女');
        await page.getByLabel('住所').fill('小金井市本町一丁目2番3号');
        await page.getByLabel('電話番号').fill('042-000-1234');
        await page.getByLabel('連絡上の注意').fill('自宅の電話には息子さんが出ることがあるため、用件は本人にだけ伝える');

        await page.getByLabel('主訴（必須）').fill('息子が長年ひきこもり、自分の介護も心配');
        await page.getByLabel('相談内容').fill('80代の母（本人）と50代の長男の二人暮らし。長男は20年以上ひきこもっている。本人は最近足腰が弱り、通院も難しくなってきた。自分が倒れたら息子がどうなるか心配している。');
        // Enter in a one-line box does not save the form.
        await page.getByLabel('主訴（必須）').press('Enter');
        expect(new URL(page.url()).pathname).toBe('/intake');

        await tick(page, '課題', '介護');
        await tick(page, '課題', 'ひきこもり・不登校');
        await tick(page, '課題', '8050');
        await choose(page, '最も重要な課題', '8050');

        // 交通整理: 地域包括 (介護, 65歳以上) and the coordinators (8050), with the reasons.
        const routing = page.getByRole('complementary', { name: '交通整理' });
        await routing.getByRole('link', { name: new RegExp(MINAMI) }).waitFor();
        await routing.getByRole('link', { name: new RegExp(COORD.replace(/[()（）]/g, '.')) }).waitFor();
        await routing.getByText('介護の課題があり、本人が65歳以上のため').first().waitFor();
        await routing.getByText('世帯全体の支援や、分野をまたぐ調整が必要な課題のため').first().waitFor();
        await routing.getByText(/本人 \d+歳/).waitFor();

        await choose(page, '対応', '多機関協働へ');
        await choose(page, '同意の有無（情報共有について）', '同意あり');
        await choose(page, '情報提供の範囲', '指定した機関だけ');
        await tick(page, '情報提供先の機関', COORD);
        await tick(page, '情報提供先の機関', MINAMI);
        await choose(page, '同意の方法', '書面');
        await screenshot(page, 'intake-8050-filled');

        const started = Date.now();
        await page.getByRole('button', { name: '受付を保存する' }).click();
        // No likely duplicate: saved at once, with the next steps offered.
        await page.getByText('相談を受け付けました').waitFor();
        expect(Date.now() - started).toBeLessThan(10_000);
        await waitForHeading(page, /息子が長年ひきこもり/);
        await page.getByRole('link', { name: '本人のページを開く（髙橋 ヨシコ）' }).waitFor();
        await page.getByRole('link', { name: '続けて受付する' }).waitFor();
        await page.getByText('◎').first().waitFor();
        await page.getByRole('complementary', { name: '交通整理' }).getByRole('link', { name: /^ここにつなぐ.*地域福祉コーディネーター.多機関協働事業./ }).waitFor();
        state.consultationUrl = new URL(page.url()).pathname;
        await screenshot(page, 'consultation-saved');

        // The person page: caution first, the basis of access, consent as recorded at intake.
        await page.getByRole('link', { name: '本人のページを開く（髙橋 ヨシコ）' }).click();
        await waitForHeading(page, '髙橋 ヨシコ');
        state.motherUrl = new URL(page.url()).pathname;
        state.motherId = state.motherUrl.split('/')[2]!;
        await page.getByRole('note').getByText('自宅の電話には息子さんが出ることがあるため').waitFor();
        await page.getByText('閲覧の根拠：登録した機関・相談を受けた機関').waitFor();
        await page.getByText('1944年5月3日（昭和19年）').first().waitFor();
        const consents = page.locator('.consent-current');
        await consents.getByText('同意あり').first().waitFor();
        await expect.poll(() => consents.getByText(COORD).count(), { timeout: 15_000 }).toBe(2);

        // 世帯: registered from the person page.
        await page.getByRole('button', { name: '世帯を登録する' }).click();
        expect(await page.getByLabel('世帯名（必須）').inputValue()).toBe('髙橋さん世帯');
        await page.getByRole('button', { name: '世帯を登録する' }).click();
        await waitForHeading(page, '髙橋さん世帯');
        await page.getByText('世帯を登録しました。続けて世帯員を追加してください。').waitFor();

        // The son, registered new and added as 子 (同居).
        await page.getByRole('button', { name: '世帯員を追加する' }).click();
        await choose(page, '追加する人', '新しく登録する');
        await page.getByLabel('氏名', { exact: true }).fill('髙橋 一郎');
        await page.getByLabel('氏名（カナ）').fill('タカハシ イチロウ');
        await page.getByLabel('生年月日').fill('S47.1.10');
        await page.getByText(/^1972年1月10日（昭和47年）・\d+歳$/).waitFor();
        await choose(page, '性別', '男');
        await page.getByLabel('続柄（必須）').selectOption('子');
        await choose(page, '同居・別居', '同居');
        await page.getByLabel('状況', { exact: true }).fill('20年以上ひきこもっている。通院歴なし');
        await page.getByRole('button', { name: '世帯員に追加する' }).click();
        await page.getByText('髙橋 一郎さんを世帯員に追加しました。').waitFor();
        const members = page.locator('table tbody tr');
        await expect.poll(() => members.count(), { timeout: 15_000 }).toBe(2);
        // The 8050 hint with its reason.
        const patterns = page.locator('.pattern-list');
        await patterns.getByText('8050', { exact: true }).waitFor();
        await patterns.getByText(/80代（\d+歳・本人）と50代（\d+歳・子）が同居（ひきこもりの相談あり）/).waitFor();
        await page.locator('.timeline').getByText(/相談受付（来所）/).waitFor();
        await screenshot(page, 'household-8050');

        // Back on the person page: the household is listed; the consent form prints on A4.
        await page.getByRole('link', { name: '髙橋 ヨシコ' }).click();
        await waitForHeading(page, '髙橋 ヨシコ');
        await page.getByRole('link', { name: '髙橋さん世帯' }).waitFor();
        await page.locator('.timeline').getByText('同意（関係機関への情報提供）第1版').waitFor();
        // The signed form is attached; the file's content decides its type.
        const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
        const attach = page.getByLabel('署名済みの同意書を添付（PDF・JPEG・PNG、5MBまで）').first();
        await attach.setInputFiles({ name: '同意書_髙橋ヨシコ.pdf', mimeType: 'application/pdf', buffer: pdf });
        await page.getByRole('button', { name: '添付する' }).first().click();
        await page.getByText('同意書を添付しました。').waitFor();
        await page.getByRole('link', { name: /同意書_髙橋ヨシコ\.pdf/ }).first().waitFor();
        await screenshot(page, 'person-mother');

        await page.getByRole('link', { name: '同意書を印刷する' }).click();
        await waitForHeading(page, '同意書の印刷');
        await page.getByText('小金井市長　殿').waitFor();
        await page.getByText('本人署名').waitFor();
        await screenshot(page, 'consent-form');
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, 'consent-form-print');
        await page.emulateMedia({ media: 'screen' });
      });
    },
    TIMEOUT,
  );

  it(
    '(b) the clerk refers it to the coordinators; an agency outside the consent is refused with the reason',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        await page.goto(state.consultationUrl);
        await waitForHeading(page, /息子が長年ひきこもり/);
        await page.getByRole('link', { name: '多機関協働（コーディネーター）へつなぐ' }).click();
        await waitForHeading(page, 'つなぎの作成');
        // Pre-filled from the consultation and the routing reason.
        expect(await page.getByLabel('主訴（必須）').inputValue()).toBe('息子が長年ひきこもり、自分の介護も心配');
        expect(await page.getByLabel('つなぐ理由（必須）').inputValue()).toContain('世帯全体の支援や、分野をまたぐ調整が必要な課題のため');
        expect(await group(page, 'つなぎ先').getByRole('radio', { name: /^多機関協働/ }).isChecked()).toBe(true);

        // Outside the consent scope: a clear refusal with the way to record consent.
        await choose(page, 'つなぎ先', '機関を選ぶ');
        await page.getByLabel('つなぎ先の機関（必須）').selectOption({ label: OTHER });
        await page.getByLabel('情報共有について、本人の同意を確認しました').check();
        await page.getByRole('button', { name: 'つなぎを送る' }).click();
        await page.getByText('つなぎ先が本人の同意の範囲に含まれていません').waitFor();
        await page.locator('.error-summary').getByText(`${OTHER}は本人の同意（関係機関への情報提供）の範囲に含まれていません`, { exact: false }).waitFor();
        await page.getByRole('link', { name: '本人のページで同意を記録する' }).waitFor();
        await screenshot(page, 'referral-consent-required');

        await choose(page, 'つなぎ先', '多機関協働');
        await page.getByRole('button', { name: 'つなぎを送る' }).click();
        await waitForHeading(page, /息子が長年ひきこもり/);
        await page.getByText(`${COORD}へつなぎを送りました。つなぎ先に通知しました。`).waitFor();
        await page.getByText('つなぎ先の受理を待っています。').waitFor();
        state.referralUrl = new URL(page.url()).pathname;
        await screenshot(page, 'referral-sent');

        await page.getByRole('link', { name: 'つなぎシートを印刷' }).click();
        await waitForHeading(page, 'つなぎシートの印刷');
        await page.getByText('つなぎシート（共通様式）').waitFor();
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, 'referral-sheet-print');
        // The sheet faxed to an agency without accounts: as Chromium prints it on A4 (looked at with pdftoppm).
        const pdf = await page.pdf({ format: 'A4' });
        writeFileSync(join(SCREENSHOT_DIR, 'referral-sheet.pdf'), pdf);
        expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(0);
        await page.emulateMedia({ media: 'screen' });
      });
    },
    TIMEOUT,
  );

  it(
    '(c) an anonymous phone call is saved with a few fields; an urgent sign alerts the coordinators',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        const started = Date.now();
        await openNav(page, '相談受付');
        await choose(page, '相談経路', '電話');
        await choose(page, '相談者', '匿名');
        // An anonymous caller: the person is not identified.
        expect(await group(page, '本人の記録').getByRole('radio', { name: '匿名・本人を特定しない' }).isChecked()).toBe(true);
        await page.getByLabel('本人の特徴').fill('貫井北町の70代男性（一人暮らし）');
        await page.getByLabel('主訴（必須）').fill('近所の一人暮らしの男性を最近見かけない');
        await choose(page, '対応', '助言・情報提供で終了');
        await page.getByRole('button', { name: '受付を保存する' }).click();
        await page.getByText('相談を受け付けました').waitFor();
        expect(Date.now() - started).toBeLessThan(60_000);
        await page.getByText('貫井北町の70代男性（一人暮らし）').waitFor();
        await screenshot(page, 'consultation-anonymous');

        // Urgent: 希死念慮. The form says who will be told; saving makes it 緊急.
        await page.getByRole('link', { name: '続けて受付する' }).click();
        await waitForHeading(page, '相談受付');
        await choose(page, '相談経路', '電話');
        await choose(page, '相談者', '家族');
        await page.getByLabel('続柄（必須）').fill('長女');
        await choose(page, '本人の記録', '匿名・本人を特定しない');
        await page.getByLabel('主訴（必須）').fill('父が「もう生きていたくない」と繰り返している');
        await tick(page, '課題', '希死念慮');
        await tick(page, '次のような兆候がありますか', '希死念慮');
        await page.getByText('保存すると、地域福祉コーディネーターと事務局にすぐ通知されます').waitFor();
        expect(await group(page, '緊急度').getByRole('radio', { name: '緊急' }).isChecked()).toBe(true);
        await choose(page, '対応', '多機関協働へ');
        await page.getByRole('complementary', { name: '交通整理' }).getByText('世帯全体の支援や、分野をまたぐ調整が必要な課題のため').first().waitFor();
        await screenshot(page, 'intake-urgent');
        await page.getByRole('button', { name: '受付を保存する' }).click();
        await page.getByText('緊急の相談です').waitFor();

        await openNav(page, '相談受付');
        await page.getByRole('link', { name: '受け付けた相談' }).click();
        await waitForHeading(page, '受け付けた相談');
        // The list loads after the heading: wait for its rows.
        await expect.poll(() => page.locator('table tbody tr').count(), { timeout: 15_000 }).toBe(3);
        await screenshot(page, 'consultations');
      });
    },
    TIMEOUT,
  );

  it(
    '(d) registering たかはし よしこ with the same birth date warns of 髙橋 ヨシコ',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        await openNav(page, '相談受付');
        await choose(page, '相談経路', '来所');
        await choose(page, '相談者', '本人');
        await choose(page, '本人の記録', '新しく登録する');
        await page.getByLabel('氏名', { exact: true }).fill('たかはし よしこ');
        await page.getByLabel('生年月日').fill('1944-05-03');
        await page.getByLabel('主訴（必須）').fill('介護保険の申請について知りたい');
        await tick(page, '課題', '介護');
        await choose(page, '対応', '助言・情報提供で終了');
        await page.getByRole('button', { name: '受付を保存する' }).click();
        const warning = page.locator('.duplicates');
        await warning.getByText('同じ人が既に登録されている可能性があります').waitFor();
        await warning.getByText('髙橋 ヨシコ').first().waitFor();
        await warning.getByText(/一致度 \d+%/).waitFor();
        await warning.getByText(/生年月日が一致/).waitFor();
        // Nothing was saved yet.
        expect(new URL(page.url()).pathname).toBe('/intake');
        await page.getByRole('complementary', { name: '交通整理' }).getByText('介護の課題があり、本人が65歳以上のため').first().waitFor();
        await screenshot(page, 'intake-duplicates');

        await warning.getByRole('button', { name: /^この人を選ぶ.*髙橋 ヨシコ/ }).click();
        await page.getByText('髙橋 ヨシコさん（登録済み）を本人として選びました。内容を確認して保存してください。').waitFor();
        expect(await group(page, '本人の記録').getByRole('radio', { name: '登録済みの人を探す' }).isChecked()).toBe(true);
        await page.getByLabel('世帯', { exact: true }).selectOption({ label: '髙橋さん世帯（本人）' });
        await page.getByRole('button', { name: '受付を保存する' }).click();
        await page.getByText('相談を受け付けました').waitFor();
        await page.getByRole('link', { name: '本人のページを開く（髙橋 ヨシコ）' }).waitFor();

        // Search by kana finds the person, with the consent state.
        await openNav(page, '本人・世帯');
        await page.getByLabel('氏名・カナ').fill('たかはし');
        await page.getByRole('button', { name: '検索', exact: true }).click();
        await page.getByRole('link', { name: '髙橋 ヨシコ' }).waitFor();
        await page.getByRole('link', { name: '髙橋 一郎' }).waitFor();
        await page.getByText('情報提供：同意あり（指定の2機関）').waitFor();
        await screenshot(page, 'person-search');
      });
    },
    TIMEOUT,
  );

  it(
    '(e) the coordinator sees the referral in the inbox and accepts it; urgent consultations come first',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, COORDINATOR.loginId, COORDINATOR.password, COORDINATOR.name);
        // Home: the urgent alert first, then today's counts.
        const alerts = page.getByRole('region', { name: /すぐに確認してください/ });
        await alerts.getByText('緊急の相談を受け付けました（希死念慮）').waitFor();
        const inbox = page.locator('.stat', { hasText: '受けたつなぎ（未受理）' });
        expect((await inbox.locator('.stat__value').innerText()).replace(/\D/g, '')).toBe('1');
        const bell = page.getByRole('link', { name: /お知らせ/ }).first();
        expect(await bell.innerText()).toMatch(/\d/);
        await screenshot(page, 'home-coordinator');

        await openNav(page, 'つなぎ');
        await page.getByRole('link', { name: '息子が長年ひきこもり、自分の介護も心配' }).waitFor();
        await page.locator('.chip', { hasText: '送付' }).getByText('1').waitFor();
        await screenshot(page, 'referrals-inbox');
        await page.getByRole('link', { name: '息子が長年ひきこもり、自分の介護も心配' }).click();
        await waitForHeading(page, /息子が長年ひきこもり/);
        await page.getByText('髙橋 ヨシコ').first().waitFor();
        await screenshot(page, 'referral-received');
        await page.getByRole('button', { name: '受理する' }).click();
        await page.getByText('つなぎを受理しました。送付元に通知しました。').waitFor();
        await page.getByRole('button', { name: '対応を開始する' }).waitFor();
        const history = page.locator('.history__item');
        await expect.poll(() => history.count(), { timeout: 15_000 }).toBe(2);
        await history.nth(1).getByText(`${COORD}｜${COORDINATOR.name}`).waitFor();
        await screenshot(page, 'referral-accepted');

        // The consent covers the coordinators: the whole record, on that basis.
        await page.getByRole('link', { name: '髙橋 ヨシコ' }).click();
        await waitForHeading(page, '髙橋 ヨシコ');
        await page.getByText('閲覧の根拠：本人の同意の範囲').waitFor();
      });
    },
    TIMEOUT,
  );

  it(
    '(f) the clerk sees the referral accepted in the outbox and the notification',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        await page.getByRole('link', { name: /お知らせ.*1.*件の未読/ }).click();
        await waitForHeading(page, 'お知らせ');
        await page.getByRole('link', { name: '送ったつなぎが「受理」になりました' }).waitFor();
        await screenshot(page, 'notifications-clerk');

        await openNav(page, 'つなぎ');
        await page.getByRole('link', { name: /送ったつなぎ（送信）/ }).click();
        const row = page.locator('tr', { hasText: '息子が長年ひきこもり、自分の介護も心配' });
        await row.getByText('受理', { exact: true }).waitFor();
        await row.getByText(COORD).waitFor();
        await screenshot(page, 'referrals-outbox');
        await row.getByRole('link', { name: '息子が長年ひきこもり、自分の介護も心配' }).click();
        await waitForHeading(page, /息子が長年ひきこもり/);
        // The sender sees what happened but cannot change it.
        expect(await page.getByRole('button', { name: '受理する' }).count()).toBe(0);
        await page.locator('.history__item').nth(1).getByText(COORDINATOR.name, { exact: false }).waitFor();
      });
    },
    TIMEOUT,
  );

  it(
    '(g) another agency finds nothing; the emergency path opens the record with a reason and tells the 事務局',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, OUTSIDER.loginId, OUTSIDER.password, OUTSIDER.name);
        await openNav(page, '本人・世帯');
        await page.getByLabel('氏名・カナ').fill('たかはし');
        await page.getByRole('button', { name: '検索', exact: true }).click();
        await page.getByText('条件に合う人は見つかりませんでした。').waitFor();
        await page.goto(state.motherUrl);
        await page.getByText('お探しの情報は見つかりませんでした').waitFor();
        await page.getByRole('link', { name: '緊急時の閲覧' }).last().click();
        await waitForHeading(page, '緊急時の閲覧');
        expect(await page.getByLabel('本人ID（必須）').inputValue()).toBe(state.motherId);
        await page.getByRole('button', { name: '緊急時の閲覧を開始する' }).click();
        const summary = page.locator('.error-summary');
        await summary.getByRole('link', { name: /理由：/ }).waitFor();
        await summary.getByRole('link', { name: /確認し、チェック/ }).waitFor();
        await screenshot(page, 'emergency-access');
        await page.getByLabel('緊急に閲覧する理由（必須）').fill('本人が自宅で倒れていると民生委員から通報があり、救急隊に既往歴と家族の連絡先を伝える必要がある');
        await page.getByLabel(/生命・身体の保護のために必要な範囲で閲覧/).check();
        await page.getByRole('button', { name: '緊急時の閲覧を開始する' }).click();
        await waitForHeading(page, '髙橋 ヨシコ');
        await page.getByText('緊急時の閲覧（生命・身体の保護）で表示しています').waitFor();
        await page.getByText(/緊急時の閲覧を開始しました/).waitFor();
        await screenshot(page, 'person-emergency');
      });

      await withPage(async (page) => {
        await loginAs(page, SECRETARIAT.loginId, SECRETARIAT.password, SECRETARIAT.name);
        const alerts = page.getByRole('region', { name: /すぐに確認してください/ });
        await alerts.getByText('緊急時の閲覧が行われました（生命・身体の保護）').waitFor();
        await alerts.getByText('緊急の相談を受け付けました（希死念慮）').waitFor();
        await screenshot(page, 'home-secretariat');
        await page.getByRole('link', { name: 'お知らせをすべて見る' }).click();
        await waitForHeading(page, 'お知らせ');
        await page.getByRole('button', { name: 'すべて既読にする' }).click();
        await page.getByText(/未読 0件/).waitFor();
        await page.locator('.notify-link__count').waitFor({ state: 'detached' });
        await screenshot(page, 'notifications');
      });
    },
    TIMEOUT,
  );

  it(
    '(h) the administrator edits a routing rule; no personal data on the way',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, 'admin', ADMIN_PASSWORD, 'システム管理者');
        const nav = page.getByRole('navigation', { name: 'メインメニュー' });
        expect(await nav.getByRole('link', { name: '相談受付' }).count()).toBe(0);
        await openNav(page, '振り分けルール');
        await page.getByRole('link', { name: '高齢者の介護' }).waitFor();
        await page.getByText('名称に「地域包括支援センター」を含む').waitFor();
        await screenshot(page, 'routing-rules');

        await page.getByRole('link', { name: '消費者被害' }).click();
        await waitForHeading(page, '「消費者被害」の編集');
        await page.getByLabel('年齢（以上）').fill('200');
        await page.getByRole('button', { name: '変更を保存する' }).click();
        await page.locator('.error-summary').getByRole('link', { name: /年齢（以上）：0から130/ }).waitFor();
        await screenshot(page, 'routing-rule-edit');
        await page.getByLabel('年齢（以上）').fill('');
        await group(page, '課題（いずれか）').getByRole('checkbox', { name: '債務', exact: true }).check();
        await page.getByLabel('画面に表示する理由（必須）').fill('消費者被害・悪質商法の課題があるため');
        await page.getByRole('button', { name: '変更を保存する' }).click();
        await waitForHeading(page, '振り分けルール');
        await page.getByText('「消費者被害」を保存しました。').waitFor();
        await page.getByText('消費者被害・悪質商法の課題があるため').waitFor();

        // The administrator has no access to personal data.
        await page.goto('/persons');
        await waitForHeading(page, 'この画面を表示する権限がありません');
      });
    },
    TIMEOUT,
  );

  it(
    '(i) a name matching more than 500 people asks the clerk for another criterion; narrowed, the person is found',
    async () => {
      // 501 fictional people named 幅広 (registered over the API, four at a time).
      const api = await apiSession(server, CLERK.loginId, CLERK.password);
      const kana = 'アイウエオカキクケコサシスセソタチツテト';
      const given = (i: number) => `${kana[i % 20]}${kana[Math.floor(i / 20) % 20]}${kana[Math.floor(i / 400)]}`;
      const bodies = Array.from({ length: 501 }, (_, i) => ({
        name: `幅広 ${given(i)}`,
        nameKana: `ハバヒロ ${given(i)}`,
        birthDate: i === 123 ? '1961-02-03' : '1970-01-01',
        gender: '不明',
        confirmNotDuplicate: true,
      }));
      for (let i = 0; i < bodies.length; i += 4) await Promise.all(bodies.slice(i, i + 4).map((b) => api.post('/api/v1/persons', b)));

      await withPage(async (page) => {
        await loginAs(page, CLERK.loginId, CLERK.password, CLERK.name);
        await openNav(page, '本人・世帯');
        await page.getByLabel('氏名・カナ').fill('はばひろ');
        await page.getByRole('button', { name: '検索', exact: true }).click();
        await page.getByText('当てはまる人が多すぎます').waitFor();
        await page.getByText('条件に当てはまる人が500人を超えるため、一覧にできません。').waitFor();
        expect(await page.getByRole('link', { name: /^幅広/ }).count()).toBe(0);
        await screenshot(page, 'person-search-too-broad');

        await page.getByLabel('生年月日').fill('昭和36年2月3日');
        await page.getByRole('button', { name: '検索', exact: true }).click();
        await page.getByRole('link', { name: `幅広 ${given(123)}` }).waitFor();
        expect(await page.getByText('当てはまる人が多すぎます').count()).toBe(0);
      });
    },
    TIMEOUT,
  );
});
