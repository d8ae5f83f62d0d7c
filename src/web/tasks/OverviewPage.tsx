import { Link, useSearchParams } from 'react-router';
import { CASE_STATUS_LABELS, OPEN_CASE_STATUSES } from '../../shared/cases.ts';
import { SelectField } from '../components/forms.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { TaskOverview } from '../lib/types.ts';
import { DueDate, SeverityBadge, TaskCounts } from './TaskParts.tsx';

const FILTER_KEYS = ['kind', 'severity', 'status', 'lead'] as const;
/** Kinds that belong to one person or agency (わたしの仕事), not to the overview of cases. */
const PERSONAL_KINDS: readonly string[] = ['info_request_open', 'next_action', 'meeting_follow_up'];

/**
 * コーディネーター向けの全体状況: every open case the agency is on the team
 * of — how many need what (by kind, by status, by 主担当機関) and the list
 * of what is overdue or due soon, with why. For coordinators and the 事務局.
 * Computed in the background every few minutes; the page says when.
 */
export function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const get = (k: (typeof FILTER_KEYS)[number]) => params.get(k) ?? '';
  const path = `/api/v1/tasks/overview${query({ kind: get('kind'), severity: get('severity'), status: get('status'), leadAgencyId: get('lead') })}`;
  const overview = useApiData<TaskOverview>(path);
  const data = overview.data;
  const filtered = FILTER_KEYS.some((k) => get(k));

  const setFilter = (key: (typeof FILTER_KEYS)[number], value: string) => {
    const p = new URLSearchParams(params);
    if (value) p.set(key, value);
    else p.delete(key);
    setParams(p, { replace: true });
  };
  const hrefWith = (key: string, value: string) => {
    const p = new URLSearchParams(params);
    if (p.get(key) === value) p.delete(key);
    else p.set(key, value);
    const s = p.toString();
    return `/cases/overview${s ? `?${s}` : ''}`;
  };

  const openTotal = data ? data.byStatus.filter((s) => OPEN_CASE_STATUSES.includes(s.status)).reduce((a, s) => a + s.count, 0) : 0;

  return (
    <>
      <PageHeader
        title="全体の状況"
        heading={
          <>
            <span className="heading-kicker">コーディネーター・事務局向け</span>
            全体の状況
          </>
        }
        breadcrumbs={[{ label: '事例（多機関協働）', to: '/cases' }]}
        lead="自機関がチームに加わっている対応中の事例について、期限が過ぎたこと・迫っていることを種類・状態・主担当機関ごとに確認できます。"
        actions={
          <Link to="/my-work" className="button button--secondary">
            わたしの仕事
          </Link>
        }
      />
      {overview.error ? (
        <LoadError error={overview.error} onRetry={overview.reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <div className="overview">
          <p className="my-work__summary">
            対応中の事例 <strong>{openTotal}件</strong>・対応が必要なこと <strong>{data.total}件</strong>
            {data.overdue > 0 && (
              <>
                （うち期限切れ <strong className="my-work__overdue">{data.overdue}件</strong>）
              </>
            )}
            <span className="muted overview__basis">
              {data.refreshedAtLabel}時点の集計です（{data.refreshEveryMinutes}分ごとに更新。一覧の事例は、開くたびに今の閲覧権限で確かめています）。
              本人と接触なし：最後の接触から{data.noContactAlertDays}日を超えた事例。終結後の伴走：終結から{data.followUpDays}日以内で、連絡の間隔を過ぎた事例。
            </span>
          </p>
          <TaskCounts counts={data.counts.filter((c) => !PERSONAL_KINDS.includes(c.kind))} hrefFor={(k) => hrefWith('kind', k)} active={get('kind')} />

          <div className="overview__tables">
            <section className="panel" aria-labelledby="by-status-title">
              <h2 id="by-status-title" className="panel__title">
                状態別の事例数
              </h2>
              <table className="table table--compact overview-table">
                <caption className="visually-hidden">対応中の事例の状態別の件数</caption>
                <thead>
                  <tr>
                    <th scope="col">状態</th>
                    <th scope="col" className="num">
                      事例
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.byStatus
                    .filter((s) => OPEN_CASE_STATUSES.includes(s.status))
                    .map((s) => (
                      <tr key={s.status} className={get('status') === s.status ? 'overview-table__active' : undefined}>
                        <th scope="row">
                          <Link to={hrefWith('status', s.status)}>{s.label}</Link>
                        </th>
                        <td className="num">{s.count}件</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
            <section className="panel" aria-labelledby="by-lead-title">
              <h2 id="by-lead-title" className="panel__title">
                主担当機関別
              </h2>
              {data.byLeadAgency.length === 0 ? (
                <p className="muted">対応中の事例はありません。</p>
              ) : (
                <div className="table-wrap">
                  <table className="table table--compact overview-table">
                    <caption className="visually-hidden">主担当機関ごとの対応中の事例と対応が必要なことの件数</caption>
                    <thead>
                      <tr>
                        <th scope="col">主担当機関</th>
                        <th scope="col" className="num">
                          事例
                        </th>
                        <th scope="col" className="num">
                          要対応
                        </th>
                        <th scope="col" className="num">
                          期限切れ
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.byLeadAgency.map((l) => (
                        <tr key={l.agencyId} className={get('lead') === l.agencyId ? 'overview-table__active' : undefined}>
                          <th scope="row">
                            <Link to={hrefWith('lead', l.agencyId)}>{l.agencyName}</Link>
                          </th>
                          <td className="num">{l.openCases}件</td>
                          <td className="num">{l.tasks}件</td>
                          <td className={`num${l.overdue > 0 ? ' overview-table__overdue' : ''}`}>{l.overdue}件</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </div>

          <section className="overview__list" aria-labelledby="overview-list-title">
            <h2 id="overview-list-title">対応が必要なこと</h2>
            <div className="filter-grid overview__filters">
              <SelectField
                id="filter-kind"
                label="種類"
                value={get('kind')}
                onChange={(v) => setFilter('kind', v)}
                placeholder="すべて"
                options={data.counts.filter((c) => !PERSONAL_KINDS.includes(c.kind)).map((c) => ({ value: c.kind, label: c.label }))}
              />
              <SelectField
                id="filter-severity"
                label="期限"
                value={get('severity')}
                onChange={(v) => setFilter('severity', v)}
                placeholder="すべて"
                options={[
                  { value: 'overdue', label: '期限切れ' },
                  { value: 'due_soon', label: '期限間近' },
                ]}
              />
              <SelectField
                id="filter-status"
                label="事例の状態"
                value={get('status')}
                onChange={(v) => setFilter('status', v)}
                placeholder="すべて"
                options={[...OPEN_CASE_STATUSES, 'closed' as const].map((s) => ({ value: s, label: s === 'closed' ? '終結（伴走）' : CASE_STATUS_LABELS[s] }))}
              />
              <SelectField
                id="filter-lead"
                label="主担当機関"
                value={get('lead')}
                onChange={(v) => setFilter('lead', v)}
                placeholder="すべて"
                options={data.byLeadAgency.map((l) => ({ value: l.agencyId, label: l.agencyName }))}
              />
            </div>
            {filtered && (
              <p>
                <button type="button" className="link-button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                  絞り込みを解除する
                </button>
              </p>
            )}
            {data.items.length === 0 ? (
              <div className="empty">
                <p>{filtered ? '条件に合うものはありません。' : '期限の過ぎたこと・迫っていることはありません。'}</p>
              </div>
            ) : (
              <div className="table-wrap">
                <table className="table overview-tasks">
                  <caption className="visually-hidden">対応が必要なこと（期限切れを先に、期限の早い順）</caption>
                  <thead>
                    <tr>
                      <th scope="col">期限</th>
                      <th scope="col">種類</th>
                      <th scope="col">事例</th>
                      <th scope="col">理由</th>
                      <th scope="col">主担当</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((t) => (
                      <tr key={t.key} className={t.severity === 'overdue' ? 'overview-tasks__overdue' : undefined}>
                        <td className="overview-tasks__due">
                          <SeverityBadge task={t} />
                          {t.dueOn ? <DueDate date={t.dueOn} /> : '—'}
                        </td>
                        <td className="overview-tasks__kind">{t.kindLabel}</td>
                        <td className="overview-tasks__case">
                          {t.case ? (
                            <>
                              <Link to={t.link} className="overview-tasks__case-link">
                                {t.case.caseNo}
                              </Link>
                              <span className="overview-tasks__case-title">{t.case.title}</span>
                              <span className="overview-tasks__status">{t.case.statusLabel}</span>
                            </>
                          ) : (
                            <Link to={t.link}>つなぎを開く</Link>
                          )}
                        </td>
                        <td className="overview-tasks__why">{t.why}</td>
                        <td className="overview-tasks__lead">{t.case?.leadAgencyName ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.truncated && <p className="muted">期限の早いものから200件を表示しています。種類や主担当機関で絞り込んでください。</p>}
          </section>
        </div>
      )}
    </>
  );
}
