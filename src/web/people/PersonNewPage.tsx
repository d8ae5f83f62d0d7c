import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, type FormErrors } from '../components/forms.tsx';
import { readBirthDate } from './birthDate.ts';
import { DuplicateCandidates } from './DuplicateCandidates.tsx';
import { EMPTY_PERSON, PersonFields, type PersonForm } from './PersonFields.tsx';
import { usePersonRegistration } from './registration.ts';

const idFor = (field: string) => (field === 'gender' ? 'person-new-gender-0' : `person-new-${field}`);

export function PersonNewPage() {
  const navigate = useNavigate();
  const [form, setForm] = useState<PersonForm>(EMPTY_PERSON);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const { duplicates, setDuplicates, register } = usePersonRegistration();

  const save = async (confirmNew: boolean) => {
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = '氏名を入力してください（わからないときは相談受付で「匿名」として記録できます）';
    const birth = readBirthDate(form.birthDate);
    if (birth.problem) problems.birthDate = `生年月日：${birth.problem}`;
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const created = await register(form, confirmNew);
      if (created) navigate(`/persons/${created.id}`, { state: { flash: `${created.displayName}さんを登録しました。` } });
      else setBusy(false);
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(false);
  };

  return (
    <>
      <PageHeader
        title="本人の新規登録"
        breadcrumbs={[{ label: '本人・世帯', to: '/persons' }]}
        lead="登録の前に、同じ人が既に登録されていないかを確認します（名寄せ）。相談と一緒に登録するときは「相談受付」から登録できます。"
      />
      <form onSubmit={submit} noValidate className="form form--wide">
        <ErrorSummary errors={errors} idFor={idFor} />
        <section className="form-section" aria-labelledby="person-new-identity">
          <h2 id="person-new-identity" className="form-section__title">
            本人の情報
          </h2>
          <PersonFields
            idPrefix="person-new"
            form={form}
            onChange={(next) => {
              setForm(next);
              setDuplicates(null);
            }}
            err={(f) => fieldError(errors, f)}
          />
        </section>
        {duplicates && duplicates.length > 0 && (
          <DuplicateCandidates
            candidates={duplicates}
            pickLabel="この人のページを開く"
            onPick={(p) => navigate(`/persons/${p.id}`)}
            onConfirmNew={() => void save(true)}
          />
        )}
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? '確認しています…' : '登録する'}
          </button>
          <Link to="/persons" className="button button--tertiary">
            キャンセル
          </Link>
        </div>
      </form>
    </>
  );
}
