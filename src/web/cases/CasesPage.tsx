import { Link } from 'react-router';
import { CASE_STATUS_LABELS, OPEN_CASE_STATUSES, type CaseStatus } from '../../shared/cases.ts';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { ListResults, SearchBox } from '../components/lists.tsx';
import { query } from '../lib/api.ts';
import { usePagedList } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import type { CaseSummary } from '../lib/types.ts';
import { useApiData } from '../lib/hooks.ts';
import { CaseStatusBadge } from './CaseFrame.tsx';

const FILTERS: { value: string; label: string }[] = [
  { value: 'open', label: '対応中（終結・中断以外）' },
  ...OPEN_CASE_STATUSES.map((s) => ({ value: s, label: CASE_STATUS_LABELS[s] })),
  { value: 'closed', label: CASE_STATUS_LABELS.closed },
  { value: 'suspended', label: CASE_STATUS_LABELS.suspended },
  { value: 'all', label: 'すべて' },
];

/** Days since the last contact with the person, for the list ("32日前"). */
function sinceLabel(iso: string | null): string {
  if (!iso) return '記録なし';
  const days = Math.floor((Date.now() - new Date(iso).getTime()) / 86_400_000);
  return days <= 0 ? '今日' : `${days}日前`;
}

/** 事例（多機関協働）: the cases the user's agency is on the team of. */
export function CasesPage() {
  const user = useUser();
  const { get, apply, text, setText, submit } = useUrlFilters();
  const status = get('status') || 'open';
  const mine = get('mine') === 'true';
  const q = get('q');
  const apiStatus = status === 'all' ? '' : status;
  const list = usePagedList<CaseSummary>(`/api/v1/cases${query({ status: apiStatus, mine: mine ? 'true' : '', q, limit: 30 })}`);
  const counts = useApiData<{ counts: Record<string, number> }>(`/api/v1/cases${query({ limit: 1 })}`);
  const total = counts.data ? Object.entries(counts.data.counts).filter(([k]) => k !== 'open').reduce((a, [, n]) => a + n, 0) : null;

  return (
    <>
      <PageHeader
        title="事例（多機関協働）"
        lead="自機関がチームに加わっている事例です。本人の同意の範囲で、チームの機関だけが閲覧できます。"
        actions={
          <>
            {(user.role === 'coordinator' || user.role === 'secretariat') && (
              <Link to="/cases/overview" className="button button--secondary">
                全体の状況
              </Link>
            )}
            {user.role === 'coordinator' && (
              <Link to="/cases/new" className="button button--secondary">
                事例を直接開始する
              </Link>
            )}
          </>
        }
      />
      <nav className="status-filter" aria-label="状態で絞り込む">
        <ul>
          {FILTERS.map((f) => {
            const n = f.value === 'all' ? total : (counts.data?.counts[f.value] ?? 0);
            const active = status === f.value;
            return (
              <li key={f.value}>
                <Link
                  to={`/cases${query({ status: f.value === 'open' ? '' : f.value, mine: mine ? 'true' : '', q })}`}
                  className={`chip${active ? ' chip--active' : ''}`}
                  {...(active ? { 'aria-current': 'page' as const } : {})}
                >
                  {f.label}
                  {n !== null && <span className="chip__count">{n}</span>}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <form className="search-panel" role="search" onSubmit={submit}>
        <SearchBox id="case-q" label="事例番号・事例名で探す" hint="例：R8-0012、小金 太一さん" value={text} onChange={setText} />
        <div className="search-panel__filters">
          <label className="checkbox">
            <input type="checkbox" checked={mine} onChange={(e) => apply({ mine: e.target.checked ? 'true' : '' })} />
            <span>自分が担当者の事例だけ</span>
          </label>
        </div>
      </form>
      <ListResults
        id="cases-title"
        title={`事例：${FILTERS.find((f) => f.value === status)?.label ?? ''}`}
        list={list}
        count={(n, more) => `事例番号の新しい順に${n}件${more ? '以上' : ''}`}
        empty={<p>条件に合う事例はありません。{user.role === 'coordinator' ? '受理したつなぎの画面から、多機関協働の事例を開始できます。' : ''}</p>}
      >
        <table className="table cases-table">
          <caption className="visually-hidden">事例の一覧（事例番号の新しい順）</caption>
          <thead>
            <tr>
              <th scope="col">事例番号</th>
              <th scope="col">事例名</th>
              <th scope="col">本人</th>
              <th scope="col">状態</th>
              <th scope="col">主担当機関</th>
              <th scope="col">最後の接触</th>
              <th scope="col">開始日</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id}>
                <td className="nowrap">{c.caseNo}</td>
                <td className="table__primary">
                  <Link to={`/cases/${c.id}`}>{c.title}</Link>
                </td>
                <td className="table__person">{c.primaryPerson?.displayName ?? '—'}</td>
                <td>
                  <CaseStatusBadge status={c.status as CaseStatus} label={c.statusLabel} />
                </td>
                <td className="table__org">{c.leadAgency.name}</td>
                <td className="nowrap">{sinceLabel(c.lastContactAt)}</td>
                <td className="nowrap">{formatDate(c.openedOn)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListResults>
    </>
  );
}
