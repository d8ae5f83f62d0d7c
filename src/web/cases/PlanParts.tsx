import type { ReactNode } from 'react';
import type { PlanStatus } from '../../shared/cases.ts';
import { formatDate } from '../../shared/dates.ts';
import { parseDateInput, todayJst } from '../../shared/date-input.ts';
import { TextField } from '../components/forms.tsx';
import { Badge, type BadgeTone } from '../components/ui.tsx';
import type { PlanContent, PlanView } from '../lib/types.ts';

/**
 * Pieces shared by the plan pages (支援プラン): the status badge, the plan
 * content as compared item by item (history, conflicts), a date field that
 * reads 和暦, and the wording of 次回評価日.
 */

const STATUS_TONES: Record<PlanStatus, BadgeTone> = {
  draft: 'warning',
  approved: 'info',
  active: 'success',
  evaluated: 'neutral',
};

export function PlanStatusBadge({ plan }: { plan: Pick<PlanView, 'status' | 'statusLabel' | 'supersededByPlanNo'> }) {
  return (
    <span className="badges">
      <Badge tone={STATUS_TONES[plan.status]}>{plan.statusLabel}</Badge>
      {plan.supersededByPlanNo && <Badge tone="neutral">第{plan.supersededByPlanNo}回プランに見直し済</Badge>}
    </span>
  );
}

export const ACHIEVEMENT_TONES: Record<string, BadgeTone> = { 達成: 'success', 一部達成: 'warning', 未達成: 'error' };

/** The content of a plan as compared between versions (or with the user's input). */
export interface ComparedPlan {
  longTermGoal: string;
  shortTermGoals: string[];
  direction: string;
  actions: { content: string; agencyId: string; staffName: string; frequency: string; period: string }[];
  leadAgencyId: string;
  consentOn: string;
  consentMethod: string;
  nextReviewOn: string;
}

export type ComparedKey = keyof ComparedPlan;

/** The items of a plan in the order of the sheet, with their labels (the same words as the server's history). */
export const COMPARED_ITEMS: { key: ComparedKey; label: string }[] = [
  { key: 'longTermGoal', label: '長期目標' },
  { key: 'shortTermGoals', label: '短期目標' },
  { key: 'direction', label: '支援の方向性' },
  { key: 'actions', label: '支援の内容と役割分担' },
  { key: 'leadAgencyId', label: '主担当機関' },
  { key: 'consentOn', label: '本人の同意の日付' },
  { key: 'consentMethod', label: '本人の同意の方法' },
  { key: 'nextReviewOn', label: '次回評価日' },
];

export function comparedFromContent(c: PlanContent): ComparedPlan {
  return {
    longTermGoal: c.longTermGoal,
    shortTermGoals: c.shortTermGoals.map((g) => g.text),
    direction: c.direction,
    actions: c.actions.map((a) => ({ content: a.content, agencyId: a.agencyId, staffName: a.staffName, frequency: a.frequency, period: a.period })),
    leadAgencyId: c.leadAgency?.id ?? '',
    consentOn: c.consentOn ?? '',
    consentMethod: c.consentMethod ?? '',
    nextReviewOn: c.nextReviewOn ?? '',
  };
}

function normalised(p: ComparedPlan, key: ComparedKey): string {
  const v = p[key];
  if (key === 'consentOn' || key === 'nextReviewOn') return parseDateInput(String(v)) ?? String(v).trim();
  if (typeof v === 'string') return v.trim();
  if (key === 'shortTermGoals') return JSON.stringify((v as string[]).map((t) => t.trim()));
  return JSON.stringify(
    (v as ComparedPlan['actions']).map((a) => [a.content.trim(), a.agencyId, a.staffName.trim(), a.frequency.trim(), a.period.trim()]),
  );
}

/** Keys of the items that differ between two versions of a plan. */
export function differingKeys(a: ComparedPlan, b: ComparedPlan): Set<ComparedKey> {
  return new Set(COMPARED_ITEMS.filter((i) => normalised(a, i.key) !== normalised(b, i.key)).map((i) => i.key));
}

