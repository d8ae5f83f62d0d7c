import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { ListResults } from '../components/lists.tsx';
import { DateTime } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { useApiData, usePagedList } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import type { ReferralCounts, ReferralView } from '../lib/types.ts';
import { dueLabel, REFERRAL_STATUS_LABELS, REFERRAL_STATUSES, ReferralStatus } from './status.tsx';

type Box = 'inbox' | 'outbox' | 'department';
const BOX_LABELS: Record<Box, string> = { inbox: '受けたつなぎ（受信）', outbox: '送ったつなぎ（送信）', department: '所管課の窓口のつなぎ' };

export function ReferralsPage() {
  const { get, apply } = useUrlFilters();
  // 断らない相談窓口推進員 also see the referrals of their department's windows.
  const promoter = useUser().role === 'promoter';
  const boxes: Box[] = promoter ? ['inbox', 'outbox', 'department'] : ['inbox', 'outbox'];
  const asked = get('box');
  const box: Box = asked === 'outbox' ? 'outbox' : asked === 'department' && promoter ? 'department' : 'inbox';
  const status = get('status');
  const counts = useApiData<ReferralCounts>('/api/v1/referrals/counts');
  const list = usePagedList<ReferralView>(`/api/v1/referrals${query({ box, status, limit: 30 })}`);
  const current = box === 'department' ? undefined : counts.data?.[box];
  const overdue = current?.overdue ?? 0;

  return (
    <>
      <PageHeader
        title="つなぎ"
        lead="他の機関へのつなぎ（紹介）と、他の機関から届いたつなぎです。届いたつなぎは、期限までに受理または差戻しをしてください。"
        actions={
          <Link to="/referrals/new" className="button button--secondary">
            つなぎを作成する
          </Link>
        }
      />
      <nav className="tabs" aria-label="受信・送信の切り替え">
        <ul>
          {boxes.map((b) => (
            <li key={b}>
              <Link
                to={`/referrals${query({ box: b === 'inbox' ? '' : b })}`}
                className={`tabs__link${b === box ? ' active' : ''}`}
                {...(b === box ? { 'aria-current': 'page' as const } : {})}
              >
                {BOX_LABELS[b]}
                {b !== 'department' && counts.data && counts.data[b].open! > 0 && (
                  <span className="tabs__count">
                    <span className="visually-hidden">（対応中のもの</span>
                    {counts.data[b].open}
                    <span className="visually-hidden">件）</span>
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {overdue > 0 && (
        <div className="overdue-alert" role="alert">
          <p>
            <strong>期限超過 {overdue}件</strong>
            {box === 'inbox'
              ? '：受理期限を過ぎても受理・差戻しされていないつなぎ、または経過の記録が止まっているつなぎがあります。内容を確認して対応してください。'
              : '：送ったつなぎのうち、期限を過ぎても受理されていないもの、対応が止まっているもの、紙・FAXでの送付が記録されていないものがあります。'}
          </p>
          {status !== 'sent' && (
            <button type="button" className="button button--secondary button--small" onClick={() => apply({ status: 'sent' })}>
              未受理のつなぎを表示する
            </button>
          )}
        </div>
      )}

      <nav className="status-filter" aria-label="状態で絞り込む">
        <ul>
          <li>
            <Link to={`/referrals${query({ box: box === 'inbox' ? '' : box })}`} className={`chip${status === '' ? ' chip--active' : ''}`} {...(status === '' ? { 'aria-current': 'page' as const } : {})}>
              すべて
            </Link>
          </li>
          {REFERRAL_STATUSES.map((s) => (
            <li key={s}>
              <Link
                to={`/referrals${query({ box: box === 'inbox' ? '' : box, status: s })}`}
                className={`chip${status === s ? ' chip--active' : ''}`}
                {...(status === s ? { 'aria-current': 'page' as const } : {})}
              >
                {REFERRAL_STATUS_LABELS[s]}
                {current?.[s] !== undefined && <span className="chip__count">{current[s]}</span>}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <ListResults
        id="referrals-title"
        title={`${BOX_LABELS[box]}${status ? `：${REFERRAL_STATUS_LABELS[status]}` : ''}`}
        list={list}
        count={(n, more) => `新しい順に${n}件${more ? '以上' : ''}`}
        empty={
          <p>
            {box === 'inbox'
              ? '届いたつなぎはありません。'
              : box === 'outbox'
                ? '送ったつなぎはありません。'
                : '所管課の窓口が送った・受けたつなぎはありません（機関・窓口の所管課が設定されているか確認してください）。'}
          </p>
        }
      >
        <table className="table">
          <caption className="visually-hidden">{BOX_LABELS[box]}（送付日時の新しい順）</caption>
          <thead>
            <tr>
              <th scope="col">送付日時</th>
              <th scope="col">本人</th>
              <th scope="col">主訴</th>
              <th scope="col">{box === 'inbox' ? '送付元' : box === 'outbox' ? 'つなぎ先' : '送付元 → つなぎ先'}</th>
              <th scope="col">状態</th>
              <th scope="col">期限</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.id} className={r.overdue ? 'table__row--alert' : undefined}>
                <td className="nowrap">
                  <DateTime value={r.sentAt} />
                </td>
                <td className="table__person">{r.person ? r.person.displayName : <span className="muted">本人を特定しない</span>}</td>
                <td className="table__primary table__text">
                  <Link to={`/referrals/${r.id}`}>{r.chiefComplaint}</Link>
                </td>
                <td className="table__org">
                  {box === 'department' ? (
                    <>
                      {r.fromAgency.name}
                      <span className="table__sub">→ {r.toAgency.name}</span>
                    </>
                  ) : box === 'inbox' ? (
                    <>
                      {r.fromAgency.name}
                      {r.fromUserName && <span className="table__sub">{r.fromUserName}</span>}
                    </>
                  ) : (
                    <>
                      {r.toAgency.name}
                      {r.toCoordination && <span className="table__sub">多機関協働</span>}
                    </>
                  )}
                </td>
                <td>
                  <ReferralStatus status={r.status} overdue={r.overdue} />
                  {r.delivery === 'offline' && <span className="table__sub">{r.awaitingAnswer ? '紙・FAX送付済み／回答待ち' : r.status === 'sent' ? '紙・FAXで送付' : '紙・FAX'}</span>}
                </td>
                <td className="table__due">
                  {r.awaitingAnswer ? (
                    <span className="muted">回答待ち</span>
                  ) : r.status === 'sent' ? (
                    <>
                      {dueLabel(r.dueAt)}
                      <span className="table__sub">受理の期限</span>
                    </>
                  ) : r.progressDueAt ? (
                    <>
                      {dueLabel(r.progressDueAt)}
                      <span className="table__sub">次の経過の期限</span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListResults>
    </>
  );
}
