import { createHash } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AuditEventTable, Database } from '../db/types.ts';
import type { AccessContext } from './context.ts';
import { actorFields } from './context.ts';

/**
 * The audit log: append-only, hash-chained per municipality, written in
 * the same transaction as the action it records.
 */
export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  municipalityId: string | null;
  action: string;
  outcome: Outcome;
  actorUserId?: string | null;
  actorLogin?: string | null;
  actorAgencyId?: string | null;
  actorRole?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  subjectPersonId?: string | null;
  clientIp?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);
const SYSTEM_CHAIN = 'system';

export function chainKeyFor(municipalityId: string | null): string {
  return municipalityId ?? SYSTEM_CHAIN;
}

export function entryFor(
  ctx: AccessContext,
  action: string,
  outcome: Outcome,
  rest: Omit<AuditEntry, 'municipalityId' | 'action' | 'outcome'> = {},
): AuditEntry {
  return { municipalityId: ctx.municipalityId, action, outcome, ...actorFields(ctx), ...rest };
}

/**
 * What PostgreSQL stores is not always what JavaScript holds: a text or
 * jsonb value cannot contain U+0000 nor a lone surrogate (the driver
 * writes U+FFFD for it, or the insert fails), a uuid comes back in lower
 * case, a Date in jsonb is a string, NaN and Infinity are null. The hash
 * must be computed over exactly what a later reader gets back, so every
 * value is first brought to a form that round-trips unchanged through
 * text and jsonb (NUL and lone surrogates become U+FFFD), and huge or deep
 * details are cut to a size an auditor can read.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Longest string kept in details and in the short text columns (UTF-16 units). */
export const AUDIT_TEXT_LIMIT = 1000;
const REASON_LIMIT = 4000;
const DETAIL_DEPTH_LIMIT = 12;
const DETAIL_ITEMS_LIMIT = 200;

/** A string as text/jsonb will give it back; cut to `max` units (never inside a surrogate pair). */
export function storableText(value: string, max = AUDIT_TEXT_LIMIT): string {
  let text = value.replace(LONE_SURROGATE, '\ufffd').replaceAll('\u0000', '\ufffd');
  if (text.length > max) {
    let cut = max;
    const last = text.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
    text = `${text.slice(0, cut)}…（${text.length - cut}文字省略）`;
  }
  return text;
}

function storableNullable(value: string | null | undefined, max = AUDIT_TEXT_LIMIT): string | null {
  return value === null || value === undefined ? null : storableText(String(value), max);
}

function storableUuid(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toLowerCase();
}

/** Details as jsonb will give them back (see above): plain JSON values only, bounded in size and depth. */
export function storableDetails(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return storableText(value);
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return null;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return storableDetails(withJson.toJSON(), depth);
  if (depth >= DETAIL_DEPTH_LIMIT) return '（深い入れ子のため省略）';
  if (Array.isArray(value)) {
    const items = value.slice(0, DETAIL_ITEMS_LIMIT).map((v) => storableDetails(v, depth + 1));
    if (value.length > DETAIL_ITEMS_LIMIT) items.push(`（ほか${value.length - DETAIL_ITEMS_LIMIT}件省略）`);
    return items;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const kept = entries.slice(0, DETAIL_ITEMS_LIMIT).map(([k, v]) => [storableText(k, 200), storableDetails(v, depth + 1)] as const);
  if (entries.length > DETAIL_ITEMS_LIMIT) kept.push(['…', `（ほか${entries.length - DETAIL_ITEMS_LIMIT}項目省略）`]);
  // fromEntries defines own properties, so even a key "__proto__" is kept as data (as JSON.parse does).
  return Object.fromEntries(kept);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

export interface HashedFields {
  chain_key: string;
  seq: number;
  municipality_id: string | null;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_login: string | null;
  actor_agency_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  subject_person_id: string | null;
  outcome: string;
  client_ip: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
}

export function auditHash(row: HashedFields): string {
  const material = canonical({ ...row, occurred_at: row.occurred_at.toISOString() });
  return createHash('sha256').update(material).digest('hex');
}

/** Append entries to their chains. Call inside the action's transaction, as late as possible. */
export async function appendAudit(trx: Transaction<Database>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const byChain = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    const key = chainKeyFor(storableUuid(e.municipalityId));
    byChain.set(key, [...(byChain.get(key) ?? []), e]);
  }
  // Lock chains in a fixed order so concurrent transactions cannot deadlock.
  for (const key of [...byChain.keys()].sort()) {
    await trx
      .insertInto('audit_chains')
      .values({ chain_key: key, last_seq: 0, last_hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('chain_key').doNothing())
      .execute();
    const head = await trx
      .selectFrom('audit_chains')
      .select(['last_seq', 'last_hash'])
      .where('chain_key', '=', key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    let seq = Number(head.last_seq);
    let prev = head.last_hash;
    const now = new Date();
    const rows = byChain.get(key)!.map((e) => {
      seq += 1;
      const details = storableDetails(e.details ?? {});
      const fields: HashedFields = {
        chain_key: key,
        seq,
        municipality_id: storableUuid(e.municipalityId),
        occurred_at: now,
        actor_user_id: storableUuid(e.actorUserId),
        actor_login: storableNullable(e.actorLogin, 200),
        actor_agency_id: storableUuid(e.actorAgencyId),
        actor_role: storableNullable(e.actorRole, 100),
        action: storableText(e.action, 200),
        target_type: storableNullable(e.targetType, 100),
        target_id: storableNullable(e.targetId, 200),
        subject_person_id: storableUuid(e.subjectPersonId),
        outcome: e.outcome,
        client_ip: storableNullable(e.clientIp, 100),
        reason: storableNullable(e.reason, REASON_LIMIT),
        details: details !== null && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : { value: details },
        prev_hash: prev,
      };
      const hash = auditHash(fields);
      prev = hash;
      return { ...fields, details: JSON.stringify(fields.details), hash };
    });
    await trx.insertInto('audit_events').values(rows).execute();
    await trx
      .updateTable('audit_chains')
      .set({ last_seq: seq, last_hash: prev })
      .where('chain_key', '=', key)
      .execute();
  }
}

/** Write entries in a transaction of their own (denials, failed logins). */
export async function writeAudit(db: Db, entries: readonly AuditEntry[]): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, entries));
}

