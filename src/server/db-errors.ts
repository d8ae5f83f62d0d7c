import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from './errors.ts';

/**
 * Errors of the database that are not bugs of the request, answered in the
 * API's one shape instead of a 500:
 *  - the database cannot be reached (down, restarting, connection lost):
 *    503 `database_unavailable`, the client may try again shortly;
 *  - a write lost a race to another one (a unique key taken meanwhile,
 *    a serialization failure, a deadlock): 409 `conflict`; nothing of the
 *    request was saved (its transaction rolled back).
 */

export const DATABASE_UNAVAILABLE_MESSAGE = 'データベースに接続できません。しばらく待ってからもう一度お試しください。';

export const CONCURRENT_WRITE_MESSAGE =
  'ほかの操作と同時に保存しようとしたため、保存できませんでした。画面を再読み込みして最新の内容を確認してから、もう一度お試しください。';

/** SQLSTATE of a lost race: unique_violation, serialization_failure, deadlock_detected. */
const CONFLICT_STATES = new Set(['23505', '40001', '40P01']);

/**
 * SQLSTATE classes and codes meaning the server is not there (now):
 * 08 connection exception, 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or shutting down), 53300 too_many_connections.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Errors of the socket below the driver. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Messages of node-postgres (pg, pg-pool) when a connection is lost or cannot be had. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /connection ended/i,
  /client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client was closed and is not queryable/i,
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the error says the database cannot be reached (rather than that the query was wrong). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  // An AggregateError (several addresses refused) carries the socket errors inside.
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0 && nested.every(isDatabaseUnavailable)) return true;
  const code = codeOf(error);
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message));
}

export const databaseUnavailable = () => new AppError(503, 'database_unavailable', DATABASE_UNAVAILABLE_MESSAGE);

/** The answer to a database error that is not a bug of the request (503 or 409), or null. */
export function databaseErrorAnswer(error: unknown): AppError | null {
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  const code = codeOf(error);
  if (code && CONFLICT_STATES.has(code)) return new AppError(409, 'conflict', CONCURRENT_WRITE_MESSAGE);
  return null;
}

const HEALTH_TIMEOUT_MS = 3000;

/** Whether the database answers a trivial query within a few seconds (for /api/health). */
export async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS);
  });
  const probe = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
