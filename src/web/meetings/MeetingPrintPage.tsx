import { useParams } from 'react-router';
import { formatDateTime } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { PrintSheet } from '../components/PrintSheet.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useSession } from '../lib/session.tsx';
import type { Materials, MeetingDetail } from '../lib/types.ts';
import { CAUTION_NOTICE, MaterialBody, MaterialsRefused, SHIEN_NOTICE } from './MaterialsPage.tsx';

const CRUMBS = [{ label: '会議', to: '/meetings' }];

/**
 * The A4 handout of a meeting: name, date, place, 招集者・主催者 and the
 * attendees, then the agenda with the compiled materials of each item.
 * 取扱注意 (支援会議: 非公開) is printed in the margin of every page with the
 * page number (named @page boxes of the print stylesheet).
 */
export function MeetingPrintPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const path = `/api/v1/meetings/${encodeURIComponent(id)}`;
  const detail = useApiData<MeetingDetail>(path);
  const materials = useApiData<Materials>(`${path}/materials`);
  const error = detail.error ?? materials.error;
  if (error) {
    return (
      <>
        <PageHeader title="会議の配布資料の印刷" breadcrumbs={CRUMBS} />
        {error.status === 403 ? (
          <MaterialsRefused meetingId={id} message={error.message} />
        ) : (
          <LoadError error={error} onRetry={() => (detail.error ? detail.reload() : materials.reload())} />
        )}
      </>
    );
  }
  const m = detail.data;
  const mat = materials.data;
  if (!m || !mat) return <Loading />;
  const secret = m.confidential;
  const mark = secret ? '非公開（支援会議・守秘義務あり）' : '取扱注意';
  const chair = m.attendees.find((a) => a.role === 'chair' || (m.chairUserId && a.userId === m.chairUserId));
  const attendees = m.attendees.filter((a) => a.attended !== false);
  return (
    <>
      <div className="no-print">
        <PageHeader
          title={`配布資料：${m.title}`}
          heading="会議の配布資料の印刷"
          breadcrumbs={[...CRUMBS, { label: m.title, to: `/meetings/${m.id}` }]}
          lead={
            secret
              ? '支援会議の資料です。出席者の分だけ印刷し、会議のあとは回収してシュレッダーで処分してください。'
              : '出席者に配る資料です。会議のあとは回収するか、各機関の規程に従って保管・処分してください。'
          }
        />
      </div>
      <PrintSheet backTo={`/meetings/${m.id}/materials`} backLabel="会議資料へ戻る">
        <div className={`meeting-print ${secret ? 'meeting-print--secret' : 'meeting-print--caution'}`}>
          <header className="sheet__header meeting-print__header">
            <p className="meeting-print__mark">{mark}</p>
            <p className="sheet__municipality">{session?.municipality?.name} 重層的支援体制整備事業</p>
            <h2 className="sheet__title">{m.title}</h2>
            <p className="meeting-print__body">
              {m.bodyName}
              {m.legalBasis && `（${m.legalBasis}）`}
            </p>
          </header>
          <table className="sheet-table meeting-print__facts">
            <tbody>
              <tr>
                <th scope="row">日時</th>
                <td>{formatDateTime(m.scheduledAt)}</td>
                <th scope="row">場所</th>
                <td>{m.online ? (m.place ? `${m.place}（オンライン併用）` : 'オンライン') : (m.place ?? '未定')}</td>
              </tr>
              <tr>
                <th scope="row">招集者</th>
                <td>{m.convener ?? '—'}</td>
                <th scope="row">主催者</th>
                <td>{m.organizer?.name ?? '—'}</td>
              </tr>
              <tr>
                <th scope="row">議長</th>
                <td colSpan={3}>{chair ? `${chair.name}${chair.organization ? `（${chair.organization}）` : ''}` : '—'}</td>
              </tr>
              <tr>
                <th scope="row">出席者</th>
                <td colSpan={3}>
                  <ul className="meeting-print__attendees">
                    {attendees.map((a) => (
                      <li key={a.id}>
                        {a.name}
                        {a.organization && <span className="meeting-print__org">（{a.organization}）</span>}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            </tbody>
          </table>
          <p className="meeting-print__notice">{secret ? SHIEN_NOTICE : CAUTION_NOTICE}</p>

          <section className="sheet__section">
            <h3 className="sheet__subtitle">議題</h3>
            {mat.items.length === 0 ? (
              <p>議題はまだありません。</p>
            ) : (
              <ol className="meeting-print__agenda">
                {mat.items.map((item) => (
                  <li key={item.agendaItemId}>
                    議題{item.seq}{'　'}{item.title}
                    {item.case && <span className="meeting-print__org">（{item.case.caseNo}）</span>}
                  </li>
                ))}
              </ol>
            )}
          </section>

          {mat.items.map((item) => (
            <section key={item.agendaItemId} className="sheet__section meeting-print__item">
              <h3 className="sheet__subtitle meeting-print__item-title">
                議題{item.seq}{'　'}{item.title}
              </h3>
              <MaterialBody item={item} print />
            </section>
          ))}
          <p className="sheet__footer">
            {formatDateTime(mat.compiledAt)} 時点の内容（kasane から印刷）。{mark}
          </p>
        </div>
      </PrintSheet>
    </>
  );
}
