import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { AUDIT_ACTION_LABELS, OUTCOME_LABELS, reasonLabel } from '../shared/audit-labels.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { formatDateTime } from '../shared/dates.ts';

export { AUDIT_ACTION_LABELS, OUTCOME_LABELS };

export interface AuditQuery {
  from?: string | undefined;
  to?: string | undefined;
  userId?: string | undefined;
  login?: string | undefined;
  personId?: string | undefined;
  action?: string | undefined;
  outcome?: 'success' | 'failure' | 'denied' | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface AuditEventView {
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  actorLogin: string | null;
  actorName: string | null;
  actorAgencyName: string | null;
  actorRole: string | null;
  action: string;
  actionLabel: string;
  targetType: string | null;
  targetId: string | null;
  subjectPersonId: string | null;
  outcome: string;
  clientIp: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** Start of a calendar day in Japan time. */
function jstDayStart(date: string, plusDays = 0): Date {
  const d = new Date(`${date}T00:00:00+09:00`);
  return new Date(d.getTime() + plusDays * 86_400_000);
}

function filtered(scope: Scope, query: AuditQuery) {
  let q = scope.trx
    .selectFrom('audit_events as e')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'e.actor_user_id').onRef('u.municipality_id', '=', 'e.municipality_id'))
    .leftJoin('agencies as a', (j) =>
      j.onRef('a.id', '=', 'e.actor_agency_id').onRef('a.municipality_id', '=', 'e.municipality_id'),
    )
    .select([
      'e.seq',
      'e.occurred_at',
      'e.actor_user_id',
      'e.actor_login',
      'u.name as actor_name',
      'a.name as actor_agency_name',
      'e.actor_role',
      'e.action',
      'e.target_type',
      'e.target_id',
      'e.subject_person_id',
      'e.outcome',
      'e.client_ip',
      'e.reason',
      'e.details',
    ])
    .where('e.municipality_id', '=', scope.municipalityId);
  if (query.from) q = q.where('e.occurred_at', '>=', jstDayStart(query.from));
  if (query.to) q = q.where('e.occurred_at', '<', jstDayStart(query.to, 1));
  if (query.userId) q = q.where('e.actor_user_id', '=', query.userId);
  if (query.login) q = q.where('e.actor_login', '=', query.login);
  if (query.personId) q = q.where('e.subject_person_id', '=', query.personId);
  if (query.action) q = q.where(sql<boolean>`(e.action = ${query.action} or e.action like ${`${query.action}.%`})`);
  if (query.outcome) q = q.where('e.outcome', '=', query.outcome);
  return q;
}

type Row = Awaited<ReturnType<ReturnType<typeof filtered>['execute']>>[number];

function toView(r: Row): AuditEventView {
  return {
    seq: Number(r.seq),
    occurredAt: new Date(r.occurred_at).toISOString(),
    actorUserId: r.actor_user_id,
    actorLogin: r.actor_login,
    actorName: r.actor_name,
    actorAgencyName: r.actor_agency_name,
    actorRole: r.actor_role,
    action: r.action,
    actionLabel: AUDIT_ACTION_LABELS[r.action] ?? r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    subjectPersonId: r.subject_person_id,
    outcome: r.outcome,
    clientIp: r.client_ip,
    reason: r.reason,
    details: r.details as Record<string, unknown>,
  };
}

export async function searchAudit(scope: Scope, query: AuditQuery): Promise<Page<AuditEventView>> {
  let q = filtered(scope, query);
  const after = decodeCursor(query.cursor, ['int']);
  if (after) q = q.where('e.seq', '<', Number(after[0]));
  const rows = await q.orderBy('e.seq', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit).map(toView);
  const { cursor: _c, limit: _l, ...filters } = query;
  scope.audit('audit.search', { targetType: 'audit', details: { filters } });
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.seq]) : null };
}

const CSV_LIMIT = 100_000;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Neutralise spreadsheet formulas (CSV injection) and quote every cell.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** CSV for spreadsheet software: UTF-8 with BOM so Excel reads Japanese correctly. */
export async function exportAuditCsv(scope: Scope, query: AuditQuery): Promise<string> {
  const rows = await filtered(scope, query).orderBy('e.seq', 'asc').limit(CSV_LIMIT).execute();
  const header = ['番号', '日時', 'ログインID', '氏名', '所属機関', '役割', '操作', '操作コード', '結果', '対象種別', '対象ID', '本人ID', '接続元', '理由', '詳細'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows.map(toView)) {
    lines.push(
      [
        r.seq,
        formatDateTime(r.occurredAt),
        r.actorLogin,
        r.actorName,
        r.actorAgencyName,
        r.actorRole,
        r.actionLabel,
        r.action,
        OUTCOME_LABELS[r.outcome] ?? r.outcome,
        r.targetType,
        r.targetId,
        r.subjectPersonId,
        r.clientIp,
        reasonLabel(r.reason),
        Object.keys(r.details).length ? r.details : '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  const { cursor: _c, limit: _l, ...filters } = query;
  scope.audit('audit.export', { targetType: 'audit', details: { filters, rows: rows.length } });
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
