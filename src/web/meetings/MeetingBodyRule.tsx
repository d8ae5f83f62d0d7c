import { useState, type FormEvent } from 'react';
import { Checkbox, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { DataList } from '../components/ui.tsx';
import { api } from '../lib/api.ts';

/** A body's rule as GET /api/v1/meeting-bodies answers it (src/meetings/bodies.ts). */
export interface MeetingBodyRuleView {
  id: string;
  name: string;
  kind: string;
  confidentiality: 'statutory' | 'consent';
  confidentialityLabel: string;
  confidentialityBasis: string | null;
  derivedBasis: string | null;
  notice: string;
  convenedBy: 'secretariat' | null;
  host: { id: string; name: string } | null;
  secretariatAttends: boolean;
  version: number;
}

/** 守秘義務・招集・主催・出席: the rule a body's meetings follow, and the administrator's form to correct it. */
export function MeetingBodyRule({
  rule,
  editable,
  agencies,
  onSaved,
}: {
  rule: MeetingBodyRuleView;
  editable: boolean;
  agencies: { id: string; name: string }[];
  onSaved: (next: MeetingBodyRuleView) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confidentiality, setConfidentiality] = useState<string>(rule.confidentiality);
  const [basis, setBasis] = useState(rule.confidentialityBasis ?? rule.derivedBasis ?? '');
  const [convened, setConvened] = useState(rule.convenedBy === 'secretariat');
  const [host, setHost] = useState(rule.host?.id ?? '');
  const [attends, setAttends] = useState(rule.secretariatAttends);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const p = `body-${rule.id}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    try {
      const next = await api.patch<MeetingBodyRuleView>(`/api/v1/meeting-bodies/${rule.id}`, {
        confidentiality,
        confidentialityBasis: confidentiality === 'statutory' ? basis.trim() || null : null,
        convenedBy: convened ? 'secretariat' : null,
        hostAgencyId: host || null,
        secretariatAttends: attends,
        version: rule.version,
      });
      onSaved(next);
      setEditing(false);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="meeting-body__rule">
      <DataList
        hideEmpty
        rows={[
          { label: '情報の扱い', value: rule.notice },
          { label: '招集', value: rule.convenedBy === 'secretariat' ? '市（事務局）だけが招集する' : 'コーディネーター・事務局が招集する' },
          { label: '主催', value: rule.host?.name ?? null },
          { label: '市の出席', value: rule.secretariatAttends ? '市（事務局）が毎回出席する（出席がないと開催済・決定にできません）' : null },
        ]}
      />
      {editable && !editing && (
        <button type="button" className="button button--secondary button--small" onClick={() => setEditing(true)}>
          ルールを変更する
        </button>
      )}
      {editing && (
        <form className="form meeting-body__form" onSubmit={(e) => void submit(e)} noValidate aria-label={`${rule.name}のルール`}>
          <ErrorSummary errors={errors} idFor={(f) => ({ confidentiality: `${p}-conf-0`, confidentialityBasis: `${p}-basis`, hostAgencyId: `${p}-host` })[f] ?? null} />
          <RadioGroup
            id={`${p}-conf`}
            legend="守秘義務の扱い"
            hint="根拠法令で構成員に守秘義務が課されている会議体（要保護児童対策地域協議会、生活困窮者自立支援法の支援会議、地域ケア会議など）は「法律上の守秘義務あり」です。"
            value={confidentiality}
            onChange={setConfidentiality}
            inline={false}
            options={[
              { value: 'statutory', label: '法律上の守秘義務あり（本人同意なしで検討できる。出席者は守秘義務を確認）' },
              { value: 'consent', label: '本人同意が必要' },
            ]}
            error={fieldError(errors, 'confidentiality')}
          />
          {confidentiality === 'statutory' && (
            <TextField
              id={`${p}-basis`}
              label="守秘義務の根拠（条文）"
              hint="例：児童福祉法第25条の5、障害者総合支援法第89条の3"
              value={basis}
              onChange={setBasis}
              error={fieldError(errors, 'confidentialityBasis')}
            />
          )}
          <Checkbox id={`${p}-convened`} label="市（事務局）だけが招集する" checked={convened} onChange={setConvened} />
          <SelectField
            id={`${p}-host`}
            label="主催する機関"
            placeholder="決めない"
            value={host}
            onChange={setHost}
            options={agencies.map((a) => ({ value: a.id, label: a.name }))}
            error={fieldError(errors, 'hostAgencyId')}
          />
          <Checkbox id={`${p}-attends`} label="市（事務局）が毎回出席する" checked={attends} onChange={setAttends} />
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              保存する
            </button>
            <button type="button" className="button button--tertiary" onClick={() => setEditing(false)}>
              やめる
            </button>
          </div>
          <p className="form__note">変更は、この会議体の会議に次の操作から適用されます（変更は監査ログに記録されます）。</p>
        </form>
      )}
    </div>
  );
}
