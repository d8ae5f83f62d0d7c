import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { AGENCY_FIELDS, OPERATIONS, PROJECT_ROLES } from '../../shared/roles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import {
  Checkbox,
  CheckboxGroup,
  clientErrors,
  ErrorSummary,
  fieldError,
  formErrorsFrom,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../components/forms.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { AgencyInput, AgencyView } from '../lib/types.ts';
import type { DepartmentView } from '../../directory/departments.ts';

/** Form state: text as typed; converted to the API's agencyInputSchema on submit. */
interface AgencyForm {
  name: string;
  kana: string;
  organization: string;
  fields: string[];
  programName: string;
  legalBasis: string;
  description: string;
  targetPopulation: string;
  siteCount: string;
  operation: string;
  departmentId: string;
  roles: string[];
  area: string;
  address: string;
  phone: string;
  email: string;
  hours: string;
  isWindow: boolean;
  note: string;
  active: boolean;
}

const EMPTY: AgencyForm = {
  name: '',
  kana: '',
  organization: '',
  fields: [],
  programName: '',
  legalBasis: '',
  description: '',
  targetPopulation: '',
  siteCount: '',
  operation: '',
  departmentId: '',
  roles: [],
  area: '',
  address: '',
  phone: '',
  email: '',
  hours: '',
  isWindow: true,
  note: '',
  active: true,
};

function fromView(a: AgencyView): AgencyForm {
  return {
    name: a.name,
    kana: a.kana,
    organization: a.organization ?? '',
    fields: a.fields,
    programName: a.programName ?? '',
    legalBasis: a.legalBasis ?? '',
    description: a.description ?? '',
    targetPopulation: a.targetPopulation ?? '',
    siteCount: a.siteCount === null ? '' : String(a.siteCount),
    operation: a.operation ?? '',
    departmentId: a.departmentId ?? '',
    roles: a.roles,
    area: a.area ?? '',
    address: a.address ?? '',
    phone: a.phone ?? '',
    email: a.email ?? '',
    hours: a.hours ?? '',
    isWindow: a.isWindow,
    note: a.note ?? '',
    active: a.active,
  };
}

const text = (value: string) => (value.trim() === '' ? null : value.trim());

/**
 * Convert the form to the API's input. A count that is not a number is sent
 * as typed, so the server still checks every field (and saves nothing); the
 * clearer local message then replaces the server's for that field.
 */
function toInput(form: AgencyForm): { input: AgencyInput; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  let siteCount: number | string | null = null;
  const count = form.siteCount.normalize('NFKC').trim();
  if (count !== '') {
    if (/^\d{1,3}$/.test(count)) siteCount = Number(count);
    else {
      siteCount = count;
      problems.siteCount = '設置箇所数：0から999までの数字で入力してください';
    }
  }
  const input = {
    name: form.name.trim(),
    kana: form.kana.trim(),
    organization: text(form.organization),
    fields: form.fields,
    programName: text(form.programName),
    legalBasis: text(form.legalBasis),
    description: text(form.description),
    targetPopulation: text(form.targetPopulation),
    siteCount,
    operation: text(form.operation),
    departmentId: form.departmentId || null,
    roles: form.roles,
    area: text(form.area),
    address: text(form.address),
    phone: text(form.phone),
    email: text(form.email),
    hours: text(form.hours),
    isWindow: form.isWindow,
    note: text(form.note),
    active: form.active,
  } as AgencyInput;
  return { input, problems };
}

const idFor = (field: string): string => {
  if (field === 'fields' || field === 'roles') return `agency-${field}-0`;
  return `agency-${field}`;
};

const FIELD_OPTIONS = AGENCY_FIELDS.map((v) => ({ value: v, label: v }));
const ROLE_OPTIONS = PROJECT_ROLES.map((v) => ({ value: v, label: v }));
const OPERATION_OPTIONS = OPERATIONS.map((v) => ({ value: v, label: v }));

