import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import type { CaseDetail, PersonSummary } from '../lib/types.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';

const CRUMBS = [{ label: '事例（多機関協働）', to: '/cases' }];

/**
 * Open a case directly (not from a referral or a consultation): the
 * coordinator picks the people and writes why — the reason is kept in the
 * case's history.
 */
export function CaseNewPage() {
  const navigate = useNavigate();
  const [people, setPeople] = useState<PersonSummary[]>([]);
  const [reason, setReason] = useState('');
  const [title, setTitle] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!people.length) problems.personIds = '対象者を1人以上選んでください';
    if (!reason.trim()) problems.reason = '開始の理由を入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<CaseDetail>('/api/v1/cases', {
        origin: 'direct',
        personIds: people.map((p) => p.id),
        primaryPersonId: people[0]!.id,
        reason: reason.trim(),
        title: title.trim() || null,
      });
      void navigate(`/cases/${created.id}`, { state: { flash: `事例 ${created.caseNo} を開始しました。チームの機関を加えてください。` } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="事例を直接開始する"
        breadcrumbs={CRUMBS}
        lead="つなぎや相談の記録によらずに多機関協働の事例を始めるときに使います。ふだんは、受理したつなぎの画面から開始してください。"
      />
      <form className="form form--narrow" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary
          errors={errors}
          idFor={(f) => (f === 'reason' ? 'case-reason' : f === 'title' ? 'case-title' : f.startsWith('person') || f === 'primaryPersonId' ? 'case-person' : null)}
        />
        <fieldset className="fieldset">
          <legend className="fieldset__legend">対象者（最初に選んだ人が本人）</legend>
          {people.length > 0 && (
            <ul className="plain-list case-persons">
              {people.map((p, i) => (
                <li key={p.id}>
                  {p.displayName}
                  <Badge tone={i === 0 ? 'info' : 'neutral'}>{i === 0 ? '本人' : '世帯員'}</Badge>
                  <button type="button" className="button button--tertiary button--small" onClick={() => setPeople(people.filter((x) => x.id !== p.id))}>
                    外す
                  </button>
                </li>
              ))}
            </ul>
          )}
          <PersonPicker
            id="case-person"
            label="対象者を探す"
            excludeIds={people.map((p) => p.id)}
            pickLabel="対象者にする"
            onPick={(p) => setPeople([...people, p])}
            error={fieldError(errors, 'personIds') ?? fieldError(errors, 'primaryPersonId')}
          />
        </fieldset>
        <TextArea
          id="case-reason"
          label="開始の理由"
          required
          hint="例：民生委員からの情報で、複数の課題を抱える世帯と判断したため"
          rows={4}
          value={reason}
          onChange={setReason}
          error={fieldError(errors, 'reason')}
        />
        <TextField id="case-title" label="事例名（任意）" hint="空欄のときは「○○さんの世帯」になります。" value={title} onChange={setTitle} error={fieldError(errors, 'title')} />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            事例を開始する
          </button>
          <Link to="/cases" className="button button--tertiary">
            やめる
          </Link>
        </div>
      </form>
    </>
  );
}
