import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../lib/api.ts';
import type { Session, TotpSetup } from '../lib/types.ts';
import { ErrorSummary, fieldError, formErrorsFrom, TextField, type FormErrors } from '../components/forms.tsx';
import { Loading, Notice } from '../components/ui.tsx';

/** The QR code as an image: the SVG from the API as a data: URL (allowed by the CSP, no HTML injection). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The secret in groups of four for reading aloud or typing. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Set up the second factor: show a new secret (QR code and text), then
 * confirm with a code from the authenticator app.
 */
export function TotpEnrollment({ autoStart, onEnabled }: { autoStart: boolean; onEnabled: (session: Session) => void }) {
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [starting, setStarting] = useState(false);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  const start = useCallback(async () => {
    started.current = true;
    setStarting(true);
    setErrors(null);
    try {
      setSetup(await api.post<TotpSetup>('/api/v1/auth/totp/setup', {}));
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setStarting(false);
    }
  }, []);

  useEffect(() => {
    if (autoStart && !started.current) void start();
  }, [autoStart, start]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const session = await api.post<Session>('/api/v1/auth/totp/enable', { code: code.replace(/\s/g, '') });
      setErrors(null);
      onEnabled(session);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  if (!setup) {
    return (
      <div>
        <ErrorSummary errors={errors} idFor={() => null} />
        {starting ? (
          <Loading label="設定の準備をしています…" />
        ) : (
          <button type="button" className="button button--primary" onClick={() => void start()}>
            二要素認証を設定する
          </button>
        )}
      </div>
    );
  }

  return (
    <div className="totp">
      <ErrorSummary errors={errors} idFor={(f) => (f === 'code' ? 'totp-code' : null)} />
      <ol className="steps">
        <li>
          スマートフォンに認証アプリ（Google Authenticator、Microsoft Authenticator など）を用意します。
        </li>
        <li>
          アプリで次の QR コードを読み取ります。読み取れないときは、設定キーを手で入力してください。
          <div className="totp__codes">
            <img className="totp__qr" src={svgDataUrl(setup.qrSvg)} alt="認証アプリに読み取らせる二要素認証の設定用 QR コード" width={200} height={200} />
            <div className="totp__secret">
              <p className="totp__secret-label">設定キー</p>
              <p>
                <code className="totp__secret-value" data-testid="totp-secret" data-secret={setup.secret}>
                  {grouped(setup.secret)}
                </code>
              </p>
              <p className="field__hint">種類は「時間ベース」、桁数は6桁です。</p>
            </div>
          </div>
        </li>
        <li>アプリに表示された6桁の確認コードを入力して、「確認して有効にする」を押します。</li>
      </ol>
      <Notice tone="warning" title="設定キーは他の人に見せないでください">
        <p>この画面を閉じると、設定キーと QR コードはもう表示されません。</p>
      </Notice>
      <form onSubmit={submit} noValidate className="form">
        <TextField
          id="totp-code"
          label="確認コード（6桁）"
          inputMode="numeric"
          autoComplete="one-time-code"
          width="short"
          maxLength={7}
          required
          value={code}
          onChange={setCode}
          error={fieldError(errors, 'code')}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? '確認しています…' : '確認して有効にする'}
          </button>
        </div>
      </form>
    </div>
  );
}
