import { useCallback, useState } from 'react';
import { api, ApiError } from '../lib/api.ts';
import type { DuplicateCandidate, PersonDetail } from '../lib/types.ts';
import { duplicateQuery, toPersonInput, worthCheckingDuplicates, type PersonForm } from './PersonFields.tsx';

/** Likely duplicates of what was typed (none when too little was typed to compare). */
export async function lookForDuplicates(form: PersonForm): Promise<DuplicateCandidate[]> {
  if (!worthCheckingDuplicates(form)) return [];
  const found = await api.post<{ items: DuplicateCandidate[] }>('/api/v1/persons/duplicates', duplicateQuery(form));
  return found.items;
}

/** The candidates of a 409 possible_duplicates answer, or null for any other error. */
export function duplicatesOf(error: unknown): DuplicateCandidate[] | null {
  if (error instanceof ApiError && error.code === 'possible_duplicates' && Array.isArray(error.body.duplicates)) {
    return error.body.duplicates as DuplicateCandidate[];
  }
  return null;
}

/**
 * Registering a person with 名寄せ first: likely duplicates are looked up and
 * shown before anything is saved; `confirmNew` registers anyway. Other
 * errors (422) are thrown for the form to show.
 */
export function usePersonRegistration() {
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);

  const register = useCallback(async (form: PersonForm, confirmNew: boolean): Promise<PersonDetail | null> => {
    if (!confirmNew) {
      const found = await lookForDuplicates(form);
      if (found.length > 0) {
        setDuplicates(found);
        return null;
      }
    }
    try {
      const created = await api.post<PersonDetail>('/api/v1/persons', toPersonInput(form, confirmNew));
      setDuplicates(null);
      return created;
    } catch (error) {
      const found = duplicatesOf(error);
      if (!found) throw error;
      setDuplicates(found);
      return null;
    }
  }, []);

  return { duplicates, setDuplicates, register };
}
