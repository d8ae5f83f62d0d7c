import { useState, type KeyboardEvent } from 'react';
import { parseDateInput } from '../../shared/date-input.ts';
import { Loading } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { useDebounced, useSearchResults } from '../lib/hooks.ts';
import type { PersonSummary } from '../lib/types.ts';
import { birthLabel } from './birthDate.ts';
import { ConsentBadges } from './consent.tsx';

/** One search box for name, kana, birth date (西暦・和暦) or phone: the query the API understands. */
export function personQuery(text: string): Record<string, string> {
  const term = text.trim();
  if (!term) return {};
  const date = parseDateInput(term);
  if (date) return { birthDate: date };
  const half = term.normalize('NFKC');
  if (/^[\d\-()+\s]{3,}$/.test(half)) return { phone: half };
  return { q: term };
}

/**
 * Search-as-you-type for a person the user may see (the API filters by
 * access). Results show the consent state; a button picks one.
 */
export function PersonPicker({
  id,
  label = '本人を探す',
  hint = '氏名・カナの一部、生年月日（昭和20年8月15日 など）、電話番号で探せます。',
  onPick,
  excludeIds = [],
  pickLabel = '選ぶ',
  error,
}: {
  id: string;
  label?: string;
  hint?: string;
  onPick: (person: PersonSummary) => void;
  excludeIds?: readonly string[];
  pickLabel?: string;
  error?: string | undefined;
}) {
  const [text, setText] = useState('');
  const term = useDebounced(text, 250);
  const params = personQuery(term);
  const { results, loading, problem } = useSearchResults<PersonSummary>(
    Object.keys(params).length ? `/api/v1/persons${query({ ...params, limit: 10 })}` : null,
  );

  // Enter in the search box must not send the surrounding form.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') event.preventDefault();
  };

  const shown = (results ?? []).filter((p) => !excludeIds.includes(p.id));
  return (
    <div className={`field person-picker${error ? ' field--error' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <p id={`${id}-hint`} className="field__hint">
        {hint}
      </p>
      {error && (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">エラー：</span>
          {error}
        </p>
      )}
      <input
        id={id}
        type="search"
        className="input input--long"
        value={text}
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-controls={`${id}-results`}
        {...(error ? { 'aria-invalid': true } : {})}
      />
      <div id={`${id}-results`} className="person-picker__results">
        <p className="visually-hidden" role="status">
          {results === null ? '' : loading ? '検索しています' : `${shown.length}件見つかりました`}
        </p>
        {loading && results === null && <Loading label="検索しています…" />}
        {problem && <p className="field__error">{problem}</p>}
        {results !== null && !problem && shown.length === 0 && !loading && (
          <p className="person-picker__empty">
            見つかりませんでした。閲覧できる記録がないか、まだ登録されていません。
          </p>
        )}
        {shown.length > 0 && (
          <ul className="pick-list">
            {shown.map((p) => (
              <li key={p.id} className="pick-list__item">
                <div className="pick-list__main">
                  <span className="pick-list__name">{p.displayName}</span>
                  {p.nameKana && <span className="pick-list__kana">{p.nameKana}</span>}
                  <span className="pick-list__meta">
                    {birthLabel(p) || '生年月日不明'}
                    {p.address ? `｜${p.address}` : ''}
                  </span>
                  <ConsentBadges consent={p.consent} />
                </div>
                <button type="button" className="button button--secondary button--small" onClick={() => onPick(p)}>
                  {pickLabel}
                  <span className="visually-hidden">（{p.displayName}）</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