export type VerifyCode = 'missing' | 'truncated' | 'link' | 'altered' | 'head' | 'anchor' | 'no_head' | 'no_chain';

export interface VerifyProblem {
  chainKey: string;
  seq: number;
  code: VerifyCode;
  /** In Japanese, for the auditor. */
  problem: string;
}

export interface VerifyResult {
  ok: boolean;
  chains: number;
  rows: number;
  problems: VerifyProblem[];
}

const PROBLEM_TEXT: Record<VerifyCode, (seq: number) => string> = {
  missing: (seq) => `${seq}番の記録がありません（削除されています）`,
  truncated: (seq) => `${seq}番以降の記録がありません（末尾が削除されています）`,
  link: () => '直前の記録とのつながり（前の記録のハッシュ）が一致しません',
  altered: () => '内容がハッシュと一致しません（書き換えられています）',
  head: () => '最後の記録がチェーンの先頭情報と一致しません',
  anchor: (seq) =>
    `${seq}番より前を削除したアンカーに、対応する保存期間の削除の記録がありません（保存期間の処理以外で削除された可能性があります）`,
  no_head: () => 'チェーンの先頭情報がありません（記録が外から差し込まれたか、先頭情報が削除されています）',
  no_chain: () => 'この自治体のチェーンがありません（チェーンごと削除された可能性があります）',
};

function problemOf(chainKey: string, seq: number, code: VerifyCode): VerifyProblem {
  return { chainKey, seq, code, problem: PROBLEM_TEXT[code](seq) };
}

/** The hashed columns of a stored row (never the stored hash itself, nor columns added later). */
function hashedFieldsOf(row: Selectable<AuditEventTable>, seq: number): HashedFields {
  return {
    chain_key: row.chain_key,
    seq,
    municipality_id: row.municipality_id,
    occurred_at: new Date(row.occurred_at),
    actor_user_id: row.actor_user_id,
    actor_login: row.actor_login,
    actor_agency_id: row.actor_agency_id,
    actor_role: row.actor_role,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    subject_person_id: row.subject_person_id,
    outcome: row.outcome,
    client_ip: row.client_ip,
    reason: row.reason,
    details: row.details as Record<string, unknown>,
    prev_hash: row.prev_hash,
  };
}

export const PURGE_ACTION = 'audit.retention_purge';

