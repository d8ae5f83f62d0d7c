import type { ReactNode } from 'react';
import {
  ASSESSMENT_COMPARED_ITEMS,
  ASSESSMENT_DOMAINS,
  DOMAIN_STATUS_LABELS,
  assessmentChangedKeys,
  type AssessmentContent,
  type DomainStatus,
} from '../../shared/cases.ts';
import { Badge, Multiline, type BadgeTone } from '../components/ui.tsx';
import type { AssessmentView } from '../lib/types.ts';

/** Pieces shared by the assessment's read view, form, conflict and diff. */

const STATUS_TONES: Record<DomainStatus, BadgeTone> = {
  ok: 'success',
  issue: 'warning',
  urgent: 'error',
  unknown: 'neutral',
};

export function DomainStatusBadge({ status }: { status: string }) {
  const s = (status in STATUS_TONES ? status : 'unknown') as DomainStatus;
  return <Badge tone={STATUS_TONES[s]}>{DOMAIN_STATUS_LABELS[s]}</Badge>;
}

/** What the form edits: the content of a version plus the note about this change. */
export interface AssessmentDraft {
  domains: Record<string, { status: DomainStatus; note: string }>;
  personWishes: string;
  familyWishes: string;
  strengths: string;
  risks: string[];
  riskNote: string;
  involvement: { agencyId: string; how: string }[];
  summary: string;
  changeNote: string;
}

export function emptyDraft(): AssessmentDraft {
  return {
    domains: Object.fromEntries(ASSESSMENT_DOMAINS.map((d) => [d.key, { status: 'unknown' as DomainStatus, note: '' }])),
    personWishes: '',
    familyWishes: '',
    strengths: '',
    risks: [],
    riskNote: '',
    involvement: [],
    summary: '',
    changeNote: '',
  };
}

export function draftFrom(view: AssessmentView): AssessmentDraft {
  return {
    domains: Object.fromEntries(ASSESSMENT_DOMAINS.map((d) => [d.key, { ...(view.domains[d.key] ?? { status: 'unknown' as DomainStatus, note: '' }) }])),
    personWishes: view.personWishes,
    familyWishes: view.familyWishes,
    strengths: view.strengths,
    risks: [...view.risks],
    riskNote: view.riskNote,
    involvement: view.involvement.map((i) => ({ agencyId: i.agencyId, how: i.how })),
    summary: view.summary,
    changeNote: '',
  };
}

/** The compared content of a draft or a saved version (trimmed like the server stores it). */
export function contentOf(a: AssessmentDraft | AssessmentView): AssessmentContent {
  return {
    domains: Object.fromEntries(ASSESSMENT_DOMAINS.map((d) => [d.key, { status: a.domains[d.key]?.status ?? 'unknown', note: (a.domains[d.key]?.note ?? '').trim() }])),
    personWishes: a.personWishes.trim(),
    familyWishes: a.familyWishes.trim(),
    strengths: a.strengths.trim(),
    risks: a.risks,
    riskNote: a.riskNote.trim(),
    involvement: a.involvement.map((i) => ({ agencyId: i.agencyId, how: i.how.trim() })),
    summary: a.summary.trim(),
  };
}

/** Keys (`domain.health`, `summary` …) of the items that differ. */
export function differingKeys(a: AssessmentDraft | AssessmentView | null, b: AssessmentDraft | AssessmentView): Set<string> {
  return new Set(assessmentChangedKeys(a ? contentOf(a) : null, contentOf(b)));
}

export const COMPARED_ITEMS = ASSESSMENT_COMPARED_ITEMS;

/** Copy one item (by compared key) from `source` into `target`. */
export function copyItem(target: AssessmentDraft, source: AssessmentDraft, key: string): void {
  if (key.startsWith('domain.')) {
    const d = key.slice('domain.'.length);
    target.domains[d] = { ...source.domains[d]! };
  } else if (key === 'risks') {
    target.risks = [...source.risks];
    target.riskNote = source.riskNote;
  } else if (key === 'involvement') {
    target.involvement = source.involvement.map((i) => ({ ...i }));
  } else if (key === 'personWishes' || key === 'familyWishes' || key === 'strengths' || key === 'summary') {
    target[key] = source[key];
  }
}

function Text({ value }: { value: string }) {
  return value.trim() ? <Multiline text={value} /> : <span className="muted">（記入なし）</span>;
}

/** One item of a version, shown for comparison (before / after, theirs / yours). */
export function ItemValue({
  content,
  itemKey,
  agencyName,
}: {
  content: AssessmentDraft | AssessmentView;
  itemKey: string;
  agencyName: (id: string) => string;
}): ReactNode {
  if (itemKey.startsWith('domain.')) {
    const v = content.domains[itemKey.slice('domain.'.length)];
    return (
      <div className="assessment-value">
        <DomainStatusBadge status={v?.status ?? 'unknown'} />
        {v?.note.trim() ? <Multiline text={v.note} /> : null}
      </div>
    );
  }
  if (itemKey === 'risks') {
    return (
      <div className="assessment-value">
        {content.risks.length ? (
          <ul className="tags">
            {content.risks.map((r) => (
              <li key={r} className="tag">
                {r}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">該当なし</span>
        )}
        {content.riskNote.trim() ? <Multiline text={content.riskNote} /> : null}
      </div>
    );
  }
  if (itemKey === 'involvement') {
    if (!content.involvement.length) return <span className="muted">（記入なし）</span>;
    return (
      <ul className="involvement-list">
        {content.involvement.map((i, n) => (
          <li key={`${i.agencyId}-${n}`}>
            <span className="involvement-list__agency">{agencyName(i.agencyId)}</span>
            {i.how.trim() ? <span className="involvement-list__how">{i.how}</span> : null}
          </li>
        ))}
      </ul>
    );
  }
  const text = content[itemKey as 'personWishes' | 'familyWishes' | 'strengths' | 'summary'];
  return <Text value={typeof text === 'string' ? text : ''} />;
}

/** Names of agencies known from a saved version (its involvement) plus a fallback list. */
export function agencyNamer(views: readonly (AssessmentView | null | undefined)[], options: readonly { value: string; label: string }[]) {
  const names = new Map<string, string>(options.map((o) => [o.value, o.label]));
  for (const v of views) for (const i of v?.involvement ?? []) names.set(i.agencyId, i.agencyName);
  return (id: string) => names.get(id) ?? '（機関）';
}
