import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { formatDateTime } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * 緊急時の閲覧 (生命・身体の保護, 社会福祉法 and the municipality's rules):
 * opens one person's record to this user for 24 hours. The written reason
 * is required, the access is marked in the audit log and the 事務局 is notified.
 */
export function EmergencyAccessPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [personId, setPersonId] = useState(params.get('person') ?? '');
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = personId.normalize('NFKC').trim();
    const problems: Record<string, string> = {};
    if (!UUID.test(id)) problems.personId = '本人ID：他の機関から伝えられたID（例：0193f3a2-…の36文字）を入力してください';
    if (reason.trim().length < 10) problems.reason = '理由：何が起きていて、なぜ今すぐ情報が必要なのかを10文字以上で書いてください';
    if (!understood) problems.understood = '記録と通知について確認し、チェックを入れてください';
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      return;
    }
    setBusy(true);
    try {
      const granted = await api.post<{ expiresAt: string }>('/api/v1/emergency-access', { personId: id, reason: reason.trim() });
      navigate(`/persons/${id}`, {
        state: { flash: `緊急時の閲覧を開始しました（${formatDateTime(granted.expiresAt)}まで）。事務局に通知しました。` },
      });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="緊急時の閲覧"
        breadcrumbs={[{ label: '本人・世帯', to: '/persons' }]}
        lead="本人の命や身体を守るために、同意を得る時間がなく、すぐに情報が必要なときだけ使う手続きです。"
      />
      <Notice tone="warning" title="この手続きは記録され、事務局に通知されます">
        <ul>
          <li>入力した理由とともに、だれが・いつ・どの記録を開いたかが監査ログに「緊急時の閲覧」として記録されます。</li>
          <li>事務局（市の所管課）に、すぐに通知が届きます。</li>
          <li>閲覧できるのは、手続きをしたあなただけで、24時間で終了します。</li>
        </ul>
      </Notice>
      <form onSubmit={submit} noValidate className="form">
        <ErrorSummary errors={errors} idFor={(f) => `emergency-${f}`} />
        <TextField
          id="emergency-personId"
          label="本人ID"
          required
          hint="本人の記録を持つ機関から伝えられたIDです（本人のページの「本人ID」）。"
          width="long"
          autoComplete="off"
          spellCheck={false}
          value={personId}
          onChange={setPersonId}
          error={fieldError(errors, 'personId')}
        />
        <TextArea
          id="emergency-reason"
          label="緊急に閲覧する理由"
          required
          hint="例：本人から「今から死ぬ」と電話があり、住所と家族の連絡先を確認して警察に伝える必要がある。"
          rows={4}
          value={reason}
          onChange={setReason}
          error={fieldError(errors, 'reason')}
        />
        <Checkbox
          id="emergency-understood"
          label="生命・身体の保護のために必要な範囲で閲覧し、記録と事務局への通知が行われることを確認しました"
          checked={understood}
          onChange={setUnderstood}
          error={fieldError(errors, 'understood')}
        />
        <div className="button-row">
          <button type="submit" className="button button--danger" disabled={busy}>
            緊急時の閲覧を開始する
          </button>
          <Link to="/persons" className="button button--tertiary">
            やめる
          </Link>
        </div>
      </form>
    </>
  );
}
