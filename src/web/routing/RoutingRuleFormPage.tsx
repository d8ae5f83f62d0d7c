import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ISSUES } from '../../shared/issues.ts';
import { HOUSEHOLD_PATTERNS } from '../../shared/people.ts';
import { AGENCY_FIELDS, PROJECT_ROLES } from '../../shared/roles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import {
  Checkbox,
  CheckboxGroup,
  clientErrors,
  ErrorSummary,
  fieldError,
  formErrorsFrom,
  SelectField,
  TextField,
  type FormErrors,
} from '../components/forms.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { RoutingRuleView } from '../lib/types.ts';

interface RuleForm {
  priority: string;
  name: string;
  issuesAny: string[];
  minAge: string;
  maxAge: string;
  minIssueCount: string;
  householdPattern: string;
  targetRole: string;
  targetField: string;
  targetNameLike: string;
  matchArea: boolean;
  reason: string;
  active: boolean;
}

const EMPTY: RuleForm = {
  priority: '100',
  name: '',
  issuesAny: [],
  minAge: '',
  maxAge: '',
  minIssueCount: '',
  householdPattern: '',
  targetRole: '',
  targetField: '',
  targetNameLike: '',
  matchArea: false,
  reason: '',
  active: true,
};

function fromView(r: RoutingRuleView): RuleForm {
  const n = (v: number | null) => (v === null ? '' : String(v));
  return {
    priority: String(r.priority),
    name: r.name,
    issuesAny: r.issuesAny,
    minAge: n(r.minAge),
    maxAge: n(r.maxAge),
    minIssueCount: n(r.minIssueCount),
    householdPattern: r.householdPattern ?? '',
    targetRole: r.targetRole ?? '',
    targetField: r.targetField ?? '',
    targetNameLike: r.targetNameLike ?? '',
    matchArea: r.matchArea,
    reason: r.reason,
    active: r.active,
  };
}

const opts = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

/** Numbers as typed (全角 too) → number, null for empty; a problem message when not a whole number in range. */
function number(raw: string, label: string, min: number, max: number, problems: Record<string, string>, key: string): number | null {
  const text = raw.normalize('NFKC').trim();
  if (!text) return null;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    problems[key] = `${label}：${min}から${max}までの整数で入力してください`;
    return null;
  }
  return value;
}

function idFor(field: string): string {
  if (field === 'issuesAny') return 'rule-issuesAny-0';
  return `rule-${field}`;
}

