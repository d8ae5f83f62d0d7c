import { useParams } from 'react-router';
import { ACHIEVEMENTS } from '../../shared/cases.ts';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { PrintSheet, WriteBox } from '../components/PrintSheet.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useSession, useUser } from '../lib/session.tsx';
import type { CaseDetail, PlanView } from '../lib/types.ts';
import { caseCrumbs } from './CaseFrame.tsx';

/**
 * The printable plan sheet (プランシート), after the national 標準様式 of the
 * 自立相談支援機関 (プラン兼事業等利用申込書): goals, direction, the actions
 * with their agencies, the 主担当機関 and 次回評価日, and the person's consent
 * with a box for the signature and the date. Marked 取扱注意.
 */
export function PlanPrintPage() {
  const { id = '', planId = '' } = useParams();
  const { session } = useSession();
  const user = useUser();
  const caseId = encodeURIComponent(id);
  const detail = useApiData<CaseDetail>(`/api/v1/cases/${caseId}`);
  const planData = useApiData<PlanView>(`/api/v1/cases/${caseId}/plans/${encodeURIComponent(planId)}`);
  const error = detail.error ?? planData.error;
  if (error) {
    return (
      <>
        <PageHeader title="プランシートの印刷" />
        <LoadError error={error} onRetry={() => (detail.error ? detail.reload() : planData.reload())} />
      </>
    );
  }
  const d = detail.data;
  const plan = planData.data;
  if (!d || !plan) return <Loading />;
  const c = plan.content;
  const evaluation = new Map((plan.evaluation?.goals ?? []).map((g) => [g.key, g]));
  const created = plan.versions.at(-1)?.savedAt ?? plan.createdAt;
  const person = d.persons.find((p) => p.isPrimary);
  const draft = plan.status === 'draft';
  const check = (key: string, a: string) => (evaluation.get(key)?.achievement === a ? '☑' : '☐');
  const achievementCell = (key: string) => (
    <span className="plan-print__checks">
      {ACHIEVEMENTS.map((a) => (
        <span key={a} className="nowrap">
          <span className="check-mark" aria-hidden="true">
            {check(key, a)}
          </span>
          {a}
        </span>
      ))}
    </span>
  );
  return (
    <>
      <div className="no-print">
        <PageHeader
          title={`プランシート：${d.caseNo} 第${plan.planNo}回`}
          heading="プランシートの印刷"
          breadcrumbs={[...caseCrumbs(d), { label: '支援プラン', to: `/cases/${d.id}/plans` }]}
          lead={
            draft
              ? '案のプランです。本人に説明して同意を得るときは、この用紙に署名をもらい、同意の日付と方法をプランに記録してください。'
              : '本人に説明し、署名をもらってください。署名済みの用紙は事例の記録とともに保管します。'
          }
        />
      </div>
      <PrintSheet backTo={`/cases/${d.id}/plans?plan=${plan.id}`} backLabel="支援プランへ戻る">
        <header className="sheet__header plan-print__header">
          <p className="plan-print__caution" aria-label="取扱注意">
            取扱注意
          </p>
          <p className="sheet__municipality">{session?.municipality?.name} 重層的支援体制整備事業（多機関協働事業）</p>
          <h2 className="sheet__title">
            支援プラン（プランシート）{draft && <span className="plan-print__draft">案</span>}
          </h2>
        </header>
        <table className="sheet-table plan-print__facts">
          <tbody>
            <tr>
              <th scope="row">事例番号</th>
              <td>{d.caseNo}</td>
              <th scope="row">作成日</th>
              <td>{formatDate(created)}</td>
            </tr>
            <tr>
              <th scope="row">プラン</th>
              <td>
                {`第${plan.planNo}回プラン（${plan.planNo === 1 ? '初回' : '見直し'}）`}{'　'}第{plan.currentVersion}版
              </td>
              <th scope="row">状態</th>
              <td>{plan.statusLabel}</td>
            </tr>
            <tr>
              <th scope="row">本人氏名</th>
              <td colSpan={3} className="plan-print__name">
                {person?.displayName ?? d.primaryPerson?.displayName ?? ''}
                {person?.nameKana && <span className="plan-print__kana">（{person.nameKana}）</span>}
                <span className="plan-print__honorific">様</span>
              </td>
            </tr>
          </tbody>
        </table>

        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'1　長期目標（本人の望む暮らし）'}</h3>
          <div className="plan-print__box multiline">{c.longTermGoal}</div>
          {evaluation.get('long') && <p className="plan-print__eval">評価：{achievementCell('long')}</p>}
        </section>

        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'2　短期目標'}</h3>
          <table className="sheet-table plan-print__table">
            <thead>
              <tr>
                <th scope="col" className="plan-print__no">
                  No.
                </th>
                <th scope="col">目標</th>
                <th scope="col" className="plan-print__eval-col">
                  評価（次回評価日に記入）
                </th>
              </tr>
            </thead>
            <tbody>
              {c.shortTermGoals.map((g, i) => (
                <tr key={g.key}>
                  <td className="plan-print__no">{i + 1}</td>
                  <td>{g.text}</td>
                  <td className="plan-print__eval-col">{achievementCell(g.key)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'3　支援の方向性'}</h3>
          <div className="plan-print__box plan-print__box--mid multiline">{c.direction}</div>
        </section>

        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'4　支援の内容と役割分担'}</h3>
          <table className="sheet-table plan-print__table">
            <thead>
              <tr>
                <th scope="col" className="plan-print__no">
                  No.
                </th>
                <th scope="col">内容</th>
                <th scope="col">担当機関</th>
                <th scope="col">担当者</th>
                <th scope="col">頻度</th>
                <th scope="col">期間</th>
              </tr>
            </thead>
            <tbody>
              {c.actions.map((a, i) => (
                <tr key={i}>
                  <td className="plan-print__no">{i + 1}</td>
                  <td className="multiline">{a.content}</td>
                  <td>{a.agencyName}</td>
                  <td className="plan-print__nowrap">{a.staffName}</td>
                  <td className="plan-print__nowrap">{a.frequency}</td>
                  <td className="plan-print__nowrap">{a.period}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <table className="sheet-table plan-print__facts">
          <tbody>
            <tr>
              <th scope="row">主担当機関</th>
              <td>{c.leadAgency?.name ?? ''}</td>
              <th scope="row">次回評価日</th>
              <td>{plan.nextReviewOn ? formatDate(plan.nextReviewOn) : '　　　　年　　月　　日'}</td>
            </tr>
            <tr>
              <th scope="row">承認</th>
              <td colSpan={3}>
                {plan.approval
                  ? [formatDate(plan.approval.approvedOn), plan.approval.ref].join('　')
                  : '　　　　年　　月　　日　重層的支援会議（第　　回）'}
              </td>
            </tr>
          </tbody>
        </table>

        <section className="sheet__section plan-print__consent">
          <h3 className="sheet__subtitle">{'5　本人の同意'}</h3>
          <p className="sheet__text">
            私は、この支援プランの内容について説明を受け、内容に同意します。また、プランにもとづく支援のために、上記の担当機関の間で私の情報を共有することに同意します。
          </p>
          <p className="plan-print__consent-record">
            同意の記録：
            {c.consentOn && c.consentMethod
              ? [formatDate(c.consentOn), c.consentMethod].join('　')
              : '　　　　年　　月　　日　□書面　□口頭'}
          </p>
          <div className="plan-print__sign">
            <WriteBox label="本人署名" />
            <WriteBox label={'署名日　　　　年　　月　　日'} />
          </div>
          <p className="plan-print__staff">{`説明した職員：${[user.agencyName, user.name].join('　')}`}</p>
        </section>

        <p className="sheet__footer">
          【取扱注意】この用紙には個人情報が含まれます。支援の目的以外に使わず、施錠できる場所で保管し、不要になったら確実に廃棄してください。
          {`｜${d.caseNo} 第${plan.planNo}回プラン 第${plan.currentVersion}版｜kasane`}
        </p>
      </PrintSheet>
    </>
  );
}
