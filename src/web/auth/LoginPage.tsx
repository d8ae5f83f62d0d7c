import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError } from '../lib/api.ts';
import { useSession } from '../lib/session.tsx';
import type { AuthStep, Session } from '../lib/types.ts';
import { Logo } from '../components/AppShell.tsx';
import { ErrorSummary, fieldError, formErrorsFrom, TextField, type FormErrors } from '../components/forms.tsx';
import { Loading, Notice } from '../components/ui.tsx';
import { PasswordChangeForm } from './PasswordChangeForm.tsx';
import { TotpEnrollment } from './TotpEnrollment.tsx';

type Step = Exclude<AuthStep, 'done'> | 'login';

const TITLES: Record<Step, string> = {
  login: 'ログイン',
  totp: '確認コードの入力',
  enroll: '二要素認証の設定',
  password: 'パスワードの変更',
};

function LoginHeading({ step }: { step: Step }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[step]} | kasane`;
    if (first.current) {
      first.current = false;
      if (step === 'login') return;
    }
    ref.current?.focus();
  }, [step]);
  return (
    <h1 className="login-card__title" ref={ref} tabIndex={-1}>
      {TITLES[step]}
    </h1>
  );
}

function PasswordLogin({ onSession, locked }: { onSession: (s: Session) => void; locked: ApiError | null }) {
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [lockedError, setLockedError] = useState<ApiError | null>(locked);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!loginId.trim()) local.loginId = 'ログインIDを入力してください';
    if (!password) local.password = 'パスワードを入力してください';
    if (Object.keys(local).length) {
      setLockedError(null);
      setErrors({ message: `入力内容を確認してください（${Object.keys(local).length}件）。`, fields: local });
      return;
    }
    setBusy(true);
    try {
      const session = await api.post<Session>('/api/v1/auth/login', { loginId: loginId.trim(), password }, { allowUnauthenticated: true });
      setErrors(null);
      onSession(session);
    } catch (error) {
      setPassword('');
      if (error instanceof ApiError && error.code === 'account_locked') {
        setErrors(null);
        setLockedError(error);
      } else {
        setLockedError(null);
        setErrors(formErrorsFrom(error));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      {lockedError && (
        <Notice tone="error" title="アカウントがロックされています" focus>
          <p>{lockedError.message}</p>
        </Notice>
      )}
      <ErrorSummary errors={errors} idFor={(f) => (f === 'loginId' ? 'login-id' : f === 'password' ? 'password' : null)} />
      <TextField
        id="login-id"
        label="ログインID"
        autoComplete="username"
        spellCheck={false}
        width="full"
        value={loginId}
        onChange={setLoginId}
        error={fieldError(errors, 'loginId')}
      />
      <TextField
        id="password"
        label="パスワード"
        type="password"
        autoComplete="current-password"
        width="full"
        value={password}
        onChange={setPassword}
        error={fieldError(errors, 'password')}
      />
      <button type="submit" className="button button--primary button--block" disabled={busy}>
        {busy ? '確認しています…' : 'ログイン'}
      </button>
      <p className="login-card__help">
        ログインIDやパスワードがわからないときは、所属する機関のシステム管理者に問い合わせてください。
      </p>
    </form>
  );
}

function TotpLogin({ onSession, onLocked }: { onSession: (s: Session) => void; onLocked: (e: ApiError) => void }) {
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const session = await api.post<Session>('/api/v1/auth/login/totp', { code: code.replace(/\s/g, '') }, { allowUnauthenticated: true });
      onSession(session);
    } catch (error) {
      setCode('');
      if (error instanceof ApiError && error.code === 'account_locked') onLocked(error);
      else setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <ErrorSummary errors={errors} idFor={(f) => (f === 'code' ? 'login-code' : null)} />
      <p>認証アプリに表示されている6桁の確認コードを入力してください。</p>
      <TextField
        id="login-code"
        label="確認コード（6桁）"
        inputMode="numeric"
        autoComplete="one-time-code"
        width="short"
        maxLength={7}
        value={code}
        onChange={setCode}
        error={fieldError(errors, 'code')}
      />
      <button type="submit" className="button button--primary button--block" disabled={busy}>
        {busy ? '確認しています…' : 'ログイン'}
      </button>
      <p className="login-card__help">端末をなくしたなど、確認コードを確認できないときは、システム管理者に二要素認証の解除を依頼してください。</p>
    </form>
  );
}

export function LoginPage() {
  const { session, update, logout, notice, clearNotice } = useSession();
  const location = useLocation();
  const [locked, setLocked] = useState<ApiError | null>(null);
  const from = (location.state as { from?: string } | null)?.from;

  if (session === null) {
    return (
      <main id="main" className="boot">
        <Loading />
      </main>
    );
  }
  if (session.authenticated) return <Navigate to={from && from !== '/login' ? from : '/'} replace />;

  const step: Step = session.step && session.step !== 'done' ? session.step : 'login';
  const accept = (next: Session) => {
    clearNotice();
    setLocked(null);
    update(next);
  };

  let body: ReactNode;
  switch (step) {
    case 'login':
      body = <PasswordLogin onSession={accept} locked={locked} key={locked ? 'locked' : 'login'} />;
      break;
    case 'totp':
      body = (
        <TotpLogin
          onSession={accept}
          onLocked={(error) => {
            setLocked(error);
            update({ authenticated: false });
          }}
        />
      );
      break;
    case 'enroll':
      body = (
        <>
          <p>
            {session.municipality?.name}では、ログインに二要素認証（パスワードと認証アプリの確認コード）が必要です。次の手順で設定してください。
          </p>
          <TotpEnrollment autoStart onEnabled={accept} />
        </>
      );
      break;
    case 'password':
      body = (
        <>
          <Notice tone="info" title="パスワードを変更してください">
            <p>管理者が設定したパスワードでログインしました。続けて利用するには、ご自身で新しいパスワードを決めてください。</p>
          </Notice>
          <PasswordChangeForm onChanged={accept} submitLabel="変更して利用を始める" />
        </>
      );
      break;
  }

  return (
    <div className="login-page">
      <a href="#main" className="skip-link">
        本文へ移動
      </a>
      <header className="login-brand">
        <Logo />
        <div>
          <p className="login-brand__name">kasane（かさね）</p>
          <p className="login-brand__subtitle">重層的支援体制整備事業 支援システム</p>
        </div>
      </header>
      <main id="main" className={`login-card${step === 'enroll' ? ' login-card--wide' : ''}`} tabIndex={-1}>
        <LoginHeading step={step} />
        {session.user && step !== 'login' && (
          <p className="login-card__who">
            {session.user.name}（{session.user.loginId}）としてログイン中
          </p>
        )}
        {notice && step === 'login' && !locked && (
          <Notice tone={notice.tone}>
            <p>{notice.message}</p>
          </Notice>
        )}
        {body}
        {step !== 'login' && (
          <p className="login-card__switch">
            <button type="button" className="link-button" onClick={() => void logout()}>
              ログインをやめて最初の画面に戻る
            </button>
          </p>
        )}
      </main>
      <footer className="login-footer">
        <p>このシステムは、重層的支援体制整備事業に携わる職員のためのものです。許可なく利用することはできません。</p>
      </footer>
    </div>
  );
}