/** One item of a plan, shown for comparison. */
export function ItemValue({ plan, itemKey, agencyName }: { plan: ComparedPlan; itemKey: ComparedKey; agencyName: (id: string) => string }) {
  const empty = <span className="muted">（なし）</span>;
  switch (itemKey) {
    case 'shortTermGoals':
      return plan.shortTermGoals.length ? (
        <ol className="plan-compare__list">
          {plan.shortTermGoals.map((g, i) => (
            <li key={i}>{g || <span className="muted">（空欄）</span>}</li>
          ))}
        </ol>
      ) : (
        empty
      );
    case 'actions':
      return plan.actions.length ? (
        <ol className="plan-compare__list">
          {plan.actions.map((a, i) => (
            <li key={i}>
              {a.content || <span className="muted">（内容なし）</span>}
              <span className="plan-compare__meta">
                {[a.agencyId ? agencyName(a.agencyId) : '担当機関なし', a.staffName, a.frequency, a.period].filter(Boolean).join('｜')}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        empty
      );
    case 'leadAgencyId':
      return plan.leadAgencyId ? <>{agencyName(plan.leadAgencyId)}</> : empty;
    case 'consentOn':
    case 'nextReviewOn': {
      const v = plan[itemKey];
      if (!v) return empty;
      const iso = parseDateInput(v);
      return <>{iso ? formatDate(iso) : v}</>;
    }
    default: {
      const v = plan[itemKey];
      return v ? <span className="multiline">{v}</span> : empty;
    }
  }
}

/** Days from today (Japan) to a date: negative when it has passed. */
export function daysUntil(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${todayJst()}T00:00:00Z`)) / 86_400_000);
}

/** 次回評価日 with how far it is: 「あと12日」 or 「期限を3日過ぎています」. */
export function ReviewDate({ date, live }: { date: string | null; live: boolean }) {
  if (!date) return <span className="muted">未設定</span>;
  const days = daysUntil(date);
  let note: ReactNode = null;
  if (live) {
    if (days < 0) note = <Badge tone="error">期限を{-days}日過ぎています</Badge>;
    else if (days === 0) note = <Badge tone="warning">今日</Badge>;
    else if (days <= 14) note = <Badge tone="warning">あと{days}日</Badge>;
    else note = <span className="muted">（あと{days}日）</span>;
  }
  return (
    <span className="plan-review-date">
      {formatDate(date)} {note}
    </span>
  );
}

/** A date typed as 2026-04-01 or 令和8年4月1日, with the reading shown under the box. */
export function DateField({
  id,
  label,
  value,
  onChange,
  error,
  hint = '西暦・和暦どちらでも（例：2026-04-01、令和8年4月1日）',
  required,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
}) {
  const iso = value.trim() ? parseDateInput(value) : null;
  return (
    <TextField
      id={id}
      label={label}
      hint={hint}
      width="medium"
      value={value}
      onChange={onChange}
      error={error}
      {...(required ? { required } : {})}
      after={
        value.trim() ? (
          <p className={`date-preview${iso ? '' : ' date-preview--problem'}`} aria-live="polite">
            {iso ? formatDate(iso) : '日付として読み取れません'}
          </p>
        ) : null
      }
    />
  );
}

/** The date to send: the parsed 'YYYY-MM-DD', the text as typed when unreadable (the server names the problem), or null. */
export function dateOrNull(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  return parseDateInput(v) ?? v;
}

/** What the plan still needs before it can be approved (本人の同意, 次回評価日). */
export function approvalGaps(content: PlanContent): string[] {
  const gaps: string[] = [];
  if (!content.consentOn) gaps.push('本人の同意の日付');
  if (!content.consentMethod) gaps.push('本人の同意の方法（書面・口頭）');
  if (!content.nextReviewOn) gaps.push('次回評価日');
  return gaps;
}
