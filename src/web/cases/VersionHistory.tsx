import { useEffect, useRef, useState, type ReactNode } from 'react';
import { DateTime, LoadError, Loading } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';

/**
 * 版の履歴 shared by the assessment and the support plan: the list of saved
 * versions (第N版, when, who, which items changed) where two versions can be
 * chosen, and the item-by-item comparison of two versions (before → after).
 */

/** What the list needs of a saved version. */
export interface VersionRow {
  versionNo: number;
  savedAt: string;
  changeNote: string | null;
  /** Labels of the items that differ from the previous version (empty for the first). */
  changes: readonly string[];
}

/** The versions of one record, newest first, with「選んだ2つの版を比べる」and「前の版と比べる」. */
export function VersionList<V extends VersionRow>({
  versions,
  className,
  titleId,
  title,
  note,
  caption,
  idPrefix,
  pickable,
  firstLabel,
  badges,
  savedBy,
  resetKey,
  renderDiff,
}: {
  versions: readonly V[];
  className: string;
  titleId: string;
  title: ReactNode;
  note: string;
  caption: string;
  /** Prefix of the checkboxes' ids. */
  idPrefix: string;
  /** Whether versions can be ticked for comparison (the button, the note and the checkbox column). */
  pickable: boolean;
  /** Shown instead of the changed items for the first version. */
  firstLabel: string;
  /** What follows 第N版 (i: the place in the list, 0 for the newest). */
  badges: (v: V, i: number) => ReactNode;
  savedBy: (v: V) => { name: string | null; agency: string | null };
  /** When it changes, the choice is forgotten (another record shown in the same list). */
  resetKey?: string;
  /** The comparison of the two chosen versions (older first). */
  renderDiff: (pair: [number, number], onClose: () => void) => ReactNode;
}) {
  const [chosen, setChosen] = useState<number[]>([]);
  const [pair, setPair] = useState<[number, number] | null>(null);
  useEffect(() => {
    setChosen([]);
    setPair(null);
  }, [resetKey]);
  const toggle = (n: number, on: boolean) => setChosen((c) => (on ? [...c.filter((x) => x !== n), n] : c.filter((x) => x !== n)).slice(-2));
  const compare = (x: number, y: number) => setPair(x < y ? [x, y] : [y, x]);

  return (
    <section className={className} aria-labelledby={titleId}>
      <div className="panel__title-row">
        <h2 id={titleId} className="panel__title">
          {title}
        </h2>
        {pickable && (
          <button type="button" className="button button--secondary button--small" disabled={chosen.length !== 2} onClick={() => compare(chosen[0]!, chosen[1]!)}>
            選んだ2つの版を比べる
          </button>
        )}
      </div>
      {pickable && <p className="form__note">{note}</p>}
      <div className="table-wrap">
        <table className="table table--compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {pickable && (
                <th scope="col">
                  <span className="visually-hidden">比べる</span>
                </th>
              )}
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
              const by = savedBy(v);
              return (
                <tr key={v.versionNo}>
                  {pickable && (
                    <td className="history-table__pick">
                      <input
                        type="checkbox"
                        id={`${idPrefix}-${v.versionNo}`}
                        className="history-table__checkbox"
                        checked={chosen.includes(v.versionNo)}
                        onChange={(e) => toggle(v.versionNo, e.target.checked)}
                      />
                      <label htmlFor={`${idPrefix}-${v.versionNo}`} className="visually-hidden">
                        第{v.versionNo}版を比べる版に選ぶ
                      </label>
                    </td>
                  )}
                  <td className="nowrap">
                    <span className="table__strong">第{v.versionNo}版</span>
                    {badges(v, i)}
                  </td>
                  <td>
                    <DateTime value={v.savedAt} />
                  </td>
                  <td>
                    {by.name ?? '—'}
                    {by.agency && <span className="table__sub">{by.agency}</span>}
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
                      <span className="muted">{firstLabel}</span>
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
      {pair && renderDiff(pair, () => setPair(null))}
    </section>
  );
}

/** Two saved versions fetched together; the element behind `ref` gets the focus once they are in. */
function useVersionPair<T>(urls: [string, string]) {
  const [views, setViews] = useState<[T, T] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const [before, after] = urls;
  useEffect(() => {
    let cancelled = false;
    setViews(null);
    setError(null);
    Promise.all([api.get<T>(before), api.get<T>(after)])
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
  }, [before, after]);
  return { views, error, ref };
}

/**
 * The differences of two versions, item by item: before (older) and after
 * (newer), only the changed items unless「変わっていない項目も表示する」.
 * `block` and `table` name the CSS blocks of the page it stands on.
 */
export function VersionDiff<T extends { versionNo: number }, K extends string>({
  urls,
  block,
  table,
  items,
  changedKeys,
  columnHead,
  value,
  changedFlag,
  hideEmptyTable = false,
  onClose,
}: {
  /** Where the older and the newer version are read. */
  urls: [string, string];
  block: string;
  table: string;
  items: readonly { key: K; label: string }[];
  changedKeys: (a: T, b: T) => ReadonlySet<string>;
  columnHead: (v: T, side: 'before' | 'after') => ReactNode;
  value: (v: T, key: K) => ReactNode;
  /** After the label of a changed item. */
  changedFlag: ReactNode;
  /** No table at all when no item is shown. */
  hideEmptyTable?: boolean;
  onClose: () => void;
}) {
  const { views, error, ref } = useVersionPair<T>(urls);
  const [showAll, setShowAll] = useState(false);
  if (error) return <LoadError error={error} />;
  if (!views) return <Loading label="版を読み込んでいます…" />;
  const [a, b] = views;
  const changed = changedKeys(a, b);
  const rows = items.filter((i) => showAll || changed.has(i.key));
  return (
    <div className={block} ref={ref} tabIndex={-1} aria-labelledby={`${block}-title`}>
      <div className={`${block}__head`}>
        <h3 id={`${block}-title`} className={`${block}__title`}>
          第{a.versionNo}版 → 第{b.versionNo}版の違い
        </h3>
        <p className={`${block}__count`}>{changed.size ? `${changed.size}項目が変わりました` : '内容の違いはありません'}</p>
        <div className={`button-row ${block}__tools`}>
          <label className={`${block}__all`}>
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> 変わっていない項目も表示する
          </label>
          <button type="button" className="button button--tertiary button--small" onClick={onClose}>
            閉じる
          </button>
        </div>
      </div>
      {(rows.length > 0 || !hideEmptyTable) && (
        <div className="table-wrap">
          <table className={`table table--compact ${table}`}>
            <caption className="visually-hidden">
              第{a.versionNo}版と第{b.versionNo}版の項目ごとの違い
            </caption>
            <thead>
              <tr>
                <th scope="col">項目</th>
                <th scope="col">{columnHead(a, 'before')}</th>
                <th scope="col">{columnHead(b, 'after')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const isChanged = changed.has(r.key);
                return (
                  <tr key={r.key} className={isChanged ? `${table}__changed` : `${table}__same`}>
                    <th scope="row" className={`${table}__item`}>
                      {r.label}
                      {isChanged && changedFlag}
                    </th>
                    <td className={isChanged ? `${table}__before` : undefined}>{value(a, r.key)}</td>
                    <td className={isChanged ? `${table}__after` : undefined}>{value(b, r.key)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
