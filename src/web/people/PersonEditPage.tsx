import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, type FormErrors } from '../components/forms.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { PersonDetail } from '../lib/types.ts';
import { readBirthDate } from './birthDate.ts';
import { PersonFields, toPersonInput, type PersonForm } from './PersonFields.tsx';

function fromDetail(p: PersonDetail): PersonForm {
  return {
    name: p.name ?? '',
    nameKana: p.nameKana ?? '',
    birthDate: p.birthDate ?? '',
    gender: p.gender,
    address: p.address ?? '',
    phone: p.phone ?? '',
    contactCaution: p.contactCaution ?? '',
  };
}

const idFor = (field: string) => (field === 'gender' ? 'person-edit-gender-0' : `person-edit-${field}`);

function EditForm({ person }: { person: PersonDetail }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<PersonForm>(fromDetail(person));
  const [version, setVersion] = useState(person.version);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const birth = readBirthDate(form.birthDate);
    if (birth.problem) {
      setErrors(clientErrors({ birthDate: `生年月日：${birth.problem}` }));
      return;
    }
    setBusy(true);
    try {
      const input = toPersonInput(form);
      await api.patch<PersonDetail>(`/api/v1/persons/${person.id}`, { ...input, version });
      navigate(`/persons/${person.id}`, { state: { flash: '変更を保存しました。' } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  const reloadLatest = () => {
    const current = errors?.current as PersonDetail | undefined;
    if (!current) return;
    setForm(fromDetail(current));
    setVersion(current.version);
    setErrors(null);
  };

  return (
    <form onSubmit={submit} noValidate className="form form--wide">
      <ErrorSummary errors={errors} idFor={idFor} onReloadLatest={reloadLatest} />
      <section className="form-section" aria-labelledby="person-edit-identity">
        <h2 id="person-edit-identity" className="form-section__title">
          本人の情報
        </h2>
        <PersonFields idPrefix="person-edit" form={form} onChange={setForm} err={(f) => fieldError(errors, f)} />
      </section>
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : '変更を保存する'}
        </button>
        <Link to={`/persons/${person.id}`} className="button button--tertiary">
          キャンセル
        </Link>
      </div>
    </form>
  );
}

export function PersonEditPage() {
  const { id = '' } = useParams();
  const { data, error, reload } = useApiData<PersonDetail>(`/api/v1/persons/${encodeURIComponent(id)}`);
  const crumbs = [{ label: '本人・世帯', to: '/persons' }];
  if (error) {
    return (
      <>
        <PageHeader title="本人の記録の編集" breadcrumbs={crumbs} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!data) {
    return (
      <>
        <PageHeader title="本人の記録の編集" breadcrumbs={crumbs} />
        <Loading />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="本人の記録の編集"
        heading={`${data.displayName}さんの記録の編集`}
        breadcrumbs={[...crumbs, { label: data.displayName, to: `/persons/${data.id}` }]}
      />
      <EditForm person={data} key={data.id} />
    </>
  );
}
