import { sql } from 'kysely';
import { appendAudit } from '../access/audit.ts';
import { hashPassword, passwordProblem, randomPassword } from '../auth/password.ts';
import type { Db } from '../db/database.ts';
import { findPreset, loadPresetIn } from '../municipalities/presets.ts';
import { newId } from '../shared/ids.ts';

export interface BootstrapResult {
  /** True on the very first start of an installation. */
  installed: boolean;
  municipalityName: string | null;
  /** The generated administrator password (printed once), when none was given. */
  generatedPassword?: string;
}

/**
 * First start: create the municipality of the chosen preset and an
 * administrator "admin" in its secretariat (事務局). There is no default
 * password: KASANE_ADMIN_PASSWORD or a random one printed once.
 */
export async function bootstrap(db: Db, options: { preset: string; adminPassword?: string | undefined }): Promise<BootstrapResult> {
  const preset = findPreset(options.preset);
  if (!preset) throw new Error(`Unknown preset "${options.preset}". Run: npm run kasane -- preset list`);
  if (options.adminPassword) {
    const problem = passwordProblem(options.adminPassword, 'admin');
    if (problem) throw new Error(`KASANE_ADMIN_PASSWORD is not acceptable: ${problem}`);
  }
  return db.transaction().execute(async (trx) => {
    // Serialise concurrent first starts of several processes on one PostgreSQL.
    await sql`select pg_advisory_xact_lock(7301001)`.execute(trx);
    const anyUser = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (anyUser) return { installed: false, municipalityName: null };
    const loaded = await loadPresetIn(trx, preset);
    const agency =
      (await trx
        .selectFrom('agencies')
        .select('id')
        .where('municipality_id', '=', loaded.municipalityId)
        .where('is_secretariat', '=', true)
        .orderBy('kana')
        .limit(1)
        .executeTakeFirst()) ??
      (await trx
        .selectFrom('agencies')
        .select('id')
        .where('municipality_id', '=', loaded.municipalityId)
        .orderBy('kana')
        .limit(1)
        .executeTakeFirstOrThrow());
    const generated = options.adminPassword ? undefined : randomPassword();
    const id = newId();
    await trx
      .insertInto('users')
      .values({
        municipality_id: loaded.municipalityId,
        id,
        login_id: 'admin',
        name: 'システム管理者',
        role: 'admin',
        agency_id: agency.id,
        password_hash: await hashPassword(options.adminPassword ?? generated!),
        must_change_password: false,
        locked_at: null,
        totp_secret: null,
        totp_last_step: null,
        last_login_at: null,
        updated_at: new Date(),
      })
      .execute();
    await appendAudit(trx, [
      {
        municipalityId: loaded.municipalityId,
        action: 'user.create',
        outcome: 'success',
        actorLogin: 'system',
        actorRole: 'system',
        targetType: 'user',
        targetId: id,
        reason: 'first start',
        details: { loginId: 'admin', role: 'admin' },
      },
    ]);
    return { installed: true, municipalityName: loaded.name, ...(generated ? { generatedPassword: generated } : {}) };
  });
}
