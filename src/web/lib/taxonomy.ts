import type { TaxonomyView, TermView } from '../../municipalities/taxonomy.ts';
import { PURPOSE_LABELS } from '../../consents/summary.ts';
import { ISSUES } from '../../shared/issues.ts';
import { useApiData } from './hooks.ts';

export interface Taxonomy {
  /** 課題 offered for a new consultation (the national list and the municipality's active ones), in order. */
  issues: string[];
  /** Consent purposes offered for a new consent record. */
  purposeOptions: { value: string; label: string }[];
  /** Every purpose the municipality has had, active or not (to show old records). */
  purposes: TermView[];
  purposeLabel(code: string): string;
}

const builtIn = (code: string, label: string): TermView => ({ id: null, code, label, description: null, builtIn: true, active: true, version: null });
const FALLBACK: TaxonomyView = {
  issues: ISSUES.map((i) => builtIn(i, i)),
  consentPurposes: Object.entries(PURPOSE_LABELS).map(([code, label]) => builtIn(code, label)),
};

/**
 * The municipality's 課題 and consent purposes (GET /municipality/taxonomy),
 * so the forms offer what the API accepts. Until it arrives, the national lists.
 */
export function useTaxonomy(): Taxonomy {
  const { data } = useApiData<TaxonomyView>('/api/v1/municipality/taxonomy');
  const t = data ?? FALLBACK;
  const labels = new Map(t.consentPurposes.map((p) => [p.code, p.label]));
  return {
    issues: t.issues.filter((i) => i.active).map((i) => i.label),
    purposeOptions: t.consentPurposes.filter((p) => p.active).map((p) => ({ value: p.code, label: p.label })),
    purposes: t.consentPurposes,
    purposeLabel: (code) => labels.get(code) ?? code,
  };
}
