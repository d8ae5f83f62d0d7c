import { sql } from 'kysely';
import { hashPassword } from '../auth/password.ts';
import type { Db } from '../db/database.ts';
import {
  ACHIEVEMENTS,
  ASSESSMENT_DOMAINS,
  CLOSURE_REASONS,
  CLOSURE_WITHOUT_FOLLOW_UP,
  CONTACT_KINDS,
  URGENT_ASSESSMENT_RISKS,
  caseFiscalYear,
  formatCaseNo,
  type CaseStatus,
  type PlanStatus,
  type RecordKind,
} from '../shared/cases.ts';
import { newId } from '../shared/ids.ts';
import { BulkQueue, bulkInsert } from './bulk.ts';
import { type Rng } from './generator.ts';
import { meetingAtOrAfter, meetingName, planMeetings, writeMeetingShells, type MeetingCaseFacts, type MeetingPlan } from './meetings.ts';
import { FEMALE_NAMES, MALE_NAMES, SURNAMES } from './names.ts';

/**
 * Fictional 多機関協働 cases on top of the generated people (same seed, same
 * data): cases opened over the 年度 of the period from referrals to the
 * coordinators, consultations or directly; numbered per 年度 as the API
 * numbers them (case_counters); each case lived through its status flow
 * (受付 → アセスメント → プラン作成 → 支援中 → 評価 → 終結, with 中断 and
 * 再開) up to now, so old cases are mostly closed and recent ones spread over
 * the open statuses. Every artefact agrees with the status: transitions,
 * team (a 主担当 coordination agency with its coordinator, 協力 and 情報提供
 * agencies, some named staff), persons (本人 and sometimes 世帯員, each with a
 * current consent covering every team agency — one is recorded when missing),
 * assessments (1–3 versions), plans with versions and events, information
 * requests and support records (about `recordsPerCase` per case, heavy-tailed,
 * a few corrected) with `last_contact_at` kept as the records API keeps it.
 */
