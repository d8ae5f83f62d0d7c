import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ROLE_LABELS, ROLES } from '../../shared/roles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { Notice, OneTimeSecret } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import type { UserView } from '../lib/types.ts';
import { useAgencyOptions } from './agencyOptions.ts';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const IDS: Record<string, string> = {
  loginId: 'user-loginId',
  name: 'user-name',
  role: 'user-role',
  agencyId: 'user-agencyId',
  password: 'user-password',
};
const CRUMBS = [{ label: '利用者管理', to: '/users' }];

interface Created {
  user: UserView;
  initialPassword?: string;
}

export function UserNewPage() {
  const navigate = useNavigate();
  const agencies = useAgencyOptions();
  const [loginId, setLoginId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  const reset = () => {
    setLoginId('');
    setName('');
    setRole('');
    setAgencyId('');
    setPassword('');
    setErrors(null);
    setCreated(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!loginId.trim()) local.loginId = 'ログインID：入力してください';
    if (!name.trim()) local.name = '氏名：入力してください';
    if (!role) local.role = '役割：選んでください';
    if (!agencyId) local.agencyId = '所属機関：選んでください';
    const problems = clientErrors(local);
    if (problems) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    try {
      const result = await api.post<Created>('/api/v1/users', {
        loginId: loginId.trim(),
        name: name.trim(),
        role,
        agencyId,
        ...(password ? { password } : {}),
      });
      setErrors(null);
      if (result.initialPassword) setCreated(result);
      else navigate(`/users/${result.user.id}`, { state: { flash: `${result.user.name}さんを登録しました。初回ログイン時にパスワードの変更が求められます。` } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  if (created?.initialPassword) {
    return (
      <>
        <PageHeader title="利用者を登録しました" breadcrumbs={CRUMBS} />
        <Notice tone="success" focus title={`${created.user.name}さん（${created.user.loginId}）を登録しました。`}>
          <p>
            所属：{created.user.agencyName}
            <span className="sep" aria-hidden="true">
              ／
            </span>
            役割：{created.user.roleLabel}
          </p>
        </Notice>
        <OneTimeSecret label="初期パスワード" value={created.initialPassword} />
        <Notice tone="warning" title="初期パスワードは、この画面でだけ表示されます">
          <ul>
            <li>画面を離れると、もう一度表示することはできません。</li>
            <li>本人に、安全な方法（対面、封書など）で伝えてください。メールやチャットに書かないでください。</li>
            <li>本人が初めてログインしたときに、パスワードの変更が求められます。</li>
          </ul>
        </Notice>
        <div className="button-row">
          <Link to={`/users/${created.user.id}`} className="button button--primary">
            登録した利用者を見る
          </Link>
          <button type="button" className="button button--secondary" onClick={reset}>
            続けて登録する
          </button>
          <Link to="/users" className="button button--tertiary">
            利用者の一覧へ戻る
          </Link>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader title="利用者の新規登録" breadcrumbs={CRUMBS} />
      <form onSubmit={submit} noValidate className="form">
        <ErrorSummary errors={errors} idFor={(f) => IDS[f] ?? null} />
        {agencies.error && (
          <Notice tone="error" title="所属機関の一覧を読み込めませんでした">
            <p>{agencies.error}</p>
          </Notice>
        )}
        <TextField
          id={IDS.loginId!}
          label="ログインID"
          hint="半角英数字と . _ @ - で、3文字以上64文字以内。あとから変更できません。"
          required
          width="medium"
          autoComplete="off"
          spellCheck={false}
          value={loginId}
          onChange={setLoginId}
          error={fieldError(errors, 'loginId')}
        />
        <TextField id={IDS.name!} label="氏名" required width="medium" autoComplete="off" value={name} onChange={setName} error={fieldError(errors, 'name')} />
        <SelectField
          id={IDS.role!}
          label="役割"
          hint="役割によって使える機能が決まります。推進員は、所属機関の所管課の窓口の相談受付とつなぎも見ることができます。福祉活動専門員は参加支援・地域づくりを担い、事例の開始はしません。管理者と監査担当は、相談の内容を見ることはできません。"
          required
          options={ROLE_OPTIONS}
          placeholder="選択してください"
          value={role}
          onChange={setRole}
          error={fieldError(errors, 'role')}
        />
        <SelectField
          id={IDS.agencyId!}
          label="所属機関"
          required
          options={agencies.options}
          placeholder="選択してください"
          width="long"
          value={agencyId}
          onChange={setAgencyId}
          error={fieldError(errors, 'agencyId')}
        />
        <TextField
          id={IDS.password!}
          label="初期パスワード（任意）"
          hint="空欄にすると、推測されにくいパスワードを自動で作り、登録後に一度だけ表示します。入力する場合は10文字以上で、数字だけのものやログインIDを含むものは使えません。"
          type="password"
          autoComplete="new-password"
          width="medium"
          value={password}
          onChange={setPassword}
          error={fieldError(errors, 'password')}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? '登録しています…' : '登録する'}
          </button>
          <Link to="/users" className="button button--tertiary">
            キャンセル
          </Link>
        </div>
      </form>
    </>
  );
}
