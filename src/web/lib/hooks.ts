import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, isAbort, type Page } from './api.ts';

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'client_error', error instanceof Error ? error.message : String(error));
}

export interface ApiData<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  setData(data: T): void;
}

/** GET a resource; refetches when the path changes. `null` skips the request. */
export function useApiData<T>(path: string | null): ApiData<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api
      .get<T>(path, { signal: controller.signal })
      .then((result) => {
        setData(result);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setError(asApiError(e));
        setLoading(false);
      });
    return () => controller.abort();
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload, setData };
}

export interface PagedList<T> {
  items: T[];
  hasMore: boolean;
  loading: boolean;
  /** True once the first page for the current path has arrived. */
  loaded: boolean;
  error: ApiError | null;
  loadMore(): void;
  reload(): void;
}

/** A keyset-paginated list ({ items, nextCursor }) with a "さらに表示" button. */
export function usePagedList<T>(path: string): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const more = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    more.current?.abort();
    setLoading(true);
    setError(null);
    api
      .get<Page<T>>(path, { signal: controller.signal })
      .then((page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setLoading(false);
        setLoaded(true);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setError(asApiError(e));
        setItems([]);
        setCursor(null);
        setLoading(false);
        setLoaded(true);
      });
    return () => controller.abort();
  }, [path, generation]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    const controller = new AbortController();
    more.current = controller;
    setLoading(true);
    const separator = path.includes('?') ? '&' : '?';
    api
      .get<Page<T>>(`${path}${separator}cursor=${encodeURIComponent(cursor)}`, { signal: controller.signal })
      .then((page) => {
        setItems((previous) => [...previous, ...page.items]);
        setCursor(page.nextCursor);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setError(asApiError(e));
        setLoading(false);
      });
  }, [cursor, path]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, hasMore: cursor !== null, loading, loaded, error, loadMore, reload };
}

/** A value that follows `value` after `delay` ms without changes (search boxes). */
export function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

export interface SearchResults<T> {
  /** Null while there is nothing to search for. */
  results: T[] | null;
  loading: boolean;
  problem: string | null;
}

/**
 * Search-as-you-type results of a list endpoint ({ items }): `path` null means
 * nothing to search; a newer path aborts the request of the previous one.
 */
export function useSearchResults<T>(path: string | null): SearchResults<T> {
  const [results, setResults] = useState<T[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (path === null) {
      setResults(null);
      setProblem(null);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    api
      .get<{ items: T[] }>(path, { signal: controller.signal })
      .then((page) => {
        setResults(page.items);
        setProblem(null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setResults([]);
        setProblem(e instanceof Error ? e.message : String(e));
        setLoading(false);
      });
    return () => controller.abort();
  }, [path]);
  return { results, loading, problem };
}

/** Fetch every page of a list (small lists such as the agencies for a select). */
export async function fetchAll<T>(path: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const page: Page<T> = await api.get<Page<T>>(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
