import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { hashPassword } from '../auth/password.ts';
import { phoneDigits } from '../people/matching.ts';
import { addBusinessDays } from '../shared/business-days.ts';
import { newId } from '../shared/ids.ts';
import { CHANNELS, RESPONSES } from '../shared/issues.ts';
import { normalizeForSearch } from '../shared/normalize.ts';
import { BulkQueue, bulkInsert } from './bulk.ts';
import { generateCases, type CaseGenerationResult } from './cases.ts';
import { writeMeetingDetails, type MeetingGenerationResult } from './meetings.ts';
import { FEMALE_NAMES, MALE_NAMES, SURNAMES, TOWNS } from './names.ts';

/**
 * Deterministic, fictional data at municipal scale: people with realistic
 * Japanese names (variant kanji included), households with 8050 /
 * ダブルケア / ヤングケアラー / 老老介護 patterns, consultations by window
 * and 課題 in plausible proportions over several 年度, consents, and
 * referrals with every outcome. Same seed, same data.
 */
export interface GenerateOptions {
  municipalityId: string;
  population: number;
  years: number;
  seed: number;
  /** Consultations per person over the whole period (default 2.5). */
  consultationsPerPerson?: number;
  /** 多機関協働 cases (default: one per 10 people; src/demo/cases.ts). */
  cases?: number;
  now?: Date;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface GenerateResult {
  persons: number;
  households: number;
  consultations: number;
  consents: number;
  referrals: number;
  /** Staff accounts added (window clerks, agency staff, coordinators, case workers, 事務局). */
  users: number;
  cases: CaseGenerationResult;
  /** Meetings made with the cases (null when no case was made). */
  meetings: MeetingGenerationResult | null;
}

/** mulberry32: small, fast, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r <= 0) return item;
      }
      return items[items.length - 1]![0];
    },
  };
}
export type Rng = ReturnType<typeof rng>;

/** Deterministic ids: UUID-shaped, time-ordered by the given moment, unique by counter. */
function idFactory(seed: number) {
  let counter = 0;
  return (at: Date) => {
    counter += 1;
    const ms = at.getTime().toString(16).padStart(12, '0').slice(-12);
    const c = counter.toString(16).padStart(12, '0').slice(-12);
    const s = (seed & 0xfff).toString(16).padStart(3, '0');
    return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${s}-8${c.slice(0, 3)}-${c.slice(3).padStart(12, '0')}`;
  };
}

/** Consultations a window clerk records in a year, on average. */
const CONSULTATIONS_PER_CLERK = 1500;

const ISSUE_WEIGHTS: [string, number][] = [
  ['病気・健康・障害', 22], ['収入・生活費', 20], ['介護', 18], ['家族との関係', 12], ['住まい', 8], ['債務', 6],
  ['仕事探し・就職', 8], ['子育て', 9], ['ひきこもり・不登校', 6], ['社会的孤立', 6], ['税金・公共料金', 4], ['家賃・ローン', 4],
  ['DV・虐待', 3], ['食べるものがない', 2], ['地域との関係', 3], ['仕事上の不安・トラブル', 3], ['消費者被害', 1.5],
  ['犯罪・司法', 0.5], ['希死念慮', 0.8], ['8050', 2], ['ダブルケア', 1], ['ヤングケアラー', 0.8], ['その他', 4],
];

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function birthForAge(r: Rng, age: number, now: Date): string {
  const d = new Date(now.getTime() - (age * 365.25 + r.int(0, 364)) * 86_400_000);
  return isoDate(d);
}

/** Age pyramid of a Tokyo suburb (roughly): weights per 10-year band. */
const AGE_BANDS: [number, number][] = [
  [5, 8], [15, 9], [25, 11], [35, 12], [45, 15], [55, 14], [65, 11], [75, 11], [85, 7], [95, 2],
];

export async function generateDemoData(db: Db, options: GenerateOptions): Promise<GenerateResult> {
  const r = rng(options.seed);
  const now = options.now ?? new Date();
  const nextId = idFactory(options.seed);
  const mid = options.municipalityId;
  const progress = options.onProgress ?? (() => {});
  const start = new Date(now.getTime() - options.years * 365 * 86_400_000);
  const at = () => new Date(start.getTime() + r.next() * (now.getTime() - start.getTime()));

  const agencies = await db
    .selectFrom('agencies')
    .select(['id', 'name', 'roles', 'fields', 'is_window'])
    .where('municipality_id', '=', mid)
    .where('active', '=', true)
    .orderBy('kana')
    .orderBy('id')
    .execute();
  if (agencies.length === 0) throw new Error('the municipality has no agencies: load a preset first');
  const windows = agencies.filter((a) => a.is_window);
  const coordination = agencies.find((a) => a.roles.includes('多機関協働')) ?? agencies[0]!;

  // Staff accounts for attribution (password unknown to anyone: reset it to use the account): at each
  // window enough clerks for its consultations (about CONSULTATIONS_PER_CLERK a year each), one elsewhere.
  const total = Math.round(options.population * (options.consultationsPerPerson ?? 2.5));
  const clerksPerWindow = Math.max(1, Math.ceil(total / options.years / Math.max(1, windows.length) / CONSULTATIONS_PER_CLERK));
  const unusable = await hashPassword(newId());
  const staff = new Map<string, string[]>();
  const existing = await db
    .selectFrom('users')
    .select(['id', 'agency_id', 'login_id'])
    .where('municipality_id', '=', mid)
    .where('role', 'not in', ['admin', 'auditor'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const existingLogins = new Set(existing.map((u) => u.login_id));
  for (const u of existing) staff.set(u.agency_id, [...(staff.get(u.agency_id) ?? []), u.id]);
  const newUsers: Record<string, unknown>[] = [];
  for (const [i, a] of agencies.entries()) {
    const list = staff.get(a.id) ?? [];
    staff.set(a.id, list);
    const wanted = a.is_window ? clerksPerWindow : 1;
    for (let k = 1; list.length < wanted; k++) {
      const loginId = `demo-staff-${options.seed}-${mid.slice(-6)}-${i + 1}${k > 1 ? `-${k}` : ''}`;
      if (existingLogins.has(loginId)) continue;
      const id = nextId(start);
      list.push(id);
      newUsers.push({
        municipality_id: mid,
        id,
        login_id: loginId,
        name: `${r.pick(SURNAMES)[0]} ${r.pick(r.chance(0.5) ? MALE_NAMES : FEMALE_NAMES)[0]}`,
        role: a.roles.includes('多機関協働') ? 'coordinator' : 'intake_clerk',
        agency_id: a.id,
        password_hash: unusable,
        must_change_password: true,
        updated_at: now,
      });
    }
  }
  /** A staff member of the agency (the clerks of a window share its work evenly at random). */
  const clerk = (agencyId: string) => {
    const list = staff.get(agencyId)!;
    return list.length === 1 ? list[0]! : list[Math.floor(r.next() * list.length)]!;
  };
  await bulkInsert(db, 'users', newUsers);

  // People, grouped into households as they are made.
  const persons: Record<string, unknown>[] = [];
  const households: Record<string, unknown>[] = [];
  const members: Record<string, unknown>[] = [];
  const personFacts: { id: string; age: number; agency: string }[] = [];

  const makePerson = (age: number, gender: '男' | '女', surname: [string, string], town: string, agencyId: string, createdAt: Date) => {
    const given = r.pick(gender === '男' ? MALE_NAMES : FEMALE_NAMES);
    const name = `${surname[0]} ${given[0]}`;
    const kana = `${surname[1]} ${given[1]}`;
    const address = `デモ市${town}${r.int(1, 5)}丁目${r.int(1, 30)}番${r.int(1, 20)}号`;
    const phone = r.chance(0.8) ? `${r.chance(0.5) ? '090' : '042'}-${String(r.int(0, 9999)).padStart(4, '0')}-${String(r.int(0, 9999)).padStart(4, '0')}` : null;
    const id = nextId(createdAt);
    persons.push({
      municipality_id: mid,
      id,
      name,
      name_kana: kana,
      alias: null,
      birth_date: birthForAge(r, age, now),
      age_band: null,
      gender,
      address,
      phone,
      contact_caution: r.chance(0.01) ? 'DVのおそれ：自宅への電話・郵送は不可' : null,
      name_norm: normalizeForSearch(name),
      kana_norm: normalizeForSearch(kana),
      address_norm: normalizeForSearch(address),
      phone_digits: phoneDigits(phone),
      registered_by_agency_id: agencyId,
      registered_by_user_id: clerk(agencyId),
      created_at: createdAt,
      updated_at: createdAt,
    });
    personFacts.push({ id, age, agency: agencyId });
    return id;
  };

  while (persons.length < options.population) {
    const town = r.pick(TOWNS);
    const surname = r.pick(SURNAMES);
    const agency = r.pick(windows).id;
    const createdAt = at();
    const kind = r.weighted([
      ['single', 34],
      ['couple', 20],
      ['family', 28],
      ['8050', 6],
      ['old-old', 6],
      ['double-care', 4],
      ['young-carer', 2],
    ] as const);
    const group: { id: string; rel: string; situation?: string }[] = [];
    const add = (age: number, gender: '男' | '女', rel: string, situation?: string) =>
      group.push({ id: makePerson(age, gender, surname, town, agency, createdAt), rel, ...(situation ? { situation } : {}) });
    if (kind === 'single') {
      add(r.weighted(AGE_BANDS) + r.int(-5, 4), r.chance(0.5) ? '男' : '女', '本人');
    } else if (kind === 'couple') {
      const age = r.int(30, 85);
      add(age, '男', '本人');
      add(age - r.int(0, 4), '女', '配偶者');
    } else if (kind === 'family') {
      const age = r.int(30, 50);
      add(age, '男', '本人');
      add(age - r.int(0, 4), '女', '配偶者');
      for (let i = 0; i < r.int(1, 3); i++) add(r.int(0, Math.min(20, age - 20)), r.chance(0.5) ? '男' : '女', '子');
    } else if (kind === '8050') {
      add(r.int(78, 92), '女', '本人', r.chance(0.5) ? '要介護' : undefined);
      add(r.int(48, 60), r.chance(0.6) ? '男' : '女', '子', r.chance(0.7) ? '長期のひきこもり' : '無職');
    } else if (kind === 'old-old') {
      add(r.int(75, 92), '男', '本人', '要介護');
      add(r.int(72, 90), '女', '配偶者');
    } else if (kind === 'double-care') {
      const age = r.int(35, 48);
      add(age, '女', '本人');
      add(r.int(2, 10), r.chance(0.5) ? '男' : '女', '子');
      add(r.int(70, 85), '女', '親', '要介護');
    } else {
      add(r.int(45, 60), '女', '本人', '病気で療養中');
      add(r.int(12, 17), r.chance(0.5) ? '男' : '女', '子', '家事と介護を担っている');
    }
    if (group.length > 1 || r.chance(0.2)) {
      const hid = nextId(createdAt);
      households.push({
        municipality_id: mid,
        id: hid,
        name: `${surname[0]}さん世帯`,
        address: null,
        note: null,
        registered_by_agency_id: agency,
        created_at: createdAt,
        updated_at: createdAt,
      });
      for (const m of group) {
        members.push({
          municipality_id: mid,
          household_id: hid,
          person_id: m.id,
          relationship: m.rel,
          living_together: true,
          situation: m.situation ?? null,
          added_at: createdAt,
        });
      }
    }
  }
  persons.length = Math.min(persons.length, options.population);
  const kept = new Set(persons.map((p) => p.id));
  const keptMembers = members.filter((m) => kept.has(m.person_id as string));
  personFacts.length = persons.length;

  // Loaded in the background while the consultations are made.
  const queue = new BulkQueue();
  await queue.push(async () => {
    await bulkInsert(db, 'persons', persons, { progress: (d) => progress('persons', d, persons.length) });
    await bulkInsert(db, 'households', households, { progress: (d) => progress('households', d, households.length) });
    await bulkInsert(db, 'household_members', keptMembers, { progress: (d) => progress('household members', d, keptMembers.length) });
  });

  // Consultations, consents and referrals.
  const consultations: Record<string, unknown>[] = [];
  const consents: Record<string, unknown>[] = [];
  const referrals: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const consentedPeople = new Set<string>();
  /** People whose consent to 関係機関への情報提供 was granted (scope: every agency of the project). */
  const sharingGranted = new Set<string>();
  const flush = async () => {
    const batch = [
      ['consultations', consultations.splice(0)],
      ['consents', consents.splice(0)],
      ['referrals', referrals.splice(0)],
      ['referral_events', events.splice(0)],
    ] as const;
    await queue.push(async () => {
      for (const [table, rows] of batch) await bulkInsert(db, table, rows);
    });
  };
  let made = { consultations: 0, consents: 0, referrals: 0 };
  for (let i = 0; i < total; i++) {
    const when = at();
    const anonymous = r.chance(0.08);
    const person = anonymous ? null : personFacts[Math.floor(Math.pow(r.next(), 1.6) * personFacts.length)]!;
    const agency = person && r.chance(0.6) ? person.agency : r.pick(windows).id;
    const issueCount = r.weighted([[1, 45], [2, 30], [3, 15], [4, 7], [5, 3]] as const);
    const issues = new Set<string>();
    while (issues.size < issueCount) issues.add(r.weighted(ISSUE_WEIGHTS));
    const list = [...issues];
    const urgent = list.includes('希死念慮') || (list.includes('DV・虐待') && r.chance(0.3));
    const response = r.weighted([
      [RESPONSES[0], 40],
      [RESPONSES[1], 22],
      [RESPONSES[2], 8],
      [RESPONSES[3], 3],
      [RESPONSES[4], 27],
    ] as const);
    const consent = person && !consentedPeople.has(person.id) && r.chance(0.45);
    const by = clerk(agency);
    const id = nextId(when);
    consultations.push({
      municipality_id: mid,
      id,
      received_at: when,
      agency_id: agency,
      received_by_user_id: by,
      channel: r.weighted(CHANNELS.map((c, k) => [c, [35, 35, 10, 4, 10, 5, 1][k]!] as const)),
      consulter_type: anonymous ? '匿名' : r.weighted([['本人', 55], ['家族', 30], ['関係者', 15]] as const),
      consulter_relation: null,
      consulter_name: null,
      anonymous,
      person_id: person?.id ?? null,
      household_id: null,
      subject_summary: anonymous ? `${r.pick(TOWNS)}の${r.int(2, 8)}0代${r.chance(0.5) ? '男性' : '女性'}` : null,
      chief_complaint: `${list[0]}についての相談`,
      content: `${list.join('、')}に関する相談。（デモ用の架空データ）`,
      issues: list,
      primary_issue: list[0],
      urgency: urgent ? '緊急' : r.chance(0.05) ? '至急' : '通常',
      urgent_flags: urgent ? [list.includes('希死念慮') ? '希死念慮' : 'DV（危険あり）'] : [],
      response,
      consent_status: consent ? 'あり' : person ? r.weighted([['なし', 30], ['未確認', 70]] as const) : '未確認',
      created_at: when,
      updated_at: when,
    });
    made.consultations += 1;
    if (person && consent) {
      consentedPeople.add(person.id);
      for (const purpose of ['agency_sharing', 'meeting_sharing']) {
        const decision = r.chance(0.92) ? 'granted' : 'refused';
        if (purpose === 'agency_sharing' && decision === 'granted') sharingGranted.add(person.id);
        consents.push({
          municipality_id: mid,
          id: nextId(when),
          person_id: person.id,
          version_no: 1,
          purpose,
          decision,
          scope_kind: 'all',
          agency_ids: [],
          consented_on: isoDate(new Date(when.getTime() + 9 * 3600_000)),
          method: r.chance(0.7) ? '書面' : '口頭',
          obtained_by_user_id: by,
          obtained_by_agency_id: agency,
          note: null,
          document_id: null,
          withdrawn_on: null,
          created_at: when,
        });
        made.consents += 1;
      }
    }
    if (response === '他機関へつなぎ' || response === '多機関協働へ') {
      const to = response === '多機関協働へ' ? coordination.id : r.pick(agencies.filter((a) => a.id !== agency)).id;
      const rid = nextId(when);
      // Referrals are answered within days and support ends: the older a referral, the more
      // surely it is completed or returned. Open ones are mostly this season's.
      const ageDays = (now.getTime() - when.getTime()) / 86_400_000;
      const outcome = r.weighted(
        ageDays <= 60
          ? ([['completed', 50], ['in_progress', 14], ['accepted', 14], ['returned', 8], ['sent', 14]] as const)
          : ageDays <= 365
            ? ([['completed', 72], ['in_progress', 12], ['accepted', 3], ['returned', 12], ['sent', 1]] as const)
            : ([['completed', 87], ['in_progress', 1], ['accepted', 0.5], ['returned', 11.4], ['sent', 0.1]] as const),
      );
      const steps = { sent: ['sent'], accepted: ['sent', 'accepted'], returned: ['sent', 'returned'], in_progress: ['sent', 'accepted', 'in_progress'], completed: ['sent', 'accepted', 'in_progress', 'completed'] }[outcome];
      const stepAt = (k: number) => new Date(when.getTime() + k * r.int(1, 4) * 86_400_000);
      const toUser = clerk(to);
      // As the API allows: a referral about an identified consultation names its person, which
      // needs the person's consent to sharing with the receiver; without it the clerk refers
      // without identifying the person, so the referral carries no link to the consultation.
      const named = person !== null && sharingGranted.has(person.id);
      referrals.push({
        municipality_id: mid,
        id: rid,
        consultation_id: person && !named ? null : id,
        person_id: named ? person.id : null,
        from_agency_id: agency,
        from_user_id: by,
        to_agency_id: to,
        to_coordination: to === coordination.id,
        chief_complaint: `${list[0]}についての相談`,
        content: '（デモ用の架空データ）',
        reason: response === '多機関協働へ' ? '複数分野の協働が必要なため' : '専門の機関での対応が必要なため',
        consent_confirmed: named,
        status: outcome,
        sent_at: when,
        due_at: addBusinessDays(when, 3),
        accepted_at: steps.includes('accepted') ? stepAt(1) : null,
        accepted_by_user_id: steps.includes('accepted') ? toUser : null,
        returned_at: outcome === 'returned' ? stepAt(1) : null,
        returned_by_user_id: outcome === 'returned' ? toUser : null,
        return_reason: outcome === 'returned' ? '対象外のため、より適切な機関を案内してください' : null,
        started_at: steps.includes('in_progress') ? stepAt(2) : null,
        started_by_user_id: steps.includes('in_progress') ? toUser : null,
        completed_at: outcome === 'completed' ? stepAt(3) : null,
        completed_by_user_id: outcome === 'completed' ? toUser : null,
        completion_note: outcome === 'completed' ? '支援につながった' : null,
      });
      steps.forEach((status, k) =>
        events.push({
          municipality_id: mid,
          referral_id: rid,
          seq: k + 1,
          status,
          at: stepAt(k),
          by_user_id: k === 0 ? by : toUser,
          by_agency_id: k === 0 ? agency : to,
          note: status === 'returned' ? '対象外のため' : null,
        }),
      );
      made.referrals += 1;
    }
    if (consultations.length >= 20_000) {
      await flush();
      progress('consultations', i + 1, total);
    }
  }
  await flush();
  await queue.drain();
  progress('consultations', total, total);
  const { result: cases, meetings } = await generateCases(db, {
    municipalityId: mid,
    cases: options.cases ?? Math.round(persons.length / 10),
    seed: options.seed,
    start,
    now,
    r,
    nextId,
    people: personFacts.map((f, i) => ({ ...f, name: persons[i]!.name as string })),
    members: keptMembers,
    onProgress: progress,
  });
  // Attendees, agenda, decisions and follow-ups of the meetings planned with the cases.
  if (meetings) await writeMeetingDetails(db, meetings, mid);
  await sql`analyze`.execute(db);
  made = { ...made };
  return {
    persons: persons.length,
    households: households.length,
    consultations: made.consultations,
    consents: made.consents,
    referrals: made.referrals,
    // Every staff account made: clerks and agency staff here, coordinators, case workers and 事務局 with the cases.
    users: newUsers.length + cases.coordinators,
    cases,
    meetings: meetings?.result ?? null,
  };
}
