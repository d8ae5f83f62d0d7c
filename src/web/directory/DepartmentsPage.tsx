import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { DepartmentView } from '../../directory/departments.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, LoadError, Loading, Notice } from '../components/ui.tsx';
import { can } from '../lib/access.ts';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import { DirectoryTabs } from './DirectoryTabs.tsx';

/**
 * 課（所管課）: the municipality's departments as data. Agencies name theirs
 * (機関・窓口の編集); the 断らない相談窓口推進員 of a department sees the
 * intakes and referrals of its windows. The administrator adds, renames,
 * reorders and stops using departments (never deletes: old agencies keep theirs).
 */
export function DepartmentsPage() {
  const user = useUser();
  const admin = can(user.role, 'directory.write');
  const { data, error, reload } = useApiData<{ items: DepartmentView[] }>(`/api/v1/departments${admin ? '?includeInactive=true' : ''}`);
  const [flash, setFlash] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const change = async (d: DepartmentView, body: Record<string, unknown>, done: string) => {
    setBusy(d.id);
    setRowError(null);
    setFlash(null);
    try {
      await api.patch(`/api/v1/departments/${d.id}`, { ...body, version: d.version });
      setFlash(done);
      reload();
    } catch (e) {
      setRowError(formErrorsFrom(e).message);
      reload();
    } finally {
      setBusy(null);
    }
  };

  const items = data?.items ?? [];
  return (
    <>
      <PageHeader
        title="課（所管課）"
        lead="機関・窓口の所管課です。断らない相談窓口推進員は、自分の課が所管する窓口の相談受付とつなぎを見ることができます。"
      />
      <DirectoryTabs />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {rowError && (
        <Notice tone="error">
          <p>{rowError}</p>
        </Notice>
      )}
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <section className="section" aria-labelledby="departments-list">
          <h2 id="departments-list" className="visually-hidden">
            課の一覧（表示順）
          </h2>
          {items.length === 0 ? (
            <p className="muted">課は登録されていません。</p>
          ) : (
            <ul className="term-list">
              {items.map((d, i) => (
                <DepartmentRow
                  key={d.id}
                  department={d}
                  admin={admin}
                  first={i === 0}
                  last={i === items.length - 1}
                  busy={busy === d.id}
                  onChange={(body, done) => change(d, body, done)}
                />
              ))}
            </ul>
          )}
        </section>
      )}
      {admin && data && (
        <NewDepartmentForm
          onCreated={(d) => {
            setFlash(`「${d.name}」を登録しました。機関・窓口の編集で所管課として選べます。`);
            reload();
          }}
        />
      )}
    </>
  );
}

function DepartmentRow({
  department: d,
  admin,
  first,
  last,
  busy,
  onChange,
}: {
  department: DepartmentView;
  admin: boolean;
  first: boolean;
  last: boolean;
  busy: boolean;
  onChange: (body: Record<string, unknown>, done: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.name);
  const [kana, setKana] = useState(d.kana);
  if (editing) {
    return (
      <li className="term-list__item">
        <form
          className="term-list__edit"
          aria-label={`${d.name}の名称を変える`}
          onSubmit={(e) => {
            e.preventDefault();
            setEditing(false);
            onChange({ name: name.trim(), kana: kana.trim() }, `「${name.trim()}」に変更しました。所管する機関・窓口の所管課も変わります。`);
          }}
        >
          <TextField id={`dept-name-${d.id}`} label="名称" width="medium" value={name} onChange={setName} />
          <TextField id={`dept-kana-${d.id}`} label="名称（カナ）" width="medium" value={kana} onChange={setKana} />
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
              保存する
            </button>
            <button type="button" className="button button--tertiary" onClick={() => setEditing(false)}>
              やめる
            </button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li className="term-list__item">
      <span className="term-list__name">
        {d.name}
        {d.kana && <span className="term-list__kana">{d.kana}</span>}
      </span>
      <span className="term-list__meta">
        <span>
          所管する機関・窓口：
          {d.agencyCount > 0 ? <Link to={`/agencies?departmentId=${d.id}`}>{d.agencyCount}件</Link> : <span className="muted">なし</span>}
        </span>
        {d.active ? <Badge tone="success">利用中</Badge> : <Badge tone="neutral">利用停止</Badge>}
      </span>
      {admin && (
        <div className="button-row">
          <button type="button" className="button button--secondary button--small" disabled={busy || first} onClick={() => onChange({ move: 'up' }, `「${d.name}」を上へ移しました。`)}>
            上へ<span className="visually-hidden">（{d.name}）</span>
          </button>
          <button type="button" className="button button--secondary button--small" disabled={busy || last} onClick={() => onChange({ move: 'down' }, `「${d.name}」を下へ移しました。`)}>
            下へ<span className="visually-hidden">（{d.name}）</span>
          </button>
          <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => setEditing(true)}>
            名称を変える<span className="visually-hidden">（{d.name}）</span>
          </button>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={busy}
            onClick={() =>
              onChange(
                { active: !d.active },
                d.active ? `「${d.name}」を利用停止にしました。所管課にしている機関・窓口はそのままです。` : `「${d.name}」の利用を再開しました。`,
              )
            }
          >
            {d.active ? '利用停止にする' : '利用を再開する'}
            <span className="visually-hidden">（{d.name}）</span>
          </button>
        </div>
      )}
    </li>
  );
}

function NewDepartmentForm({ onCreated }: { onCreated: (d: DepartmentView) => void }) {
  const [name, setName] = useState('');
  const [kana, setKana] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = clientErrors(name.trim() ? {} : { name: '名称：入力してください' });
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<DepartmentView>('/api/v1/departments', { name: name.trim(), kana: kana.trim() });
      setErrors(null);
      setName('');
      setKana('');
      onCreated(created);
    } catch (e) {
      setErrors(formErrorsFrom(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby="new-department">
      <h2 id="new-department">課を追加する</h2>
      <form onSubmit={submit} noValidate className="form">
        <ErrorSummary errors={errors} idFor={(f) => `department-${f}`} />
        <TextField id="department-name" label="名称" hint="例：福祉総合課" width="medium" required value={name} onChange={setName} error={fieldError(errors, 'name')} />
        <TextField id="department-kana" label="名称（カナ）" width="medium" value={kana} onChange={setKana} error={fieldError(errors, 'kana')} />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? '登録しています…' : '課を追加する'}
          </button>
        </div>
      </form>
    </section>
  );
}
