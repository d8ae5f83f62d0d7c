import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_DOMAINS } from '../../src/shared/cases.ts';
import { todayJst } from '../../src/shared/date-input.ts';
import {
  addDays,
  apiSession,
  createStaff,
  launchBrowser,
  loginAs,
  pageRunner,
  screenshot,
  setDomain,
  startServer,
  waitForHeading,
  type TestServer,
} from './support.ts';

/**
 * アセスメント in the browser: the coordinator writes the first version of an
 * 8050 case's assessment, asks the 地域包括 for information, saves a second
 * version, compares the two, and meets a 409 when the 地域包括 saved first
 * (both texts side by side; the coordinator's text is kept). Screenshots:
 * case-assessment, case-assessment-diff, case-assessment-conflict.
 */
const TIMEOUT = 180_000;
const COORD = { loginId: 'csw.sato', name: '佐藤 美咲', role: 'coordinator', agency: '地域福祉コーディネーター（多機関協働事業）', password: 'Coordinator-2026-s' } as const;
const WINDOW = { loginId: 'window.kimura', name: '木村 拓也', role: 'intake_clerk', agency: '福祉総合相談窓口（自立相談サポートセンター）', password: 'Window-clerk-2026-k' } as const;
const HOUKATSU = { loginId: 'nishi.ogawa', name: '小川 恵', role: 'agency_staff', agency: '小金井にし地域包括支援センター', password: 'Houkatsu-nishi-2026' } as const;

let server: TestServer;
let browser: Browser;
const withPage = pageRunner(() => ({ browser, server }));

/** A signed-in API client for setting up data the way another user would. */
const client = (user: { loginId: string; password: string }) => apiSession(server, user.loginId, user.password);

const state = { caseId: '', houkatsuAgencyId: '' };

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const user of [COORD, WINDOW, HOUKATSU]) await createStaff(server, user);

  // The 8050 case, opened the way staff do it (test/support/cases.ts), through the HTTP API.
  const window = await client(WINDOW);
  const coord = await client(COORD);
  const year = Number(todayJst().slice(0, 4));
  const son = await window.post('/api/v1/persons', {
    confirmNotDuplicate: true,
    name: '小金 太一',
    nameKana: 'コガネ タイチ',
    birthDate: `${year - 52}-01-01`,
    gender: '男',
    address: '小金井市本町1-2-3',
  });
  await window.post('/api/v1/consents', { personId: son.id, purpose: 'agency_sharing', decision: 'granted', scopeKind: 'all', consentedOn: todayJst(), method: '書面' });
  const consultation = await window.post('/api/v1/consultations', {
    personId: son.id,
    channel: '電話',
    consulterType: '本人',
    chiefComplaint: '80代の母の年金で暮らす50代の息子がひきこもっている',
    issues: ['8050', 'ひきこもり・不登校', '介護'],
    response: '継続相談',
    consentStatus: '未確認',
  });
  const referral = await window.post('/api/v1/referrals', {
    consultationId: consultation.id,
    personId: son.id,
    toCoordination: true,
    chiefComplaint: '8050世帯。母の介護と息子のひきこもり',
    content: '母（82歳）の介護が必要になり、息子（52歳）が長くひきこもっている。',
    reason: '複数の課題があり、多機関協働での対応が必要',
    consentConfirmed: true,
  });
  await coord.post(`/api/v1/referrals/${referral.id}/accept`, { version: 1 });
  const opened = await coord.post('/api/v1/cases', { origin: 'referral', referralId: referral.id, title: '小金さん母子（8050）' });
  state.caseId = opened.id;
  const agencies = await coord.get(`/api/v1/agencies?q=${encodeURIComponent('小金井にし')}`);
  state.houkatsuAgencyId = agencies.items.find((a: { name: string }) => a.name === HOUKATSU.agency).id;
  await coord.post(`/api/v1/cases/${state.caseId}/team`, { agencyId: state.houkatsuAgencyId, role: 'cooperating', involvement: '母の介護' });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, TIMEOUT);

