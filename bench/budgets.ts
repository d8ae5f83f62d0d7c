/**
 * Performance budgets from the issues, in one table. `npm run bench`
 * checks every budget whose operation it measures and exits non-zero
 * when one is broken. A capability that lands adds its measurement to
 * bench/run.ts under the `operation` key named here; until then its
 * budget is reported as not yet measured.
 */
export type DbKind = 'pglite' | 'postgres';
export type Metric = 'p50' | 'p95' | 'p99' | 'mean';

export interface Budget {
  /** Operation key as measured by bench/run.ts. */
  operation: string;
  /** What a person does, for the report. */
  label: string;
  /** Database the budget applies to (the production target is PostgreSQL). */
  db: DbKind;
  metric: Metric;
  /** Upper bound in milliseconds, measured end to end over HTTP. */
  limitMs: number;
}

export const BUDGETS: readonly Budget[] = [
  { operation: 'directory.search', label: '機関・窓口の検索 (directory search)', db: 'postgres', metric: 'p95', limitMs: 20 },
  // Later capabilities: listed now so the report shows what is still to measure.
  { operation: 'person.search', label: '本人の検索 (person search)', db: 'postgres', metric: 'p95', limitMs: 50 },
  { operation: 'intake.save', label: '受付の保存 (intake save)', db: 'postgres', metric: 'p95', limitMs: 100 },
  { operation: 'case.page', label: 'ケース画面 (case page)', db: 'postgres', metric: 'p95', limitMs: 80 },
  { operation: 'my-work', label: 'わたしの仕事 (my work)', db: 'postgres', metric: 'p95', limitMs: 150 },
];