export interface CaseGenerationOptions {
  municipalityId: string;
  /** Cases to create. */
  cases: number;
  /** Average current support records per case (default 50). */
  recordsPerCase?: number;
  seed: number;
  /** Start and end of the generated period. */
  start: Date;
  now: Date;
  /** The generator's random stream and id factory (so ids never collide with its own). */
  r: Rng;
  nextId: (at: Date) => string;
  /** The people just generated (id, name, age, registering window). */
  people: readonly { id: string; name: string; age: number; agency: string }[];
  /** Their household memberships (household_members rows). */
  members: readonly Record<string, unknown>[];
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface CaseGenerationResult {
  cases: number;
  /** Rows in support_records (current ones plus the superseded revisions of corrected records). */
  supportRecords: number;
  plans: number;
  assessments: number;
  infoRequests: number;
  /** Consent versions recorded so that case persons' consent covers the team. */
  consents: number;
  /** Staff accounts added for the cases: coordinators of the lead agencies, case workers of the others, 事務局 accounts. */
  coordinators: number;
  ms: number;
}

const DAY = 86_400_000;
/** Open cases a coordinator or case worker is named on, on average. */
const CASELOAD = 40;
const HOUR = 3_600_000;
const JST = 9 * HOUR;

/** The JST calendar date of an instant. */
const jstDate = (ms: number) => new Date(ms + JST).toISOString().slice(0, 10);


type Field = '高齢' | '障がい' | '子ども' | '生活困窮' | 'その他';

/** What a case is about, by the fields of its household: goals, topics and assessment domains follow. */
const NEEDS: Record<Field, { topics: string[]; domains: string[]; goal: string; shortGoals: string[]; actions: string[] }> = {
  高齢: {
    topics: ['母の介護', '通院と服薬', '介護保険サービスの利用', '日中の過ごし方', '物忘れの様子'],
    domains: ['care', 'health', 'daily'],
    goal: '住み慣れた家で、介護の負担を分け合いながら暮らし続ける',
    shortGoals: ['介護保険サービスを使い始める', '家族の介護負担を週に1日は軽くする', '通院を定期的に続ける'],
    actions: ['要介護認定の申請を支援する', 'ケアマネジャーと連携して通所サービスを調整する', '見守り訪問を行う'],
  },
  障がい: {
    topics: ['通院の状況', '障害福祉サービスの利用', '日中活動の場', '体調の波'],
    domains: ['health', 'daily', 'social'],
    goal: '体調と折り合いをつけながら、日中の居場所を持って暮らす',
    shortGoals: ['障害福祉サービスの利用を始める', '週に1回は外出する'],
    actions: ['相談支援専門員とサービス等利用計画を作る', '地域活動支援センターの見学に同行する'],
  },
  子ども: {
    topics: ['子どもの登校状況', '子育ての負担', '保育所の利用', '学校との連携'],
    domains: ['childcare', 'education', 'family'],
    goal: '子どもが安心して学び、親も相談できる先を持って子育てを続ける',
    shortGoals: ['子どもが週に3日は登校する', '子育ての相談先を2か所持つ'],
    actions: ['学校・スクールソーシャルワーカーと情報を共有する', '子育てひろばの利用を案内する', 'ヤングケアラーとしての負担を確認する'],
  },
  生活困窮: {
    topics: ['家計の状況', '滞納の整理', '就労への不安', '住まいの確保', '債務の相談'],
    domains: ['finance', 'work', 'housing'],
    goal: '収入と支出の見通しを立て、安定した生活を取り戻す',
    shortGoals: ['家計表をつけて滞納の返済計画を立てる', '就労準備支援の利用を始める', '公共料金の滞納を解消する'],
    actions: ['家計改善支援を行う', '就労準備支援事業につなぐ', '住居確保給付金の申請を支援する'],
  },
  その他: {
    topics: ['家族との関係', '地域とのつながり', '近所との関係', '相談先の整理'],
    domains: ['family', 'social'],
    goal: '困ったときに相談できる人とのつながりを持って暮らす',
    shortGoals: ['地域の居場所に月1回参加する', '相談できる人を1人見つける'],
    actions: ['地域の居場所・サロンを紹介し、初回に同行する', '民生委員と見守りの方法を相談する'],
  },
};

const RECORD_KIND_WEIGHTS: readonly (readonly [RecordKind, number])[] = [
  ['電話', 30], ['面談', 18], ['連絡調整', 20], ['訪問', 11], ['会議', 5], ['同行', 4], ['情報収集', 6], ['見守り', 4], ['その他', 2],
];
const DURATIONS: Record<RecordKind, [number, number]> = {
  面談: [30, 90], 電話: [5, 30], 訪問: [30, 120], 同行: [60, 240], 会議: [60, 120],
  連絡調整: [5, 30], 情報収集: [10, 60], 見守り: [10, 30], その他: [10, 60],
};
const NEXT_ACTIONS = ['次回の面談', '関係機関へ状況を確認', '自宅を訪問して様子を確認', '申請書類の確認', '支援会議の日程調整', '本人へ電話で連絡'];
const MOODS = ['表情は落ち着いていた', '疲れた様子だった', '前回より前向きな発言があった', '不安が強い様子だった', '話しにくそうにしていた'];

function recordContent(r: Rng, kind: RecordKind, topic: string, agencyName: string): string {
  switch (kind) {
    case '面談':
      return `本人と面談。${topic}について話を聞いた。${r.pick(MOODS)}。（デモ用の架空データ）`;
    case '電話':
      return `本人へ電話。${topic}の様子を確認した。${r.pick(MOODS)}。（デモ用の架空データ）`;
    case '訪問':
      return `自宅を訪問。${topic}について家族を交えて話した。室内の様子に大きな変化はない。（デモ用の架空データ）`;
    case '同行':
      return `${topic}の手続きのため窓口へ同行した。（デモ用の架空データ）`;
    case '会議':
      return `関係機関で打ち合わせ。${topic}について役割分担を確認した。（デモ用の架空データ）`;
    case '連絡調整':
      return `${agencyName}と連絡調整。${topic}の今後の進め方を共有した。（デモ用の架空データ）`;
    case '情報収集':
      return `${topic}について関係機関から情報を得た。（デモ用の架空データ）`;
    case '見守り':
      return `見守りの連絡。変わりなく過ごしていることを確認した。（デモ用の架空データ）`;
    default:
      return `${topic}について記録。（デモ用の架空データ）`;
  }
}

interface Agency {
  id: string;
  name: string;
  roles: string[];
  fields: string[];
  is_window: boolean;
  is_secretariat: boolean;
}

interface Transition {
  from: CaseStatus | null;
  to: CaseStatus;
  at: number;
  reason: string;
  meetingRef: string | null;
  meetingDate: string | null;
  /** The closure decided by this transition (終結), kept in its details even after a reopening. */
  closure: Closure | null;
}

interface PlanSim {
  id: string;
  no: number;
  draftAt: number;
  status: PlanStatus;
  /** Save times of its versions (the first is the draft). */
  versions: number[];
  approvedAt: number | null;
  approvalRef: string | null;
  activeAt: number | null;
  nextReviewOn: string | null;
  evaluatedAt: number | null;
  events: { status: string; at: number; note: string | null }[];
}

interface Closure {
  reason: string;
  note: string;
  closedAt: number;
  meetingRef: string;
  meetingDate: string;
  followUpAgencyId: string | null;
  followUpFrequency: string | null;
  followUpIntervalDays: number | null;
}

interface CaseSim {
  id: string;
  openedAt: number;
  fiscalYear: number;
  seq: number;
  lead: string;
  origin: 'referral' | 'consultation' | 'direct';
  originReason: string | null;
  referralId: string | null;
  consultationId: string | null;
  /** The window the case came from (joins the team as 協力 when it is not the lead). */
  sourceAgency: string;
  primary: { id: string; name: string; age: number };
  others: string[];
  householdId: string | null;
  needs: Field[];
  /** Team agencies; `named` ones also have a staff member of theirs on the team (case_members with user). */
  team: { agencyId: string; role: 'lead' | 'cooperating' | 'informing'; addedAt: number; named: boolean }[];
  /** The coordinator of the lead agency named on the case (主担当), a second one (副担当), named staff per agency. */
  coordinator: string;
  second: string | null;
  staff: Map<string, string>;
  status: CaseStatus;
  transitions: Transition[];
  assessments: number[];
  plans: PlanSim[];
  closure: Closure | null;
  /** Support records happen between opening and this moment (closure, suspension or now). */
  activityEnd: number;
  /** Support records after closure (伴走). */
  followUpRecords: number;
  weight: number;
  records: number;
}

/** The cases' numbers, and the meetings planned with them (loaded by writeMeetingDetails once the cases are in). */
export interface CaseGeneration {
  result: CaseGenerationResult;
  meetings: MeetingPlan | null;
}

export async function generateCases(db: Db, options: CaseGenerationOptions): Promise<CaseGeneration> {
  const started = performance.now();
  const { r, nextId } = options;
  const mid = options.municipalityId;
  const now = options.now.getTime();
  const startMs = options.start.getTime();
  const progress = options.onProgress ?? (() => {});
  const perCase = options.recordsPerCase ?? 50;
  const empty: CaseGenerationResult = { cases: 0, supportRecords: 0, plans: 0, assessments: 0, infoRequests: 0, consents: 0, coordinators: 0, ms: 0 };
  if (options.cases <= 0 || options.people.length === 0) return { result: empty, meetings: null };

  const agencies: Agency[] = await db
    .selectFrom('agencies')
    .select(['id', 'name', 'roles', 'fields', 'is_window', 'is_secretariat'])
    .where('municipality_id', '=', mid)
    .where('active', '=', true)
    .orderBy('kana')
    .orderBy('id')
    .execute();
  const agencyName = new Map(agencies.map((a) => [a.id, a.name]));
  const leads = agencies.filter((a) => a.roles.includes('多機関協働'));
  if (leads.length === 0) leads.push(agencies[0]!);
  const leadIds = new Set(leads.map((a) => a.id));
  const teamCandidates = agencies.filter((a) => !leadIds.has(a.id) && (a.is_window || a.roles.some((x) => x !== '地域づくり')));

  // Staff who may be named on a team or write records: no administrator or auditor.
  const users = await db
    .selectFrom('users')
    .select(['id', 'name', 'agency_id', 'role', 'login_id'])
    .where('municipality_id', '=', mid)
    .where('active', '=', true)
    .where('role', 'not in', ['admin', 'auditor'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const agencyStaff = new Map<string, string>();
  for (const u of users) if (!agencyStaff.has(u.agency_id) && !leadIds.has(u.agency_id)) agencyStaff.set(u.agency_id, u.id);
  /** A made-up name for records of an agency without an account in the system. */
  const staffNameFor = new Map<string, string>();
  const fallbackName = (agencyId: string) => {
    let name = staffNameFor.get(agencyId);
    if (!name) {
      name = `${r.pick(SURNAMES)[0]} ${r.pick(r.chance(0.5) ? MALE_NAMES : FEMALE_NAMES)[0]}`;
      staffNameFor.set(agencyId, name);
    }
    return name;
  };

  // Who may be a case's 本人: people not on a case yet, with their households.
  const onCases = new Set(
    (await db.selectFrom('case_persons').select('person_id').where('municipality_id', '=', mid).execute()).map((x) => x.person_id),
  );
  const people = new Map(options.people.map((p) => [p.id, p]));
  const householdOf = new Map<string, string>();
  const householdMembers = new Map<string, { personId: string; relationship: string }[]>();
  for (const m of options.members) {
    const hid = m.household_id as string;
    const pid = m.person_id as string;
    householdOf.set(pid, hid);
    const list = householdMembers.get(hid) ?? [];
    list.push({ personId: pid, relationship: m.relationship as string });
    householdMembers.set(hid, list);
  }

  // Current consents of those people (latest version per purpose).
  const consentRows = await db
    .selectFrom('consents')
    .select(['person_id', 'purpose', 'version_no', 'decision', 'scope_kind', 'withdrawn_on', 'consented_on'])
    .where('municipality_id', '=', mid)
    .orderBy('person_id')
    .orderBy('purpose')
    .orderBy('version_no')
    .execute();
  const consent = new Map<string, { version: number; coversAll: boolean; on: string }>();
  for (const k of consentRows) {
    consent.set(`${k.person_id}|${k.purpose}`, {
      version: k.version_no,
      coversAll: k.decision === 'granted' && k.scope_kind === 'all' && k.withdrawn_on === null,
      on: k.consented_on,
    });
  }

  // Where cases come from: referrals to the coordinators (accepted), consultations that asked for it.
  const referralPool = await db
    .selectFrom('referrals')
    .select(['id', 'person_id', 'consultation_id', 'to_agency_id', 'from_agency_id', 'sent_at', 'accepted_at', 'started_at'])
    .where('municipality_id', '=', mid)
    .where('to_coordination', '=', true)
    .where('person_id', 'is not', null)
    .where('status', 'in', ['accepted', 'in_progress', 'completed'])
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
  const consultationPool = await db
    .selectFrom('consultations')
    .select(['id', 'person_id', 'agency_id', 'received_at'])
    .where('municipality_id', '=', mid)
    .where('person_id', 'is not', null)
    .where('response', 'in', ['多機関協働へ', '継続相談'])
    .orderBy('received_at')
    .orderBy('id')
    .execute();

  const target = options.cases;
  const sims: CaseSim[] = [];
  const used = new Set<string>(onCases);
  const leadWeights = leads.map((a) => [a.id, a.is_secretariat ? 1 : 3] as const);

  const needsOf = (primary: { id: string; age: number }, householdId: string | null): Field[] => {
    const ages = [primary.age];
    for (const m of householdId ? (householdMembers.get(householdId) ?? []) : []) {
      const p = people.get(m.personId);
      if (p && p.id !== primary.id) ages.push(p.age);
    }
    const needs = new Set<Field>();
    if (ages.some((a) => a >= 65)) needs.add('高齢');
    if (ages.some((a) => a < 18)) needs.add('子ども');
    if (primary.age >= 18 && primary.age < 65) needs.add(r.chance(0.7) ? '生活困窮' : '障がい');
    if (r.chance(0.2)) needs.add('障がい');
    if (needs.size === 0 || r.chance(0.3)) needs.add('その他');
    return [...needs];
  };

  const addCandidate = (origin: CaseSim['origin'], personId: string, openedAt: number, extra: Partial<CaseSim>) => {
    if (used.has(personId) || openedAt > now - HOUR || openedAt < startMs) return false;
    const p = people.get(personId);
    if (!p) return false;
    used.add(personId);
    const householdId = householdOf.get(personId) ?? null;
    const others: string[] = [];
    if (householdId && r.chance(0.45)) {
      for (const m of householdMembers.get(householdId) ?? []) {
        if (m.personId !== personId && !used.has(m.personId) && others.length < 2 && r.chance(0.7)) {
          others.push(m.personId);
          used.add(m.personId);
        }
      }
    }
    const lead = extra.lead && leadIds.has(extra.lead) ? extra.lead : r.weighted(leadWeights);
    sims.push({
      id: '',
      openedAt,
      fiscalYear: caseFiscalYear(jstDate(openedAt)),
      seq: 0,
      origin,
      originReason: null,
      referralId: null,
      consultationId: null,
      sourceAgency: p.agency,
      primary: p,
      others,
      householdId,
      needs: needsOf(p, householdId),
      team: [],
      status: 'intake',
      transitions: [],
      assessments: [],
      plans: [],
      closure: null,
      activityEnd: now,
      coordinator: '',
      second: null,
      staff: new Map(),
      followUpRecords: 0,
      weight: 0,
      records: 0,
      ...extra,
      lead,
    });
    return true;
  };

  // About a third from referrals to the coordinators, half from consultations, the rest direct.
  const fromReferrals = Math.min(referralPool.length, Math.round(target * 0.35));
  for (let i = 0; i < referralPool.length && sims.length < fromReferrals; i++) {
    const x = referralPool[Math.floor(r.next() * referralPool.length)]!;
    const base = new Date(x.started_at ?? x.accepted_at ?? x.sent_at).getTime();
    addCandidate('referral', x.person_id!, base + r.int(0, 3) * DAY + r.int(1, 6) * HOUR, {
      lead: x.to_agency_id,
      referralId: x.id,
      consultationId: x.consultation_id,
      sourceAgency: x.from_agency_id,
    });
  }
  const fromConsultations = sims.length + Math.round(target * 0.55);
  for (let tries = 0; tries < consultationPool.length * 2 && sims.length < Math.min(target, fromConsultations); tries++) {
    const x = consultationPool[Math.floor(r.next() * consultationPool.length)]!;
    addCandidate('consultation', x.person_id!, new Date(x.received_at).getTime() + r.int(1, 30) * DAY, {
      consultationId: x.id,
      sourceAgency: x.agency_id,
    });
  }
  const pool = options.people;
  for (let tries = 0; tries < pool.length * 3 && sims.length < target; tries++) {
    const p = pool[Math.floor(r.next() * pool.length)]!;
    addCandidate('direct', p.id, startMs + r.next() * (now - startMs), {
      originReason: r.pick([
        '民生委員からの情報提供で、複数の課題を抱えた世帯と分かったため',
        '地域包括支援センターの訪問で、世帯全体の支援が必要と分かったため',
        '学校からの連絡で、家庭全体への支援が必要と分かったため',
      ]),
    });
  }

  // Numbering: per 年度 in order of opening, after what the counters already hold.
  sims.sort((a, b) => a.openedAt - b.openedAt);
  const counters = new Map(
    (await db.selectFrom('case_counters').select(['fiscal_year', 'last_seq']).where('municipality_id', '=', mid).execute()).map((c) => [
      c.fiscal_year,
      c.last_seq,
    ]),
  );
  for (const c of sims) {
    const seq = (counters.get(c.fiscalYear) ?? 0) + 1;
    counters.set(c.fiscalYear, seq);
    c.seq = seq;
    c.id = nextId(new Date(c.openedAt));
  }

  // Each case's life up to now.
  for (const c of sims) simulate(r, c, now);

  // Team: the 主担当 coordination agency, the window the case came from, agencies by the household's fields.
  for (const c of sims) {
    c.team.push({ agencyId: c.lead, role: 'lead', addedAt: c.openedAt, named: true });
    const size = r.weighted([[2, 25], [3, 35], [4, 25], [5, 15]] as const);
    if (!leadIds.has(c.sourceAgency) && agencyName.has(c.sourceAgency) && r.chance(0.75)) {
      c.team.push({ agencyId: c.sourceAgency, role: 'cooperating', addedAt: c.openedAt, named: r.chance(0.5) });
    }
    const weights = teamCandidates.map((a) => {
      const overlap = a.fields.filter((f) => c.needs.includes(f as Field)).length;
      return [a.id, (a.is_window ? 2 : 1) * (overlap ? 1 + 3 * overlap : 0.2)] as const;
    });
    for (let tries = 0; c.team.length < size && tries < 20; tries++) {
      const id = r.weighted(weights);
      if (c.team.some((m) => m.agencyId === id)) continue;
      const addedAt = Math.min(c.activityEnd, c.openedAt + r.int(0, 40) * DAY + r.int(1, 8) * HOUR);
      const role = r.chance(0.6) ? 'cooperating' : 'informing';
      c.team.push({ agencyId: id, role, addedAt, named: role === 'cooperating' && r.chance(0.5) });
    }
  }

  // Staff in proportion to the work, so caseloads stay realistic at any size: a coordinator of a lead
  // agency, or a case worker of another agency, is named on about CASELOAD open cases (an evenly shared
  // rotation), every case names a coordinator of its lead agency, and the 事務局 has its secretariat accounts.
  const isOpen = (c: CaseSim) => c.status !== 'closed' && c.status !== 'suspended';
  const openPerAgency = new Map<string, number>();
  const namedAgencies = new Set<string>();
  for (const c of sims) {
    for (const m of c.team) {
      if (!m.named) continue;
      namedAgencies.add(m.agencyId);
      if (isOpen(c)) openPerAgency.set(m.agencyId, (openPerAgency.get(m.agencyId) ?? 0) + 1);
    }
  }
  const newUsers: Record<string, unknown>[] = [];
  const existingLogins = new Map(users.map((u) => [u.login_id, u.id]));
  let unusable: string | null = null;
  /** The accounts of an agency with a role, topped up to `wanted` with made-up people. */
  const accounts = async (agencyId: string, role: string, wanted: number, login: (i: number) => string) => {
    const list = users.filter((u) => u.agency_id === agencyId && u.role === role).map((u) => u.id);
    for (let i = 1; list.length < wanted; i++) {
      const loginId = login(i);
      const existing = existingLogins.get(loginId);
      if (existing) {
        if (!list.includes(existing)) list.push(existing);
        continue;
      }
      unusable ??= await hashPassword(newId());
      const id = nextId(options.start);
      const name = `${r.pick(SURNAMES)[0]} ${r.pick(r.chance(0.5) ? MALE_NAMES : FEMALE_NAMES)[0]}`;
      userName.set(id, name);
      list.push(id);
      newUsers.push({
        municipality_id: mid,
        id,
        login_id: loginId,
        name,
        role,
        agency_id: agencyId,
        // Nobody knows this password: reset it to use the account.
        password_hash: unusable,
        must_change_password: true,
        updated_at: options.now,
      });
    }
    return list;
  };
  const tag = `${options.seed}-${mid.slice(-6)}`;
  const caseStaff = new Map<string, string[]>();
  for (const a of leads) {
    const wanted = Math.max(2, Math.ceil((openPerAgency.get(a.id) ?? 0) / CASELOAD));
    caseStaff.set(a.id, await accounts(a.id, 'coordinator', wanted, (i) => `demo-coordinator-${tag}-${leads.indexOf(a) + 1}-${i}`));
  }
  for (const [k, a] of agencies.entries()) {
    if (leadIds.has(a.id) || !namedAgencies.has(a.id)) continue;
    const wanted = Math.max(1, Math.ceil((openPerAgency.get(a.id) ?? 0) / CASELOAD));
    caseStaff.set(a.id, await accounts(a.id, 'agency_staff', wanted, (i) => `demo-worker-${tag}-${k + 1}-${i}`));
  }
  const secretariatAgency = agencies.find((a) => a.is_secretariat) ?? leads[0]!;
  const secretariat = await accounts(secretariatAgency.id, 'secretariat', 2, (i) => `demo-secretariat-${tag}-${i}`);

  // Named staff in rotation: open and finished cases each shared evenly among the agency's accounts.
  const turns = new Map<string, number>();
  const nextOf = (agencyId: string, open: boolean) => {
    const list = caseStaff.get(agencyId)!;
    const key = `${agencyId}|${open}`;
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    return list[turn % list.length]!;
  };
  for (const c of sims) {
    const open = isOpen(c);
    const list = caseStaff.get(c.lead)!;
    c.coordinator = nextOf(c.lead, open);
    c.second = list.length > 1 && r.chance(0.25) ? list[(list.indexOf(c.coordinator) + 1) % list.length]! : null;
    for (const m of c.team) if (m.named && m.agencyId !== c.lead) c.staff.set(m.agencyId, nextOf(m.agencyId, open));
  }
  await bulkInsert(db, 'users', newUsers);

  // Meetings: planned now, so plans and closures point to the meeting that decided them.
  for (const c of sims) for (const p of c.plans) p.id = nextId(new Date(p.draftAt));
  const staffOf = new Map<string, string[]>();
  for (const u of users) staffOf.set(u.agency_id, [...(staffOf.get(u.agency_id) ?? []), u.id]);
  for (const u of newUsers) staffOf.set(u.agency_id as string, [...(staffOf.get(u.agency_id as string) ?? []), u.id as string]);
  const facts: MeetingCaseFacts[] = sims.map((c) => ({
    caseId: c.id,
    label: `${formatCaseNo(c.fiscalYear, c.seq)} ${caseTitle(c)}`,
    lead: c.lead,
    coordinator: c.coordinator,
    persons: [c.primary.id, ...c.others],
    team: c.team.map((m) => ({
      agencyId: m.agencyId,
      userId: m.agencyId === c.lead ? c.coordinator : (c.staff.get(m.agencyId) ?? agencyStaff.get(m.agencyId) ?? null),
      addedAt: m.addedAt,
    })),
    approvals: c.plans
      .filter((p) => p.approvedAt !== null)
      .map((p) => ({ planId: p.id, planNo: p.no, version: p.versions.filter((v) => v <= p.approvedAt!).length, at: p.approvedAt! })),
    closures: c.transitions.flatMap((t, i) => (t.closure ? [{ at: t.closure.closedAt, seq: i + 1, reason: t.closure.reason }] : [])),
  }));
  const meetings = planMeetings({
    municipalityId: mid,
    r,
    nextId,
    start: startMs,
    now,
    bodies: await db.selectFrom('meeting_bodies').select(['id', 'kind', 'convener']).where('municipality_id', '=', mid).orderBy('id').execute(),
    secretariat: { agencyId: secretariatAgency.id, users: secretariat },
    staffOf,
    agencyName,
    otherPeople: options.people.filter((p) => !used.has(p.id)).slice(0, 5000),
    cases: facts,
  });
  await writeMeetingShells(db, meetings);

  // Records per case: proportional to how long the case has been worked on, times a heavy-tailed intensity.
  for (const c of sims) {
    const days = Math.max(3, (c.activityEnd - c.openedAt) / DAY);
    c.weight = days * Math.exp(0.9 * gaussian(r));
  }
  const totalWeight = sims.reduce((s, c) => s + c.weight, 0);
  for (const c of sims) c.records = Math.max(1, Math.min(1500, Math.round((c.weight / totalWeight) * perCase * sims.length)));

  // Rows, a chunk of cases at a time (support records would not fit in memory all at once).
  const result: CaseGenerationResult = { ...empty, cases: sims.length, coordinators: newUsers.length };
  const buffers = {
    consents: [] as Record<string, unknown>[],
    cases: [] as Record<string, unknown>[],
    case_members: [] as Record<string, unknown>[],
    case_persons: [] as Record<string, unknown>[],
    case_links: [] as Record<string, unknown>[],
    case_transitions: [] as Record<string, unknown>[],
    assessments: [] as Record<string, unknown>[],
    plans: [] as Record<string, unknown>[],
    plan_versions: [] as Record<string, unknown>[],
    plan_events: [] as Record<string, unknown>[],
    info_requests: [] as Record<string, unknown>[],
    support_records: [] as Record<string, unknown>[],
  };
  let analyzed = false;
  // Each chunk loads in the background while the next one is made.
  const queue = new BulkQueue();
  const flush = async () => {
    const batch = Object.entries(buffers).map(([table, rows]) => [table, rows.splice(0)] as const);
    await queue.push(async () => {
      for (const [table, rows] of batch) await bulkInsert(db, table, rows);
      // Statistics for the new tables once they hold rows: until then PostgreSQL checks each
      // foreign key (records → case) with a plan made for an empty table, a scan that grows with every case.
      if (!analyzed) {
        analyzed = true;
        await sql`analyze cases, case_members, case_persons, case_transitions, plans, support_records`.execute(db);
      }
    });
  };

  let done = 0;
  for (const c of sims) {
    const rows = caseRows(r, nextId, c, {
      mid,
      now,
      coordinator: c.coordinator,
      second: c.second,
      meetings,
      agencyStaff,
      agencyName,
      userName,
      fallbackName,
      consent,
    });
    for (const [table, list] of Object.entries(rows)) buffers[table as keyof typeof buffers].push(...list);
    result.consents += rows.consents.length;
    result.plans += rows.plans.length;
    result.assessments += rows.assessments.length;
    result.infoRequests += rows.info_requests.length;
    result.supportRecords += rows.support_records.length;
    done += 1;
    if (buffers.support_records.length >= 20_000 || done === sims.length) {
      await flush();
      progress('cases', done, sims.length);
    }
  }
  await queue.drain();
  for (const [fiscalYear, lastSeq] of counters) {
    await db
      .insertInto('case_counters')
      .values({ municipality_id: mid, fiscal_year: fiscalYear, last_seq: lastSeq })
      .onConflict((oc) => oc.columns(['municipality_id', 'fiscal_year']).doUpdateSet({ last_seq: lastSeq }))
      .execute();
  }
  result.ms = Math.round(performance.now() - started);
  return { result, meetings };
}

function caseTitle(c: CaseSim): string {
  return `${c.primary.name}さん${c.others.length ? 'の世帯' : ''}`;
}

/** Standard normal deviate (Box–Muller) from the stream. */
function gaussian(r: Rng): number {
  const u = Math.max(r.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}

/**
 * Live the case through its flow from its opening until now: each step takes
 * a plausible time; a step that would end after now leaves the case in the
 * status it has reached, with the plan and assessments of that moment.
 */
function simulate(r: Rng, c: CaseSim, now: number): void {
  let t = c.openedAt;
  // Changed inside step(), which control-flow narrowing does not see.
  let status = 'intake' as CaseStatus;
  let cycles = 0;
  const origin = { referral: 'つなぎから', consultation: '相談から', direct: '直接（理由あり）' }[c.origin];
  c.transitions.push({ from: null, to: 'intake', at: t, reason: c.originReason ?? `${origin}多機関協働の事例として受付`, meetingRef: null, meetingDate: null, closure: null });
  const step = (to: CaseStatus, at: number, reason: string, meeting: { ref: string; date: string } | null = null, closure: Closure | null = null) => {
    c.transitions.push({ from: status, to, at, reason, meetingRef: meeting?.ref ?? null, meetingDate: meeting?.date ?? null, closure });
    status = to;
    t = at;
  };
  const suspend = (at: number) => {
    step('suspended', at, r.pick(['本人と連絡が取れなくなったため', '本人から支援を一時休みたいと申し出があったため', '入院のため']));
    c.activityEnd = at;
  };
  const plan = () => c.plans.at(-1)!;
  const later = (from: number, minDays: number, maxDays: number) => from + r.int(minDays, maxDays) * DAY + r.int(0, 7) * HOUR;

  for (let guard = 0; guard < 40; guard++) {
    if (status === 'intake') {
      const at = later(t, 3, 21);
      if (at > now) break;
      if (r.chance(0.02)) suspend(at);
      else step('assessment', at, '初回面談を終え、アセスメントを始める');
    } else if (status === 'assessment') {
      const saved = later(t, 2, 10);
      if (saved <= now && c.assessments.length < 3) c.assessments.push(saved);
      const at = later(saved, 5, 35);
      if (at > now) break;
      if (r.chance(0.02)) suspend(at);
      else step('planning', at, 'アセスメントをもとに支援プランを作成する');
    } else if (status === 'planning') {
      // One draft at a time: a draft left by a suspension is taken up again.
      const pending = c.plans.at(-1)?.status === 'draft' ? c.plans.at(-1)! : null;
      const draftAt = pending ? t : later(t, 1, 10);
      if (draftAt > now) break;
      const p: PlanSim = pending ?? {
        id: '',
        no: c.plans.length + 1,
        draftAt,
        status: 'draft',
        versions: [draftAt],
        approvedAt: null,
        approvalRef: null,
        activeAt: null,
        nextReviewOn: null,
        evaluatedAt: null,
        events: [{ status: 'draft', at: draftAt, note: null }],
      };
      if (!pending) c.plans.push(p);
      // Approved at the next monthly 重層的支援会議.
      const meetingAt = meetingAtOrAfter(later(draftAt, 7, 35));
      const revisedAt = later(draftAt, 2, 6);
      if (r.chance(0.4) && revisedAt < Math.min(meetingAt, now)) p.versions.push(revisedAt);
      const reviewDays = r.pick([90, 180, 180]);
      p.nextReviewOn = jstDate(meetingAt + reviewDays * DAY);
      if (meetingAt > now) break;
      // An older plan never evaluated (the case was suspended) is superseded and loses its review date.
      for (const old of c.plans) {
        if (old !== p && (old.status === 'approved' || old.status === 'active') && old.nextReviewOn !== null) {
          old.nextReviewOn = null;
          old.events.push({ status: 'superseded', at: meetingAt, note: `第${p.no}回プランの承認により` });
        }
      }
      p.status = 'approved';
      p.approvedAt = meetingAt;
      p.approvalRef = meetingName(meetingAt);
      p.events.push({ status: 'approved', at: meetingAt, note: p.approvalRef });
      const at = later(meetingAt, 0, 7);
      if (at > now) break;
      p.status = 'active';
      p.activeAt = at;
      p.events.push({ status: 'active', at, note: '支援を開始' });
      step('active', at, '重層的支援会議でプランが承認され、支援を始める', { ref: p.approvalRef, date: jstDate(meetingAt) });
    } else if (status === 'active') {
      const p = plan();
      const reviewAt = Date.parse(`${p.nextReviewOn}T10:00:00+09:00`);
      const at = Math.max(t + 30 * DAY, reviewAt + r.int(-14, 45) * DAY);
      if (r.chance(0.03)) {
        const when = later(t, 20, 150);
        if (when <= now) {
          suspend(when);
          continue;
        }
      }
      if (r.chance(0.2)) {
        const revised = later(t, 20, 80);
        if (revised < Math.min(at, now)) p.versions.push(revised);
      }
      if (at > now) break;
      step('evaluation', at, '次回評価日を迎え、プランの評価を行う');
    } else if (status === 'evaluation') {
      const p = plan();
      const evaluatedAt = later(t, 3, 20);
      if (evaluatedAt > now) break;
      p.status = 'evaluated';
      p.evaluatedAt = evaluatedAt;
      p.events.push({ status: 'evaluated', at: evaluatedAt, note: null });
      const at = later(evaluatedAt, 0, 14);
      if (at > now) break;
      cycles += 1;
      const roll = r.next();
      if (roll < 0.64 || cycles >= 3) {
        // Closed by the next monthly 重層的支援会議.
        const closeAt = meetingAtOrAfter(at);
        if (closeAt > now) break;
        close(r, c, closeAt, step);
      } else if (roll < 0.97) {
        step('planning', at, '評価の結果、目標を見直して支援を続ける');
        if (c.assessments.length < 3 && r.chance(0.5)) c.assessments.push(later(at, 0, 5));
      } else suspend(at);
    } else if (status === 'closed') {
      const at = later(t, 60, 400);
      if (!r.chance(0.03) || at > now) break;
      step('assessment', at, '再び相談があり、事例を再開する');
      c.closure = null;
      c.activityEnd = now;
      c.followUpRecords = 0;
    } else {
      const at = later(t, 30, 300);
      if (!r.chance(0.2) || at > now) break;
      step('assessment', at, '本人と再びつながり、支援を再開する');
      c.activityEnd = now;
    }
  }
  c.status = status;
  if (status !== 'closed' && status !== 'suspended') c.activityEnd = now;
}

function close(
  r: Rng,
  c: CaseSim,
  at: number,
  step: (to: CaseStatus, at: number, reason: string, meeting: { ref: string; date: string } | null, closure: Closure | null) => void,
) {
  const reason = r.weighted(CLOSURE_REASONS.map((x, i) => [x, [45, 20, 8, 5, 7, 8, 7][i]!] as const));
  const meetingAt = at;
  const follow = !CLOSURE_WITHOUT_FOLLOW_UP.includes(reason);
  const [frequency, days] = r.pick([['月1回の電話', 30], ['2か月に1回の訪問', 60], ['3か月に1回の連絡', 90]] as const);
  const closure: Closure = {
    reason,
    note: reason === '課題解決' ? 'プランの目標をおおむね達成し、本人も終結に同意した。' : '経緯は支援経過記録のとおり。',
    closedAt: at,
    meetingRef: meetingName(meetingAt),
    meetingDate: jstDate(meetingAt),
    // The agency is chosen once the team is known (caseRows); null here means "no follow-up".
    followUpAgencyId: follow ? '' : null,
    followUpFrequency: follow ? frequency : null,
    followUpIntervalDays: follow ? days : null,
  };
  c.closure = closure;
  c.activityEnd = at;
  c.followUpRecords = follow ? r.int(0, 3) : 0;
  step('closed', at, '重層的支援会議で終結を決定', { ref: closure.meetingRef, date: closure.meetingDate }, closure);
}

/** A closure as the transition API stores it in the transition's details. */
function closureDetails(c: Closure, meeting: { meetingId: string; ref: string } | null) {
  return {
    reason: c.reason,
    note: c.note,
    meetingRef: meeting?.ref ?? c.meetingRef,
    meetingDate: c.meetingDate,
    meetingId: meeting?.meetingId ?? null,
    followUpAgencyId: c.followUpAgencyId,
    followUpFrequency: c.followUpFrequency,
    followUpIntervalDays: c.followUpIntervalDays,
  };
}

interface RowContext {
  mid: string;
  now: number;
  coordinator: string;
  second: string | null;
  agencyStaff: Map<string, string>;
  agencyName: Map<string, string>;
  userName: Map<string, string>;
  fallbackName: (agencyId: string) => string;
  consent: Map<string, { version: number; coversAll: boolean; on: string }>;
  meetings: MeetingPlan;
}

/** Every row of one case. */
function caseRows(r: Rng, nextId: (at: Date) => string, c: CaseSim, x: RowContext) {
  const mid = x.mid;
  const lead = c.lead;
  const at = (ms: number) => new Date(ms);
  const rows = {
    consents: [] as Record<string, unknown>[],
    cases: [] as Record<string, unknown>[],
    case_members: [] as Record<string, unknown>[],
    case_persons: [] as Record<string, unknown>[],
    case_links: [] as Record<string, unknown>[],
    case_transitions: [] as Record<string, unknown>[],
    assessments: [] as Record<string, unknown>[],
    plans: [] as Record<string, unknown>[],
    plan_versions: [] as Record<string, unknown>[],
    plan_events: [] as Record<string, unknown>[],
    info_requests: [] as Record<string, unknown>[],
    support_records: [] as Record<string, unknown>[],
  };
  const others = c.team.filter((m) => m.role !== 'lead');

  // Persons, each with a current consent covering every agency of the project (recorded at opening when missing).
  const personIds = [c.primary.id, ...c.others];
  for (const pid of personIds) {
    for (const purpose of ['agency_sharing', 'meeting_sharing'] as const) {
      const key = `${pid}|${purpose}`;
      const current = x.consent.get(key);
      if (current?.coversAll) continue;
      const opened = jstDate(c.openedAt);
      const on = current && current.on >= opened ? [jstDate(Date.parse(`${current.on}T12:00:00+09:00`) + DAY), jstDate(x.now)].sort()[0]! : opened;
      const version = (current?.version ?? 0) + 1;
      rows.consents.push({
        municipality_id: mid,
        id: nextId(at(c.openedAt)),
        person_id: pid,
        version_no: version,
        purpose,
        decision: 'granted',
        scope_kind: 'all',
        agency_ids: [],
        consented_on: on,
        method: '書面',
        obtained_by_user_id: x.coordinator,
        obtained_by_agency_id: lead,
        note: '多機関協働の事例の開始にあたり、同意を得た（デモ用の架空データ）',
        document_id: null,
        withdrawn_on: null,
        created_at: at(c.openedAt),
      });
      x.consent.set(key, { version, coversAll: true, on });
    }
    rows.case_persons.push({
      municipality_id: mid,
      case_id: c.id,
      person_id: pid,
      relation: pid === c.primary.id ? '本人' : '世帯員',
      is_primary: pid === c.primary.id,
      added_at: at(c.openedAt),
      added_by_user_id: x.coordinator,
    });
  }

  // Team: agencies, the coordinator(s) of the lead agency, and some named staff of the others.
  const member = (agencyId: string, userId: string | null, role: string, addedAt: number, involvement: string | null) =>
    rows.case_members.push({
      municipality_id: mid,
      id: nextId(at(addedAt)),
      case_id: c.id,
      agency_id: agencyId,
      user_id: userId,
      role,
      involvement,
      added_at: at(addedAt),
      added_by_user_id: x.coordinator,
      removed_at: null,
      removed_by_user_id: null,
      removed_reason: null,
    });
  const named = new Map<string, string>([[lead, x.coordinator]]);
  member(lead, null, 'lead', c.openedAt, '多機関協働の主担当（事例の開始）');
  member(lead, x.coordinator, 'lead', c.openedAt, null);
  if (x.second) member(lead, x.second, 'cooperating', c.openedAt, '副担当');
  for (const m of others) {
    member(m.agencyId, null, m.role, m.addedAt, m.role === 'informing' ? '必要に応じて情報を提供' : r.pick(['定期的な訪問', '制度の申請支援', '見守り', '家計の相談']));
    const staff = c.staff.get(m.agencyId);
    if (staff) {
      member(m.agencyId, staff, m.role, m.addedAt, null);
      named.set(m.agencyId, staff);
    }
  }

  if (c.referralId) rows.case_links.push({ municipality_id: mid, id: nextId(at(c.openedAt)), case_id: c.id, consultation_id: null, referral_id: c.referralId, linked_at: at(c.openedAt), linked_by_user_id: x.coordinator });
  if (c.consultationId) rows.case_links.push({ municipality_id: mid, id: nextId(at(c.openedAt)), case_id: c.id, consultation_id: c.consultationId, referral_id: null, linked_at: at(c.openedAt), linked_by_user_id: x.coordinator });

  // Closure: who keeps the connection (伴走) is a team agency, a 協力 one when there is one.
  const followUp = (others.find((m) => m.role === 'cooperating') ?? others[0])?.agencyId ?? lead;
  for (const t of c.transitions) if (t.closure && t.closure.followUpAgencyId === '') t.closure.followUpAgencyId = followUp;
  // The deciding meeting of a closure, and of the plan approval that started the support.
  const decidedBy = (t: Transition, seq: number) => {
    if (t.closure) return x.meetings.closure.get(`${c.id}|${seq}`) ?? null;
    if (t.to !== 'active' || !t.meetingRef) return null;
    const p = c.plans.find((q) => q.approvedAt !== null && q.approvalRef === t.meetingRef && jstDate(q.approvedAt) === t.meetingDate);
    return p ? (x.meetings.approval.get(p.id) ?? null) : null;
  };
  c.transitions.forEach((t, i) => {
    const meeting = decidedBy(t, i + 1);
    rows.case_transitions.push({
      municipality_id: mid,
      case_id: c.id,
      seq: i + 1,
      from_status: t.from,
      to_status: t.to,
      effective_on: jstDate(t.at),
      reason: t.reason,
      meeting_ref: meeting?.ref ?? t.meetingRef,
      meeting_date: t.meetingDate,
      details: t.closure ? JSON.stringify({ closure: closureDetails(t.closure, meeting) }) : null,
      by_user_id: x.coordinator,
      by_agency_id: lead,
      at: at(t.at),
    });
  });

  const closure = c.closure;

  // Assessments.
  const topics = c.needs.flatMap((f) => NEEDS[f].topics);
  const urgentCase = r.chance(0.06);
  c.assessments.forEach((savedAt, i) => {
    const domains: Record<string, { status: string; note: string }> = {};
    const issueDomains = new Set(c.needs.flatMap((f) => NEEDS[f].domains));
    for (const d of ASSESSMENT_DOMAINS) {
      const issue = issueDomains.has(d.key);
      const status = issue ? (urgentCase && d.key === [...issueDomains][0] ? 'urgent' : 'issue') : r.chance(0.15) ? 'unknown' : 'ok';
      domains[d.key] = { status, note: issue ? `${d.label}に課題がある。${i > 0 ? '前回より改善がみられる部分もある。' : ''}` : '' };
    }
    const risks = urgentCase ? [r.pick(URGENT_ASSESSMENT_RISKS)] : r.chance(0.1) ? ['孤立死のおそれ'] : [];
    rows.assessments.push({
      municipality_id: mid,
      case_id: c.id,
      version_no: i + 1,
      domains: JSON.stringify(domains),
      person_wishes: r.pick(['今の家で暮らし続けたい', '家族に迷惑をかけたくない', '仕事を見つけて自立したい', '子どもには普通に学校に行ってほしい']),
      family_wishes: c.others.length ? r.pick(['本人に外とのつながりを持ってほしい', '介護の負担を少しでも軽くしたい']) : '',
      strengths: r.pick(['困りごとを自分から話せる', '近所に気にかけてくれる人がいる', '家族の仲は悪くない', '通院は続けられている']),
      risks,
      risk_note: risks.length ? '状況を定期的に確認する' : '',
      involvement: JSON.stringify(c.team.map((m) => ({ agencyId: m.agencyId, how: m.role === 'lead' ? '主担当として全体を調整' : '関わりあり' }))),
      summary: `${c.needs.join('・')}の分野にまたがる課題がある。${i > 0 ? '再アセスメント。' : ''}`,
      urgent: urgentCase,
      change_note: i > 0 ? '評価・再開にあたり見直し' : null,
      saved_by_user_id: x.coordinator,
      saved_by_agency_id: lead,
      saved_at: at(savedAt),
    });
  });

  // Plans, their versions and events.
  const need = NEEDS[c.needs[0]!];
  for (const p of c.plans) {
    const planId = p.id;
    const approval = x.meetings.approval.get(p.id) ?? null;
    const goals = need.shortGoals.slice(0, r.int(2, need.shortGoals.length)).map((text, i) => ({ key: `g${i + 1}`, text }));
    const teamAgencies = c.team.map((m) => m.agencyId);
    const actions = need.actions.slice(0, r.int(2, need.actions.length)).map((content, i) => {
      const agencyId = teamAgencies[i % teamAgencies.length]!;
      const staff = named.get(agencyId);
      return { content, agencyId, staffName: staff ? (x.userName.get(staff) ?? '') : '', frequency: r.pick(['週1回', '月2回', '月1回', '随時']), period: '次回評価日まで' };
    });
    rows.plans.push({
      municipality_id: mid,
      id: planId,
      case_id: c.id,
      plan_no: p.no,
      status: p.status,
      current_version: p.versions.length,
      next_review_on: p.nextReviewOn,
      approved_on: p.approvedAt ? jstDate(p.approvedAt) : null,
      approval_ref: approval?.ref ?? p.approvalRef,
      approval_meeting_id: approval?.meetingId ?? null,
      approved_by_user_id: p.approvedAt ? x.coordinator : null,
      started_on: p.activeAt ? jstDate(p.activeAt) : null,
      evaluation: p.evaluatedAt
        ? JSON.stringify({
            goals: [{ key: 'long', text: need.goal }, ...goals].map((g) => ({
              key: g.key,
              text: g.text,
              achievement: r.weighted(ACHIEVEMENTS.map((a, i) => [a, [45, 40, 15][i]!] as const)),
              comment: '本人・関係機関と振り返った',
            })),
            comment: '支援の経過をふまえて評価した',
          })
        : null,
      evaluated_on: p.evaluatedAt ? jstDate(p.evaluatedAt) : null,
      evaluated_by_user_id: p.evaluatedAt ? x.coordinator : null,
      version: p.events.length + p.versions.length - 1,
      created_at: at(p.draftAt),
      updated_at: at(Math.max(p.events.at(-1)!.at, p.versions.at(-1)!)),
    });
    p.versions.forEach((savedAt, i) =>
      rows.plan_versions.push({
        municipality_id: mid,
        plan_id: planId,
        version_no: i + 1,
        long_term_goal: need.goal,
        short_term_goals: JSON.stringify(goals),
        direction: `${c.needs.join('・')}の関係機関が役割を分け、主担当が全体を調整する`,
        actions: JSON.stringify(actions),
        lead_agency_id: lead,
        consent_on: jstDate(savedAt),
        consent_method: r.chance(0.8) ? '書面' : '口頭',
        next_review_on: p.nextReviewOn,
        change_note: i === 0 ? null : '関係機関との打ち合わせをふまえて修正',
        saved_by_user_id: x.coordinator,
        saved_by_agency_id: lead,
        saved_at: at(savedAt),
      }),
    );
    p.events.forEach((e, i) =>
      rows.plan_events.push({ municipality_id: mid, plan_id: planId, seq: i + 1, status: e.status, at: at(e.at), by_user_id: x.coordinator, by_agency_id: lead, note: e.status === 'approved' && approval ? approval.ref : e.note }),
    );
  }

  // Information requests from the lead to other team agencies: answered, or open (some overdue).
  const askable = others;
  const requests = askable.length ? r.weighted([[0, 50], [1, 30], [2, 15], [3, 5]] as const) : 0;
  for (let i = 0; i < requests; i++) {
    const to = r.pick(askable);
    const requestedAt = c.openedAt + r.next() * Math.max(DAY, c.activityEnd - c.openedAt);
    const answeredAt = requestedAt + r.int(1, 20) * DAY + r.int(0, 6) * HOUR;
    const terminal = c.status === 'closed' || c.status === 'suspended';
    // Unanswered when the case closed or rested: the request was withdrawn then.
    const cancelled = terminal && answeredAt > c.activityEnd;
    // On a case still open, the last request is sometimes still waiting for its answer (some overdue).
    const waiting = !terminal && i === requests - 1 && r.chance(0.35);
    const answered = !cancelled && !waiting && answeredAt <= x.now;
    const answerer = named.get(to.agencyId) ?? x.agencyStaff.get(to.agencyId) ?? null;
    rows.info_requests.push({
      municipality_id: mid,
      id: nextId(at(requestedAt)),
      case_id: c.id,
      to_agency_id: to.agencyId,
      question: `${r.pick(topics)}について、把握している状況を教えてください。`,
      due_on: jstDate(requestedAt + r.int(7, 14) * DAY),
      status: answered ? 'answered' : cancelled ? 'cancelled' : 'open',
      requested_by_user_id: x.coordinator,
      requested_by_agency_id: lead,
      requested_at: at(requestedAt),
      answer: answered ? '当機関で把握している状況は次のとおりです。（デモ用の架空データ）' : null,
      answered_by_user_id: answered ? answerer : null,
      answered_at: answered ? at(answeredAt) : null,
      cancelled_at: cancelled ? at(c.activityEnd) : null,
      cancelled_by_user_id: cancelled ? x.coordinator : null,
      cancel_reason: cancelled ? (c.status === 'closed' ? '事例の終結のため' : '事例の中断のため') : null,
      version: answered || cancelled ? 2 : 1,
    });
  }

  // Support records over the case's working life, then a few after closure (伴走).
  const writers: (readonly [{ agencyId: string; userId: string | null }, number])[] = [
    [{ agencyId: lead, userId: x.coordinator }, 45],
    ...(x.second ? [[{ agencyId: lead, userId: x.second }, 10] as const] : []),
    ...others.map((m) => [{ agencyId: m.agencyId, userId: named.get(m.agencyId) ?? x.agencyStaff.get(m.agencyId) ?? null }, m.role === 'informing' ? 4 : 12] as const),
  ];
  const span = Math.max(HOUR, c.activityEnd - c.openedAt);
  const times: number[] = [];
  for (let i = 0; i < c.records; i++) times.push(c.openedAt + r.next() * span);
  const followUpAgency = closure?.followUpAgencyId;
  if (closure && followUpAgency) {
    for (let i = 0; i < c.followUpRecords; i++) {
      const t = closure.closedAt + (i + 1) * (closure.followUpIntervalDays ?? 30) * DAY;
      if (t < x.now) times.push(t);
    }
  }
  times.sort((a, b) => a - b);
  let lastContact: number | null = null;
  for (const t of times) {
    const afterClosure = closure !== null && t > closure.closedAt;
    const writer = afterClosure ? { agencyId: followUpAgency!, userId: named.get(followUpAgency!) ?? x.agencyStaff.get(followUpAgency!) ?? null } : r.weighted(writers);
    const kind: RecordKind = afterClosure ? r.pick(['見守り', '電話'] as const) : r.weighted(RECORD_KIND_WEIGHTS);
    const occurredAt = Math.min(t, x.now - HOUR);
    // A phone call that did not reach the person is no contact.
    const contact = CONTACT_KINDS.includes(kind) && !(kind === '電話' && r.chance(0.1));
    const [dMin, dMax] = DURATIONS[kind];
    // The last weeks before a closure or suspension plan nothing further; after closure, the next contact.
    const winding = c.status === 'closed' || c.status === 'suspended' ? occurredAt > c.activityEnd - 45 * DAY : false;
    const hasNext = afterClosure || (!winding && r.chance(0.3));
    const staffName = writer.userId ? (x.userName.get(writer.userId) ?? x.fallbackName(writer.agencyId)) : x.fallbackName(writer.agencyId);
    const content = recordContent(r, kind, r.pick(topics), x.agencyName.get(writer.agencyId === lead ? (others[0]?.agencyId ?? lead) : lead) ?? '関係機関');
    const createdAt = Math.min(x.now, occurredAt + r.int(10, 600) * 60_000);
    const id = nextId(at(occurredAt));
    const row = {
      municipality_id: mid,
      id,
      case_id: c.id,
      root_id: id,
      revision: 1,
      is_current: true,
      occurred_at: at(occurredAt),
      kind,
      staff_user_id: writer.userId,
      staff_name: staffName,
      agency_id: writer.agencyId,
      content,
      duration_minutes: r.int(dMin, dMax),
      next_action: afterClosure ? '次回の伴走の連絡' : hasNext ? r.pick(NEXT_ACTIONS) : null,
      next_action_on: afterClosure ? jstDate(occurredAt + (closure!.followUpIntervalDays ?? 30) * DAY) : hasNext ? jstDate(occurredAt + r.int(3, 21) * DAY) : null,
      contact,
      correction_reason: null,
      created_by_user_id: writer.userId,
      created_at: at(createdAt),
    };
    if (r.chance(0.01)) {
      // Corrected once: the original stays as revision 1, the correction is current.
      const correctedAt = Math.min(x.now, createdAt + r.int(1, 72) * HOUR);
      rows.support_records.push({ ...row, is_current: false });
      rows.support_records.push({
        ...row,
        id: nextId(at(correctedAt)),
        revision: 2,
        content: `${content.replace('（デモ用の架空データ）', '')}（訂正：内容を補足）（デモ用の架空データ）`,
        correction_reason: r.pick(['日時の誤りを訂正', '内容の誤記を訂正', '対応者の誤りを訂正']),
        created_at: at(correctedAt),
      });
    } else {
      rows.support_records.push(row);
    }
    if (contact && (lastContact === null || occurredAt > lastContact)) lastContact = occurredAt;
  }

  const last = c.transitions.at(-1)!;
  const closureSeq = closure ? c.transitions.findIndex((t) => t.closure === closure) + 1 : 0;
  const closureMeeting = closure ? (x.meetings.closure.get(`${c.id}|${closureSeq}`) ?? null) : null;
  rows.cases.push({
    municipality_id: mid,
    id: c.id,
    case_no: formatCaseNo(c.fiscalYear, c.seq),
    fiscal_year: c.fiscalYear,
    seq: c.seq,
    title: caseTitle(c),
    status: c.status,
    lead_agency_id: lead,
    origin: c.origin,
    origin_reason: c.originReason,
    household_id: c.householdId,
    opened_on: jstDate(c.openedAt),
    opened_by_user_id: x.coordinator,
    opened_by_agency_id: lead,
    status_changed_at: at(last.at),
    last_contact_at: lastContact === null ? null : at(lastContact),
    closure_reason: closure?.reason ?? null,
    closure_note: closure?.note ?? null,
    closed_on: closure ? jstDate(closure.closedAt) : null,
    closure_meeting_ref: closureMeeting?.ref ?? closure?.meetingRef ?? null,
    closure_meeting_date: closure?.meetingDate ?? null,
    closure_meeting_id: closureMeeting?.meetingId ?? null,
    follow_up_agency_id: closure?.followUpAgencyId ?? null,
    follow_up_frequency: closure?.followUpFrequency ?? null,
    follow_up_interval_days: closure?.followUpIntervalDays ?? null,
    version: c.transitions.length,
    created_at: at(c.openedAt),
    updated_at: at(last.at),
  });
  return rows;
}
