import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { hashPassword, passwordProblem, randomPassword } from '../auth/password.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { escapeLike } from '../shared/normalize.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { ROLE_LABELS, type Role } from '../shared/roles.ts';
import type { UserCreate, UserPatch, UserView } from './schema.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function baseQuery(scope: Scope) {
  return scope.trx
    .selectFrom('users as u')
    .innerJoin('agencies as a', (j) =>
      j.onRef('a.id', '=', 'u.agency_id').onRef('a.municipality_id', '=', 'u.municipality_id'),
    )
    .select([
      'u.id',
      'u.login_id',
      'u.name',
      'u.role',
      'u.agency_id',
      'a.name as agency_name',
      'u.active',
      'u.locked_at',
      'u.failed_attempts',
      'u.totp_enabled',
      'u.must_change_password',
      'u.last_login_at',
      'u.version',
      'u.created_at',
    ])
    .where('u.municipality_id', '=', scope.municipalityId);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(r: Row): UserView {
  const role = r.role as Role;
  return {
    id: r.id,
    loginId: r.login_id,
    name: r.name,
    role,
    roleLabel: ROLE_LABELS[role],
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    active: r.active,
    locked: r.locked_at !== null,
    lockedAt: iso(r.locked_at),
    failedAttempts: r.failed_attempts,
    totpEnabled: r.totp_enabled,
    mustChangePassword: r.must_change_password,
    lastLoginAt: iso(r.last_login_at),
    version: r.version,
    createdAt: iso(r.created_at)!,
  };
}

export async function listUsers(
  scope: Scope,
  query: { q?: string | undefined; role?: string | undefined; agencyId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<UserView>> {
  let q = baseQuery(scope);
  if (query.q) {
    const like = `%${escapeLike(query.q)}%`;
    q = q.where((eb) => eb.or([eb('u.name', 'like', like), eb('u.login_id', 'ilike', like)]));
  }
  if (query.role) q = q.where('u.role', '=', query.role);
  if (query.agencyId) q = q.where('u.agency_id', '=', query.agencyId);
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after) q = q.where(sql<boolean>`(u.login_id, u.id) > (${after[0]}, ${after[1]}::uuid)`);
  const rows = await q.orderBy('u.login_id').orderBy('u.id').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  scope.audit('user.list', { targetType: 'user', details: { count: items.length } });
  return {
    items: items.map(toView),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.login_id, last.id]) : null,
  };
}

