import QRCode from 'qrcode';
import type { Db } from '../db/database.ts';
import { appendAudit, writeAudit, type AuditEntry } from '../access/audit.ts';
import { AppError, invalid } from '../server/errors.ts';
import { readSettings } from '../municipalities/settings.ts';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, deleteUserSessions, setSessionStep, type AuthState, type AuthStep } from './sessions.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

/** Consecutive failures that lock an account until an administrator unlocks it. */
export const MAX_FAILED_LOGINS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const LOGIN_FAILED = () =>
  new AppError(401, 'login_failed', 'ログインIDまたはパスワードが正しくありません。');
const ACCOUNT_LOCKED = () =>
  new AppError(
    423,
    'account_locked',
    'ログインに続けて失敗したため、このアカウントはロックされています。管理者に解除を依頼してください。',
  );

interface ClientInfo {
  clientIp: string | null;
  userAgent: string | null;
}

/** The step that follows a verified password (or a verified TOTP code). */
function nextStep(
  user: { totp_enabled: boolean; must_change_password: boolean },
  mfaRequired: boolean,
  passed: AuthStep | 'password-verified',
): AuthStep {
  if (passed === 'password-verified' && user.totp_enabled) return 'totp';
  if ((passed === 'password-verified' || passed === 'totp') && mfaRequired && !user.totp_enabled) return 'enroll';
  if (passed !== 'password' && user.must_change_password) return 'password';
  return 'done';
}

/**
 * Count one failed attempt (wrong password or wrong code) and lock the
 * account at the limit, with the audit rows, in one transaction. The
 * counter is incremented in SQL, so parallel guesses cannot slip past it.
 */
async function recordFailedAttempt(
  db: Db,
  userId: string,
  failure: AuditEntry,
  lockout: (failures: number) => AuditEntry,
): Promise<{ failures: number; locks: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('users')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
      .where('id', '=', userId)
      .returning(['failed_attempts', 'locked_at'])
      .executeTakeFirstOrThrow();
    const failures = row.failed_attempts;
    const locks = failures >= MAX_FAILED_LOGINS && row.locked_at === null;
    if (locks) await trx.updateTable('users').set({ locked_at: new Date() }).where('id', '=', userId).execute();
    await appendAudit(trx, locks ? [failure, lockout(failures)] : [failure]);
    return { failures, locks: failures >= MAX_FAILED_LOGINS };
  });
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  step: AuthStep;
}

export async function login(db: Db, loginId: string, password: string, client: ClientInfo): Promise<LoginResult> {
  const user = await db
    .selectFrom('users as u')
    .innerJoin('municipalities as m', 'm.id', 'u.municipality_id')
    .select([
      'u.id',
      'u.municipality_id',
      'u.login_id',
      'u.agency_id',
      'u.role',
      'u.password_hash',
      'u.failed_attempts',
      'u.locked_at',
      'u.active',
      'u.totp_enabled',
      'u.must_change_password',
      'm.settings',
    ])
    .where('u.login_id', '=', loginId)
    .executeTakeFirst();

  const base = (outcome: AuditEntry['outcome'], reason: string | null): AuditEntry => ({
    municipalityId: user?.municipality_id ?? null,
    action: 'auth.login',
    outcome,
    actorUserId: user?.id ?? null,
    actorLogin: loginId.slice(0, 100),
    actorAgencyId: user?.agency_id ?? null,
    actorRole: user?.role ?? null,
    clientIp: client.clientIp,
    reason,
  });

  if (!user) {
    await verifyPassword(password, await dummyPasswordHash());
    await writeAudit(db, [base('failure', 'unknown login id')]);
    await sleep(200);
    throw LOGIN_FAILED();
  }
  if (user.locked_at) {
    await writeAudit(db, [base('failure', 'account locked')]);
    throw ACCOUNT_LOCKED();
  }
  const ok = (await verifyPassword(password, user.password_hash)) && user.active;
  if (!ok) {
    const { failures, locks } = await recordFailedAttempt(db, user.id, base('failure', user.active ? 'wrong password' : 'account disabled'), (n) => ({
      ...base('success', `${n} consecutive failures`),
      action: 'auth.lockout',
    }));
    // Slow down guessing: each consecutive failure waits a little longer.
    await sleep(Math.min(250 * failures, 2000));
    if (locks) throw ACCOUNT_LOCKED();
    throw LOGIN_FAILED();
  }

  const settings = readSettings(user.settings);
  const step = nextStep(user, settings.mfaRequired, 'password-verified');
  const session = await createSession(db, {
    userId: user.id,
    municipalityId: user.municipality_id,
    step,
    clientIp: client.clientIp,
    userAgent: client.userAgent,
  });
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_attempts: 0, ...(step === 'done' ? { last_login_at: new Date() } : {}) })
      .where('id', '=', user.id)
      .execute();
    await appendAudit(trx, [{ ...base('success', step === 'done' ? null : `next step: ${step}`) }]);
  });
  return { ...session, step };
}

async function loadUserForStep(db: Db, auth: AuthState) {
  return db
    .selectFrom('users')
    .select(['id', 'totp_secret', 'totp_enabled', 'totp_last_step', 'must_change_password', 'failed_attempts', 'login_id'])
    .where('municipality_id', '=', auth.municipality.id)
    .where('id', '=', auth.user.id)
    .executeTakeFirstOrThrow();
}

