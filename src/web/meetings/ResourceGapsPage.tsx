import { Link } from 'react-router';
import type { ResourceGapView } from '../../meetings/service.ts';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, Loading, Multiline } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { ConfidentialMark, MeetingKindBadge } from './labels.tsx';

/**
 * 資源開発の課題: the gaps in local resources decided at meetings, newest
 * first, for community work (地域づくり・参加支援) to pick up. Gaps from a
 * 支援会議 come only to its attendees who acknowledged the 守秘義務 (the API
 * filters them) and carry the 非公開 mark.
 */
export function ResourceGapsPage() {
  const list = useApiData<{ items: ResourceGapView[] }>('/api/v1/resource-gaps');
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="資源開発の課題"
        breadcrumbs={[{ label: '会議', to: '/meetings' }]}
        lead="会議で「地域に足りない資源」として決定された課題です。地域づくり・参加支援の担当がここから取り上げ、新しい居場所や支え合いの仕組みづくりにつなげます。支援会議で決定された課題は非公開で、守秘義務を確認した出席者にだけ表示されます。"
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <section className="section" aria-labelledby="resource-gaps-list">
          <h2 id="resource-gaps-list">
            課題の一覧 <span className="results__count">{items.length}件</span>
          </h2>
          {items.length ? (
            <div className="table-wrap">
              <table className="table resource-gap-table">
                <caption className="visually-hidden">資源開発の課題（決定の新しい順）</caption>
                <thead>
                  <tr>
                    <th scope="col">課題の内容</th>
                    <th scope="col">決定した会議</th>
                    <th scope="col">決定日</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((g) => (
                    <tr key={g.id}>
                      <td className="table__text resource-gap-table__content">
                        <Multiline text={g.content} />
                      </td>
                      <td className="table__text">
                        <span className="resource-gap-table__kind">
                          <MeetingKindBadge kind={g.meeting.kind} />
                          {g.meeting.confidential && <ConfidentialMark />}
                        </span>
                        <Link to={`/meetings/${g.meeting.id}`}>{g.meeting.title}</Link>
                        <span className="table__sub">{formatDate(g.meeting.scheduledAt)}開催</span>
                      </td>
                      <td className="nowrap">
                        <time dateTime={g.createdAt}>{formatDate(g.createdAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="empty">
              会議で決定された資源開発の課題は、まだありません。会議の決定で「資源開発の課題」を選んで記録すると、ここに表示されます。
            </p>
          )}
        </section>
      )}
    </>
  );
}