function AgencyFormBody({ existing }: { existing: AgencyView | null }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<AgencyForm>(existing ? fromView(existing) : EMPTY);
  const [version, setVersion] = useState(existing?.version ?? 0);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const departments = useApiData<{ items: DepartmentView[] }>('/api/v1/departments?includeInactive=true');
  // Active departments, and the agency's own even if stopped since.
  const departmentOptions = (departments.data?.items ?? [])
    .filter((d) => d.active || d.id === existing?.departmentId)
    .map((d) => ({ value: d.id, label: d.active ? d.name : `${d.name}（利用停止）` }));

  const set =
    <K extends keyof AgencyForm>(key: K) =>
    (value: AgencyForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const err = (name: string) => fieldError(errors, name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { input, problems } = toInput(form);
    setBusy(true);
    try {
      const saved = existing
        ? await api.patch<AgencyView>(`/api/v1/agencies/${existing.id}`, { ...input, version })
        : await api.post<AgencyView>('/api/v1/agencies', input);
      navigate(`/agencies/${saved.id}`, { state: { flash: existing ? '変更を保存しました。' : '機関・窓口を登録しました。' } });
    } catch (error) {
      const found = formErrorsFrom(error);
      const fields = { ...found.fields, ...problems };
      setErrors(Object.keys(problems).length ? { ...found, ...clientErrors(fields) } : found);
      setBusy(false);
    }
  };

  const reloadLatest = () => {
    const current = errors?.current as AgencyView | undefined;
    if (!current) return;
    setForm(fromView(current));
    setVersion(current.version);
    setErrors(null);
  };

  return (
    <form onSubmit={submit} noValidate className="form form--wide">
      <ErrorSummary errors={errors} idFor={idFor} onReloadLatest={reloadLatest} />
      <p className="form__note">
        <span className="required-mark">必須</span> の項目は必ず入力してください。それ以外は、わかる範囲で入力してください。
      </p>

      <section className="form-section" aria-labelledby="sec-basic">
        <h2 id="sec-basic" className="form-section__title">
          基本情報
        </h2>
        <TextField id="agency-name" label="名称" required value={form.name} onChange={set('name')} error={err('name')} />
        <TextField
          id="agency-kana"
          label="名称（カナ）"
          hint="ひらがなまたはカタカナで入力してください。一覧の並び順と、ひらがなでの検索に使います。"
          value={form.kana}
          onChange={set('kana')}
          error={err('kana')}
        />
        <Checkbox
          id="agency-isWindow"
          label="相談を受け付ける窓口である"
          hint="住民からの相談を直接受け付ける機関・窓口の場合に選びます。"
          checked={form.isWindow}
          onChange={set('isWindow')}
          error={err('isWindow')}
        />
      </section>

      <section className="form-section" aria-labelledby="sec-service">
        <h2 id="sec-service" className="form-section__title">
          事業（サービス）
        </h2>
        <TextField id="agency-programName" label="事業名" value={form.programName} onChange={set('programName')} error={err('programName')} />
        <TextArea id="agency-description" label="内容" rows={5} value={form.description} onChange={set('description')} error={err('description')} />
        <TextField
          id="agency-targetPopulation"
          label="基本となる対象者"
          hint="例：地域の高齢者とその家族"
          value={form.targetPopulation}
          onChange={set('targetPopulation')}
          error={err('targetPopulation')}
        />
        <CheckboxGroup
          id="agency-fields"
          legend="対象分野"
          hint="当てはまるものをすべて選んでください。"
          options={FIELD_OPTIONS}
          values={form.fields}
          onChange={set('fields')}
          error={err('fields')}
        />
        <CheckboxGroup
          id="agency-roles"
          legend="事業における役割"
          hint="重層的支援体制整備事業の中で担う役割をすべて選んでください。"
          options={ROLE_OPTIONS}
          values={form.roles}
          onChange={set('roles')}
          error={err('roles')}
        />
        <TextField id="agency-legalBasis" label="根拠法令" value={form.legalBasis} onChange={set('legalBasis')} error={err('legalBasis')} />
      </section>

      <section className="form-section" aria-labelledby="sec-org">
        <h2 id="sec-org" className="form-section__title">
          運営主体
        </h2>
        <TextField
          id="agency-organization"
          label="運営主体"
          hint="委託の場合は受託法人の名称を入力します。"
          value={form.organization}
          onChange={set('organization')}
          error={err('organization')}
        />
        <SelectField
          id="agency-operation"
          label="運営形態"
          options={OPERATION_OPTIONS}
          placeholder="選択してください"
          width="short"
          value={form.operation}
          onChange={set('operation')}
          error={err('operation')}
        />
        <SelectField
          id="agency-departmentId"
          label="所管課"
          hint={
            <>
              一覧にない課は<Link to="/departments">課（所管課）</Link>で追加します。推進員は、自分の課が所管する窓口の相談受付とつなぎを見ることができます。
              {existing?.department && !existing.departmentId ? `（登録時の記載：${existing.department}）` : ''}
            </>
          }
          options={departmentOptions}
          placeholder="（所管課なし）"
          width="medium"
          value={form.departmentId}
          onChange={set('departmentId')}
          error={err('departmentId')}
        />
        <TextField
          id="agency-siteCount"
          label="設置箇所数"
          hint="半角または全角の数字で入力してください。"
          inputMode="numeric"
          width="short"
          value={form.siteCount}
          onChange={set('siteCount')}
          error={err('siteCount')}
        />
      </section>

      <section className="form-section" aria-labelledby="sec-location">
        <h2 id="sec-location" className="form-section__title">
          所在地・連絡先
        </h2>
        <TextField id="agency-area" label="担当地区" value={form.area} onChange={set('area')} error={err('area')} />
        <TextField id="agency-address" label="所在地" autoComplete="off" value={form.address} onChange={set('address')} error={err('address')} />
        <TextField
          id="agency-phone"
          label="電話番号"
          hint="例：042-000-0000"
          type="tel"
          width="medium"
          value={form.phone}
          onChange={set('phone')}
          error={err('phone')}
        />
        <TextField
          id="agency-email"
          label="メールアドレス"
          type="email"
          spellCheck={false}
          width="medium"
          value={form.email}
          onChange={set('email')}
          error={err('email')}
        />
        <TextField
          id="agency-hours"
          label="受付時間"
          hint="例：平日 8時30分〜17時15分"
          value={form.hours}
          onChange={set('hours')}
          error={err('hours')}
        />
      </section>

      <section className="form-section" aria-labelledby="sec-note">
        <h2 id="sec-note" className="form-section__title">
          備考・状態
        </h2>
        <TextArea id="agency-note" label="備考" rows={4} value={form.note} onChange={set('note')} error={err('note')} />
        <Checkbox
          id="agency-active"
          label="利用中"
          hint="利用を停止すると、一覧に表示されなくなり、利用者の所属先として選べなくなります。"
          checked={form.active}
          onChange={set('active')}
          error={err('active')}
        />
      </section>

      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : existing ? '変更を保存する' : '登録する'}
        </button>
        <Link to={existing ? `/agencies/${existing.id}` : '/agencies'} className="button button--tertiary">
          キャンセル
        </Link>
      </div>
    </form>
  );
}

export function AgencyFormPage() {
  const { id } = useParams();
  const { data, error, reload } = useApiData<AgencyView>(id ? `/api/v1/agencies/${encodeURIComponent(id)}` : null);
  const crumbs = [{ label: '機関・窓口', to: '/agencies' }];

  if (!id) {
    return (
      <>
        <PageHeader title="機関・窓口の新規登録" breadcrumbs={crumbs} />
        <AgencyFormBody existing={null} />
      </>
    );
  }
  const title = '機関・窓口の編集';
  if (error) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={crumbs} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={title}
        heading={data ? `${data.name}の編集` : title}
        breadcrumbs={data ? [...crumbs, { label: data.name, to: `/agencies/${data.id}` }] : crumbs}
      />
      {data ? <AgencyFormBody existing={data} key={data.id} /> : <Loading />}
    </>
  );
}
