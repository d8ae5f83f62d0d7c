import { Link, useLocation } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Badge, LoadError, Loading, Notice } from '../components/ui.tsx';
import { can } from '../lib/access.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { RoutingRuleView } from '../lib/types.ts';
import { describeConditions, describeTarget } from './describe.ts';

/** 振り分けルール (交通整理): the municipality's data, listed in the order they are tried. */
export function RoutingRulesPage() {
  const user = useUser();
  const admin = can(user.role, 'settings.write');
  const location = useLocation();
  const flash = (location.state as { flash?: string } | null)?.flash;
  const { data, error, reload } = useApiData<{ items: RoutingRuleView[] }>('/api/v1/routing-rules');

  return (
    <>
      <PageHeader
        title="振り分けルール"
        lead="相談受付の「交通整理」で、課題・年齢・世帯の状況からつなぎ先の候補を示すためのルールです。優先順位の小さいものから順に当てはめ、理由とともに表示します。合うルールがないときは、福祉総合相談窓口・多機関協働を候補にします。"
        actions={
          admin && (
            <Link to="/routing-rules/new" className="button button--primary">
              ルールを追加する
            </Link>
          )
        }
      />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">振り分けルール（優先順位の順）</caption>
            <thead>
              <tr>
                <th scope="col">順位</th>
                <th scope="col">ルール名</th>
                <th scope="col">条件</th>
                <th scope="col">つなぎ先</th>
                <th scope="col">画面に表示する理由</th>
                <th scope="col">状態</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{r.priority}</td>
                  <td className="table__primary">{admin ? <Link to={`/routing-rules/${r.id}/edit`}>{r.name}</Link> : r.name}</td>
                  <td>
                    <ul className="compact-list">
                      {describeConditions(r).map((c) => (
                        <li key={c}>{c}</li>
                      ))}
                    </ul>
                  </td>
                  <td className="table__target">
                    <ul className="compact-list">
                      {describeTarget(r).map((c) => (
                        <li key={c}>{c}</li>
                      ))}
                    </ul>
                  </td>
                  <td className="table__text">{r.reason}</td>
                  <td>{r.active ? <Badge tone="success">使用中</Badge> : <Badge tone="neutral">停止</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
