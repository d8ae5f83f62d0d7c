import { criteriaSummary } from '../../shared/audit-labels.ts';
import { Badge, DateTime, type BadgeTone } from '../components/ui.tsx';
import type { AuditEventView } from '../lib/types.ts';
import { reasonLabel } from './reasons.ts';

export const OUTCOMES: Record<string, { label: string; tone: BadgeTone }> = {
  success: { label: '成功', tone: 'success' },
  failure: { label: '失敗', tone: 'error' },
  denied: { label: '拒否', tone: 'warning' },
};

const TARGET_LABELS: Record<string, string> = {
  agency: '機関・窓口',
  user: '利用者',
  audit: '監査ログ',
  municipality: '自治体',
  person: '本人',
};

/** The end of an id: ids are time-ordered (UUIDv7), so their last characters tell them apart. */
const shortId = (id: string) => `…${id.slice(-8)}`;

function Target({ event, onReveal }: { event: AuditEventView; onReveal?: ((event: AuditEventView) => void) | undefined }) {
  if (!event.targetType && !event.targetId && !event.subjectPersonId) return <span className="muted">—</span>;
  return (
    <>
      {event.targetType && <span className="table__strong">{TARGET_LABELS[event.targetType] ?? event.targetType}</span>}
      {event.targetId && (
        <code className="audit-id" title={event.targetId}>
          {shortId(event.targetId)}
        </code>
      )}
      {event.subjectPersonId && (
        <span className="audit-id" title={event.subjectPersonId}>
          本人 <code>{shortId(event.subjectPersonId)}</code>
        </span>
      )}
      {(event.subjectPersonId || (event.targetType === 'person' && event.targetId)) && onReveal && (
        <button type="button" className="button button--tertiary button--small audit-reveal-button" onClick={() => onReveal(event)}>
          氏名を確認<span className="visually-hidden">（記録 {event.seq}番）</span>
        </button>
      )}
    </>
  );
}

/** What a search recorded: kinds and lengths of its criteria and the number of results, never the words. */
function SearchDetails({ details }: { details: Record<string, unknown> }) {
  const criteria = criteriaSummary(details.criteria);
  const results = typeof details.results === 'number' ? details.results : typeof details.count === 'number' ? details.count : null;
  if (!criteria && results === null) return null;
  return (
    <span className="audit-detail">
      {criteria && <>検索条件：{criteria}</>}
      {results !== null && <>{criteria ? '／' : ''}結果 {results}件</>}
    </span>
  );
}

export function AuditEventTable({
  items,
  caption,
  onReveal,
}: {
  items: AuditEventView[];
  caption: string;
  onReveal?: (event: AuditEventView) => void;
}) {
  return (
    <table className="table table--compact audit-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">番号・日時</th>
          <th scope="col">利用者</th>
          <th scope="col">所属</th>
          <th scope="col">操作</th>
          <th scope="col">対象</th>
          <th scope="col" className="nowrap">
            結果
          </th>
          <th scope="col">接続元</th>
          <th scope="col">理由</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => {
          const outcome = OUTCOMES[e.outcome] ?? { label: e.outcome, tone: 'neutral' as const };
          return (
            <tr key={e.seq}>
              <td>
                <span className="audit-id">{e.seq}番</span>
                <DateTime value={e.occurredAt} />
              </td>
              <td className="table__person">
                {e.actorName && <span className="table__strong">{e.actorName}</span>}
                {e.actorLogin && <code className="login-id login-id--block">{e.actorLogin}</code>}
                {!e.actorName && !e.actorLogin && <span className="muted">—</span>}
              </td>
              <td className="table__org">{e.actorAgencyName ?? <span className="muted">—</span>}</td>
              <td className="table__action">
                {e.actionLabel}
                <SearchDetails details={e.details} />
              </td>
              <td className="table__target">
                <Target event={e} onReveal={onReveal} />
              </td>
              <td className="nowrap">
                <Badge tone={outcome.tone}>{outcome.label}</Badge>
              </td>
              <td className="table__ip">{e.clientIp ?? <span className="muted">—</span>}</td>
              <td className="table__text">{reasonLabel(e.reason) ?? <span className="muted">—</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
