import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, LoadMore, Loading, Notice } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { useApiData, usePagedList } from '../lib/hooks.ts';
import type { CaseDetail, RecordListResult, RecordView } from '../lib/types.ts';
import { CaseHeader } from './CaseFrame.tsx';
import { RecordForm } from './RecordForm.tsx';
import { RecordEntry } from './RecordTimeline.tsx';

/** One row of filter chips with counts (すべて, then each value); choosing the active chip again clears it. */
function FilterChips({
  label,
  name,
  all,
  value,
  onChange,
  options,
}: {
  label: string;
  name: string;
  all?: number;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string; count: number }[];
}) {
  const chip = (v: string, text: string, count?: number) => (
    <li key={v || 'all'}>
      <button type="button" className={`chip${value === v ? ' chip--active' : ''}`} aria-pressed={value === v} onClick={() => onChange(value === v ? '' : v)}>
        {text}
        {count !== undefined && <span className="chip__count">{count}</span>}
      </button>
    </li>
  );
  return (
    <nav className="record-filters__group" aria-label={name}>
      <span className="record-filters__label">{label}</span>
      <ul>
        {chip('', 'すべて', all)}
        {options.map((o) => chip(o.value, o.label, o.count))}
      </ul>
    </nav>
  );
}

/**
 * 支援経過記録 of a case: a quick entry form at the top, then the one
 * timeline every agency of the team writes into, filtered by agency and
 * 種別 (chips with counts). Records of the user's agency can be corrected
 * (with a reason; the earlier text stays in the history).
 */
export function RecordsPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const agencyId = params.get('agency') ?? '';
  const kind = params.get('kind') ?? '';
  const base = `/api/v1/cases/${encodeURIComponent(id)}`;
  const caseData = useApiData<CaseDetail>(base);
  const counts = useApiData<RecordListResult>(`${base}/records?limit=1`);
  const list = usePagedList<RecordView>(`${base}/records${query({ agencyId, kind, limit: 30 })}`);
  const [correcting, setCorrecting] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [entryOpen, setEntryOpen] = useState(true);

  const detail = caseData.data;
  const title = detail ? `支援経過記録 ${detail.caseNo}` : '支援経過記録';
  if (caseData.error || !detail) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={[{ label: '事例（多機関協働）', to: '/cases' }]} />
        {caseData.error ? <LoadError error={caseData.error} onRetry={caseData.reload} /> : <Loading />}
      </>
    );
  }

  const refresh = () => {
    list.reload();
    counts.reload();
    caseData.reload();
  };
  const filter = (next: { agency?: string; kind?: string }) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };
  const total = counts.data?.total ?? null;
  const closed = detail.status === 'closed' || detail.status === 'suspended';

  return (
    <>
      <CaseHeader detail={detail} title={title} kicker={detail.title} heading="支援経過記録" />
      <div className="case-page records-page">
        {flash && (
          <Notice tone="success" focus>
            <p>{flash}</p>
          </Notice>
        )}
        <div className="records-summary">
          <p>
            延べ対応回数 <strong>{total ?? '—'}</strong> 回
          </p>
          <p>
            最後に本人と接触した日：
            <strong>{detail.lastContactAt ? formatDate(detail.lastContactAt) : '記録なし'}</strong>
          </p>
        </div>
        {detail.access.contribute && (
          <section className="panel record-entry" aria-labelledby="record-entry-title">
            <div className="panel__title-row">
              <h2 id="record-entry-title" className="panel__title">
                記録を書く
              </h2>
              <button type="button" className="link-button" aria-expanded={entryOpen} onClick={() => setEntryOpen((v) => !v)}>
                {entryOpen ? '閉じる' : '開く'}
              </button>
            </div>
            {closed && entryOpen && (
              <p className="record-entry__note">
                この事例は{detail.statusLabel}しています。{detail.status === 'closed' ? '終結後の伴走（様子伺いなど）も、ここに記録できます。' : '中断中の連絡の試みも、ここに記録できます。'}
              </p>
            )}
            {entryOpen && (
              <RecordForm
                caseId={detail.id}
                onSaved={(r) => {
                  setFlash(`${formatDate(r.occurredAt)}の${r.kind}を記録しました。`);
                  refresh();
                }}
              />
            )}
          </section>
        )}

        <section className="record-timeline" aria-labelledby="record-timeline-title">
          <h2 id="record-timeline-title" className="record-timeline__title">
            経過（チーム全体・新しい順）
          </h2>
          {counts.data && counts.data.total > 0 && (
            <div className="record-filters">
              <FilterChips
                label="機関"
                name="機関で絞り込む"
                all={counts.data.total}
                value={agencyId}
                onChange={(v) => filter({ agency: v })}
                options={counts.data.counts.byAgency.map((a) => ({ value: a.agencyId, label: a.agencyName, count: a.count }))}
              />
              <FilterChips
                label="種別"
                name="種別で絞り込む"
                value={kind}
                onChange={(v) => filter({ kind: v })}
                options={counts.data.counts.byKind.map((k) => ({ value: k.kind, label: k.kind, count: k.count }))}
              />
            </div>
          )}
          {list.error ? (
            <LoadError error={list.error} onRetry={list.reload} />
          ) : !list.loaded ? (
            <Loading />
          ) : list.items.length === 0 ? (
            <div className="empty">
              <p>{agencyId || kind ? '条件に合う記録はありません。' : 'まだ記録はありません。面談・電話・訪問などの対応を、上のフォームから記録してください。'}</p>
              {(agencyId || kind) && (
                <button type="button" className="link-button" onClick={() => filter({ agency: '', kind: '' })}>
                  絞り込みを解除する
                </button>
              )}
            </div>
          ) : (
            <ol className="record-list">
              {list.items.map((r) => (
                <li key={r.id}>
                  {correcting === r.id ? (
                    <section className="panel record-correct" aria-label="記録の訂正">
                      <h3 className="record-correct__title">記録を訂正する</h3>
                      <RecordForm
                        caseId={detail.id}
                        idPrefix={`correct-${r.id}`}
                        correcting={r}
                        onCancel={() => setCorrecting(null)}
                        onSaved={() => {
                          setCorrecting(null);
                          setFlash('記録を訂正しました。訂正前の内容は「訂正の履歴」に残っています。');
                          refresh();
                        }}
                      />
                    </section>
                  ) : (
                    <RecordEntry
                      record={r}
                      caseId={detail.id}
                      actions={
                        r.canCorrect && detail.access.contribute ? (
                          <button type="button" className="link-button" onClick={() => setCorrecting(r.id)}>
                            訂正する
                          </button>
                        ) : undefined
                      }
                    />
                  )}
                </li>
              ))}
            </ol>
          )}
          {list.loaded && list.items.length > 0 && <LoadMore shown={list.items.length} hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />}
          <p className="record-timeline__foot">
            <Link to="/my-work">わたしの仕事</Link>で、ほかの事例の記録もまとめて入力できます。
          </p>
        </section>
      </div>
    </>
  );
}
