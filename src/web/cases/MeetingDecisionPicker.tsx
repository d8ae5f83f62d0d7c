import { Link } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { RadioGroup, TextArea, TextField, fieldError, type FormErrors } from '../components/forms.tsx';
import { Notice } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';

/** What the server offers: the eligible decisions of held 重層的支援会議 and the municipality's rule. */
export interface DecisionChoices {
  kind: 'closure' | 'suspension' | 'plan_approval';
  required: boolean;
  closureExceptions: string[];
  items: { id: string; meetingId: string; meetingTitle: string; meetingDate: string; ref: string; content: string }[];
}

/** The basis the form sends: a decision, an exception with its reason (closure), or a typed reference where the rules allow. */
export interface DecisionBasis {
  decisionId: string;
  exceptionReason: string;
  meetingRef: string;
  meetingDate: string;
}
export const EMPTY_BASIS: DecisionBasis = { decisionId: '', exceptionReason: '', meetingRef: '', meetingDate: '' };

const WORD = { closure: '終結', suspension: '中断', plan_approval: 'プランの承認' } as const;
export const EXCEPTION = 'exception';
const TYPED_LABEL = { closure: '終結を決めた会議（重層的支援会議）', suspension: '決定した会議', plan_approval: '承認した会議の決定' } as const;

/**
 * 会議の決定: a closure, a suspension or a plan approval bound to a
 * 重層的支援会議 is chosen from the decisions of held meetings with this case
 * on the agenda (never typed); when there is none yet, the form says where the
 * decision is made. A closure reason the municipality exempts may go without
 * one, with its reason. Where the rules do not bind the decision, the meeting
 * may be typed as before.
 */
export function MeetingDecisionPicker({
  caseId,
  kind,
  planId,
  closureReason,
  value,
  onChange,
  errors,
  prefix,
}: {
  caseId: string;
  kind: DecisionChoices['kind'];
  planId?: string;
  closureReason?: string;
  value: DecisionBasis;
  onChange: (next: DecisionBasis) => void;
  errors: FormErrors | null;
  /** Field name prefix for the server's errors (closure. for a closure). */
  prefix: string;
}) {
  const choices = useApiData<DecisionChoices>(`/api/v1/cases/${caseId}/meeting-decisions?kind=${kind}${planId ? `&planId=${planId}` : ''}`);
  const c = choices.data;
  if (!c) return <p className="muted">{choices.error ? '会議の決定を読み込めませんでした。' : '会議の決定を確認しています…'}</p>;
  const word = WORD[kind];
  const exceptionAllowed = kind === 'closure' && !!closureReason && c.closureExceptions.includes(closureReason);
  const decisionError = fieldError(errors, `${prefix}decisionId`) ?? fieldError(errors, `${prefix}exceptionReason`);

  if (!c.required && c.items.length === 0) {
    return (
      <>
        <TextField
          id="decision-meeting"
          label={TYPED_LABEL[kind]}
          hint="この自治体では会議の決定は必須ではありません。決めた会議があれば入力します。例：第3回 重層的支援会議"
          value={value.meetingRef}
          onChange={(meetingRef) => onChange({ ...value, meetingRef })}
          error={fieldError(errors, `${prefix}meetingRef`) ?? fieldError(errors, 'decisionRef')}
        />
        <TextField
          id="decision-meeting-date"
          label="会議の日付"
          type="date"
          width="medium"
          value={value.meetingDate}
          onChange={(meetingDate) => onChange({ ...value, meetingDate })}
          error={fieldError(errors, `${prefix}meetingDate`) ?? fieldError(errors, 'decidedOn')}
        />
      </>
    );
  }

  const options = [
    ...c.items.map((d) => ({ value: d.id, label: `${d.ref}｜${formatDate(d.meetingDate)}`, hint: `決定：${d.content}` })),
    ...(exceptionAllowed ? [{ value: EXCEPTION, label: `会議の決定によらずに終結する（${closureReason}）`, hint: 'この自治体の設定で認められた終結理由です。理由を記録します。' }] : []),
  ];
  return (
    <>
      {c.items.length === 0 && (
        <Notice tone="warning" title={`${word}は重層的支援会議で決定します`}>
          <p>
            この事例の{word}を決めた重層的支援会議の決定がまだありません。開催済みの重層的支援会議でこの事例を議題にし、「{word === 'プランの承認' ? 'プラン承認' : word}
            」を決定してください。会議の画面で決定を記録すると、その場で事例に反映できます。
          </p>
          <p>
            <Link to="/meetings">会議の一覧へ</Link>
          </p>
        </Notice>
      )}
      {options.length > 0 && (
        <RadioGroup
          id="decision-id"
          legend={`${word}を決めた会議の決定`}
          hint="開催済みの重層的支援会議で、この事例について記録された決定から選びます。"
          required
          inline={false}
          value={value.decisionId}
          onChange={(decisionId) => onChange({ ...value, decisionId })}
          options={options}
          error={decisionError}
        />
      )}
      {value.decisionId === EXCEPTION && (
        <TextArea
          id="decision-exception"
          label="会議の決定によらない理由"
          required
          rows={2}
          hint="例：11月20日に本人が亡くなったため（家族から連絡）"
          value={value.exceptionReason}
          onChange={(exceptionReason) => onChange({ ...value, exceptionReason })}
          error={fieldError(errors, `${prefix}exceptionReason`)}
        />
      )}
      {c.items.length === 0 && !exceptionAllowed && decisionError && <p className="field__error">{decisionError}</p>}
    </>
  );
}

/** The body fields the transition or approval sends for a basis. */
export function basisBody(basis: DecisionBasis): Record<string, unknown> {
  if (basis.decisionId === EXCEPTION) return { exceptionReason: basis.exceptionReason.trim() || null };
  if (basis.decisionId) return { decisionId: basis.decisionId };
  return { meetingRef: basis.meetingRef.trim() || null, meetingDate: basis.meetingDate.trim() || null };
}
