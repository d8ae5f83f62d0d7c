import { PURPOSE_LABELS } from '../../consents/summary.ts';
import { Badge, type BadgeTone } from '../components/ui.tsx';
import type { ConsentPurpose, ConsentState, ConsentSummary } from '../lib/types.ts';

export { PURPOSE_LABELS };
export const PURPOSES = Object.keys(PURPOSE_LABELS) as ConsentPurpose[];

/** The choices of a consent record, for the intake form and the consent section. */
export const PURPOSE_OPTIONS = PURPOSES.map((p) => ({ value: p, label: PURPOSE_LABELS[p] }));
export const SCOPE_OPTIONS = [
  { value: 'all', label: '重層的支援体制整備事業のすべての機関' },
  { value: 'listed', label: '指定した機関だけ' },
];
export const METHOD_OPTIONS = [
  { value: '書面', label: '書面' },
  { value: '口頭', label: '口頭' },
];

/** Short names of the two purposes, for badges in lists. */
export const PURPOSE_SHORT: Record<ConsentPurpose, string> = {
  agency_sharing: '情報提供',
  meeting_sharing: '重層会議',
};

export function consentTone(state: ConsentState['state']): BadgeTone {
  if (state === 'granted') return 'success';
  if (state === 'refused') return 'error';
  if (state === 'withdrawn') return 'warning';
  return 'neutral';
}

/**
 * The current consent of a person at a glance, shown wherever the person
 * appears: one badge per purpose, or "同意：未確認" when nothing is recorded.
 */
export function ConsentBadges({ consent }: { consent: ConsentSummary }) {
  const recorded = PURPOSES.filter((p) => consent[p].state !== 'none');
  if (recorded.length === 0) {
    return (
      <span className="badges">
        <Badge tone="neutral">同意：未確認</Badge>
      </span>
    );
  }
  return (
    <span className="badges">
      {PURPOSES.map((p) => (
        <Badge key={p} tone={consentTone(consent[p].state)}>
          {PURPOSE_SHORT[p]}：{consent[p].label}
        </Badge>
      ))}
    </span>
  );
}
