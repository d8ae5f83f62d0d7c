import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';

export interface Crumb {
  label: string;
  to: string;
}

let firstView = true;

/** Sets the document title, renders the page's one <h1> and moves focus to it after navigation. */
export function PageHeader({
  title,
  heading,
  lead,
  breadcrumbs,
  actions,
}: {
  /** Used for <title>: "機関・窓口 | kasane". */
  title: string;
  /** The visible <h1> when it differs from the title. */
  heading?: ReactNode;
  lead?: ReactNode;
  breadcrumbs?: Crumb[];
  actions?: ReactNode;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { pathname } = useLocation();

  useEffect(() => {
    document.title = `${title} | kasane`;
  }, [title]);

  useEffect(() => {
    if (firstView) {
      firstView = false;
      return;
    }
    ref.current?.focus();
  }, [pathname]);

  return (
    <div className="page-header">
      {breadcrumbs && breadcrumbs.length > 0 && (
        <nav aria-label="パンくずリスト" className="breadcrumbs">
          <ol>
            {breadcrumbs.map((crumb) => (
              <li key={crumb.to}>
                <Link to={crumb.to}>{crumb.label}</Link>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="page-header__row">
        <h1 ref={ref} tabIndex={-1}>
          {heading ?? title}
        </h1>
        {actions && <div className="page-header__actions">{actions}</div>}
      </div>
      {lead && <p className="page-header__lead">{lead}</p>}
    </div>
  );
}
