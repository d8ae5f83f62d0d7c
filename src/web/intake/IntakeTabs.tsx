import { NavLink } from 'react-router';

/** The two views of the intake area: a new consultation and the consultations received. */
export function IntakeTabs() {
  return (
    <nav className="tabs" aria-label="相談受付の表示切り替え">
      <ul>
        <li>
          <NavLink to="/intake" end className="tabs__link">
            新しい相談を受け付ける
          </NavLink>
        </li>
        <li>
          <NavLink to="/consultations" end className="tabs__link">
            受け付けた相談
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
