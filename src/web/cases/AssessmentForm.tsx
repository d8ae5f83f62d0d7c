import { useState, type FormEvent, type ReactNode } from 'react';
import { ASSESSMENT_DOMAINS, ASSESSMENT_RISKS, DOMAIN_STATUSES, DOMAIN_STATUS_LABELS, assessmentIsUrgent, type DomainStatus } from '../../shared/cases.ts';
import { CheckboxGroup, ErrorSummary, TextArea, TextField, type FormErrors, type Option } from '../components/forms.tsx';
import { Notice } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';
import type { AssessmentView } from '../lib/types.ts';
import { contentOf, type AssessmentDraft } from './AssessmentParts.tsx';

/**
 * The assessment's one form: a status and a note for each of the 12 life
 * domains (radio buttons: one tab stop per domain, arrow keys to choose),
 * then 本人の思い・希望, 家族の思い, 強み, リスク, 関係機関の関わり and まとめ.
 * Saving always makes a new version from `baseVersion`.
 */


/** API field keys → ids of this form ("domains.health.status" → "as-domain-health-status"). */
function fieldKey(apiKey: string): string {
  const parts = apiKey.split('.');
  if (parts[0] === 'domains') {
    const domain = parts[1] ?? ASSESSMENT_DOMAINS[0].key;
    return `domain-${domain}-${parts[2] === 'note' ? 'note' : 'status'}`;
  }
  if (parts[0] === 'involvement' && parts[1] !== undefined) return `involvement-${parts[1]}-${parts[2] === 'how' ? 'how' : 'agencyId'}`;
  return parts[0] ?? apiKey;
}

function localErrors(errors: FormErrors): FormErrors {
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors.fields)) {
    const k = fieldKey(key);
    if (!fields[k]) fields[k] = message;
  }
  return { ...errors, fields };
}

function idFor(field: string): string | null {
  if (field === '_' || field === 'baseVersion') return null;
  if (field === 'risks') return 'as-risks-0';
  return `as-${field}`;
}

function DomainEditor({
  domainKey,
  label,
  value,
  onChange,
  errors,
}: {
  domainKey: string;
  label: string;
  value: { status: DomainStatus; note: string };
  onChange: (next: { status: DomainStatus; note: string }) => void;
  errors: FormErrors | null;
}) {
  const statusError = errors?.fields[`domain-${domainKey}-status`];
  const noteError = errors?.fields[`domain-${domainKey}-note`];
  const name = `as-domain-${domainKey}`;
  return (
    <div
      role="group"
      aria-labelledby={`${name}-label`}
      className={`domain-edit domain-edit--${value.status}${statusError || noteError ? ' domain-edit--error' : ''}`}
    >
      <span id={`${name}-label`} className="domain-edit__label">
        {label}
      </span>
      <div className="domain-edit__body">
        {(statusError || noteError) && (
          <p className="field__error">
            <span className="visually-hidden">エラー：</span>
            {statusError ?? noteError}
          </p>
        )}
        <div className="status-choice">
          {DOMAIN_STATUSES.map((s, i) => (
            <label key={s} className={`status-choice__item status-choice__item--${s}`}>
              <input
                type="radio"
                id={i === 0 ? `${name}-status` : `${name}-status-${i}`}
                name={name}
                value={s}
                checked={value.status === s}
                onChange={() => onChange({ ...value, status: s })}
              />
              <span>{DOMAIN_STATUS_LABELS[s]}</span>
            </label>
          ))}
        </div>
        <label className="visually-hidden" htmlFor={`${name}-note`}>
          {label}の状況・メモ
        </label>
        <textarea
          id={`${name}-note`}
          className="input textarea domain-edit__note"
          rows={2}
          placeholder="状況・根拠"
          value={value.note}
          aria-invalid={noteError ? true : undefined}
          onChange={(e) => onChange({ ...value, note: e.target.value })}
        />
      </div>
    </div>
  );
}