/** The newest anchor of a chain (where its verification starts), if rows were purged. */
export async function latestAnchor(db: Db | Transaction<Database>, chainKey: string) {
  return db
    .selectFrom('audit_anchors')
    .select(['first_seq', 'prev_hash', 'purge_txid', 'purged_before'])
    .where('chain_key', '=', chainKey)
    .orderBy('first_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Whether the chain holds the retention job's own record of the purge that placed this anchor. */
async function hasPurgeRecord(
  db: Db | Transaction<Database>,
  chainKey: string,
  anchor: { first_seq: number; prev_hash: string; purge_txid: number | null },
): Promise<boolean> {
  let record = db
    .selectFrom('audit_events')
    .select('seq')
    .where('chain_key', '=', chainKey)
    .where('action', '=', PURGE_ACTION)
    .where('seq', '>=', Number(anchor.first_seq));
  // Anchors from before 20261203T0900 (no purge_txid) had purge records without the anchor's values.
  if (anchor.purge_txid !== null) {
    record = record.where(sql<boolean>`details @> ${JSON.stringify({ anchorSeq: Number(anchor.first_seq), anchorHash: anchor.prev_hash })}::jsonb`);
  }
  return (await record.limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Recompute every chain. Reports the first bad row of each broken chain,
 * an anchor without the chain's own record of that purge, and chains whose
 * head or whole self has gone.
 */
export async function verifyAudit(db: Db): Promise<VerifyResult> {
  const chains = await db.selectFrom('audit_chains').selectAll().orderBy('chain_key').execute();
  const problems: VerifyProblem[] = [];
  let rows = 0;
  for (const chain of chains) {
    const anchor = await latestAnchor(db, chain.chain_key);
    let expectedSeq = anchor ? Number(anchor.first_seq) : 1;
    let prev = anchor ? anchor.prev_hash : GENESIS_HASH;
    let broken: VerifyProblem | null = null;
    if (anchor && !(await hasPurgeRecord(db, chain.chain_key, anchor))) broken = problemOf(chain.chain_key, Number(anchor.first_seq), 'anchor');
    for (;;) {
      if (broken) break;
      const batch = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('chain_key', '=', chain.chain_key)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(5000)
        .execute();
      for (const row of batch) {
        rows += 1;
        const seq = Number(row.seq);
        if (seq !== expectedSeq) {
          broken = problemOf(chain.chain_key, expectedSeq, 'missing');
          break;
        }
        if (row.prev_hash !== prev) {
          broken = problemOf(chain.chain_key, seq, 'link');
          break;
        }
        if (auditHash(hashedFieldsOf(row, seq)) !== row.hash) {
          broken = problemOf(chain.chain_key, seq, 'altered');
          break;
        }
        prev = row.hash;
        expectedSeq += 1;
      }
      if (broken || batch.length < 5000) break;
    }
    if (!broken && expectedSeq - 1 !== Number(chain.last_seq)) {
      broken = problemOf(chain.chain_key, expectedSeq, expectedSeq - 1 < Number(chain.last_seq) ? 'truncated' : 'head');
    } else if (!broken && prev !== chain.last_hash) {
      broken = problemOf(chain.chain_key, expectedSeq - 1, 'head');
    }
    if (broken) problems.push(broken);
  }
  const heads = new Set(chains.map((c) => c.chain_key));
  const stored = await db.selectFrom('audit_events').select('chain_key').groupBy('chain_key').execute();
  for (const s of stored) if (!heads.has(s.chain_key)) problems.push(problemOf(s.chain_key, 1, 'no_head'));
  const municipalities = await db.selectFrom('municipalities').select('id').execute();
  for (const m of municipalities) if (!heads.has(m.id)) problems.push(problemOf(m.id, 1, 'no_chain'));
  return { ok: problems.length === 0, chains: chains.length, rows, problems };
}

/**
 * Retention: delete the oldest rows (the prefix of the chain older than the
 * cut-off), keeping the chain verifiable by anchoring its new first row.
 * The anchor goes in first: the database lets this transaction delete only
 * below it, and only rows older than its cut-off. The purge itself is
 * audited in the chain, naming the anchor, so verify can tell this purge
 * from a deletion that merely added an anchor.
 */
export async function purgeAudit(db: Db, municipalityId: string, before: Date): Promise<number> {
  const key = chainKeyFor(municipalityId);
  return db.transaction().execute(async (trx) => {
    // An anchor without its purge record is evidence of a deletion outside this job: purging
    // again would bury it under a new, well-formed anchor. Leave it for audit verify to report.
    const previous = await latestAnchor(trx, key);
    if (previous && !(await hasPurgeRecord(trx, key, previous))) {
      throw new Error(`audit chain ${key}: the anchor at row ${previous.first_seq} has no retention purge record; not purging (run audit verify)`);
    }
    const firstKept = await trx
      .selectFrom('audit_events')
      .select('seq')
      .where('chain_key', '=', key)
      .where('occurred_at', '>=', before)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    let lastQuery = trx.selectFrom('audit_events').select(['seq', 'hash']).where('chain_key', '=', key).where('occurred_at', '<', before);
    if (firstKept) lastQuery = lastQuery.where('seq', '<', Number(firstKept.seq));
    const last = await lastQuery.orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!last) return 0;
    const anchorSeq = Number(last.seq) + 1;
    await trx.insertInto('audit_anchors').values({ chain_key: key, first_seq: anchorSeq, prev_hash: last.hash, purged_before: before }).execute();
    const result = await trx.deleteFrom('audit_events').where('chain_key', '=', key).where('seq', '<', anchorSeq).executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    await appendAudit(trx, [
      {
        municipalityId,
        action: PURGE_ACTION,
        outcome: 'success',
        actorLogin: 'retention',
        actorRole: 'system',
        details: { deleted, before: before.toISOString(), anchorSeq, anchorHash: last.hash },
      },
    ]);
    return deleted;
  });
}
