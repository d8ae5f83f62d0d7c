import { NavLink } from 'react-router';

/** The administrator's settings: the municipality's settings and its own 課題 / consent purposes. */
export function SettingsTabs() {
  return (
    <nav className="tabs" aria-label="設定の表示切り替え">
      <ul>
        <li>
          <NavLink to="/settings" end className="tabs__link">
            基本の設定
          </NavLink>
        </li>
        <li>
          <NavLink to="/settings/taxonomy" className="tabs__link">
            課題・同意の目的
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
