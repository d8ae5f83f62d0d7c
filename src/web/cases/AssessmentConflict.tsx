import { useMemo, useState } from 'react';
import { ConfirmAction, DateTime } from '../components/ui.tsx';
import type { AssessmentView } from '../lib/types.ts';
import { COMPARED_ITEMS, copyItem, differingKeys, draftFrom, ItemValue, type AssessmentDraft } from './AssessmentParts.tsx';

type Choice = 'theirs' | 'yours';

/**
 * Someone saved the assessment while this user was writing (409). Both
 * texts side by side, item by item: the latest saved version and what this
 * user wrote. For each differing item the user picks which to keep (by
 * default: theirs where the user had not changed the item, the user's own
 * where they had), then goes on editing on top of the latest version. The
 * user's text is never lost on this screen.
 */
export function AssessmentConflict({
  message,
  current,
  yours,
  base,
  agencyName,
  onContinue,
  onTakeTheirs,
}: {
  message: string;
  current: AssessmentView;
  yours: AssessmentDraft;
  /** The version the user started from (null: a first version). */
  base: AssessmentView | null;
  agencyName: (id: string) => string;
  onContinue: (merged: AssessmentDraft, baseVersion: number, kept: number) => void;
  onTakeTheirs: () => void;
}) {
  const differing = useMemo(() => differingKeys(current, yours), [current, yours]);
  const mine = useMemo(() => differingKeys(base, yours), [base, yours]);
  const theirsChanged = useMemo(() => differingKeys(base, current), [base, current]);
  const rows = COMPARED_ITEMS.filter((i) => differing.has(i.key));
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(rows.map((r) => [r.key, mine.has(r.key) ? 'yours' : 'theirs'])),
  );
  const keptCount = rows.filter((r) => choices[r.key] === 'yours').length;

  const merge = () => {
    const merged = draftFrom(current);
    for (const r of rows) if (choices[r.key] === 'yours') copyItem(merged, yours, r.key);
    merged.changeNote = yours.changeNote;
    onContinue(merged, current.versionNo, keptCount);
  };
  const setAll = (choice: Choice) => setChoices(Object.fromEntries(rows.map((r) => [r.key, choice])));

  return (
    <section className="panel conflict" aria-labelledby="conflict-title">
      <h2 id="conflict-title" className="panel__title">
        ほかの方が先に保存しました（第{current.versionNo}版）
      </h2>
      <div className="conflict__intro">
        <p>{message}</p>
        <p>
          違いのある{rows.length}項目を並べて表示しています。項目ごとに残す内容を選び、「選んだ内容で編集を続ける」を押すと、第{current.versionNo}
          版をもとにした入力画面に戻ります。内容を確認してから保存してください。
        </p>
        <p className="conflict__who">
          第{current.versionNo}版：<DateTime value={current.savedAt} />
          {current.savedByName ? `・${current.savedByName}` : ''}
          {current.savedByAgencyName ? `（${current.savedByAgencyName}）` : ''}
          {current.changeNote ? `｜変更メモ：${current.changeNote}` : ''}
        </p>
      </div>
      {rows.length === 0 ? (
        <p>内容はあなたの入力と同じです。「編集を続ける」で第{current.versionNo}版をもとに保存し直せます。</p>
      ) : (
        <>
          <p className="conflict__bulk">
            まとめて選ぶ：
            <button type="button" className="link-button" onClick={() => setAll('theirs')}>
              すべて最新の版
            </button>
            <span className="sep">｜</span>
            <button type="button" className="link-button" onClick={() => setAll('yours')}>
              すべてあなたの入力
            </button>
          </p>
          <div className="table-wrap">
            <table className="table table--compact conflict-table">
              <caption className="visually-hidden">最新の版とあなたの入力の違い</caption>
              <thead>
                <tr>
                  <th scope="col">項目</th>
                  <th scope="col">最新の版（第{current.versionNo}版）</th>
                  <th scope="col">あなたの入力</th>
                  <th scope="col">残す内容</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const both = mine.has(r.key) && theirsChanged.has(r.key);
                  const choice = choices[r.key] ?? 'theirs';
                  return (
                    <tr key={r.key}>
                      <th scope="row" className="conflict-table__item">
                        {r.label}
                        {both && <span className="conflict-table__both">両方で変更</span>}
                      </th>
                      <td className={choice === 'theirs' ? 'conflict-table__kept' : 'conflict-table__dropped'}>
                        <ItemValue content={current} itemKey={r.key} agencyName={agencyName} />
                      </td>
                      <td className={choice === 'yours' ? 'conflict-table__kept' : 'conflict-table__dropped'}>
                        <ItemValue content={yours} itemKey={r.key} agencyName={agencyName} />
                      </td>
                      <td className="conflict-table__choice">
                        <fieldset>
                          <legend className="visually-hidden">{r.label}で残す内容</legend>
                          {(['theirs', 'yours'] as const).map((c) => (
                            <label key={c} className="conflict-choice">
                              <input
                                type="radio"
                                name={`conflict-${r.key}`}
                                checked={choice === c}
                                onChange={() => setChoices((x) => ({ ...x, [r.key]: c }))}
                              />
                              {c === 'theirs' ? '最新の版' : 'あなたの入力'}
                            </label>
                          ))}
                        </fieldset>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="button-row conflict__actions">
        <button type="button" className="button button--primary" onClick={merge}>
          選んだ内容で編集を続ける
        </button>
        <ConfirmAction
          label="入力を破棄する"
          question={`あなたの入力を破棄して、最新の第${current.versionNo}版を表示します。よろしいですか。`}
          confirmLabel="破棄する"
          tone="secondary"
          onConfirm={onTakeTheirs}
        />
      </div>
    </section>
  );
}
