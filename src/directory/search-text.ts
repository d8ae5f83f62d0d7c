import { normalizeForSearch } from '../shared/normalize.ts';

export interface SearchableAgency {
  name: string;
  kana: string;
  organization?: string | null;
  program_name?: string | null;
  area?: string | null;
  department?: string | null;
}

/** The normalised text the directory's trigram index searches. */
export function agencySearchText(a: SearchableAgency): string {
  return [a.name, a.kana, a.organization, a.program_name, a.area, a.department]
    .filter(Boolean)
    .map((part) => normalizeForSearch(String(part)))
    .join('|');
}
