import { useParams } from 'react-router';
import { formatDate, formatDateTime } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { PrintSheet, WriteBox } from '../components/PrintSheet.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useSession } from '../lib/session.tsx';
import type { ReferralView } from '../lib/types.ts';

/** The printable つなぎシート in the layout of the 共通様式 (福生市). */
export function ReferralPrintPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const { data: r, error, reload } = useApiData<ReferralView>(`/api/v1/referrals/${encodeURIComponent(id)}`);
  if (error) {
    return (
      <>
        <PageHeader title="つなぎシートの印刷" />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!r) return <Loading />;
  const accepted = r.events.find((e) => e.status === 'accepted');
  return (
    <>
      <div className="no-print">
        <PageHeader title={`つなぎシート：${r.chiefComplaint}`} heading="つなぎシートの印刷" breadcrumbs={[{ label: 'つなぎ', to: '/referrals' }]} />
      </div>
      <PrintSheet backTo={`/referrals/${r.id}`} backLabel="つなぎの詳細へ戻る">
        <header className="sheet__header">
          <p className="sheet__municipality">{session?.municipality?.name} 重層的支援体制整備事業</p>
          <h2 className="sheet__title">つなぎシート（共通様式）</h2>
          <p className="sheet__date">送付日：{formatDate(r.sentAt)}</p>
        </header>
        <table className="sheet-table">
          <tbody>
            <tr>
              <th scope="row">送付元</th>
              <td>
                {r.fromAgency.name}
                <br />
                担当者：{r.fromUserName ?? '　'}
              </td>
              <th scope="row">つなぎ先</th>
              <td>
                {r.toAgency.name}
                {r.toCoordination && (
                  <>
                    <br />
                    （多機関協働へのつなぎ）
                  </>
                )}
              </td>
            </tr>
            <tr>
              <th scope="row">本人氏名</th>
              <td>{r.person ? r.person.displayName : '（本人を特定しない）'}</td>
              <th scope="row">生年月日</th>
              <td>{r.person?.birthDate ? formatDate(r.person.birthDate) : '　'}</td>
            </tr>
            <tr>
              <th scope="row">主訴</th>
              <td colSpan={3}>{r.chiefComplaint}</td>
            </tr>
            <tr className="sheet-table__tall">
              <th scope="row">相談内容</th>
              <td colSpan={3} className="multiline">
                {r.content}
              </td>
            </tr>
            <tr className="sheet-table__mid">
              <th scope="row">つなぐ理由</th>
              <td colSpan={3} className="multiline">
                {r.reason}
              </td>
            </tr>
            <tr>
              <th scope="row">情報共有の同意確認</th>
              <td colSpan={3}>
                <span className="check-mark" aria-hidden="true">
                  {r.consentConfirmed ? '☑' : '☐'}
                </span>
                本人から、つなぎ先への情報提供について同意を得ていることを確認した
                {!r.person && '（本人を特定しないため不要）'}
              </td>
            </tr>
            <tr>
              <th scope="row">受理</th>
              <td colSpan={3}>
                {accepted
                  ? [formatDateTime(accepted.at), accepted.byAgencyName ?? '', accepted.byUserName ?? ''].join('　')
                  : '受理日：　　　年　　月　　日　　受理者：'}
              </td>
            </tr>
          </tbody>
        </table>
        <section className="sheet__section">
          <h3 className="sheet__subtitle">つなぎ先の記入欄（対応の結果）</h3>
          <WriteBox label="対応の結果・今後の予定" lines={4} wide />
        </section>
        <p className="sheet__footer">
          この用紙には個人情報が含まれます。取扱いに注意し、不要になったら確実に廃棄してください。｜状態：{r.statusLabel}｜kasane
        </p>
      </PrintSheet>
    </>
  );
}
