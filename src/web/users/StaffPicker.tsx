import { useState, type KeyboardEvent } from 'react';
import { Loading } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { useDebounced, useSearchResults } from '../lib/hooks.ts';
import type { StaffView } from '../lib/types.ts';

export interface StaffAgencyOption {
  id: string;
  name: string;
}

/**
 * Search-as-you-type for a colleague (GET /api/v1/staff: active staff of the
 * municipality, name and agency only). `agencies`: offer an agency filter
 * over these agencies; with `onlyAgencies` the results are limited to them
 * (e.g. the agencies on a case team).
 */
export function StaffPicker({
  id,
  label = '職員を探す',
  hint = '氏名の一部で探せます。機関を選ぶと、その機関の職員が一覧になります。',
  onPick,
  excludeIds = [],
  pickLabel = '選ぶ',
  agencies,
  onlyAgencies = false,
  busy = false,
  error,
}: {
  id: string;
  label?: string;
  hint?: string;
  onPick: (staff: StaffView) => void;
  excludeIds?: readonly string[];
  pickLabel?: string;
  agencies?: readonly StaffAgencyOption[];
  onlyAgencies?: boolean;
  busy?: boolean;
  error?: string | undefined;
}) {
  const [text, setText] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const term = useDebounced(text.trim(), 250);
  const params: Record<string, string | number> = { limit: onlyAgencies && !agencyId ? 50 : 20 };
  if (term) params.q = term;
  if (agencyId) params.agencyId = agencyId;
  const { results, loading, problem } = useSearchResults<StaffView>(term || agencyId ? `/api/v1/staff${query(params)}` : null);

  // Enter in the search box must not send the surrounding form.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') event.preventDefault();
  };

  const allowed = onlyAgencies && agencies ? new Set(agencies.map((a) => a.id)) : null;
  const shown = (results ?? []).filter((s) => !excludeIds.includes(s.id) && (!allowed || allowed.has(s.agencyId)));
  const describedBy = `${id}-hint${error ? ` ${id}-error` : ''}`;
  return (
    <div className={`field staff-picker${error ? ' field--error' : ''}`}>
      {error && (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">エラー：</span>
          {error}
        </p>
      )}
      <div className="staff-picker__controls">
        <div className="staff-picker__control">
          <label htmlFor={id} className="field__label">
            {label}
          </label>
          <p id={`${id}-hint`} className="field__hint">
            {hint}
          </p>
          <input
            id={id}
            type="search"
            className="input input--long"
            value={text}
            autoComplete="off"
            placeholder="例：山田"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            aria-describedby={describedBy}
            aria-controls={`${id}-results`}
            {...(error ? { 'aria-invalid': true } : {})}
          />
        </div>
        {agencies && agencies.length > 0 && (
          <div className="staff-picker__control">
            <label htmlFor={`${id}-agency`} className="field__label">
              機関で絞り込む
            </label>
            <select id={`${id}-agency`} className="select" value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
              <option value="">{onlyAgencies ? 'チームのすべての機関' : 'すべての機関'}</option>
              {agencies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div id={`${id}-results`} className="staff-picker__results">
        <p className="visually-hidden" role="status">
          {results === null ? '' : loading ? '検索しています' : `${shown.length}人見つかりました`}
        </p>
        {loading && results === null && <Loading label="検索しています…" />}
        {problem && <p className="field__error">{problem}</p>}
        {results !== null && !problem && shown.length === 0 && !loading && (
          <p className="staff-picker__empty">
            見つかりませんでした。氏名の一部を変えて探すか、機関を選び直してください（管理者・監査担当と、利用を停止した職員は出てきません）。
          </p>
        )}
        {shown.length > 0 && (
          <ul className="pick-list">
            {shown.map((s) => (
              <li key={s.id} className="pick-list__item">
                <div className="pick-list__main">
                  <span className="pick-list__name">{s.name}</span>
                  <span className="pick-list__meta">
                    {s.agencyName}｜{s.roleLabel}
                  </span>
                </div>
                <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => onPick(s)}>
                  {pickLabel}
                  <span className="visually-hidden">（{s.name}）</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
