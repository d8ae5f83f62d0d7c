import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { UserContext } from '../access/context.ts';
import { readSettings, type Settings } from '../municipalities/settings.ts';
import type { Role } from '../shared/roles.ts';

/**
 * Server-side sessions in the database, so any server process can answer
 * any request. The cookie holds a random token; the table holds only its
 * SHA-256, so a leaked database does not leak live sessions.
 */
export const SESSION_COOKIE = 'kasane_session';
/** Absolute lifetime of a session whatever the activity. */
const MAX_SESSION_HOURS = 12;
/** last_seen_at is refreshed at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 30_000;

/** What remains to do before the session is fully signed in. */
export type AuthStep = 'done' | 'totp' | 'enroll' | 'password';

export interface AuthState {
  sessionId: string;
  csrfToken: string;
  step: AuthStep;
  user: {
    id: string;
    loginId: string;
    name: string;
    role: Role;
    agencyId: string;
    agencyName: string;
    totpEnabled: boolean;
  };
  municipality: { id: string; name: string; settings: Settings };
  ctx: UserContext;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function createSession(
  db: Db,
  input: { userId: string; municipalityId: string; step: AuthStep; clientIp: string | null; userAgent: string | null },
): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const now = new Date();
  await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      municipality_id: input.municipalityId,
      user_id: input.userId,
      csrf_token: csrfToken,
      mfa_state: input.step,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + MAX_SESSION_HOURS * 3600_000),
      client_ip: input.clientIp,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, csrfToken };
}

export type SessionLookup = { state: AuthState } | { expired: true } | null;

/** Resolve a cookie token to its session, user and municipality in one query. */
export async function lookupSession(db: Db, token: string, clientIp: string | null): Promise<SessionLookup> {
  const id = hashToken(token);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 's.user_id').onRef('u.municipality_id', '=', 's.municipality_id'))
    .innerJoin('agencies as a', (j) =>
      j.onRef('a.id', '=', 'u.agency_id').onRef('a.municipality_id', '=', 'u.municipality_id'),
    )
    .innerJoin('municipalities as m', 'm.id', 's.municipality_id')
    .select([
      's.id as session_id',
      's.csrf_token',
      's.mfa_state',
      's.last_seen_at',
      's.expires_at',
      'u.id as user_id',
      'u.login_id',
      'u.name as user_name',
      'u.role',
      'u.agency_id',
      'u.active',
      'u.locked_at',
      'u.totp_enabled',
      'a.name as agency_name',
      'm.id as municipality_id',
      'm.name as municipality_name',
      'm.settings',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const settings = readSettings(row.settings);
  const now = Date.now();
  const idleLimit = new Date(row.last_seen_at).getTime() + settings.sessionIdleMinutes * 60_000;
  if (now > idleLimit || now > new Date(row.expires_at).getTime() || !row.active || row.locked_at) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return { expired: true };
  }
  if (now - new Date(row.last_seen_at).getTime() > TOUCH_INTERVAL_MS) {
    await db.updateTable('sessions').set({ last_seen_at: new Date(now) }).where('id', '=', id).execute();
  }
  const role = row.role as Role;
  return {
    state: {
      sessionId: id,
      csrfToken: row.csrf_token,
      step: row.mfa_state as AuthStep,
      user: {
        id: row.user_id,
        loginId: row.login_id,
        name: row.user_name,
        role,
        agencyId: row.agency_id,
        agencyName: row.agency_name,
        totpEnabled: row.totp_enabled,
      },
      municipality: { id: row.municipality_id, name: row.municipality_name, settings },
      ctx: {
        kind: 'user',
        userId: row.user_id,
        loginId: row.login_id,
        name: row.user_name,
        role,
        roles: [role],
        agencyId: row.agency_id,
        municipalityId: row.municipality_id,
        sessionId: id,
        clientIp,
      },
    },
  };
}

export async function setSessionStep(db: Db, sessionId: string, step: AuthStep): Promise<void> {
  await db.updateTable('sessions').set({ mfa_state: step }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}

export async function purgeExpiredSessions(db: Db): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<', new Date()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
