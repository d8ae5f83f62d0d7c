import { Link } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Notice } from '../components/ui.tsx';
import { can } from '../lib/access.ts';
import { useSession, useUser } from '../lib/session.tsx';
import { TodayPanel } from './TodayPanel.tsx';

interface Shortcut {
  to: string;
  title: string;
  description: string;
}

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

function shortcuts(role: Parameters<typeof can>[0]): Shortcut[] {
  const list: Shortcut[] = [];
  if (can(role, 'person.write')) {
    list.push({
      to: '/intake',
      title: '相談受付',
      description: 'どのような相談も1画面で記録します。課題から、つなぎ先の候補（交通整理）が理由とともに表示されます。',
    });
  }
  if (can(role, 'person.read')) {
    list.push(
      {
        to: '/persons',
        title: '本人・世帯',
        description: '氏名・カナ・生年月日・電話・住所で本人を探し、同意の状況、世帯、経過を確認します。',
      },
      {
        to: '/referrals',
        title: 'つなぎ',
        description: '届いたつなぎの受理・差戻しと、送ったつなぎの状況を確認します。',
      },
    );
  }
  if (can(role, 'case.read')) {
    list.push(
      {
        to: '/my-work',
        title: 'わたしの仕事',
        description: 'プランの評価日、回答期限、本人と連絡が途絶えている事例など、いま対応が必要なことを理由とともに一覧します。',
      },
      {
        to: '/cases',
        title: '事例（多機関協働）',
        description: 'チームで支える事例のアセスメント、支援プラン、支援経過を記録し、評価・終結まで見届けます。',
      },
    );
  }
  if (can(role, 'settings.write')) {
    list.push({
      to: '/routing-rules',
      title: '振り分けルール',
      description: '交通整理で示すつなぎ先の候補のルール（課題・年齢・世帯の状況とつなぎ先）を編集します。',
    });
  }
  if (can(role, 'users.read')) {
    list.push({
      to: '/users',
      title: '利用者管理',
      description: '職員のアカウントの登録、役割・所属の変更、ロックの解除、パスワードの再設定を行います。',
    });
  }
  if (can(role, 'audit.read')) {
    list.push({
      to: '/audit',
      title: '監査ログ',
      description: 'だれが、いつ、どこから、何をしたかを期間や操作で絞り込んで確認し、CSV で出力します。',
    });
  }
  if (can(role, 'meeting.read')) {
    list.push({
      to: '/meetings',
      title: '会議',
      description: can(role, 'meeting.convene')
        ? '重層的支援会議・支援会議・推進会議を招集し、議題・議事録・決定と会議のあとのやることを記録します。'
        : '招かれた会議の日時・議題・資料を確認し、議事録や会議のあとのやることを記録します。',
    });
  }
  if (can(role, 'directory.read')) {
    list.push({
      to: '/agencies',
      title: can(role, 'directory.write') ? '機関・窓口の管理' : '機関・窓口を探す',
      description: can(role, 'directory.write')
        ? '相談支援機関や窓口の登録内容を確認し、新しい機関の登録や内容の更新を行います。'
        : '名称（ひらがな可）、対象分野、事業における役割から、つなぎ先の機関・窓口を探せます。',
    });
  }
  if (can(role, 'settings.read')) {
    list.push({
      to: '/meeting-bodies',
      title: '会議体・配置',
      description: '重層的支援会議・支援会議などの会議体と、地域福祉コーディネーター等の配置を確認できます。',
    });
  }
  if (can(role, 'settings.write')) {
    list.push({
      to: '/settings',
      title: '設定',
      description: '自動ログアウトまでの時間、二要素認証の必須化、監査ログの保存年数、警告の基準を設定します。',
    });
  }
  return list;
}

export function HomePage() {
  const user = useUser();
  const { session } = useSession();
  const now = new Date();
  const weekday = WEEKDAYS[new Date(now.getTime() + 9 * 3600_000).getUTCDay()];

  return (
    <>
      <PageHeader
        title="ホーム"
        heading={<>こんにちは、{user.name}さん</>}
        lead={
          <>
            今日は<time dateTime={now.toISOString().slice(0, 10)}>{formatDate(now)}</time>{weekday}曜日です。
          </>
        }
      />
      {!user.totpEnabled && (
        <Notice tone="warning" title="二要素認証が設定されていません">
          <p>
            個人情報を扱うため、パスワードに加えて認証アプリの確認コードでログインする二要素認証の設定をおすすめします。{' '}
            <Link to="/account">アカウントの画面で設定する</Link>
          </p>
        </Notice>
      )}
      {can(user.role, 'person.read') && <TodayPanel />}
      <section aria-labelledby="home-shortcuts" className="section">
        <h2 id="home-shortcuts">よく使う機能</h2>
        <ul className="card-grid">
          {shortcuts(user.role).map((s) => (
            <li key={s.to} className="card">
              <h3 className="card__title">
                <Link to={s.to} className="card__link">
                  {s.title}
                </Link>
              </h3>
              <p className="card__text">{s.description}</p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="home-account" className="section">
        <h2 id="home-account">ログイン中のアカウント</h2>
        <dl className="summary-list">
          <div>
            <dt>自治体</dt>
            <dd>{session?.municipality?.name}</dd>
          </div>
          <div>
            <dt>所属</dt>
            <dd>{user.agencyName}</dd>
          </div>
          <div>
            <dt>役割</dt>
            <dd>{user.roleLabel}</dd>
          </div>
        </dl>
        <p>
          <Link to="/account">パスワードの変更・二要素認証の設定</Link>
        </p>
      </section>
    </>
  );
}
