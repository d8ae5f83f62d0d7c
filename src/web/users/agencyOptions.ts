import { useEffect, useState } from 'react';
import type { Option } from '../components/forms.tsx';
import { fetchAll } from '../lib/hooks.ts';
import type { AgencyView } from '../lib/types.ts';

/** Agencies in use, for "所属機関" selects (kana order, as the API returns them). */
export function useAgencyOptions(): { options: Option[]; error: string | null } {
  const [options, setOptions] = useState<Option[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetchAll<AgencyView>('/api/v1/agencies?limit=200')
      .then((agencies) => {
        if (!cancelled) setOptions(agencies.map((a) => ({ value: a.id, label: a.name })));
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return { options, error };
}
