import { NavLink } from 'react-router';

/** The views of the directory area: agencies, departments (課) and the municipality's meeting bodies / placements. */
export function DirectoryTabs() {
  return (
    <nav className="tabs" aria-label="機関・窓口の表示切り替え">
      <ul>
        <li>
          <NavLink to="/agencies" end className="tabs__link">
            機関・窓口一覧
          </NavLink>
        </li>
        <li>
          <NavLink to="/departments" className="tabs__link">
            課（所管課）
          </NavLink>
        </li>
        <li>
          <NavLink to="/meeting-bodies" className="tabs__link">
            会議体・配置
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
