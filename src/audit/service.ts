import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { notify } from '../notifications/service.ts';
import { isUuid } from '../shared/ids.ts';
import { AppError, notFound } from '../server/errors.ts';
import { AUDIT_ACTION_LABELS, CRITERION_LABELS, OUTCOME_LABELS, reasonLabel } from '../shared/audit-labels.ts';
import { auditSecret, criterionHmac, legacyPath, maskLegacyCriteria, normaliseCriterion, recordCriteria, type CriterionKind } from './criteria.ts';
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
    details: maskLegacyCriteria(r.action, r.details as Record<string, unknown>),
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

/** Actions whose audit rows record search criteria (src/audit/criteria.ts). */
const SEARCH_ACTIONS: Record<CriterionKind, string[]> = {
  name: ['person.search'],
  birthDate: ['person.search'],
  phone: ['person.search'],
  address: ['person.search'],
  meetingTitle: ['meeting.search'],
};

export interface CriteriaSearchInput {
  kind: CriterionKind;
  term: string;
  from?: string | undefined;
  to?: string | undefined;
}

export interface CriteriaSearchResult {
  items: AuditEventView[];
  /** The normalised forms that were looked for: the whole term and, for names and addresses, each word of it. */
  lookedFor: string[];
  limited: boolean;
}

const CRITERIA_SEARCH_LIMIT = 500;

/**
 * "Did anyone search for 山田 太郎?": the investigator types the term; it is
 * normalised and hashed with the municipality's key as a search's own
 * criteria are, and compared with the recorded hashes (for a name or an
 * address, also each word alone, since staff often type only the surname).
 * Rows written before criteria were hashed are compared by their typed text.
 * The term itself is not kept: this lookup is audited with its hash too.
 */
export async function searchByCriterion(scope: Scope, input: CriteriaSearchInput): Promise<CriteriaSearchResult> {
  const whole = normaliseCriterion(input.kind, input.term);
  if (!whole) throw new AppError(422, 'validation_failed', '入力内容を確認してください。', { term: `検索語：${CRITERION_LABELS[input.kind]}として読み取れる文字がありません` });
  const words = input.kind === 'name' || input.kind === 'address' ? input.term.trim().split(/[\s\u3000]+/).filter(Boolean) : [];
  const raw = [...new Set([input.term.trim(), ...words])];
  const lookedFor = [...new Set([whole, ...words.map((w) => normaliseCriterion(input.kind, w)).filter(Boolean)])];
  const secret = await auditSecret(scope.trx, scope.municipalityId);
  const hmacs = lookedFor.map((v) => criterionHmac(secret, input.kind, v));
  const actions = SEARCH_ACTIONS[input.kind];
  let q = filtered(scope, { from: input.from, to: input.to, limit: 0 }).where('e.action', 'in', actions);
  q = q.where((eb) =>
    eb.or([
      ...hmacs.map((h) => sql<boolean>`e.details @> ${JSON.stringify({ criteria: [{ kind: input.kind, hmac: h }] })}::jsonb`),
      ...actions.flatMap((action) => {
        const path = legacyPath(action, input.kind);
        return path ? [sql<boolean>`(e.action = ${action} and e.details #>> ${`{${path.join(',')}}`}::text[] in (${sql.join(raw)}))`] : [];
      }),
    ]),
  );
  const rows = await q.orderBy('e.seq', 'desc').limit(CRITERIA_SEARCH_LIMIT + 1).execute();
  const items = rows.slice(0, CRITERIA_SEARCH_LIMIT).map(toView);
  const criteria = await recordCriteria(scope.trx, scope.municipalityId, { [input.kind]: input.term });
  scope.audit('audit.criteria_search', { targetType: 'audit', details: { criteria, words: lookedFor.length, results: items.length, from: input.from ?? null, to: input.to ?? null } });
  return { items, lookedFor, limited: rows.length > CRITERIA_SEARCH_LIMIT };
}

/** Shortest reason for revealing a person behind an audit row. */
export const REVEAL_REASON_MIN = 20;

export interface RevealResult {
  seq: number;
  subjectPersonId: string;
  name: string;
  kana: string | null;
  revealedAt: string;
}

/**
 * Reveal the person behind one audit row (監査担当, for an investigation):
 * a reasoned step, itself audited with the reason, and notified to the
 * 事務局. Only this row's person is answered; nothing else of the record.
 */
export async function revealSubject(scope: Scope, seq: number, reason: string): Promise<RevealResult> {
  const event = await scope.trx
    .selectFrom('audit_events')
    .select(['seq', 'action', 'occurred_at', 'subject_person_id', 'target_type', 'target_id'])
    .where('chain_key', '=', scope.municipalityId)
    .where('municipality_id', '=', scope.municipalityId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (!event) throw notFound('監査ログの記録');
  // A refused attempt to open a person names them as the target only (the refusal did not reveal them).
  const subject = event.subject_person_id ?? (event.target_type === 'person' && isUuid(event.target_id ?? '') ? event.target_id!.toLowerCase() : null);
  if (!subject) throw new AppError(422, 'no_subject', 'この記録には対象の本人がいません。');
  const person = await scope.trx
    .selectFrom('persons')
    .select(['name', 'name_kana', 'alias'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', subject)
    .executeTakeFirst();
  if (!person) throw new AppError(422, 'subject_gone', 'この記録の本人は、保存期間の経過などで既に削除されています。');
  const name = person.name ?? person.alias ?? '（氏名の記録なし）';
  const who = scope.ctx.kind === 'user' ? scope.ctx.name : 'system';
  const label = AUDIT_ACTION_LABELS[event.action] ?? event.action;
  scope.audit('audit.reveal', {
    targetType: 'audit',
    targetId: String(seq),
    subjectPersonId: subject,
    reason,
    details: { eventSeq: seq, eventAction: event.action },
  });
  await notify(scope, {
    recipientRole: 'secretariat',
    kind: 'audit_reveal',
    title: '監査担当が監査ログの本人の氏名を確認しました',
    body: `${who} さんが監査ログ${seq}番（${label}、${formatDateTime(event.occurred_at)}）の本人の氏名を確認しました。理由：${reason}`,
  });
  return { seq, subjectPersonId: subject, name, kana: person.name_kana, revealedAt: new Date().toISOString() };
}
