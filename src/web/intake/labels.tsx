import { Badge } from '../components/ui.tsx';

/** 緊急度 as a badge: 緊急 red, 至急 orange, 通常 not shown unless asked. */
export function UrgencyBadge({ urgency, showNormal = false }: { urgency: string; showNormal?: boolean }) {
  if (urgency === '緊急') return <Badge tone="error">緊急</Badge>;
  if (urgency === '至急') return <Badge tone="warning">至急</Badge>;
  return showNormal ? <Badge tone="neutral">{urgency}</Badge> : null;
}

/** The issues with ◎ on the most pressing one. */
export function IssueList({ issues, primary }: { issues: readonly string[]; primary: string | null }) {
  if (issues.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tags">
      {issues.map((i) => (
        <li key={i} className={`tag${i === primary ? ' tag--primary' : ''}`}>
          {i === primary && (
            <>
              <span aria-hidden="true">◎</span>
              <span className="visually-hidden">（最も重要）</span>
            </>
          )}
          {i}
        </li>
      ))}
    </ul>
  );
}
