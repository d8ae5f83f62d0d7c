import { useState } from 'react';
import type { MeetingCounts } from '../../meetings/service.ts';
import { fiscalYear, formatFiscalYear } from '../../shared/dates.ts';
import { SelectField } from '../components/forms.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { MEETING_KIND_SHORT } from './labels.tsx';

/** The 年度 to choose from: the current one and the five before it. */
function yearOptions(current: number) {
  return Array.from({ length: 6 }, (_, i) => current - i).map((y) => ({ value: String(y), label: formatFiscalYear(y) }));
}

/**
 * 会議の実績（年度別）: meetings held per kind, cases discussed and
 * decisions by kind in one 年度, for the 事務局's 評価指標 (the API answers
 * 403 to everyone else).
 */
export function MeetingCountsPage() {
  const current = fiscalYear(new Date());
  const [year, setYear] = useState(String(current));
  const counts = useApiData<MeetingCounts>(`/api/v1/meetings/counts${query({ fiscalYear: year })}`);
  const data = counts.data;
  const totalHeld = data?.kinds.reduce((s, k) => s + k.held, 0) ?? 0;
  const totalCases = data?.kinds.reduce((s, k) => s + k.casesDiscussed, 0) ?? 0;
  const totalDecisions = data?.decisions.reduce((s, d) => s + d.count, 0) ?? 0;

  return (
    <>
      <PageHeader
        title="会議の実績（年度別）"
        breadcrumbs={[{ label: '会議', to: '/meetings' }]}
        lead="年度ごとの会議の開催数、検討した事例の数、決定の数です。中止した会議とこれから開く会議は数えません。事業の評価や報告にお使いください。"
      />
      {counts.error?.status !== 403 && (
        <div className="meeting-counts__year">
          <SelectField id="fiscalYear" label="年度" value={year} onChange={setYear} options={yearOptions(current)} width="medium" />
        </div>
      )}
      {counts.error && <LoadError error={counts.error} onRetry={counts.reload} />}
      {counts.loading && !data && <Loading />}
      {data && (
        <>
          <section className="section" aria-labelledby="counts-meetings">
            <h2 id="counts-meetings">{data.fiscalYearLabel}の開催数と検討した事例</h2>
            <div className="table-wrap meeting-counts__wrap">
              <table className="table meeting-counts-table">
                <caption className="visually-hidden">会議の種類ごとの開催数と検討した事例の数</caption>
                <thead>
                  <tr>
                    <th scope="col">会議の種類</th>
                    <th scope="col" className="numeric">開催数</th>
                    <th scope="col" className="numeric">検討した事例</th>
                  </tr>
                </thead>
                <tbody>
                  {data.kinds.map((k) => (
                    <tr key={k.kind}>
                      <th scope="row">{k.kindLabel}</th>
                      <td className="numeric">{k.held}回</td>
                      <td className="numeric">{k.casesDiscussed}件</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">合計</th>
                    <td className="numeric">{totalHeld}回</td>
                    <td className="numeric">{totalCases}件</td>
                  </tr>
                </tfoot>
              </table>
            </div>
            <p className="meeting-counts__note">検討した事例は、会議の種類ごとに同じ事例を1件と数えます（{MEETING_KIND_SHORT.jusou}と{MEETING_KIND_SHORT.shien}の両方で検討した事例は、それぞれに数えます）。</p>
          </section>
          <section className="section" aria-labelledby="counts-decisions">
            <h2 id="counts-decisions">{data.fiscalYearLabel}の決定</h2>
            <div className="table-wrap meeting-counts__wrap">
              <table className="table meeting-counts-table">
                <caption className="visually-hidden">決定の種類ごとの数</caption>
                <thead>
                  <tr>
                    <th scope="col">決定の種類</th>
                    <th scope="col" className="numeric">件数</th>
                  </tr>
                </thead>
                <tbody>
                  {data.decisions.map((d) => (
                    <tr key={d.kind} className={d.count === 0 ? 'meeting-counts-table__zero' : undefined}>
                      <th scope="row">{d.kindLabel}</th>
                      <td className="numeric">{d.count}件</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">合計</th>
                    <td className="numeric">{totalDecisions}件</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