function RuleFormBody({ existing }: { existing: RoutingRuleView | null }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<RuleForm>(existing ? fromView(existing) : EMPTY);
  const [version, setVersion] = useState(existing?.version ?? 0);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof RuleForm>(key: K) =>
    (value: RuleForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const err = (name: string) => fieldError(errors, name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    const body = {
      priority: number(form.priority, '優先順位', 0, 999, problems, 'priority') ?? 100,
      name: form.name.trim(),
      issuesAny: form.issuesAny,
      minAge: number(form.minAge, '年齢（以上）', 0, 130, problems, 'minAge'),
      maxAge: number(form.maxAge, '年齢（以下）', 0, 130, problems, 'maxAge'),
      minIssueCount: number(form.minIssueCount, '課題の数（以上）', 1, 30, problems, 'minIssueCount'),
      householdPattern: form.householdPattern || null,
      targetRole: form.targetRole || null,
      targetField: form.targetField || null,
      targetNameLike: form.targetNameLike.trim() || null,
      matchArea: form.matchArea,
      reason: form.reason.trim(),
      active: form.active,
    };
    if (!body.name) problems.name = 'ルール名を入力してください';
    if (!body.reason) problems.reason = '画面に表示する理由を入力してください';
    if (!body.targetRole && !body.targetField && !body.targetNameLike) problems.targetRole = 'つなぎ先の条件（役割・対象分野・名称）を1つ以上指定してください';
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      return;
    }
    setBusy(true);
    try {
      if (existing) await api.patch<RoutingRuleView>(`/api/v1/routing-rules/${existing.id}`, { ...body, version });
      else await api.post<RoutingRuleView>('/api/v1/routing-rules', body);
      navigate('/routing-rules', { state: { flash: existing ? `「${body.name}」を保存しました。` : `「${body.name}」を追加しました。` } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  const reloadLatest = () => {
    const current = errors?.current as RoutingRuleView | undefined;
    if (!current) return;
    setForm(fromView(current));
    setVersion(current.version);
    setErrors(null);
  };

  return (
    <form onSubmit={submit} noValidate className="form form--wide">
      <ErrorSummary errors={errors} idFor={idFor} onReloadLatest={reloadLatest} />
      <section className="form-section" aria-labelledby="rule-basic">
        <h2 id="rule-basic" className="form-section__title">
          ルール
        </h2>
        <TextField id="rule-name" label="ルール名" required width="medium" value={form.name} onChange={set('name')} error={err('name')} />
        <TextField
          id="rule-priority"
          label="優先順位"
          hint="小さいほど先に当てはめ、候補の上に表示します（0〜999）。"
          inputMode="numeric"
          width="short"
          value={form.priority}
          onChange={set('priority')}
          error={err('priority')}
        />
        <Checkbox id="rule-active" label="使用中" hint="外すと、交通整理で使われなくなります。" checked={form.active} onChange={set('active')} />
      </section>
      <section className="form-section" aria-labelledby="rule-conditions">
        <h2 id="rule-conditions" className="form-section__title">
          条件（すべて満たすときに当てはまります）
        </h2>
        <CheckboxGroup
          id="rule-issuesAny"
          legend="課題（いずれか）"
          hint="選んだ課題のどれかがあるときに当てはまります。何も選ばないと、課題を問いません。"
          options={opts(ISSUES)}
          values={form.issuesAny}
          onChange={set('issuesAny')}
          error={err('issuesAny')}
        />
        <div className="field-row field-row--compact">
          <TextField id="rule-minAge" label="年齢（以上）" inputMode="numeric" width="short" suffix="歳" value={form.minAge} onChange={set('minAge')} error={err('minAge')} />
          <TextField id="rule-maxAge" label="年齢（以下）" inputMode="numeric" width="short" suffix="歳" value={form.maxAge} onChange={set('maxAge')} error={err('maxAge')} />
          <TextField
            id="rule-minIssueCount"
            label="課題の数（以上）"
            inputMode="numeric"
            width="short"
            suffix="つ"
            value={form.minIssueCount}
            onChange={set('minIssueCount')}
            error={err('minIssueCount')}
          />
        </div>
        <SelectField
          id="rule-householdPattern"
          label="世帯の状況"
          placeholder="問わない"
          width="short"
          options={opts(HOUSEHOLD_PATTERNS)}
          value={form.householdPattern}
          onChange={set('householdPattern')}
          error={err('householdPattern')}
        />
      </section>
      <section className="form-section" aria-labelledby="rule-target">
        <h2 id="rule-target" className="form-section__title">
          つなぎ先（機関・窓口の登録内容で選びます）
        </h2>
        <div className="field-row">
          <SelectField id="rule-targetRole" label="事業における役割" placeholder="指定しない" options={opts(PROJECT_ROLES)} value={form.targetRole} onChange={set('targetRole')} error={err('targetRole')} />
          <SelectField id="rule-targetField" label="対象分野" placeholder="指定しない" width="short" options={opts(AGENCY_FIELDS)} value={form.targetField} onChange={set('targetField')} error={err('targetField')} />
        </div>
        <TextField
          id="rule-targetNameLike"
          label="名称に含む語"
          hint="例：地域包括支援センター、消費"
          width="medium"
          value={form.targetNameLike}
          onChange={set('targetNameLike')}
          error={err('targetNameLike')}
        />
        <Checkbox id="rule-matchArea" label="本人の住所の地区を担当する機関を優先する" checked={form.matchArea} onChange={set('matchArea')} />
        <TextField
          id="rule-reason"
          label="画面に表示する理由"
          required
          hint="交通整理の候補に、この文のまま表示されます（例：介護の課題があり、本人が65歳以上のため）。"
          width="full"
          value={form.reason}
          onChange={set('reason')}
          error={err('reason')}
        />
      </section>
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : existing ? '変更を保存する' : '追加する'}
        </button>
        <Link to="/routing-rules" className="button button--tertiary">
          キャンセル
        </Link>
      </div>
    </form>
  );
}

export function RoutingRuleFormPage() {
  const { id } = useParams();
  const { data, error, reload } = useApiData<{ items: RoutingRuleView[] }>(id ? '/api/v1/routing-rules' : null);
  const crumbs = [{ label: '振り分けルール', to: '/routing-rules' }];
  if (!id) {
    return (
      <>
        <PageHeader title="振り分けルールの追加" breadcrumbs={crumbs} />
        <RuleFormBody existing={null} />
      </>
    );
  }
  const title = '振り分けルールの編集';
  if (error) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={crumbs} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!data) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={crumbs} />
        <Loading />
      </>
    );
  }
  const rule = data.items.find((r) => r.id === id);
  if (!rule) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={crumbs} />
        <p>このルールは見つかりませんでした。</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={title} heading={`「${rule.name}」の編集`} breadcrumbs={crumbs} />
      <RuleFormBody existing={rule} key={rule.id} />
    </>
  );
}