export function AssessmentForm({
  caseId,
  initial,
  baseVersion,
  agencyOptions,
  teamAgencyIds,
  notice,
  onSaved,
  onConflict,
  onCancel,
}: {
  caseId: string;
  initial: AssessmentDraft;
  baseVersion: number | null;
  agencyOptions: readonly Option[];
  teamAgencyIds: readonly string[];
  notice?: ReactNode;
  onSaved: (saved: AssessmentView) => void;
  onConflict: (current: AssessmentView | null, yours: AssessmentDraft, message: string) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<AssessmentDraft>(initial);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof AssessmentDraft>(key: K) => (value: AssessmentDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const urgent = assessmentIsUrgent(contentOf(draft));

  // Team agencies first in the select, then every other agency of the municipality.
  const team = agencyOptions.filter((o) => teamAgencyIds.includes(o.value));
  const others = agencyOptions.filter((o) => !teamAgencyIds.includes(o.value));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    const content = contentOf(draft);
    const body = {
      baseVersion,
      ...content,
      involvement: content.involvement.filter((i) => i.agencyId),
      changeNote: draft.changeNote.trim() || null,
    };
    try {
      const saved = await api.post<AssessmentView>(`/api/v1/cases/${caseId}/assessments`, body);
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && error.isConflict) {
        onConflict((error.body.current as AssessmentView | null) ?? null, draft, error.message);
        return;
      }
      const e =
        error instanceof ApiError
          ? { message: error.message, fields: error.fields }
          : { message: error instanceof Error ? error.message : String(error), fields: {} };
      setErrors(localErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="assessment-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="assessment-form-title">
      <div className="panel__title-row">
        <h2 id="assessment-form-title" className="panel__title">
          {baseVersion ? `アセスメントの更新（第${baseVersion + 1}版として保存）` : 'アセスメントの作成（第1版）'}
        </h2>
      </div>
      {notice}
      <ErrorSummary errors={errors} idFor={idFor} />
      <p className="form__note">
        保存すると新しい版になり、前の版はそのまま残ります。わからない領域は「不明」のままにしてください。
      </p>

      <h3 className="form__section-title">生活の領域</h3>
      <div className="domain-edit-list">
        {ASSESSMENT_DOMAINS.map((d) => (
          <DomainEditor
            key={d.key}
            domainKey={d.key}
            label={d.label}
            value={draft.domains[d.key]!}
            errors={errors}
            onChange={(v) => setDraft((x) => ({ ...x, domains: { ...x.domains, [d.key]: v } }))}
          />
        ))}
      </div>

      <h3 className="form__section-title">本人・家族の思いと強み</h3>
      <TextArea id="as-personWishes" label="本人の思い・希望" rows={3} value={draft.personWishes} onChange={set('personWishes')} error={errors?.fields.personWishes} hint="本人の言葉をできるだけそのまま書いてください。" />
      <TextArea id="as-familyWishes" label="家族の思い" rows={3} value={draft.familyWishes} onChange={set('familyWishes')} error={errors?.fields.familyWishes} />
      <TextArea id="as-strengths" label="強み" rows={2} value={draft.strengths} onChange={set('strengths')} error={errors?.fields.strengths} hint="本人・家族ができていること、頼れる人や場所。" />

      <h3 className="form__section-title">リスク</h3>
      <CheckboxGroup
        id="as-risks"
        legend="当てはまるリスク"
        hint="希死念慮・虐待・DV・急迫を選ぶと「要緊急対応」となり、主担当機関と事務局に通知されます。"
        values={draft.risks}
        onChange={set('risks')}
        options={ASSESSMENT_RISKS.map((r) => ({ value: r, label: r }))}
        error={errors?.fields.risks}
      />
      <TextArea id="as-riskNote" label="リスクの内容" rows={2} value={draft.riskNote} onChange={set('riskNote')} error={errors?.fields.riskNote} />

      <h3 className="form__section-title">関係機関の関わり</h3>
      <div className="involvement-edit">
        {draft.involvement.length === 0 && <p className="muted">まだ記入がありません。「機関を加える」で、関わっている機関とその関わり方を記入します。</p>}
        {draft.involvement.map((item, i) => {
          const agencyError = errors?.fields[`involvement-${i}-agencyId`];
          const howError = errors?.fields[`involvement-${i}-how`];
          return (
            <div className={`involvement-edit__row${agencyError || howError ? ' field--error' : ''}`} key={i}>
              {(agencyError || howError) && <p className="field__error involvement-edit__error">{agencyError ?? howError}</p>}
              <div className="involvement-edit__agency">
                <label className="field__label" htmlFor={`as-involvement-${i}-agencyId`}>
                  機関（{i + 1}）
                </label>
                <select
                  id={`as-involvement-${i}-agencyId`}
                  className="select input--full"
                  value={item.agencyId}
                  onChange={(e) => setDraft((x) => ({ ...x, involvement: x.involvement.map((v, n) => (n === i ? { ...v, agencyId: e.target.value } : v)) }))}
                >
                  <option value="">選んでください</option>
                  {team.length > 0 && (
                    <optgroup label="この事例のチーム">
                      {team.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </optgroup>
                  )}
                  <optgroup label="そのほかの機関">
                    {others.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </optgroup>
                </select>
              </div>
              <div className="involvement-edit__how">
                <label className="field__label" htmlFor={`as-involvement-${i}-how`}>
                  関わり方
                </label>
                <input
                  id={`as-involvement-${i}-how`}
                  className="input input--full"
                  value={item.how}
                  placeholder="例：母の介護保険の申請を支援"
                  onChange={(e) => setDraft((x) => ({ ...x, involvement: x.involvement.map((v, n) => (n === i ? { ...v, how: e.target.value } : v)) }))}
                />
              </div>
              <button
                type="button"
                className="button button--tertiary button--small involvement-edit__remove"
                onClick={() => setDraft((x) => ({ ...x, involvement: x.involvement.filter((_, n) => n !== i) }))}
              >
                外す<span className="visually-hidden">（機関 {i + 1}）</span>
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => setDraft((x) => ({ ...x, involvement: [...x.involvement, { agencyId: '', how: '' }] }))}
        >
          機関を加える
        </button>
      </div>

      <h3 className="form__section-title">まとめ</h3>
      <TextArea id="as-summary" label="まとめ（見立て・支援の方向）" rows={4} value={draft.summary} onChange={set('summary')} error={errors?.fields.summary} />
      <TextField
        id="as-changeNote"
        label="変更の理由・メモ"
        width="full"
        hint="任意。版の履歴に表示されます（例：訪問の結果を反映）。"
        value={draft.changeNote}
        onChange={set('changeNote')}
        error={errors?.fields.changeNote}
      />

      {urgent && (
        <Notice tone="warning" title="要緊急対応として保存されます">
          <p>要緊急対応の領域、または生命・身体にかかわるリスクがあります。保存すると、主担当機関と事務局に通知されます。</p>
        </Notice>
      )}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : baseVersion ? `第${baseVersion + 1}版として保存する` : '第1版として保存する'}
        </button>
        <button type="button" className="button button--tertiary" onClick={onCancel} disabled={busy}>
          保存せずに戻る
        </button>
      </div>
    </form>
  );
}
