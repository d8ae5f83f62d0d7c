import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { ListResults } from '../components/lists.tsx';
import { query } from '../lib/api.ts';
import { usePagedList } from '../lib/hooks.ts';
import type { AuditEventView } from '../lib/types.ts';
import { AuditEventTable, OUTCOMES } from './AuditEventTable.tsx';
import { CriteriaSearch, RevealPanel } from './AuditInvestigation.tsx';

const FILTER_KEYS = ['from', 'to', 'login', 'action', 'outcome', 'personId'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Record<FilterKey, string>;

/** Groups of actions (the API matches a prefix: "auth" finds auth.login, auth.lockout …). */
const ACTION_OPTIONS = [
  { value: 'auth', label: 'ログイン・認証（ログイン、ロック、パスワード変更など）' },
  { value: 'auth.login', label: 'ログイン' },
  { value: 'auth.lockout', label: 'アカウントのロック' },
  { value: 'user', label: '利用者の管理（登録、編集、ロック解除など）' },
  { value: 'agency', label: '機関・窓口の登録・編集' },
  { value: 'settings', label: '設定の変更' },
  { value: 'audit', label: '監査ログの検索・出力・氏名の確認' },
  { value: 'person.search', label: '本人の検索' },
  { value: 'person.read', label: '本人の記録の閲覧' },
  { value: 'person.emergency_access', label: '緊急時の閲覧' },
];

const OUTCOME_OPTIONS = Object.entries(OUTCOMES).map(([value, o]) => ({ value, label: o.label }));

function readFilters(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as Filters;
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const applied = readFilters(params);
  const [form, setForm] = useState<Filters>(applied);
  const [localErrors, setLocalErrors] = useState<FormErrors | null>(null);
  const [revealFor, setRevealFor] = useState<AuditEventView | null>(null);

  const list = usePagedList<AuditEventView>(`/api/v1/audit-events${query({ ...applied, limit: 50 })}`);
  // Filters the server refused (e.g. a malformed 本人ID) are shown like form errors; memoised so focus moves once.
  const listErrors = useMemo(() => (list.error && list.error.status === 422 ? formErrorsFrom(list.error) : null), [list.error]);
  const errors = localErrors ?? listErrors;
  const csvHref = `/api/v1/audit-events/export${query(applied)}`;

  const set = (key: FilterKey) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (form.from && form.to && form.from > form.to) problems.to = '期間：終わりの日は、始まりの日と同じか、それより後にしてください';
    const local = clientErrors(problems);
    setLocalErrors(local);
    if (local) return;
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (form[key].trim()) next.set(key, form[key].trim());
    setParams(next, { replace: true });
  };

  const clear = () => {
    setForm(readFilters(new URLSearchParams()));
    setLocalErrors(null);
    setParams({}, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="監査ログ"
        lead="kasane で行われた操作の記録です。だれが、いつ、どこから、何をしたかを確認できます。本人は本人IDで示し、氏名は調査に必要なときだけ、理由を記録して確認します。記録は書き換えられないように保護されています。"
      />
      <form className="search-panel search-panel--audit" aria-label="監査ログの絞り込み" onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} idFor={(f) => (FILTER_KEYS.includes(f as FilterKey) ? `audit-${f}` : null)} />
        <div className="filter-grid">
          <fieldset className="fieldset filter-grid__period">
            <legend className="field__label">期間</legend>
            <div className="period">
              <TextField id="audit-from" label="開始日" type="date" width="medium" value={form.from} onChange={set('from')} error={fieldError(errors, 'from')} />
              <span className="period__sep" aria-hidden="true">
                〜
              </span>
              <TextField id="audit-to" label="終了日" type="date" width="medium" value={form.to} onChange={set('to')} error={fieldError(errors, 'to')} />
            </div>
          </fieldset>
          <TextField
            id="audit-login"
            label="ログインID"
            width="medium"
            spellCheck={false}
            autoComplete="off"
            value={form.login}
            onChange={set('login')}
            error={fieldError(errors, 'login')}
          />
          <SelectField
            id="audit-action"
            label="操作"
            options={ACTION_OPTIONS}
            placeholder="すべての操作"
            width="long"
            value={form.action}
            onChange={set('action')}
            error={fieldError(errors, 'action')}
          />
          <SelectField
            id="audit-outcome"
            label="結果"
            options={OUTCOME_OPTIONS}
            placeholder="すべて"
            width="short"
            value={form.outcome}
            onChange={set('outcome')}
            error={fieldError(errors, 'outcome')}
          />
          <TextField
            id="audit-personId"
            label="本人ID"
            hint="特定の本人に関する記録だけを表示します。"
            width="long"
            spellCheck={false}
            autoComplete="off"
            value={form.personId}
            onChange={set('personId')}
            error={fieldError(errors, 'personId')}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button--primary">
            この条件で表示
          </button>
          <button type="button" className="button button--tertiary" onClick={clear}>
            条件をクリア
          </button>
        </div>
      </form>

      {revealFor && <RevealPanel key={revealFor.seq} event={revealFor} onClose={() => setRevealFor(null)} />}

      <ListResults
        id="audit-results-title"
        title="記録"
        list={list}
        count={(n, more) => `新しい順に${n}件${more ? '（続きがあります）' : ''}`}
        empty={<p>条件に合う記録はありません。</p>}
        actions={
          <a href={csvHref} className="button button--secondary" download>
            CSVで出力
          </a>
        }
      >
        <AuditEventTable items={list.items} caption="監査ログ（新しい順）" onReveal={setRevealFor} />
      </ListResults>

      <CriteriaSearch onReveal={setRevealFor} />
    </>
  );
}
