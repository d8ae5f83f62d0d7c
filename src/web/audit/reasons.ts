/** Audit reasons are shown in Japanese; the words live in src/shared so the CSV export uses them too. */
export { reasonLabel } from '../../shared/audit-labels.ts';
