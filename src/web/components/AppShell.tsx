import { useEffect, type ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { can } from '../lib/access.ts';
import { useUnreadCount } from '../notifications/unread.ts';
import { useSession, useUser } from '../lib/session.tsx';

interface NavItem {
  label: string;
  to?: string;
  /** Areas still being built: listed, not linked. */
  planned?: boolean;
  /** Other paths that belong to the same area (the entry stays highlighted there). */
  also?: string[];
}

function navItems(role: Parameters<typeof can>[0]): NavItem[] {
  const items: NavItem[] = [{ label: 'ホーム', to: '/' }];
  if (can(role, 'person.read')) {
    items.push(
      { label: '相談受付', to: '/intake', also: ['/consultations'] },
      { label: '本人・世帯', to: '/persons', also: ['/households', '/emergency-access'] },
      { label: 'つなぎ', to: '/referrals' },
    );
  }
  if (can(role, 'case.read')) items.push({ label: 'わたしの仕事', to: '/my-work' });
  if (can(role, 'case.read')) items.push({ label: '事例（多機関協働）', to: '/cases' });
  if (can(role, 'meeting.read')) items.push({ label: '会議', to: '/meetings', also: ['/resource-gaps'] });
  if (can(role, 'directory.read')) items.push({ label: '機関・窓口', to: '/agencies' });
  if (can(role, 'users.read')) items.push({ label: '利用者管理', to: '/users' });
  if (can(role, 'settings.write')) items.push({ label: '振り分けルール', to: '/routing-rules' });
  if (can(role, 'settings.write')) items.push({ label: '設定', to: '/settings' });
  if (can(role, 'retention.read')) items.push({ label: '保存期間', to: '/retention' });
  if (can(role, 'audit.read')) items.push({ label: '監査ログ', to: '/audit' });
  return items;
}

/** お知らせ with the unread count, in the header. */
function NotificationLink() {
  const unread = useUnreadCount();
  return (
    <NavLink to="/notifications" className="user-menu__link notify-link">
      <svg className="notify-link__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
      </svg>
      お知らせ
      {unread !== null && unread > 0 && (
        <span className="notify-link__count">
          {unread > 99 ? '99+' : unread}
          <span className="visually-hidden">件の未読</span>
        </span>
      )}
    </NavLink>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="4" y="18" width="24" height="8" rx="3" className="logo__base" />
      <rect x="7" y="11" width="18" height="6" rx="3" className="logo__middle" />
      <rect x="10" y="5" width="12" height="5" rx="2.5" className="logo__top" />
    </svg>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { session, logout } = useSession();
  const user = useUser();
  const { pathname } = useLocation();

  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        本文へ移動
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label="kasane ホームへ">
            <Logo />
            <span className="brand__text">
              <span className="brand__name">kasane</span>
              <span className="brand__municipality">{session?.municipality?.name}</span>
            </span>
          </Link>
          <div className="user-menu">
            <div className="user-menu__who">
              <span className="user-menu__name">{user.name}</span>
              <span className="user-menu__meta">
                <span className="user-menu__role">{user.roleLabel}</span>
                <span className="user-menu__agency">{user.agencyName}</span>
              </span>
            </div>
            <NotificationLink />
            <NavLink to="/account" className="user-menu__link">
              アカウント
            </NavLink>
            <button type="button" className="button button--secondary button--small" onClick={() => void logout()}>
              ログアウト
            </button>
          </div>
        </div>
      </header>
      <div className="shell__body">
        <nav className="side-nav" aria-label="メインメニュー">
          <ul>
            {navItems(user.role).map((item) =>
              item.to ? (
                <li key={item.label}>
                  <NavLink
                    to={item.to}
                    end={item.to === '/'}
                    className={({ isActive }) =>
                      `side-nav__link${isActive || item.also?.some((p) => pathname.startsWith(p)) ? ' active' : ''}`
                    }
                  >
                    {item.label}
                  </NavLink>
                </li>
              ) : (
                <li key={item.label}>
                  <span className="side-nav__link side-nav__link--planned">
                    {item.label}
                    <span className="side-nav__soon">準備中</span>
                  </span>
                </li>
              ),
            )}
          </ul>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer className="site-footer">
        <p>
          kasane（かさね）— 重層的支援体制整備事業 支援システム
          <span className="site-footer__sep" aria-hidden="true">
            ｜
          </span>
          {session?.municipality?.name}
        </p>
      </footer>
    </div>
  );
}
