import { useEffect, useRef, useState } from 'react';
import { Badge, DateTime, LoadError, Loading } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';
import type { AssessmentVersionSummary, AssessmentView } from '../lib/types.ts';
import { COMPARED_ITEMS, differingKeys, ItemValue } from './AssessmentParts.tsx';

/**
 * 版の履歴: every saved version (第N版, when, who, which items changed).
 * Choosing two versions shows their differences item by item (before → after).
 */
export function AssessmentHistory({
  caseId,
  versions,
  agencyName,
}: {
  caseId: string;
  versions: readonly AssessmentVersionSummary[];
  agencyName: (id: string) => string;
}) {
  const [chosen, setChosen] = useState<number[]>([]);
  const [pair, setPair] = useState<[number, number] | null>(null);

  const toggle = (n: number, on: boolean) =>
    setChosen((c) => {
      const next = on ? [...c.filter((x) => x !== n), n] : c.filter((x) => x !== n);
      return next.slice(-2);
    });
  const compare = (a: number, b: number) => setPair(a < b ? [a, b] : [b, a]);

  if (!versions.length) return null;
  return (
    <section className="panel assessment-history" aria-labelledby="assessment-history">
      <div className="panel__title-row">
        <h2 id="assessment-history" className="panel__title">
          版の履歴
        </h2>
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={chosen.length !== 2}
          onClick={() => compare(chosen[0]!, chosen[1]!)}
        >
          選んだ2つの版を比べる
        </button>
      </div>
      <p className="form__note">比べたい版を2つ選んでください。「前の版と比べる」で、その版で何が変わったかを見られます。</p>
      <div className="table-wrap">
        <table className="table table--compact">
          <caption className="visually-hidden">アセスメントの版の一覧（新しい順）</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">比べる</span>
              </th>
              <th scope="col">版</th>
              <th scope="col">保存日時</th>
              <th scope="col">保存した人</th>
              <th scope="col">変わった項目</th>
              <th scope="col">
                <span className="visually-hidden">操作</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, i) => {
              const previous = versions[i + 1];
              return (
                <tr key={v.versionNo}>
                  <td className="history-table__pick">
                    <input
                      type="checkbox"
                      id={`version-pick-${v.versionNo}`}
                      className="history-table__checkbox"
                      checked={chosen.includes(v.versionNo)}
                      onChange={(e) => toggle(v.versionNo, e.target.checked)}
                    />
                    <label htmlFor={`version-pick-${v.versionNo}`} className="visually-hidden">
                      第{v.versionNo}版を比べる版に選ぶ
                    </label>
                  </td>
                  <td className="nowrap">
                    <span className="table__strong">第{v.versionNo}版</span>
                    {i === 0 && <Badge tone="info">最新</Badge>}
                    {v.urgent && <Badge tone="error">要緊急対応</Badge>}
                  </td>
                  <td>
                    <DateTime value={v.savedAt} />
                  </td>
                  <td>
                    {v.savedByName ?? '—'}
                    {v.savedByAgencyName && <span className="table__sub">{v.savedByAgencyName}</span>}
                  </td>
                  <td>
                    {previous ? (
                      v.changes.length ? (
                        <ul className="tags">
                          {v.changes.map((c) => (
                            <li key={c} className="tag">
                              {c}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">変更なし</span>
                      )
                    ) : (
                      <span className="muted">初版（新規作成）</span>
                    )}
                    {v.changeNote && <span className="table__sub">メモ：{v.changeNote}</span>}
                  </td>
                  <td className="table__action">
                    {previous && (
                      <button type="button" className="link-button" onClick={() => compare(previous.versionNo, v.versionNo)}>
                        前の版と比べる<span className="visually-hidden">（第{v.versionNo}版）</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pair && <AssessmentDiff caseId={caseId} before={pair[0]} after={pair[1]} agencyName={agencyName} onClose={() => setPair(null)} />}
    </section>
  );
}

/** The differences of two versions, item by item: before (older) and after (newer). */
function AssessmentDiff({
  caseId,
  before,
  after,
  agencyName,
  onClose,
}: {
  caseId: string;
  before: number;
  after: number;
  agencyName: (id: string) => string;
  onClose: () => void;
}) {
  const [views, setViews] = useState<[AssessmentView, AssessmentView] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [showAll, setShowAll] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    setViews(null);
    setError(null);
    Promise.all([
      api.get<AssessmentView>(`/api/v1/cases/${caseId}/assessments/${before}`),
      api.get<AssessmentView>(`/api/v1/cases/${caseId}/assessments/${after}`),
    ])
      .then(([a, b]) => {
        if (cancelled) return;
        setViews([a, b]);
        requestAnimationFrame(() => ref.current?.focus());
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof ApiError ? e : new ApiError(0, 'client_error', String(e)));
      });
    return () => {
      cancelled = true;
    };
  }, [caseId, before, after]);

  if (error) return <LoadError error={error} />;
  if (!views) return <Loading label="版を読み込んでいます…" />;
  const [a, b] = views;
  const changed = differingKeys(a, b);
  const rows = COMPARED_ITEMS.filter((i) => showAll || changed.has(i.key));
  return (
    <div className="assessment-diff" ref={ref} tabIndex={-1} aria-labelledby="assessment-diff-title">
      <div className="assessment-diff__head">
        <h3 id="assessment-diff-title" className="assessment-diff__title">
          第{a.versionNo}版 → 第{b.versionNo}版の違い
        </h3>
        <p className="assessment-diff__count">
          {changed.size ? `${changed.size}項目が変わりました` : '内容の違いはありません'}
        </p>
        <div className="button-row">
          <label className="assessment-diff__all">
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> 変わっていない項目も表示する
          </label>
          <button type="button" className="button button--tertiary button--small" onClick={onClose}>
            閉じる
          </button>
        </div>
      </div>
      <div className="table-wrap">
        <table className="table table--compact diff-table">
          <caption className="visually-hidden">
            第{a.versionNo}版と第{b.versionNo}版の項目ごとの違い
          </caption>
          <thead>
            <tr>
              <th scope="col">項目</th>
              <th scope="col">
                変更前（第{a.versionNo}版）
                <span className="table__sub">
                  <DateTime value={a.savedAt} />
                  {a.savedByName ? `・${a.savedByName}` : ''}
                </span>
              </th>
              <th scope="col">
                変更後（第{b.versionNo}版）
                <span className="table__sub">
                  <DateTime value={b.savedAt} />
                  {b.savedByName ? `・${b.savedByName}` : ''}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const isChanged = changed.has(r.key);
              return (
                <tr key={r.key} className={isChanged ? 'diff-table__changed' : 'diff-table__same'}>
                  <th scope="row" className="diff-table__item">
                    {r.label}
                    {isChanged && <span className="visually-hidden">（変更あり）</span>}
                  </th>
                  <td className={isChanged ? 'diff-table__before' : undefined}>
                    <ItemValue content={a} itemKey={r.key} agencyName={agencyName} />
                  </td>
                  <td className={isChanged ? 'diff-table__after' : undefined}>
                    <ItemValue content={b} itemKey={r.key} agencyName={agencyName} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