describe('アセスメント', () => {
  it(
    'writes two versions, compares them, asks for information and resolves a conflict without losing text',
    async () => {
      await withPage(async (page) => {
        await loginAs(page, COORD.loginId, COORD.password, COORD.name);
        await page.goto(`/cases/${state.caseId}/assessment`);
        await waitForHeading(page, /アセスメント/);
        await page.getByRole('button', { name: 'アセスメントを作成する' }).click();

        // 第1版: the domains with what is known, the wishes, a risk, the 地域包括's part.
        await setDomain(page, '健康・障害', '課題あり', '息子は長く受診していない。母は高血圧で通院中');
        await setDomain(page, '介護', '課題あり', '母（82歳）は要介護認定を受けていない。息子が見守っている');
        await setDomain(page, '経済・債務', '不明', '母の年金で生活。貯蓄は不明');
        await setDomain(page, '住まい', '問題なし', '持ち家（戸建て）');
        await setDomain(page, '就労', '課題あり', '息子は20年以上就労していない');
        await setDomain(page, '家族関係', '問題なし', '母子の関係は良好');
        await setDomain(page, '社会関係・孤立', '課題あり', '近所づきあいはほとんどない');
        await setDomain(page, '日常生活', '問題なし', '買い物・調理は母が担っている');
        await page.getByRole('textbox', { name: '本人の思い・希望' }).fill('母の介護は自分でしたい。外に出るのはまだ不安');
        await page.getByRole('textbox', { name: '家族の思い' }).fill('母は、自分がいなくなった後の息子の生活を心配している');
        await page.getByRole('textbox', { name: '強み' }).fill('母子の関係が良い。息子は家事の一部をこなせる');
        await page.getByRole('checkbox', { name: '孤立死のおそれ', exact: true }).check();
        await page.getByRole('textbox', { name: 'リスクの内容' }).fill('母が倒れたときに外部へ連絡できるか不安がある');
        await page.getByRole('button', { name: '機関を加える' }).click();
        await page.getByLabel('機関（1）').selectOption({ label: HOUKATSU.agency });
        await page.getByRole('textbox', { name: '関わり方' }).fill('母の要介護認定の申請を支援');
        await page.getByRole('textbox', { name: 'まとめ（見立て・支援の方向）' }).fill('母の介護保険の利用を入口に、息子の社会参加を段階的に支える。');
        await screenshot(page, 'case-assessment-form');
        await page.getByRole('button', { name: '第1版として保存する' }).click();
        await page.getByText('第1版として保存しました。').waitFor();

        // 情報収集依頼 to the 地域包括 through the form.
        const requests = page.locator('#info-requests');
        await requests.getByLabel('依頼先（チームの機関）').selectOption({ label: `${HOUKATSU.agency}（協力）` });
        await requests.getByRole('textbox', { name: '知りたいこと' }).fill('母の通院先と、介護保険の申請状況を教えてください');
        await requests.getByLabel('回答期限').fill(addDays(todayJst(), 7));
        await requests.getByRole('button', { name: '依頼する' }).click();
        await requests.getByText(/に依頼しました/).waitFor();

        // The 地域包括 answers it, asks something of the coordinators, and another request runs late.
        const houkatsu = await client(HOUKATSU);
        const coord = await client(COORD);
        const listed = await coord.get(`/api/v1/cases/${state.caseId}/info-requests`);
        await houkatsu.post(`/api/v1/info-requests/${listed.items[0].id}/answer`, {
          answer: '母は桜町病院の内科に月1回通院。要介護認定は本日申請し、訪問調査は来週の予定です。',
          version: 1,
        });
        await houkatsu.post(`/api/v1/cases/${state.caseId}/info-requests`, {
          toAgencyId: (await coord.get(`/api/v1/cases/${state.caseId}`)).leadAgency.id,
          question: '息子さんの今後の面談の予定を共有してください',
          dueOn: addDays(todayJst(), 3),
        });
        const late = await coord.post(`/api/v1/cases/${state.caseId}/info-requests`, {
          toAgencyId: state.houkatsuAgencyId,
          question: '民生委員の見守りの状況を確認してください',
          dueOn: todayJst(),
        });
        await server.handle.db.updateTable('info_requests').set({ due_on: addDays(todayJst(), -2) }).where('id', '=', late.id).execute();

        // 第2版: the answer is reflected.
        await page.reload();
        await waitForHeading(page, /アセスメント/);
        await page.getByRole('button', { name: 'アセスメントを更新する' }).click();
        await setDomain(page, '介護', '課題あり', '母の要介護認定を申請済み（訪問調査は来週）。通院は桜町病院の内科に月1回');
        await setDomain(page, '経済・債務', '課題あり', '母の年金（月12万円）のみ。固定資産税の滞納あり');
        await page.getByRole('textbox', { name: '変更の理由・メモ' }).fill('地域包括支援センターの回答を反映');
        await page.getByRole('button', { name: '第2版として保存する' }).click();
        await page.getByText('第2版として保存しました。').waitFor();
        await expect(page.locator('.info-request--overdue').count()).resolves.toBe(1);
        await page.getByText('期限切れ', { exact: true }).first().waitFor();
        await page.locator('.my-requests').getByRole('link', { name: /R\d+-\d{4}/ }).first().waitFor();
        await screenshot(page, 'case-assessment');

        // The difference between 第1版 and 第2版.
        await page.getByRole('button', { name: /前の版と比べる\s*（第2版）/ }).click();
        const diff = page.locator('.assessment-diff');
        await diff.getByRole('heading', { name: '第1版 → 第2版の違い' }).waitFor();
        await expect(diff.locator('tbody tr').allInnerTexts()).resolves.toEqual([
          expect.stringMatching(/^介護[\s\S]*要介護認定を受けていない[\s\S]*申請済み/),
          expect.stringMatching(/^経済・債務[\s\S]*不明[\s\S]*課題あり/),
        ]);
        await diff.scrollIntoViewIfNeeded();
        await screenshot(page, 'case-assessment-diff');

        // A stale form: the 地域包括 saves 第3版 while the coordinator writes.
        await page.getByRole('button', { name: 'アセスメントを更新する' }).click();
        await page.getByRole('textbox', { name: '本人の思い・希望' }).fill('母の介護は自分でしたい。週1回なら地域の居場所に行ってみたい');
        await setDomain(page, '就労', '課題あり', '就労準備支援事業の説明を聞いてみたいと話した');
        const latest = await houkatsu.get(`/api/v1/cases/${state.caseId}/assessments/latest`);
        const domains = Object.fromEntries(ASSESSMENT_DOMAINS.map((d) => [d.key, latest.domains[d.key]]));
        await houkatsu.post(`/api/v1/cases/${state.caseId}/assessments`, {
          baseVersion: 2,
          domains: { ...domains, health: { status: 'urgent', note: '母が自宅で転倒。息子が救急要請をためらった' } },
          personWishes: latest.personWishes,
          familyWishes: latest.familyWishes,
          strengths: latest.strengths,
          risks: latest.risks,
          riskNote: latest.riskNote,
          involvement: latest.involvement.map((i: { agencyId: string; how: string }) => ({ agencyId: i.agencyId, how: i.how })),
          summary: `${latest.summary}母の転倒を受け、緊急時の連絡体制を早急に整える。`,
          changeNote: '訪問時の転倒を反映',
        });
        await page.getByRole('button', { name: '第3版として保存する' }).click();
        const conflict = page.locator('.conflict');
        await conflict.getByRole('heading', { name: 'ほかの方が先に保存しました（第3版）' }).waitFor();
        await conflict.getByText('あなたの入力', { exact: true }).first().waitFor();
        await screenshot(page, 'case-assessment-conflict');

        // Keep theirs where the coordinator changed nothing, keep the coordinator's own text.
        await conflict.getByRole('button', { name: '選んだ内容で編集を続ける' }).click();
        await page.getByText('第3版をもとに編集しています').waitFor();
        await expect(page.getByRole('textbox', { name: '本人の思い・希望' }).inputValue()).resolves.toContain('地域の居場所');
        await page.getByRole('button', { name: '第4版として保存する' }).click();
        await page.getByText('第4版として保存しました。').waitFor();
      });

      const saved = await (await client(COORD)).get(`/api/v1/cases/${state.caseId}/assessments/latest`);
      expect(saved.versionNo).toBe(4);
      expect(saved.personWishes).toContain('地域の居場所');
      expect(saved.domains.work.note).toContain('就労準備支援事業');
      expect(saved.domains.health.status).toBe('urgent');
      expect(saved.summary).toContain('緊急時の連絡体制');
    },
    TIMEOUT,
  );
});
