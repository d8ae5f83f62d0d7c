import type { ReactNode } from 'react';
import type { PagedList } from '../lib/hooks.ts';
import { LoadError, Loading, LoadMore } from './ui.tsx';

/** The free-text box of a search panel, with its button (Enter searches at once). */
export function SearchBox({
  id,
  label,
  hint,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="search-panel__main">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      <div className="search-box">
        <input
          id={id}
          type="search"
          className="input search-box__input"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          {...(hint ? { 'aria-describedby': `${id}-hint` } : {})}
        />
        <button type="submit" className="button button--primary search-box__button">
          検索
        </button>
      </div>
    </div>
  );
}

export function ClearFilters({ onClear }: { onClear: () => void }) {
  return (
    <p className="search-panel__reset">
      <button type="button" className="link-button" onClick={onClear}>
        検索条件をクリア
      </button>
    </p>
  );
}

/**
 * The result area of a paginated list: heading, count (announced), load
 * errors, the empty state, the table (children) and "さらに表示".
 */
export function ListResults<T>({
  id,
  title,
  list,
  count,
  unit = '件',
  empty,
  actions,
  children,
}: {
  id: string;
  title: string;
  list: PagedList<T>;
  /** The count line, e.g. "4件" or "新しい順に4件". */
  count: (shown: number, hasMore: boolean) => string;
  unit?: string;
  empty: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="results">
      <div className="results__head">
        <div>
          <h2 id={id} className="results__title">
            {title}
          </h2>
          <p className="results__count" role="status">
            {list.loaded && !list.error ? count(list.items.length, list.hasMore) : ''}
          </p>
        </div>
        {actions}
      </div>
      {list.error && list.error.status !== 422 && <LoadError error={list.error} onRetry={list.reload} />}
      {!list.loaded && <Loading />}
      {list.loaded && !list.error && list.items.length === 0 && <div className="empty">{empty}</div>}
      {list.items.length > 0 && <div className="table-wrap">{children}</div>}
      {list.loaded && list.items.length > 0 && (
        <LoadMore shown={list.items.length} hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} unit={unit} />
      )}
    </section>
  );
}
