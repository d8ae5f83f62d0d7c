import { useState, type FormEvent } from 'react';
import type { MeetingRules } from '../../municipalities/settings.ts';
import { CLOSURE_REASONS } from '../../shared/cases.ts';
import { SERVICE_DECIDER_LABELS, SERVICE_DECIDERS } from '../../shared/meetings.ts';
import { CheckboxGroup, ErrorSummary, formErrorsFrom, RadioGroup, type FormErrors } from '../components/forms.tsx';
import { DataList, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';

const BOUND = [
  { value: 'plan_approval', label: 'プランの承認' },
  { value: 'closure', label: '終結' },
  { value: 'suspension', label: '中断' },
];
const deciders = SERVICE_DECIDERS.map((d) => ({ value: d, label: SERVICE_DECIDER_LABELS[d] }));

/**
 * 会議の決定のルール (settings.meetingRules): which decisions need a 重層的支援会議, the closure
 * reasons that may go without one (with a reason), who decides 参加支援 / アウトリーチ. Shown to
 * everyone on 会議体・配置; the administrator changes it.
 */
export function MeetingRulesPanel({ rules, editable, onSaved }: { rules: MeetingRules; editable: boolean; onSaved: (next: MeetingRules) => void }) {
  const [editing, setEditing] = useState(false);
  const [bound, setBound] = useState<string[]>(rules.meetingDecisions);
  const [exceptions, setExceptions] = useState<string[]>(rules.closureExceptions);
  const [participation, setParticipation] = useState<string>(rules.participationSupportDecidedBy);
  const [outreach, setOutreach] = useState<string>(rules.outreachDecidedBy);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [saved, setSaved] = useState(false);
  const words = (values: readonly string[], options: { value: string; label: string }[]) => options.filter((o) => values.includes(o.value)).map((o) => o.label).join('・');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      const next = await api.patch<{ meetingRules: MeetingRules }>('/api/v1/municipality/settings', {
        meetingRules: { meetingDecisions: bound, closureExceptions: exceptions, participationSupportDecidedBy: participation, outreachDecidedBy: outreach },
      });
      onSaved(next.meetingRules);
      setEditing(false);
      setSaved(true);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  return (
    <section className="panel meeting-rules" aria-labelledby="meeting-rules-title">
      <h2 id="meeting-rules-title" className="panel__title">
        会議の決定のルール
      </h2>
      {saved && (
        <Notice tone="success">
          <p>会議の決定のルールを保存しました。</p>
        </Notice>
      )}
      <DataList
        rows={[
          { label: '重層的支援会議の決定が必要', value: words(rules.meetingDecisions, BOUND) || 'なし（会議名を記録します）' },
          { label: '会議の決定なしに終結できる理由', value: rules.closureExceptions.length ? `${rules.closureExceptions.join('・')}（理由を記録します）` : 'なし' },
          { label: '参加支援の利用', value: SERVICE_DECIDER_LABELS[rules.participationSupportDecidedBy] },
          { label: 'アウトリーチの利用', value: SERVICE_DECIDER_LABELS[rules.outreachDecidedBy] },
        ]}
      />
      {editable && !editing && (
        <button type="button" className="button button--secondary button--small" onClick={() => setEditing(true)}>
          ルールを変更する
        </button>
      )}
      {editing && (
        <form className="form meeting-body__form" onSubmit={(e) => void submit(e)} noValidate aria-label="会議の決定のルール">
          <ErrorSummary errors={errors} idFor={() => null} />
          <CheckboxGroup id="rules-bound" legend="重層的支援会議の決定が必要な決定" values={bound} onChange={setBound} options={BOUND} />
          <CheckboxGroup
            id="rules-exceptions"
            legend="会議の決定なしに終結できる終結理由"
            hint="選んだ理由での終結は、会議の決定の代わりに理由を記録して行えます（例：死亡・転居）。"
            values={exceptions}
            onChange={setExceptions}
            options={CLOSURE_REASONS.map((r) => ({ value: r, label: r }))}
          />
          <RadioGroup id="rules-participation" legend="参加支援の利用を決める者" inline={false} value={participation} onChange={setParticipation} options={deciders} />
          <RadioGroup id="rules-outreach" legend="アウトリーチの利用を決める者" inline={false} value={outreach} onChange={setOutreach} options={deciders} />
          <div className="button-row">
            <button type="submit" className="button button--primary">
              保存する
            </button>
            <button type="button" className="button button--tertiary" onClick={() => setEditing(false)}>
              やめる
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
