import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Loading, Tags } from '../components/ui.tsx';
import { api, isAbort } from '../lib/api.ts';
import { useDebounced } from '../lib/hooks.ts';
import type { RoutingResult, Suggestion } from '../lib/types.ts';

export interface RoutingRequest {
  issues: string[];
  personId?: string | null;
  age?: number | null;
  address?: string | null;
}

/**
 * 交通整理: suggestions from the municipality's routing rules, fetched again
 * (debounced) whenever the issues or the person change. No issues, no request.
 */
export function useRoutingSuggestions(request: RoutingRequest): { result: RoutingResult | null; loading: boolean; error: string | null } {
  const key = useDebounced(JSON.stringify(request), 300);
  const [result, setResult] = useState<RoutingResult | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const body = JSON.parse(key) as RoutingRequest;
    if (body.issues.length === 0) {
      setResult(null);
      setError(null);
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    const payload = {
      issues: body.issues,
      ...(body.personId ? { personId: body.personId } : {}),
      ...(body.age !== null && body.age !== undefined ? { age: body.age } : {}),
      ...(body.address ? { address: body.address } : {}),
    };
    api
      .post<RoutingResult>('/api/v1/routing-suggestions', payload, { signal: controller.signal })
      .then((r) => {
        setResult(r);
        setError(null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      });
    return () => controller.abort();
  }, [key]);

  return { result, loading, error };
}

/** The suggestions with their reasons; `action` adds a control per agency (つなぐ). */
export function RoutingPanel({
  titleId,
  result,
  loading,
  error,
  ownAgencyId,
  empty,
  action,
}: {
  titleId: string;
  result: RoutingResult | null;
  loading: boolean;
  error: string | null;
  ownAgencyId: string;
  empty: ReactNode;
  action?: (suggestion: Suggestion) => ReactNode;
}) {
  const suggestions = result?.suggestions ?? [];
  return (
    <section className="routing" aria-labelledby={titleId}>
      <h2 id={titleId} className="routing__title">
        交通整理（つなぎ先の候補）
      </h2>
      <p className="visually-hidden" role="status" aria-live="polite">
        {loading ? '' : result ? `つなぎ先の候補が${suggestions.length}件あります` : ''}
      </p>
      {result && (result.facts.age !== null || result.facts.patterns.length > 0) && (
        <p className="routing__facts">
          {result.facts.age !== null && <span>本人 {result.facts.age}歳</span>}
          {result.facts.patterns.length > 0 && <span>世帯の状況：{result.facts.patterns.join('・')}</span>}
        </p>
      )}
      {error && <p className="field__error">{error}</p>}
      {!result && !loading && !error && <div className="routing__empty">{empty}</div>}
      {loading && !result && <Loading label="候補を探しています…" />}
      {suggestions.length > 0 && (
        <ol className={`routing__list${loading ? ' routing__list--stale' : ''}`}>
          {suggestions.map((s) => (
            <li key={s.agency.id} className="suggestion">
              <p className="suggestion__name">
                <Link to={`/agencies/${s.agency.id}`} target="_blank" rel="noopener">
                  {s.agency.name}
                  <span className="visually-hidden">（新しいタブで開きます）</span>
                </Link>
                {s.agency.id === ownAgencyId && <span className="suggestion__own">自機関</span>}
              </p>
              <Tags values={s.agency.roles} />
              <ul className="suggestion__reasons">
                {s.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              <p className="suggestion__rules">ルール：{s.rules.join('、')}</p>
              {action && s.agency.id !== ownAgencyId && <div className="suggestion__action">{action(s)}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
