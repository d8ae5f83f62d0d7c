import { useState, type FormEvent } from 'react';
import { api } from '../lib/api.ts';
import type { Session } from '../lib/types.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextField, type FormErrors } from '../components/forms.tsx';

const IDS: Record<string, string> = {
  currentPassword: 'current-password',
  newPassword: 'new-password',
  confirmPassword: 'confirm-password',
};

/** Change one's own password (at login when required, and on the account page). */
export function PasswordChangeForm({
  onChanged,
  submitLabel = 'パスワードを変更する',
}: {
  onChanged: (session: Session) => void;
  submitLabel?: string;
}) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirmPassword, setConfirm] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!currentPassword) local.currentPassword = '現在のパスワードを入力してください';
    if (!newPassword) local.newPassword = '新しいパスワードを入力してください';
    if (newPassword && confirmPassword !== newPassword) local.confirmPassword = '確認のため、新しいパスワードをもう一度同じように入力してください';
    const problems = clientErrors(local);
    if (problems) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    try {
      const session = await api.post<Session>('/api/v1/auth/password', { currentPassword, newPassword });
      setErrors(null);
      setCurrent('');
      setNew('');
      setConfirm('');
      onChanged(session);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <ErrorSummary errors={errors} idFor={(f) => IDS[f] ?? null} />
      <TextField
        id={IDS.currentPassword!}
        label="現在のパスワード"
        type="password"
        autoComplete="current-password"
        width="medium"
        required
        value={currentPassword}
        onChange={setCurrent}
        error={fieldError(errors, 'currentPassword')}
      />
      <TextField
        id={IDS.newPassword!}
        label="新しいパスワード"
        hint="10文字以上で入力してください。数字だけのものや、ログインIDを含むものは使えません。"
        type="password"
        autoComplete="new-password"
        width="medium"
        required
        value={newPassword}
        onChange={setNew}
        error={fieldError(errors, 'newPassword')}
      />
      <TextField
        id={IDS.confirmPassword!}
        label="新しいパスワード（確認）"
        type="password"
        autoComplete="new-password"
        width="medium"
        required
        value={confirmPassword}
        onChange={setConfirm}
        error={fieldError(errors, 'confirmPassword')}
      />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '変更しています…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