function stepEntry(auth: AuthState, action: string, outcome: AuditEntry['outcome'], reason: string | null = null): AuditEntry {
  return {
    municipalityId: auth.municipality.id,
    action,
    outcome,
    actorUserId: auth.user.id,
    actorLogin: auth.user.loginId,
    actorAgencyId: auth.user.agencyId,
    actorRole: auth.user.role,
    clientIp: auth.ctx.clientIp,
    reason,
  };
}

/** Second step of the login: the TOTP code. Wrong codes count toward the lockout. */
export async function verifySecondFactor(db: Db, auth: AuthState, code: string): Promise<AuthStep> {
  if (auth.step !== 'totp') throw new AppError(409, 'wrong_step', '確認コードの入力は不要です。');
  const user = await loadUserForStep(db, auth);
  const refuse = async (): Promise<never> => {
    const { locks } = await recordFailedAttempt(db, user.id, stepEntry(auth, 'auth.totp', 'failure', 'wrong code'), (n) =>
      stepEntry(auth, 'auth.lockout', 'success', `${n} consecutive failures`),
    );
    if (locks) {
      await deleteUserSessions(db, user.id);
      throw ACCOUNT_LOCKED();
    }
    throw invalid({ code: '確認コードが正しくありません。アプリに表示されている6桁の数字を入力してください。' });
  };
  const step = user.totp_secret ? verifyTotp(user.totp_secret, code) : null;
  if (step === null || (user.totp_last_step !== null && step <= user.totp_last_step)) return refuse();
  const next = nextStep(user, auth.municipality.settings.mfaRequired, 'totp');
  const accepted = await db.transaction().execute(async (trx) => {
    // Spend the step only if no concurrent request spent it (or a later one) since we read the user:
    // the same code submitted twice at once is accepted once.
    const updated = await trx
      .updateTable('users')
      .set({ failed_attempts: 0, totp_last_step: step, ...(next === 'done' ? { last_login_at: new Date() } : {}) })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await appendAudit(trx, [stepEntry(auth, 'auth.totp', 'success')]);
    return true;
  });
  if (!accepted) return refuse();
  await setSessionStep(db, auth.sessionId, next);
  return next;
}

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/** Start TOTP enrolment: a new secret, shown once as text and QR code, active after a correct code. */
export async function startTotpSetup(db: Db, auth: AuthState): Promise<TotpSetup> {
  if (auth.step !== 'done' && auth.step !== 'enroll') throw new AppError(409, 'wrong_step', 'ログインを完了してください。');
  const user = await loadUserForStep(db, auth);
  if (user.totp_enabled) {
    throw new AppError(409, 'totp_already_enabled', '二要素認証はすでに有効です。再設定は管理者に依頼してください。');
  }
  const secret = newTotpSecret();
  await db.updateTable('users').set({ totp_secret: secret }).where('id', '=', user.id).execute();
  const uri = otpauthUri(secret, auth.user.loginId, `kasane ${auth.municipality.name}`);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 200 });
  return { secret, otpauthUri: uri, qrSvg };
}

export async function enableTotp(db: Db, auth: AuthState, code: string): Promise<AuthStep> {
  const user = await loadUserForStep(db, auth);
  if (user.totp_enabled) throw new AppError(409, 'totp_already_enabled', '二要素認証はすでに有効です。');
  const step = user.totp_secret ? verifyTotp(user.totp_secret, code) : null;
  if (step === null) {
    throw invalid({ code: '確認コードが正しくありません。アプリに表示されている6桁の数字を入力してください。' });
  }
  const next = auth.step === 'enroll' ? nextStep(user, true, 'enroll') : auth.step;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_enabled: true, totp_last_step: step, updated_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    await appendAudit(trx, [stepEntry(auth, 'auth.totp_enabled', 'success')]);
  });
  if (next !== auth.step) await setSessionStep(db, auth.sessionId, next);
  return next;
}

/** Change one's own password (required after an administrator set or reset it). */
export async function changePassword(db: Db, auth: AuthState, current: string, next: string): Promise<AuthStep> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'login_id'])
    .where('municipality_id', '=', auth.municipality.id)
    .where('id', '=', auth.user.id)
    .executeTakeFirstOrThrow();
  const fields: Record<string, string> = {};
  if (!(await verifyPassword(current, user.password_hash))) fields.currentPassword = '現在のパスワードが正しくありません';
  const problem = passwordProblem(next, user.login_id);
  if (problem) fields.newPassword = `新しいパスワード：${problem}`;
  else if (current === next) fields.newPassword = '新しいパスワードは現在のものと別にしてください';
  if (Object.keys(fields).length) throw invalid(fields);
  const hash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: false, updated_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    await appendAudit(trx, [stepEntry(auth, 'auth.password_changed', 'success')]);
  });
  // Other sessions of this user end: a changed password must lock out whoever knew the old one.
  await deleteUserSessions(db, user.id, auth.sessionId);
  const step: AuthStep = auth.step === 'password' ? 'done' : auth.step;
  if (step !== auth.step) await setSessionStep(db, auth.sessionId, step);
  return step;
}
