import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useDebounced } from './hooks.ts';

/**
 * Search conditions kept in the URL (so Back and shared links keep them):
 * a free-text box searched ~250 ms after typing stops or at once on Enter,
 * and selects applied immediately.
 */
export function useUrlFilters(textKey = 'q') {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get(textKey) ?? '');
  const debounced = useDebounced(text, 250);
  const applied = useRef(params.get(textKey) ?? '');
  applied.current = params.get(textKey) ?? '';

  const apply = useCallback(
    (changes: Record<string, string>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  // Search when the typed text settles — only then: `apply` changes with every URL change.
  const settled = useRef(debounced);
  useEffect(() => {
    if (debounced === settled.current) return;
    settled.current = debounced;
    const term = debounced.trim();
    if (term !== applied.current) apply({ [textKey]: term });
  }, [debounced, apply, textKey]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({ [textKey]: text.trim() });
  };

  /** Clear every condition except those listed. */
  const clear = (keep: string[] = []) => {
    setText('');
    const next = new URLSearchParams();
    for (const key of keep) {
      const value = params.get(key);
      if (value) next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  return { params, get: (key: string) => params.get(key) ?? '', text, setText, apply, submit, clear };
}
