import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { Gateway, type Scope } from '../access/gateway.ts';
import type { SystemContext, UserContext } from '../access/context.ts';
import { findPreset, loadPreset } from '../municipalities/presets.ts';
import { createMeeting, addAttendee, addAgendaItem } from '../meetings/service.ts';
import { AppError } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { ROLE_LABELS, type Role } from '../shared/roles.ts';
import { createUser, resetPassword } from '../users/service.ts';
import { generateDemoData, type GenerateResult } from './generator.ts';

/**
 * Demo mode (npm run kasane -- demo load): the fictional デモ市 with a
 * small generated population and one named account per role, attached to
 * some of the generated cases and meetings so that every screen shows
 * something. Running it again generates nothing more and issues fresh
 * passwords for the same accounts.
 */
export const DEMO_PRESET = 'demo';

export interface DemoLoadOptions {
  /** People to generate on the first run (default 5,000; tests use fewer). */
  population?: number;
  years?: number;
  seed?: number;
  now?: Date;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface DemoAccount {
  loginId: string;
  name: string;
  role: Role;
  roleLabel: string;
  agencyName: string;
  password: string;
  /** Whether the account was made by this run (false: its password was reset). */
  created: boolean;
}

export interface DemoLoadResult {
  municipalityId: string;
  municipalityName: string;
  presetLoaded: boolean;
  /** Other municipalities installed on the same database (multi-tenant). */
  others: string[];
  /** Null when the municipality already had people (nothing generated). */
  generated: GenerateResult | null;
  persons: number;
  generateMs: number;
  accounts: DemoAccount[];
  namedOnCases: number;
  meetings: number;
}

interface AccountSpec {
  loginId: string;
  name: string;
  role: Role;
  /** Preset key of the agency; `agency` picks it when the key is not found. */
  presetKey: string;
}

/** The demo accounts, one per role, in the order a newcomer meets them. */
export const DEMO_ACCOUNTS: readonly AccountSpec[] = [
  { loginId: 'demo-madoguchi', name: 'デモ 窓口職員', role: 'intake_clerk', presetKey: 'fukushi-sogo-soudan' },
  { loginId: 'demo-suishin', name: 'デモ 推進員', role: 'promoter', presetKey: 'shakyo' },
  { loginId: 'demo-coord', name: 'デモ コーディネーター', role: 'coordinator', presetKey: 'shakyo' },
  { loginId: 'demo-jimukyoku', name: 'デモ 事務局', role: 'secretariat', presetKey: 'chiiki-fukushi-ka' },
  { loginId: 'demo-houkatsu', name: 'デモ 包括職員', role: 'agency_staff', presetKey: 'houkatsu-kita' },
  { loginId: 'demo-kanri', name: 'デモ 管理者', role: 'admin', presetKey: 'chiiki-fukushi-ka' },
  { loginId: 'demo-kansa', name: 'デモ 監査担当', role: 'auditor', presetKey: 'chiiki-fukushi-ka' },
];

const system = (municipalityId: string): SystemContext => ({ kind: 'system', label: 'cli', municipalityId, clientIp: null });

export async function demoLoad(db: Db, options: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const preset = findPreset(DEMO_PRESET);
  if (!preset) throw new Error('the demo preset (presets/demo.json) is missing');
  const loaded = await loadPreset(db, preset);
  const mid = loaded.municipalityId;
  const others = (await db.selectFrom('municipalities').select('name').where('id', '!=', mid).orderBy('name').execute()).map((m) => m.name);

  const countPersons = async () =>
    Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll<string>().as('n')).where('municipality_id', '=', mid).executeTakeFirstOrThrow()).n);
  let generated: GenerateResult | null = null;
  const started = Date.now();
  if ((await countPersons()) === 0) {
    generated = await generateDemoData(db, {
      municipalityId: mid,
      population: options.population ?? 5000,
      years: options.years ?? 5,
      seed: options.seed ?? 1,
      ...(options.now ? { now: options.now } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
  const generateMs = Date.now() - started;

  const gateway = new Gateway(db);
  const accounts = await gateway.run(system(mid), 'users.write', (scope) => upsertAccounts(scope));
  const ids = new Map(
    (await db.selectFrom('users').select(['id', 'login_id', 'agency_id']).where('municipality_id', '=', mid).where('login_id', 'in', DEMO_ACCOUNTS.map((a) => a.loginId)).execute()).map((u) => [
      u.login_id,
      { id: u.id, agencyId: u.agency_id },
    ]),
  );
  const namedOnCases = await gateway.run(system(mid), 'users.write', (scope) => nameOnCases(scope, ids));
  const meetings = await setUpMeetings(db, mid, ids);

  return {
    municipalityId: mid,
    municipalityName: loaded.name,
    presetLoaded: loaded.created.municipality,
    others,
    generated,
    persons: await countPersons(),
    generateMs,
    accounts,
    namedOnCases,
    meetings,
  };
}

/** The agency of an account: its preset agency, else the first active agency of the same kind. */
async function agencyFor(scope: Scope, spec: AccountSpec): Promise<{ id: string; name: string }> {
  const base = scope.trx.selectFrom('agencies').select(['id', 'name']).where('municipality_id', '=', scope.municipalityId).where('active', '=', true);
  const byKey = await base.where('preset_key', '=', spec.presetKey).executeTakeFirst();
  if (byKey) return byKey;
  let fallback = base;
  if (spec.role === 'coordinator') fallback = fallback.where(sql<boolean>`'多機関協働' = any(roles)`);
  else if (spec.role === 'secretariat' || spec.role === 'admin' || spec.role === 'auditor') fallback = fallback.where('is_secretariat', '=', true);
  else if (spec.role === 'intake_clerk') fallback = fallback.where('is_window', '=', true);
  const found = (await fallback.orderBy('kana').limit(1).executeTakeFirst()) ?? (await base.orderBy('kana').limit(1).executeTakeFirst());
  if (!found) throw new Error('the demo municipality has no active agency');
  return found;
}

/**
 * Create each demo account, or give an existing one a fresh password.
 * Demo accounts log straight in: no password change is asked for.
 */
async function upsertAccounts(scope: Scope): Promise<DemoAccount[]> {
  const out: DemoAccount[] = [];
  for (const spec of DEMO_ACCOUNTS) {
    const existing = await scope.trx.selectFrom('users').select(['id', 'municipality_id', 'agency_id']).where('login_id', '=', spec.loginId).executeTakeFirst();
    if (existing && existing.municipality_id !== scope.municipalityId) {
      throw new AppError(409, 'conflict', `ログインID ${spec.loginId} はほかの自治体で使われているため、デモ用アカウントを作れません。`);
    }
    let password: string;
    let agencyName: string;
    if (existing) {
      const r = await resetPassword(scope, existing.id);
      password = r.password!;
      agencyName = r.user.agencyName;
      await scope.trx
        .updateTable('users')
        .set({ must_change_password: false, active: true, role: spec.role, version: sql`version + 1`, updated_at: new Date() })
        .where('municipality_id', '=', scope.municipalityId)
        .where('id', '=', existing.id)
        .execute();
    } else {
      const agency = await agencyFor(scope, spec);
      const created = await createUser(scope, { loginId: spec.loginId, name: spec.name, role: spec.role, agencyId: agency.id }, { mustChange: false });
      password = created.initialPassword!;
      agencyName = created.user.agencyName;
    }
    out.push({ loginId: spec.loginId, name: spec.name, role: spec.role, roleLabel: ROLE_LABELS[spec.role], agencyName, password, created: !existing });
  }
  return out;
}

type DemoIds = Map<string, { id: string; agencyId: string }>;

/**
 * Name demo-coord and demo-houkatsu as staff on some open cases their
 * agency is already on (so consent already covers the agency), the way
 * the case team screen does it: a staff row beside the agency's row.
 * Returns the number of case-team rows naming them.
 */
async function nameOnCases(scope: Scope, ids: DemoIds): Promise<number> {
  let named = 0;
  const demoStaff: string[] = [];
  for (const [loginId, limit] of [
    ['demo-coord', 8],
    ['demo-houkatsu', 5],
  ] as const) {
    const user = ids.get(loginId);
    if (!user) continue;
    demoStaff.push(user.id);
    const already = await scope.trx
      .selectFrom('case_members')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('municipality_id', '=', scope.municipalityId)
      .where('user_id', '=', user.id)
      .where('removed_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(already.n) > 0) continue;
    const rows = await scope.trx
      .selectFrom('case_members as m')
      .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'm.municipality_id').onRef('k.id', '=', 'm.case_id'))
      .select(['k.id', 'm.role'])
      .where('m.municipality_id', '=', scope.municipalityId)
      .where('m.agency_id', '=', user.agencyId)
      .where('m.user_id', 'is', null)
      .where('m.removed_at', 'is', null)
      .where('k.status', 'not in', ['closed', 'suspended'])
      .orderBy('k.opened_on', 'desc')
      .orderBy('k.id')
      .limit(limit)
      .execute();
    for (const row of rows) {
      await scope.trx
        .insertInto('case_members')
        .values({
          municipality_id: scope.municipalityId,
          id: newId(),
          case_id: row.id,
          agency_id: user.agencyId,
          user_id: user.id,
          role: row.role,
          involvement: loginId === 'demo-coord' ? null : '担当（デモ）',
          added_by_user_id: null,
          removed_at: null,
          removed_by_user_id: null,
          removed_reason: null,
        })
        .execute();
      scope.audit('case.team.add', { targetType: 'case', targetId: row.id, reason: 'demo load', details: { agencyId: user.agencyId, userId: user.id } });
      named += 1;
    }
  }
  if (!demoStaff.length) return named;
  const total = await scope.trx
    .selectFrom('case_members')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('user_id', 'in', demoStaff)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(total.n);
}

async function userContext(db: Db, municipalityId: string, userId: string): Promise<UserContext> {
  const u = await db.selectFrom('users').select(['id', 'login_id', 'name', 'role', 'agency_id']).where('municipality_id', '=', municipalityId).where('id', '=', userId).executeTakeFirstOrThrow();
  const role = u.role as Role;
  return { kind: 'user', userId: u.id, loginId: u.login_id, name: u.name, role, roles: [role], agencyId: u.agency_id, municipalityId, sessionId: null, clientIp: null };
}

/** Tokyo wall-clock time `days` from now at `hour`:00, as an ISO string with offset. */
function upcoming(days: number, hour: number): string {
  const jst = new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000);
  return `${jst.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+09:00`;
}

/**
 * Meetings for the demo accounts, convened by demo-jimukyoku through the
 * meetings service (its rules and audit apply): a 重層的支援会議 with the
 * coordinator and the 包括 staff (a case of the coordinator on the agenda
 * when consent allows), a 支援会議 and a 推進会議. Made once; a second run
 * finds them. Returns how many meetings the 事務局 account attends.
 */
async function setUpMeetings(db: Db, mid: string, ids: DemoIds): Promise<number> {
  const jimukyoku = ids.get('demo-jimukyoku');
  if (!jimukyoku) return 0;
  const count = async () =>
    Number(
      (
        await db
          .selectFrom('meeting_attendees')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('municipality_id', '=', mid)
          .where('user_id', '=', jimukyoku.id)
          .where('removed_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
  if ((await count()) > 0) return count();

  const gateway = new Gateway(db);
  const ctx = await userContext(db, mid, jimukyoku.id);
  const bodies = await db.selectFrom('meeting_bodies').select(['id', 'kind', 'name']).where('municipality_id', '=', mid).orderBy('name').execute();
  const plan: { kind: string; days: number; hour: number; members: string[]; topic: string }[] = [
    { kind: 'jusou', days: 7, hour: 14, members: ['demo-coord', 'demo-houkatsu', 'demo-madoguchi'], topic: '地域の社会資源の状況について' },
    { kind: 'shien', days: 10, hour: 10, members: ['demo-coord', 'demo-houkatsu'], topic: '支援につながっていない世帯の情報共有' },
    { kind: 'suishin', days: 21, hour: 15, members: ['demo-suishin', 'demo-coord'], topic: '今年度の重層的支援体制の評価' },
  ];
  for (const item of plan) {
    const body = bodies.find((b) => b.kind === item.kind);
    if (!body) continue;
    const meeting = await gateway.run(ctx, 'meeting.convene', (scope) =>
      createMeeting(scope, {
        meetingBodyId: body.id,
        title: `${body.name}（デモ）`,
        scheduledAt: upcoming(item.days, item.hour),
        place: '市役所 第1会議室',
        online: false,
      }),
    );
    await gateway.run(ctx, 'meeting.write', async (scope) => {
      for (const login of item.members) {
        const member = ids.get(login);
        if (member) await addAttendee(scope, meeting.id, { userId: member.id, role: 'member' });
      }
    });
    if (item.kind !== 'shien') {
      await gateway.run(ctx, 'meeting.write', (scope) => addAgendaItem(scope, meeting.id, { kind: 'topic', title: item.topic }));
    }
    if (item.kind === 'jusou') await caseOnAgenda(db, mid, meeting.id, ids);
  }
  return count();
}

/** Put one of demo-coord's cases on the 重層的支援会議 agenda, when its 本人's consent covers every attending agency. */
async function caseOnAgenda(db: Db, mid: string, meetingId: string, ids: DemoIds): Promise<void> {
  const coord = ids.get('demo-coord');
  if (!coord) return;
  const ctx = await userContext(db, mid, coord.id);
  const cases = await db
    .selectFrom('case_members as m')
    .innerJoin('cases as k', (j) => j.onRef('k.municipality_id', '=', 'm.municipality_id').onRef('k.id', '=', 'm.case_id'))
    .select(['k.id', 'k.title'])
    .where('m.municipality_id', '=', mid)
    .where('m.user_id', '=', coord.id)
    .where('m.removed_at', 'is', null)
    .orderBy('k.opened_on', 'desc')
    .limit(5)
    .execute();
  const gateway = new Gateway(db);
  for (const c of cases) {
    try {
      await gateway.run(ctx, 'meeting.write', (scope) => addAgendaItem(scope, meetingId, { kind: 'case', caseId: c.id, title: `プランの協議：${c.title}` }));
      return;
    } catch (error) {
      // Consent does not cover every attending agency: try the next case.
      if (!(error instanceof AppError)) throw error;
    }
  }
}

/** Display width in a terminal: CJK and full-width characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - width(text)));
}

/** The lines `demo load` prints: what was done, the accounts with their passwords, where to log in. */
export function formatDemoLoad(r: DemoLoadResult, port: number): string[] {
  const out: string[] = [];
  if (r.presetLoaded) out.push(`${r.municipalityName}: preset loaded (fictional municipality)`);
  if (r.others.length) out.push(`${r.municipalityName} is installed alongside ${r.others.join(', ')}; the demo accounts belong to ${r.municipalityName}.`);
  if (r.generated) {
    const g = r.generated;
    out.push(
      `${r.municipalityName}: generated ${g.persons} people, ${g.households} households, ${g.consultations} consultations, ${g.referrals} referrals, ${g.cases.cases} cases in ${(r.generateMs / 1000).toFixed(1)} s (fictional data)`,
    );
  } else {
    out.push(`${r.municipalityName} already has ${r.persons} people: nothing generated this time (the data is kept).`);
  }
  const header = ['login id', '役割', '所属', 'password'];
  const rows = r.accounts.map((a) => [a.loginId, a.roleLabel, a.agencyName, a.password]);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((row) => width(row[i]!))));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ')}`;
  out.push(
    '',
    `Demo accounts (${r.accounts.some((a) => a.created) ? 'created' : 'passwords renewed'}; the passwords are shown only now):`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `Open http://localhost:${port} and log in with a login id and password above (no municipality code is needed).`,
    'Demo accounts are not asked to change their password at first login.',
    `Run "demo load" again for new passwords (the old ones stop working); the data is kept.`,
  );
  if (r.namedOnCases || r.meetings) {
    out.push(`demo-coord and demo-houkatsu are named on ${r.namedOnCases} cases (open when named); demo-jimukyoku attends ${r.meetings} meetings.`);
  }
  return out;
}