export async function getUser(scope: Scope, id: string): Promise<UserView> {
  const row = await baseQuery(scope).where('u.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('利用者');
  scope.audit('user.read', { targetType: 'user', targetId: id });
  return toView(row);
}

async function assertAgency(scope: Scope, agencyId: string) {
  const agency = await scope.trx
    .selectFrom('agencies')
    .select(['id', 'active'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', agencyId)
    .executeTakeFirst();
  if (!agency) throw invalid({ agencyId: '所属機関：この自治体の機関・窓口から選んでください' });
  if (!agency.active) throw invalid({ agencyId: '所属機関：利用を停止した機関・窓口は選べません' });
}

export interface CreatedUser {
  user: UserView;
  /** Present when the password was generated: shown once to the administrator. */
  initialPassword?: string;
}

export async function createUser(scope: Scope, input: UserCreate, options: { mustChange?: boolean } = {}): Promise<CreatedUser> {
  const fields: Record<string, string> = {};
  const generated = input.password ? undefined : randomPassword();
  const password = input.password ?? generated!;
  const problem = passwordProblem(password, input.loginId);
  if (problem) fields.password = `初期パスワード：${problem}`;
  const taken = await scope.trx.selectFrom('users').select('id').where('login_id', '=', input.loginId).executeTakeFirst();
  if (taken) fields.loginId = 'ログインID：このログインIDはすでに使われています';
  if (Object.keys(fields).length) throw invalid(fields);
  await assertAgency(scope, input.agencyId);
  const id = newId();
  await scope.trx
    .insertInto('users')
    .values({
      municipality_id: scope.municipalityId,
      id,
      login_id: input.loginId,
      name: input.name,
      role: input.role,
      agency_id: input.agencyId,
      password_hash: await hashPassword(password),
      must_change_password: options.mustChange ?? true,
      locked_at: null,
      totp_secret: null,
      totp_last_step: null,
      last_login_at: null,
      updated_at: new Date(),
    })
    .execute();
  scope.audit('user.create', { targetType: 'user', targetId: id, details: { loginId: input.loginId, role: input.role } });
  const user = toView(await baseQuery(scope).where('u.id', '=', id).executeTakeFirstOrThrow());
  return generated ? { user, initialPassword: generated } : { user };
}

async function lockRow(scope: Scope, id: string) {
  const row = await scope.trx
    .selectFrom('users')
    .select(['id', 'version', 'role', 'active', 'login_id'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('利用者');
  return row;
}

export async function updateUser(scope: Scope, id: string, patch: UserPatch): Promise<UserView> {
  const current = await lockRow(scope, id);
  if (current.version !== patch.version) {
    throw conflict('ほかの方がこの利用者を先に更新しました。最新の内容を確認してから、もう一度保存してください。', {
      current: toView(await baseQuery(scope).where('u.id', '=', id).executeTakeFirstOrThrow()),
    });
  }
  const self = scope.ctx.kind === 'user' && scope.ctx.userId === id;
  if (self && ((patch.role && patch.role !== current.role) || patch.active === false)) {
    throw new AppError(422, 'validation_failed', '自分自身の役割の変更や利用停止はできません。', {
      [patch.active === false ? 'active' : 'role']: '自分自身のアカウントは変更できません',
    });
  }
  if (patch.agencyId) await assertAgency(scope, patch.agencyId);
  const changes = Object.fromEntries(
    Object.entries({ name: patch.name, role: patch.role, agency_id: patch.agencyId, active: patch.active }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  await scope.trx
    .updateTable('users')
    .set({ ...changes, version: current.version + 1, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  if (patch.active === false || (patch.role && patch.role !== current.role) || patch.agencyId) {
    // Rights changed: end the user's sessions so the new rights apply at once.
    await scope.trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  }
  scope.audit('user.update', { targetType: 'user', targetId: id, details: { changed: Object.keys(changes) } });
  return toView(await baseQuery(scope).where('u.id', '=', id).executeTakeFirstOrThrow());
}

export async function unlockUser(scope: Scope, id: string): Promise<UserView> {
  const current = await lockRow(scope, id);
  await scope.trx
    .updateTable('users')
    .set({ locked_at: null, failed_attempts: 0, version: current.version + 1, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  scope.audit('user.unlock', { targetType: 'user', targetId: id });
  return toView(await baseQuery(scope).where('u.id', '=', id).executeTakeFirstOrThrow());
}

export async function resetPassword(scope: Scope, id: string, password?: string): Promise<{ user: UserView; password?: string }> {
  const current = await lockRow(scope, id);
  const generated = password ? undefined : randomPassword();
  const next = password ?? generated!;
  const problem = passwordProblem(next, current.login_id);
  if (problem) throw invalid({ password: `新しいパスワード：${problem}` });
  await scope.trx
    .updateTable('users')
    .set({
      password_hash: await hashPassword(next),
      must_change_password: true,
      locked_at: null,
      failed_attempts: 0,
      version: current.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  await scope.trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  scope.audit('user.reset_password', { targetType: 'user', targetId: id });
  const user = toView(await baseQuery(scope).where('u.id', '=', id).executeTakeFirstOrThrow());
  return generated ? { user, password: generated } : { user };
}

export async function resetTotp(scope: Scope, id: string): Promise<UserView> {
  const current = await lockRow(scope, id);
  await scope.trx
    .updateTable('users')
    .set({ totp_enabled: false, totp_secret: null, totp_last_step: null, version: current.version + 1, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  await scope.trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  scope.audit('user.reset_totp', { targetType: 'user', targetId: id });
  return toView(await baseQuery(scope).where('u.id', '=', id).executeTakeFirstOrThrow());
}
