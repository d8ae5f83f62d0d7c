import type { Db } from '../db/database.ts';
import { migrateToLatest } from '../db/database.ts';
import { Gateway } from '../access/gateway.ts';
import { verifyAudit } from '../access/audit.ts';
import { anchorPlaces, paperLines, verifyAgainstAnchor, writeAnchorFile } from '../audit/anchors.ts';
import type { SystemContext } from '../access/context.ts';
import { findPreset, listPresets, loadPreset } from '../municipalities/presets.ts';
import { ROLES, ROLE_LABELS, type Role } from '../shared/roles.ts';
import { isUuid } from '../shared/ids.ts';
import { AppError } from '../server/errors.ts';
import { createUser, resetPassword, unlockUser } from '../users/service.ts';
import { generateDemoData } from '../demo/generator.ts';
import { demoLoad, formatDemoLoad } from '../demo/load.ts';
import { loadConfig } from '../config.ts';

/**
 * Administrator commands (npm run kasane -- <command>). They take a
 * database handle, so the same code runs in the CLI process or, when a
 * server already holds the embedded database, inside that server.
 */
export interface CliInput {
  args: string[];
  /** Text read from standard input by the CLI process (for --password-stdin). */
  stdin?: string | undefined;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const USAGE = `kasane administration

Usage: npm run kasane -- <command> [options]

  preset list                          list municipality presets
  preset load <name>                   load a preset (e.g. 小金井市); loading twice changes nothing
  user create --login ID --name NAME --role ROLE --agency AGENCY
              [--municipality NAME] [--password-stdin]
                                       create a user (ROLE: ${ROLES.join(', ')})
                                       AGENCY is the agency's name or id
  user reset-password --login ID [--password-stdin]
                                       set a new password (generated if not given); the user must change it
  user unlock --login ID               unlock an account locked after failed logins
  demo generate [--population N] [--years Y] [--seed S] [--cases N] [--municipality NAME]
                                       add fictional, deterministic demo data (people, households,
                                       consultations, consents, referrals, 多機関協働 cases with plans
                                       and support records); default 5000 people, 5 years, one case per 10 people
  demo load [--population N]           try kasane in five minutes: the fictional デモ市 with 5000 people
                                       and one account per role (passwords printed); run again for new passwords
  migrate                              bring the database schema up to date
  audit verify [--anchor FILE]         check the audit log hash chain; exits 1 and names the first bad row;
                                       with --anchor, also that the chains still hold the signed heads of FILE
  audit anchor [--out FILE]            sign the head of every audit chain into a file outside the database
                                       (KASANE_AUDIT_ANCHOR_DIR) and print it to be filed on paper

Without --password-stdin a random password is generated and printed once.
`;

class CliError extends Error {}

interface Parsed {
  positional: string[];
  options: Map<string, string | true>;
}

function parseArgs(args: string[]): Parsed {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      if (inline !== undefined) options.set(key, inline);
      else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) options.set(key, args[++i]!);
      else options.set(key, true);
    } else positional.push(arg);
  }
  return { positional, options };
}

function required(p: Parsed, key: string): string {
  const v = p.options.get(key);
  if (typeof v !== 'string' || !v.trim()) throw new CliError(`--${key} is required`);
  return v.trim();
}

async function resolveMunicipality(db: Db, p: Parsed): Promise<{ id: string; name: string }> {
  const wanted = p.options.get('municipality');
  const all = await db.selectFrom('municipalities').select(['id', 'name', 'code']).orderBy('name').execute();
  if (typeof wanted === 'string') {
    const found = all.find((m) => m.name === wanted || m.code === wanted || m.id === wanted || m.name.replace(/[市町村区]$/, '') === wanted);
    if (!found) throw new CliError(`no municipality "${wanted}" (installed: ${all.map((m) => m.name).join(', ') || 'none'})`);
    return found;
  }
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new CliError('no municipality is installed yet: start the server once or run "preset load <name>"');
  throw new CliError(`several municipalities are installed (${all.map((m) => m.name).join(', ')}): add --municipality NAME`);
}

async function resolveUserByLogin(db: Db, login: string) {
  const user = await db.selectFrom('users').select(['id', 'municipality_id', 'login_id']).where('login_id', '=', login).executeTakeFirst();
  if (!user) throw new CliError(`no user with login id "${login}"`);
  return user;
}

function system(municipalityId: string): SystemContext {
  return { kind: 'system', label: 'cli', municipalityId, clientIp: null };
}

function passwordFromStdin(p: Parsed, input: CliInput): string | undefined {
  if (!p.options.has('password-stdin')) return undefined;
  const pw = (input.stdin ?? '').replace(/\r?\n$/, '');
  if (!pw) throw new CliError('--password-stdin was given but standard input was empty');
  return pw;
}

function describeAppError(error: AppError): string {
  const fields = Object.values(error.fields);
  return fields.length ? `${error.message}\n  - ${fields.join('\n  - ')}` : error.message;
}

