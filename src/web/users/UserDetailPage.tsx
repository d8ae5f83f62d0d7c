import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { formatDateTime } from '../../shared/dates.ts';
import { ROLE_LABELS, ROLES } from '../../shared/roles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { ConfirmAction, DataList, DateTime, LoadError, Loading, Notice, OneTimeSecret } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { UserView } from '../lib/types.ts';
import { useAgencyOptions } from './agencyOptions.ts';
import { UserStatus } from './status.tsx';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const CRUMBS = [{ label: '利用者管理', to: '/users' }];
const IDS: Record<string, string> = { name: 'edit-name', role: 'edit-role', agencyId: 'edit-agencyId', active: 'edit-active' };

type Outcome = { tone: 'success' | 'error'; message: string; password?: string };

/** Unlock, password reset, second-factor reset: each returns the updated user. */
function AccountActions({ user, onUpdated }: { user: UserView; onUpdated: (u: UserView) => void }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async (path: string, success: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await api.post<UserView | { user: UserView; password?: string }>(`/api/v1/users/${user.id}/${path}`, {});
      if ('user' in result) {
        onUpdated(result.user);
        setOutcome({ tone: 'success', message: success, ...(result.password ? { password: result.password } : {}) });
      } else {
        onUpdated(result);
        setOutcome({ tone: 'success', message: success });
      }
    } catch (error) {
      setOutcome({ tone: 'error', message: error instanceof ApiError ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="user-actions">
      <h2 id="user-actions" className="panel__title">
        アカウントの操作
      </h2>
      {outcome && (
        <Notice tone={outcome.tone} focus>
          <p>{outcome.message}</p>
          {outcome.password && (
            <>
              <OneTimeSecret label="新しいパスワード" value={outcome.password} />
              <p className="warning-text">
                このパスワードは今だけ表示されます。本人に安全な方法で伝えてください。次回ログイン時にパスワードの変更が求められます。
              </p>
            </>
          )}
        </Notice>
      )}
      <div className="action-list">
        <div className="action">
          <div className="action__text">
            <h3>ロックの解除</h3>
            <p>
              {user.locked
                ? `ログインに続けて失敗したため、${user.lockedAt ? formatDateTime(user.lockedAt) : ''}からロックされています。本人であることを確かめてから解除してください。`
                : 'このアカウントはロックされていません。'}
            </p>
          </div>
          {user.locked && (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void run('unlock', 'ロックを解除しました。本人はこれまでのパスワードでログインできます。')}>
              ロック解除
            </button>
          )}
        </div>
        <div className="action">
          <div className="action__text">
            <h3>パスワードの再設定</h3>
            <p>新しいパスワードを自動で作ります。これまでのパスワードは使えなくなり、ロックも解除されます。</p>
          </div>
          <ConfirmAction
            label="パスワード再設定"
            question={`${user.name}さんのパスワードを再設定します。ログイン中であればログアウトされます。よろしいですか。`}
            confirmLabel="再設定する"
            busy={busy}
            onConfirm={() => void run('reset-password', 'パスワードを再設定しました。')}
          />
        </div>
        <div className="action">
          <div className="action__text">
            <h3>二要素認証の解除</h3>
            <p>
              {user.totpEnabled
                ? '認証アプリの入った端末をなくした、機種を変更したなどのときに解除します。本人は次回ログイン後に設定し直せます。'
                : '二要素認証は設定されていません。'}
            </p>
          </div>
          {user.totpEnabled && (
            <ConfirmAction
              label="二要素認証の解除"
              question="二要素認証を解除します。よろしいですか。"
              confirmLabel="解除する"
              tone="danger"
              busy={busy}
              onConfirm={() => void run('reset-totp', '二要素認証を解除しました。')}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function EditForm({ user, onSaved, self }: { user: UserView; onSaved: (u: UserView) => void; self: boolean }) {
  const agencies = useAgencyOptions();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<string>(user.role);
  const [agencyId, setAgencyId] = useState(user.agencyId);
  const [active, setActive] = useState(user.active);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const agencyOptions = agencies.options.some((o) => o.value === user.agencyId)
    ? agencies.options
    : [{ value: user.agencyId, label: `${user.agencyName}（利用停止）` }, ...agencies.options];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(null);
    try {
      // The version is the one this page last saw, so a save by someone else in between is detected (409).
      const updated = await api.patch<UserView>(`/api/v1/users/${user.id}`, { name: name.trim(), role, agencyId, active, version: user.version });
      setErrors(null);
      onSaved(updated);
      setSaved('変更を保存しました。');
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  const reloadLatest = () => {
    const current = errors?.current as UserView | undefined;
    if (!current) return;
    setName(current.name);
    setRole(current.role);
    setAgencyId(current.agencyId);
    setActive(current.active);
    setErrors(null);
    onSaved(current);
    setSaved('最新の内容を読み込みました。必要であれば、もう一度変更してください。');
  };

  return (
    <section className="panel" aria-labelledby="user-edit">
      <h2 id="user-edit" className="panel__title">
        登録内容の変更
      </h2>
      <form onSubmit={submit} noValidate className="form">
        <ErrorSummary errors={errors} idFor={(f) => IDS[f] ?? null} onReloadLatest={reloadLatest} />
        {saved && (
          <Notice tone="success" focus>
            <p>{saved}</p>
          </Notice>
        )}
        <TextField id={IDS.name!} label="氏名" required width="medium" value={name} onChange={setName} error={fieldError(errors, 'name')} />
        <SelectField
          id={IDS.role!}
          label="役割"
          hint={self ? '自分自身の役割は変更できません。' : '役割や所属を変えると、本人はログアウトされ、新しい権限で使うことになります。'}
          options={ROLE_OPTIONS}
          value={role}
          onChange={setRole}
          error={fieldError(errors, 'role')}
        />
        <SelectField
          id={IDS.agencyId!}
          label="所属機関"
          options={agencyOptions}
          width="long"
          value={agencyId}
          onChange={setAgencyId}
          error={fieldError(errors, 'agencyId')}
        />
        <Checkbox
          id={IDS.active!}
          label="利用中"
          hint={self ? '自分自身のアカウントは利用停止にできません。' : '退職・異動などで使わなくなったアカウントは、チェックを外して利用停止にします。'}
          checked={active}
          onChange={setActive}
          error={fieldError(errors, 'active')}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? '保存しています…' : '変更を保存する'}
          </button>
        </div>
      </form>
    </section>
  );
}

export function UserDetailPage() {
  const { id = '' } = useParams();
  const me = useUser();
  const location = useLocation();
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);
  const { data: user, error, reload, setData } = useApiData<UserView>(`/api/v1/users/${encodeURIComponent(id)}`);

  if (error) {
    return (
      <>
        <PageHeader title="利用者の詳細" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!user) {
    return (
      <>
        <PageHeader title="利用者の詳細" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={`${user.name}（利用者）`}
        heading={user.name}
        breadcrumbs={CRUMBS}
        lead={
          <span className="detail-lead">
            <code className="login-id">{user.loginId}</code>
            <UserStatus user={user} />
          </span>
        }
      />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {user.locked && (
        <Notice tone="error" title="このアカウントはロックされています">
          <p>ログインに5回続けて失敗したため、ロックされています。「アカウントの操作」からロックを解除できます。</p>
        </Notice>
      )}
      <div className="detail-grid detail-grid--user">
        <section className="panel" aria-labelledby="user-summary">
          <h2 id="user-summary" className="panel__title">
            アカウントの状態
          </h2>
          <DataList
            rows={[
              { label: 'ログインID', value: <code className="login-id">{user.loginId}</code> },
              { label: '役割', value: user.roleLabel },
              { label: '所属機関', value: <Link to={`/agencies/${user.agencyId}`}>{user.agencyName}</Link> },
              { label: '状態', value: <UserStatus user={user} /> },
              { label: 'ログイン失敗', value: user.failedAttempts ? `続けて${user.failedAttempts}回` : 'なし' },
              { label: '二要素認証', value: user.totpEnabled ? '設定済み' : '未設定' },
              { label: '最終ログイン', value: <DateTime value={user.lastLoginAt} empty="まだありません" /> },
              { label: '登録日時', value: <DateTime value={user.createdAt} /> },
            ]}
          />
        </section>
        <AccountActions
          user={user}
          onUpdated={(u) => {
            setFlash(null);
            setData(u);
          }}
        />
      </div>
      <EditForm
        key={user.id}
        user={user}
        self={user.id === me.id}
        onSaved={(u) => {
          setFlash(null);
          setData(u);
        }}
      />
      <p className="back-link">
        <Link to="/users">利用者の一覧へ戻る</Link>
      </p>
    </>
  );
}
