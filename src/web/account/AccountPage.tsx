import { useState } from 'react';
import { PasswordChangeForm } from '../auth/PasswordChangeForm.tsx';
import { TotpEnrollment } from '../auth/TotpEnrollment.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { DataList, Notice } from '../components/ui.tsx';
import { useSession, useUser } from '../lib/session.tsx';

export function AccountPage() {
  const user = useUser();
  const { session, update } = useSession();
  const [totpDone, setTotpDone] = useState(false);
  const [passwordDone, setPasswordDone] = useState(false);

  return (
    <>
      <PageHeader title="アカウント" lead="ご自身のアカウントの情報と、ログインの安全に関する設定です。" />
      <div className="account-layout">
        <section className="panel" aria-labelledby="account-info">
          <h2 id="account-info" className="panel__title">
            アカウントの情報
          </h2>
          <DataList
            rows={[
              { label: '氏名', value: user.name },
              { label: 'ログインID', value: <code className="login-id">{user.loginId}</code> },
              { label: '役割', value: user.roleLabel },
              { label: '所属', value: user.agencyName },
              { label: '自治体', value: session?.municipality?.name },
            ]}
          />
          <p className="panel__footer muted">氏名・役割・所属の変更は、システム管理者に依頼してください。</p>
        </section>

        <section className="panel" aria-labelledby="account-totp">
          <h2 id="account-totp" className="panel__title">
            二要素認証
          </h2>
          {totpDone && (
            <Notice tone="success" focus title="二要素認証を有効にしました">
              <p>次回から、ログインのときにパスワードと認証アプリの確認コードを入力します。</p>
            </Notice>
          )}
          {user.totpEnabled ? (
            !totpDone && (
              <>
                <p>
                  <strong>設定済み</strong>です。ログインのときに、パスワードに加えて認証アプリの確認コードを入力します。
                </p>
                <p className="muted">
                  端末をなくした、機種を変更したなどで設定し直すときは、システム管理者に二要素認証の解除を依頼してください。
                </p>
              </>
            )
          ) : (
            <>
              <p>
                パスワードに加えて、スマートフォンの認証アプリに表示される確認コードでログインします。パスワードが知られても、他の人はログインできません。
                {session?.municipality?.mfaRequired ? '（この自治体では必須です）' : ''}
              </p>
              <TotpEnrollment
                autoStart={false}
                onEnabled={(next) => {
                  setTotpDone(true);
                  update(next);
                }}
              />
            </>
          )}
        </section>

        <section className="panel" aria-labelledby="account-password">
          <h2 id="account-password" className="panel__title">
            パスワードの変更
          </h2>
          {passwordDone && (
            <Notice tone="success" focus>
              <p>パスワードを変更しました。ほかの端末でのログインは終了しました。</p>
            </Notice>
          )}
          <PasswordChangeForm
            onChanged={(next) => {
              setPasswordDone(true);
              update(next);
            }}
          />
        </section>
      </div>
    </>
  );
}
