import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { can } from '../lib/access.ts';
import { query } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import { useUser } from '../lib/session.tsx';
import type { MeetingKind, MeetingSummary } from '../lib/types.ts';
import { ConfidentialMark, MEETING_KIND_SHORT, MeetingKindBadge, MeetingStatusBadge, meetingWhen } from './labels.tsx';

const KINDS: readonly MeetingKind[] = ['jusou', 'shien', 'suishin', 'other'];

function MeetingTable({ id, caption, items }: { id: string; caption: string; items: MeetingSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table meeting-table" aria-describedby={id}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">日時</th>
            <th scope="col">種類</th>
            <th scope="col">会議名</th>
            <th scope="col">場所</th>
            <th scope="col">状態</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id} className={m.status === 'cancelled' ? 'meeting-table__row--cancelled' : undefined}>
              <td className="nowrap">
                <time dateTime={m.scheduledAt}>{meetingWhen(m.scheduledAt)}</time>
              </td>
              <td className="nowrap">
                <MeetingKindBadge kind={m.kind} />
                {m.kind === 'shien' && <ConfidentialMark />}
              </td>
              <td className="table__primary table__text">
                <Link to={`/meetings/${m.id}`}>{m.title}</Link>
                {m.bodyName !== MEETING_KIND_SHORT[m.kind] && <span className="table__sub">{m.bodyName}</span>}
              </td>
              <td className="table__text">{m.online ? (m.place ? `${m.place}（オンライン併用）` : 'オンライン') : m.place}</td>
              <td>
                <MeetingStatusBadge meeting={m} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 会議: the meetings the user convened or is invited to, upcoming first, then the past ones. */
export function MeetingsPage() {
  const user = useUser();
  const { get } = useUrlFilters();
  const kind = (KINDS as readonly string[]).includes(get('kind')) ? (get('kind') as MeetingKind) : '';
  const list = useApiData<{ items: MeetingSummary[] }>(`/api/v1/meetings${query({ kind, limit: 100 })}`);
  const now = Date.now();
  const items = list.data?.items ?? [];
  const upcoming = items
    .filter((m) => m.status === 'scheduled' && Date.parse(m.scheduledAt) >= now - 3 * 3600_000)
    .sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt));
  const past = items.filter((m) => !upcoming.includes(m));
  const convene = can(user.role, 'meeting.convene');

  return (
    <>
      <PageHeader
        title="会議"
        lead="自分が招集した会議と、出席者として招かれた会議です。支援会議（社会福祉法第106条の6）の議題・資料・記録は、守秘義務を確認した出席者だけが開けます。"
        actions={
          <>
            <Link to="/resource-gaps" className="button button--secondary button--small">
              資源開発の課題
            </Link>
            {user.role === 'secretariat' && (
              <Link to="/meetings/counts" className="button button--secondary button--small">
                年度別の実績
              </Link>
            )}
            {convene && (
              <Link to="/meetings/new" className="button button--primary">
                会議を招集する
              </Link>
            )}
          </>
        }
      />
      {convene && (
        <p className="meeting-hint">
          {user.role === 'secretariat'
            ? '事務局は、重層的支援会議・支援会議・推進会議を招集できます。'
            : '重層的支援会議を招集できます。支援会議は市（事務局）が招集します。'}
        </p>
      )}
      <nav className="status-filter" aria-label="会議の種類で絞り込む">
        <ul>
          {(['', ...KINDS] as const).map((k) => (
            <li key={k || 'all'}>
              <Link
                to={`/meetings${query({ kind: k })}`}
                className={`chip${kind === k ? ' chip--active' : ''}`}
                {...(kind === k ? { 'aria-current': 'page' as const } : {})}
              >
                {k ? MEETING_KIND_SHORT[k] : 'すべて'}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <section className="section" aria-labelledby="meetings-upcoming">
            <h2 id="meetings-upcoming">
              これからの会議 <span className="results__count">{upcoming.length}件</span>
            </h2>
            {upcoming.length ? (
              <MeetingTable id="meetings-upcoming" caption="これからの会議（日時の早い順）" items={upcoming} />
            ) : (
              <p className="empty">予定されている会議はありません。</p>
            )}
          </section>
          <section className="section" aria-labelledby="meetings-past">
            <h2 id="meetings-past">
              これまでの会議 <span className="results__count">{past.length}件</span>
            </h2>
            {past.length ? (
              <MeetingTable id="meetings-past" caption="これまでの会議（新しい順）" items={past} />
            ) : (
              <p className="empty">これまでの会議はありません。</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