export async function runCli(db: Db, input: CliInput): Promise<CliResult> {
  const out: string[] = [];
  const p = parseArgs(input.args);
  const [group, verb, arg] = p.positional;
  try {
    const gateway = new Gateway(db);
    switch (`${group ?? ''} ${verb ?? ''}`.trim()) {
      case 'preset list': {
        for (const preset of listPresets()) {
          out.push(`${preset.name}\t(${preset.key})\t${preset.prefecture}\tagencies: ${preset.agencies}\tmeeting bodies: ${preset.meetingBodies}`);
        }
        break;
      }
      case 'preset load': {
        if (!arg) throw new CliError('name the preset: preset load 小金井市');
        const preset = findPreset(arg);
        if (!preset) throw new CliError(`no preset "${arg}" (available: ${listPresets().map((x) => x.name).join(', ')})`);
        const r = await loadPreset(db, preset);
        const c = r.created;
        const total = c.departments + c.agencies + c.meetingBodies + c.placements;
        out.push(
          c.municipality || total
            ? `${r.name}: ${c.municipality ? 'municipality created, ' : ''}${c.agencies} agencies, ${c.meetingBodies} meeting bodies, ${c.placements} placements, ${c.departments} departments added`
            : `${r.name}: already loaded, nothing changed`,
        );
        break;
      }
      case 'user create': {
        const login = required(p, 'login');
        const name = required(p, 'name');
        const roleArg = required(p, 'role');
        const role = (ROLES as readonly string[]).includes(roleArg)
          ? (roleArg as Role)
          : (Object.entries(ROLE_LABELS).find(([, label]) => label === roleArg)?.[0] as Role | undefined);
        if (!role) throw new CliError(`unknown role "${roleArg}" (use one of: ${ROLES.join(', ')})`);
        const agencyArg = required(p, 'agency');
        const municipality = await resolveMunicipality(db, p);
        let q = db.selectFrom('agencies').select(['id', 'name']).where('municipality_id', '=', municipality.id);
        q = isUuid(agencyArg) ? q.where('id', '=', agencyArg) : q.where((eb) => eb.or([eb('name', '=', agencyArg), eb('preset_key', '=', agencyArg)]));
        const agencies = await q.execute();
        if (agencies.length !== 1) {
          const near = await db
            .selectFrom('agencies')
            .select('name')
            .where('municipality_id', '=', municipality.id)
            .where('name', 'like', `%${agencyArg.slice(0, 4)}%`)
            .limit(5)
            .execute();
          throw new CliError(
            `no agency "${agencyArg}" in ${municipality.name}${near.length ? ` (did you mean: ${near.map((n) => n.name).join(', ')})` : ''}`,
          );
        }
        const password = passwordFromStdin(p, input);
        const created = await gateway.run(system(municipality.id), 'users.write', (scope) =>
          createUser(scope, { loginId: login, name, role, agencyId: agencies[0]!.id, password }, { mustChange: !password }),
        );
        out.push(`created ${created.user.loginId} (${ROLE_LABELS[role]}, ${created.user.agencyName}, ${municipality.name})`);
        if (created.initialPassword) out.push(`initial password (shown once; to be changed at first login): ${created.initialPassword}`);
        break;
      }
      case 'user reset-password': {
        const user = await resolveUserByLogin(db, required(p, 'login'));
        const password = passwordFromStdin(p, input);
        const r = await gateway.run(system(user.municipality_id), 'users.write', (scope) => resetPassword(scope, user.id, password));
        out.push(`password of ${user.login_id} was reset; sessions ended; it must be changed at next login`);
        if (r.password) out.push(`new password (shown once): ${r.password}`);
        break;
      }
      case 'user unlock': {
        const user = await resolveUserByLogin(db, required(p, 'login'));
        await gateway.run(system(user.municipality_id), 'users.write', (scope) => unlockUser(scope, user.id));
        out.push(`${user.login_id} unlocked`);
        break;
      }
      case 'demo generate': {
        const municipality = await resolveMunicipality(db, p);
        const num = (key: string, fallback: number, max: number) => {
          const v = p.options.get(key);
          if (v === undefined) return fallback;
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--${key} must be a whole number from 1 to ${max}`);
          return n;
        };
        const population = num('population', 5000, 2_000_000);
        const casesOption = p.options.get('cases');
        const cases = casesOption === undefined ? undefined : casesOption === true ? Number.NaN : Number(casesOption);
        if (cases !== undefined && (!Number.isInteger(cases) || cases < 0 || cases > 200_000)) {
          throw new CliError('--cases must be a whole number from 0 to 200000');
        }
        const started = Date.now();
        let lastReport = 0;
        const r = await generateDemoData(db, {
          municipalityId: municipality.id,
          population,
          years: num('years', 5, 20),
          seed: num('seed', 1, 2 ** 31),
          ...(cases === undefined ? {} : { cases }),
          onProgress: (stage, done, total) => {
            if (Date.now() - lastReport < 1000 && done < total) return;
            lastReport = Date.now();
            const width = 30;
            const filled = Math.round((done / Math.max(total, 1)) * width);
            process.stderr.write(`\r${stage.padEnd(18)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}   `);
            if (done >= total) process.stderr.write('\n');
          },
        });
        out.push(
          `${municipality.name}: ${r.persons} people, ${r.households} households, ${r.consultations} consultations, ${r.consents} consents, ${r.referrals} referrals, ${r.users} staff accounts added in ${((Date.now() - started) / 1000).toFixed(1)} s (fictional data)`,
          `cases: ${r.cases.cases} cases with ${r.cases.supportRecords} support records, ${r.cases.plans} plans, ${r.cases.assessments} assessments, ${r.cases.infoRequests} information requests, ${r.cases.coordinators} coordinator accounts in ${(r.cases.ms / 1000).toFixed(1)} s`,
          ...(r.meetings
            ? [
                `meetings: ${r.meetings.meetings} (重層的支援会議 ${r.meetings.jusou}, 支援会議 ${r.meetings.shien}, 推進会議 ${r.meetings.suishin}) with ${r.meetings.agendaItems} agenda items, ${r.meetings.decisions} decisions, ${r.meetings.followUps} follow-up actions, ${r.meetings.attendees} attendees, ${r.meetings.acknowledgements} 守秘義務 acknowledgements`,
              ]
            : []),
        );
        break;
      }
      case 'demo load': {
        const v = p.options.get('population');
        const population = v === undefined ? undefined : v === true ? Number.NaN : Number(v);
        if (population !== undefined && (!Number.isInteger(population) || population < 1 || population > 200_000)) {
          throw new CliError('--population must be a whole number from 1 to 200000');
        }
        const r = await demoLoad(db, {
          ...(population === undefined ? {} : { population }),
          ...(process.stderr.isTTY
            ? {
                onProgress: (stage: string, done: number, total: number) => {
                  if (done >= total) process.stderr.write(`${stage}: ${total}\n`);
                },
              }
            : {}),
        });
        out.push(...formatDemoLoad(r, loadConfig().port));
        break;
      }
      case 'migrate': {
        const r = await migrateToLatest(db);
        out.push(r.applied.length ? `applied: ${r.applied.join(', ')}` : 'schema is up to date');
        break;
      }
      case 'audit verify': {
        const r = await verifyAudit(db);
        const names = new Map((await db.selectFrom('municipalities').select(['id', 'name']).execute()).map((m) => [m.id, m.name]));
        const label = (key: string) => (key === 'system' ? 'システム' : names.has(key) ? `${names.get(key)}（${key}）` : key);
        const err: string[] = [];
        if (r.ok) out.push(`監査ログは正常です：${r.chains}本のチェーン、${r.rows}件の記録を検証しました。`);
        else {
          err.push(`監査ログの検証で問題が見つかりました（${r.rows}件を確認）。`);
          for (const x of r.problems) err.push(`  チェーン ${label(x.chainKey)}：最初の問題は${x.seq}番：${x.problem}`);
        }
        const anchorFile = p.options.get('anchor');
        if (anchorFile === true) throw new CliError('--anchor にはアンカーファイルを指定してください（例：--anchor data/audit-anchors/audit-anchor-….json）');
        if (typeof anchorFile === 'string') {
          const a = await verifyAgainstAnchor(db, anchorFile, anchorPlaces());
          out.push(...a.lines);
          if (a.ok) out.push('アンカーとの照合：問題はありません。');
          else err.push('アンカーとの照合で問題が見つかりました。', ...a.problems.map((x) => `  ${x}`));
        }
        if (err.length) return { code: 1, stdout: out.length ? `${out.join('\n')}\n` : '', stderr: `${err.join('\n')}\n` };
        break;
      }
      case 'audit anchor': {
        const target = p.options.get('out');
        if (target === true) throw new CliError('--out には書き出すファイル名を指定してください');
        const { path, anchor } = await writeAnchorFile(db, anchorPlaces(), target);
        out.push(`監査ログのアンカーを書き出しました：${path}`, '紙に控える内容（署名鍵の指紋と、各チェーンの最後の番号・ハッシュ）：', ...paperLines(anchor));
        break;
      }
      case 'help':
      case '':
        return { code: group ? 0 : 2, stdout: USAGE, stderr: '' };
      default:
        return { code: 2, stdout: '', stderr: `unknown command "${p.positional.join(' ')}"\n\n${USAGE}` };
    }
    return { code: 0, stdout: out.length ? `${out.join('\n')}\n` : '', stderr: '' };
  } catch (error) {
    if (error instanceof CliError) return { code: 2, stdout: '', stderr: `error: ${error.message}\n` };
    if (error instanceof AppError) return { code: 1, stdout: '', stderr: `error: ${describeAppError(error)}\n` };
    throw error;
  }
}
