import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { caseFiscalYear } from '../shared/cases.ts';
import { warekiYear } from '../shared/dates.ts';
import { CONFIDENTIALITY_TEXT_VERSION } from '../shared/meetings.ts';
import { bulkInsert } from './bulk.ts';
import type { Rng } from './generator.ts';

/**
 * Fictional meetings (会議体) agreeing with the generated cases: the monthly
 * 重層的支援会議 (third Thursday, 14:00) where plans are approved and cases
 * closed — split into parallel 部会 of at most SESSION_ITEMS cases in a big
 * city — with the staff of the cases' team agencies attending, each agenda
 * person's current consent to 会議での情報共有 covering every attending agency
 * (the rule src/meetings/service.ts enforces), decisions linked to the plan
 * version and the closure transition as the service links them, minutes and
 * follow-ups; quarterly 支援会議 convened by the 事務局 with every attendee's
 * 守秘義務 acknowledgement and persons known partly; and 推進会議 twice a year
 * on the system only (no case, no person).
 *
 * The cases module plans the meetings before it writes its rows (so a plan's
 * approval_meeting_id and a case's closure_meeting_id point to real
 * meetings); the meeting rows are loaded once the cases are in.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const JST = 9 * HOUR;
const SESSION_ITEMS = 30;

const jstDate = (ms: number) => new Date(ms + JST).toISOString().slice(0, 10);

/** The monthly 重層的支援会議 of a JST month: its third Thursday at 14:00 JST. */
function monthlyMeeting(year: number, month: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const offset = (4 - first.getUTCDay() + 7) % 7;
  return Date.UTC(year, month - 1, 1 + offset + 14, 14) - JST;
}

/** The first monthly 重層的支援会議 at or after `ms`: plans are approved and cases closed there. */
export function meetingAtOrAfter(ms: number): number {
  const d = new Date(ms + JST);
  let year = d.getUTCFullYear();
  let month = d.getUTCMonth() + 1;
  for (;;) {
    const at = monthlyMeeting(year, month);
    if (at >= ms) return at;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** 令和7年度 第3回 重層的支援会議 — the monthly meeting of the 年度 that holds `ms` (April is 第1回). */
export function meetingName(ms: number): string {
  const date = jstDate(ms);
  const fy = caseFiscalYear(date);
  const month = Number(date.slice(5, 7));
  return `${warekiYear(`${fy}-12-31`)}度 第${((month + 8) % 12) + 1}回 重層的支援会議`;
}

/** What a case brings to the meetings (decided before its rows are written). */
export interface MeetingCaseFacts {
  caseId: string;
  label: string;
  lead: string;
  coordinator: string;
  /** 本人 first, then the household members on the case. */
  persons: string[];
  /** One entry per team agency: who of it attends (named staff, or the agency's worker). */
  team: { agencyId: string; userId: string | null; addedAt: number }[];
  approvals: { planId: string; planNo: number; version: number; at: number }[];
  closures: { at: number; seq: number; reason: string }[];
}

export interface MeetingPlanInput {
  municipalityId: string;
  r: Rng;
  nextId: (at: Date) => string;
  start: number;
  now: number;
  bodies: { id: string; kind: string; convener: string | null }[];
  /** The 事務局 agency and its secretariat accounts (chairs and 支援会議 conveners). */
  secretariat: { agencyId: string; users: string[] };
  /** Staff accounts per agency (for 支援会議 and 推進会議 members). */
  staffOf: ReadonlyMap<string, readonly string[]>;
  agencyName: ReadonlyMap<string, string>;
  /** People not on a case, for 支援会議 (潜在的な相談者). */
  otherPeople: readonly { id: string; age: number }[];
  cases: readonly MeetingCaseFacts[];
}

export interface MeetingGenerationResult {
  meetings: number;
  jusou: number;
  shien: number;
  suishin: number;
  attendees: number;
  acknowledgements: number;
  agendaItems: number;
  decisions: number;
  followUps: number;
}

type Row = Record<string, unknown>;

export interface MeetingPlan {
  /** The meeting and its ref (as the service writes it) of each plan approval, by plan id. */
  approval: Map<string, { meetingId: string; ref: string; on: string }>;
  /** The same for each closure, by `caseId|transition seq`. */
  closure: Map<string, { meetingId: string; ref: string; on: string }>;
  rows: {
    meetings: Row[];
    meeting_attendees: Row[];
    meeting_acknowledgements: Row[];
    meeting_agenda_items: Row[];
    meeting_decisions: Row[];
    resource_gaps: Row[];
    meeting_follow_ups: Row[];
  };
  /** Agenda persons per agenda item id (for the consent basis, filled in when the rows are written). */
  agendaPersons: Map<string, { persons: string[]; meetingId: string }>;
  result: MeetingGenerationResult;
}

interface Session {
  id: string;
  title: string;
  at: number;
  items: { c: MeetingCaseFacts; approvals: MeetingCaseFacts['approvals']; closures: MeetingCaseFacts['closures'] }[];
}

const PLACES = ['市役所第二庁舎 会議室801', '福祉会館 第1会議室', '市民会館 会議室A'];
const TOPICS = [
  ['各相談支援機関の連携状況', '相談の受け止めとつなぎの件数、つなぎ先での対応状況を共有した。'],
  ['重層的支援体制整備事業の実施状況と評価', '多機関協働の事例数、終結の理由、参加支援の利用状況を評価した。'],
  ['地域の居場所と社会資源の把握', '地域の居場所・サロンの状況を共有し、不足している資源を確認した。'],
] as const;
const GAPS = ['ひきこもりの方が日中に通える居場所が市の北部にない', '外国籍の方の相談に対応できる通訳の確保', '夜間に相談できる窓口がない'];

/** Plan every meeting of the period (pure: ids and times only; rows are written by writeMeetings). */
export function planMeetings(x: MeetingPlanInput): MeetingPlan {
  const { r, nextId } = x;
  const mid = x.municipalityId;
  const at = (ms: number) => new Date(ms);
  const body = (kind: string) => x.bodies.find((b) => b.kind === kind) ?? null;
  const chairs = x.secretariat.users;
  const result: MeetingGenerationResult = { meetings: 0, jusou: 0, shien: 0, suishin: 0, attendees: 0, acknowledgements: 0, agendaItems: 0, decisions: 0, followUps: 0 };
  const plan: MeetingPlan = {
    approval: new Map(),
    closure: new Map(),
    rows: { meetings: [], meeting_attendees: [], meeting_acknowledgements: [], meeting_agenda_items: [], meeting_decisions: [], resource_gaps: [], meeting_follow_ups: [] },
    agendaPersons: new Map(),
    result,
  };
  if (chairs.length === 0) return plan;
  const rows = plan.rows;

  const meeting = (kind: 'jusou' | 'shien' | 'suishin', bodyId: string, id: string, title: string, ms: number, chair: string, convener: string | null) => {
    const held = ms <= x.now;
    rows.meetings.push({
      municipality_id: mid,
      id,
      meeting_body_id: bodyId,
      kind,
      title,
      scheduled_at: at(ms),
      place: r.pick(PLACES),
      online: r.chance(0.1),
      convener,
      organizer_agency_id: null,
      chair_user_id: chair,
      status: held ? 'held' : 'scheduled',
      joint_group_id: null,
      note: null,
      version: 1,
      created_by_user_id: chair,
      created_by_agency_id: x.secretariat.agencyId,
      created_at: at(ms - 21 * DAY),
      updated_at: at(held ? ms + 2 * HOUR : ms - 21 * DAY),
    });
    result.meetings += 1;
    result[kind] += 1;
  };
  const attendees = (meetingId: string, ms: number, chair: string, users: Iterable<string>, acknowledge: boolean) => {
    const list = [chair, ...[...new Set(users)].filter((u) => u !== chair)];
    const held = ms <= x.now;
    for (const [i, userId] of list.entries()) {
      const id = nextId(at(ms - 14 * DAY));
      rows.meeting_attendees.push({
        municipality_id: mid,
        id,
        meeting_id: meetingId,
        user_id: userId,
        external_name: null,
        external_organization: null,
        role: i === 0 ? 'chair' : 'member',
        invited_at: at(ms - 14 * DAY),
        invited_by_user_id: chair,
        attended: held ? i === 0 || r.chance(0.95) : null,
        removed_at: null,
        removed_by_user_id: null,
      });
      result.attendees += 1;
      if (acknowledge && held) {
        rows.meeting_acknowledgements.push({
          municipality_id: mid,
          meeting_id: meetingId,
          attendee_id: id,
          user_id: userId,
          acknowledged_at: at(ms - r.int(1, 30) * 60_000),
          text_version: CONFIDENTIALITY_TEXT_VERSION,
        });
        result.acknowledgements += 1;
      }
    }
  };
  const agendaItem = (meetingId: string, ms: number, seq: number, item: Partial<Row> & { kind: string; title: string }, byUser: string, byAgency: string) => {
    const id = nextId(at(ms - 7 * DAY));
    const held = ms <= x.now;
    rows.meeting_agenda_items.push({
      municipality_id: mid,
      id,
      meeting_id: meetingId,
      seq,
      case_id: null,
      person_id: null,
      person_alias: null,
      description: null,
      consent_basis: null,
      minutes: null,
      minutes_updated_at: held ? at(ms + DAY + r.int(0, 6) * HOUR) : null,
      minutes_updated_by_user_id: held ? byUser : null,
      version: held ? 2 : 1,
      added_by_user_id: byUser,
      added_by_agency_id: byAgency,
      added_at: at(ms - r.int(3, 10) * DAY),
      ...item,
    });
    result.agendaItems += 1;
    return id;
  };
  const decision = (meetingId: string, itemId: string, ms: number, k: Row & { kind: string; content: string }, byUser: string) => {
    const id = nextId(at(ms));
    rows.meeting_decisions.push({
      municipality_id: mid,
      id,
      meeting_id: meetingId,
      agenda_item_id: itemId,
      plan_id: null,
      plan_version: null,
      case_transition_seq: null,
      details: null,
      decided_by_user_id: byUser,
      decided_at: at(ms),
      ...k,
    });
    result.decisions += 1;
    return id;
  };
  const followUp = (meetingId: string, itemId: string | null, ms: number, content: string, owner: string | null, agency: string | null, by: string) => {
    const due = ms + r.int(7, 30) * DAY;
    rows.meeting_follow_ups.push({
      municipality_id: mid,
      id: nextId(at(ms + HOUR)),
      meeting_id: meetingId,
      agenda_item_id: itemId,
      content,
      owner_user_id: owner,
      owner_agency_id: agency,
      due_on: jstDate(due),
      done_at: due + 3 * DAY < x.now && r.chance(0.9) ? at(Math.min(x.now, due - r.int(0, 6) * DAY)) : null,
      created_by_user_id: by,
      created_at: at(ms + HOUR),
    });
    result.followUps += 1;
  };

  // 重層的支援会議: one a month over the period (and the next one, scheduled), in 部会 of at most SESSION_ITEMS cases.
  const jusou = body('jusou');
  if (jusou) {
    const byMonth = new Map<number, Map<string, Session['items'][number]>>();
    const entry = (ms: number, c: MeetingCaseFacts) => {
      const month = byMonth.get(ms) ?? new Map<string, Session['items'][number]>();
      byMonth.set(ms, month);
      const item = month.get(c.caseId) ?? { c, approvals: [], closures: [] };
      month.set(c.caseId, item);
      return item;
    };
    for (const c of x.cases) {
      for (const a of c.approvals) entry(a.at, c).approvals.push(a);
      for (const k of c.closures) entry(k.at, c).closures.push(k);
    }
    const months: number[] = [];
    for (let ms = meetingAtOrAfter(x.start); ; ms = meetingAtOrAfter(ms + DAY)) {
      months.push(ms);
      if (ms > x.now) break;
    }
    for (const [ms] of byMonth) if (!months.includes(ms)) months.push(ms);
    months.sort((a, b) => a - b);
    for (const ms of months) {
      const items = [...(byMonth.get(ms)?.values() ?? [])];
      const parts = Math.max(1, Math.ceil(items.length / SESSION_ITEMS));
      const base = meetingName(ms);
      for (let s = 0; s < parts; s++) {
        const chair = chairs[s % chairs.length]!;
        const id = nextId(at(ms - 21 * DAY));
        const title = parts > 1 ? `${base}（第${s + 1}部会）` : base;
        meeting('jusou', jusou.id, id, title, ms, chair, jusou.convener);
        const mine = items.filter((_, i) => i % parts === s);
        // Attendees: the coordinators and the staff of the agencies on the cases' teams by then.
        const users: string[] = [];
        for (const it of mine) {
          users.push(it.c.coordinator);
          for (const m of it.c.team) if (m.userId && m.addedAt <= ms) users.push(m.userId);
        }
        attendees(id, ms, chair, users, false);
        mine.forEach((it, i) => {
          const seq = i + 1;
          const what = [...(it.approvals.length ? ['プランの承認'] : []), ...(it.closures.length ? ['終結の検討'] : [])].join('・');
          const itemId = agendaItem(
            id,
            ms,
            seq,
            {
              kind: 'case',
              case_id: it.c.caseId,
              title: it.c.label,
              description: what,
              minutes: `${what}について検討した。主担当から経過を報告し、関係機関で支援の状況を共有した。（デモ用の架空データ）`,
            },
            it.c.coordinator,
            it.c.lead,
          );
          plan.agendaPersons.set(itemId, { persons: it.c.persons, meetingId: id });
          const ref = `${title}（議題${seq}：${it.c.label}）`.slice(0, 200);
          let t = ms + 30 * 60_000 + i * 4 * 60_000;
          for (const a of it.approvals) {
            decision(id, itemId, t, {
              kind: 'plan_approval',
              content: `第${a.planNo}回の支援プランを承認する`,
              plan_id: a.planId,
              plan_version: a.version,
              details: JSON.stringify({ planNo: a.planNo, status: 'approved' }),
            }, it.c.coordinator);
            plan.approval.set(a.planId, { meetingId: id, ref, on: jstDate(ms) });
            t += 60_000;
          }
          for (const k of it.closures) {
            decision(id, itemId, t, {
              kind: 'closure',
              content: `終結とする（${k.reason}）`,
              case_transition_seq: k.seq,
              details: JSON.stringify({ status: 'closed' }),
            }, it.c.coordinator);
            plan.closure.set(`${it.c.caseId}|${k.seq}`, { meetingId: id, ref, on: jstDate(ms) });
            t += 60_000;
          }
          if (r.chance(0.25)) {
            const other = it.c.team.find((m) => m.agencyId !== it.c.lead && m.userId);
            followUp(id, itemId, ms, '関係機関と役割分担を確認し、次回の会議で報告する', other?.userId ?? it.c.coordinator, other?.agencyId ?? it.c.lead, chair);
          }
        });
      }
    }
  }

  // 支援会議 (法106条の6): quarterly, convened by the 事務局; members acknowledge 守秘義務; persons may be known partly.
  const staffed = [...x.staffOf.entries()].filter(([, users]) => users.length > 0);
  const shien = body('shien');
  const suishin = body('suishin');
  const firstYear = caseFiscalYear(jstDate(x.start));
  const lastYear = caseFiscalYear(jstDate(x.now));
  for (let fy = firstYear; fy <= lastYear; fy++) {
    if (shien && staffed.length) {
      for (const month of [5, 8, 11, 14]) {
        const ms = Date.UTC(fy, month - 1, 10, 10) - JST;
        if (ms < x.start || ms > x.now + 30 * DAY) continue;
        const chair = r.pick(chairs);
        const id = nextId(at(ms - 21 * DAY));
        meeting('shien', shien.id, id, `${warekiYear(`${fy}-12-31`)}度 支援会議（${month > 12 ? month - 12 : month}月）`, ms, chair, shien.convener);
        const members = Array.from({ length: r.int(3, 5) }, () => r.pick(r.pick(staffed)[1]));
        attendees(id, ms, chair, members, true);
        if (ms > x.now) continue;
        for (let seq = 1; seq <= r.int(1, 3); seq++) {
          const known = x.otherPeople.length > 0 && r.chance(0.6);
          const p = known ? r.pick(x.otherPeople) : null;
          const alias = `${r.pick(['北町', '南町', '東町', '西町'])}の${p ? Math.floor(p.age / 10) : r.int(2, 8)}0代${r.chance(0.5) ? '男性' : '女性'}`;
          const itemId = agendaItem(
            id,
            ms,
            seq,
            {
              kind: 'person',
              person_id: p?.id ?? null,
              person_alias: p ? null : alias,
              title: p ? '支援につながっていない世帯について' : alias,
              description: '本人の同意がないが、関係機関で把握している状況を共有し、支援の届け方を検討する',
              consent_basis: JSON.stringify({ basis: 'shien_106_6', label: '社会福祉法第106条の6（支援会議）：本人の同意は不要' }),
              minutes: '各機関の把握している状況を共有した。訪問の役割分担を決めた。（デモ用の架空データ）',
            },
            chair,
            x.secretariat.agencyId,
          );
          const owner = r.pick(staffed);
          decision(id, itemId, ms + 40 * 60_000 + seq * 5 * 60_000, { kind: 'role_split', content: `${x.agencyName.get(owner[0]) ?? '関係機関'}が訪問して様子を確認する` }, chair);
          followUp(id, itemId, ms, '自宅を訪問して様子を確認し、事務局へ報告する', owner[1][0]!, owner[0], chair);
        }
      }
    }
    // 推進会議: twice a year, the system only.
    if (suishin && staffed.length) {
      for (const month of [7, 13]) {
        const ms = Date.UTC(fy, month - 1, 20, 15) - JST;
        if (ms < x.start || ms > x.now + 30 * DAY) continue;
        const chair = r.pick(chairs);
        const id = nextId(at(ms - 21 * DAY));
        meeting('suishin', suishin.id, id, `${warekiYear(`${fy}-12-31`)}度 第${month === 7 ? 1 : 2}回 重層的支援体制推進会議`, ms, chair, suishin.convener);
        attendees(id, ms, chair, Array.from({ length: r.int(6, 10) }, () => r.pick(staffed)[1][0]!), false);
        if (ms > x.now) continue;
        TOPICS.forEach(([title, minutes], i) => {
          const itemId = agendaItem(id, ms, i + 1, { kind: 'topic', title, minutes }, chair, x.secretariat.agencyId);
          const t = ms + (i + 1) * 20 * 60_000;
          if (i === 2 && r.chance(0.7)) {
            const content = r.pick(GAPS);
            const decisionId = decision(id, itemId, t, { kind: 'resource_gap', content }, chair);
            rows.resource_gaps.push({ municipality_id: mid, id: nextId(at(t)), meeting_id: id, decision_id: decisionId, content, status: r.pick(['open', 'in_progress', 'resolved']), created_at: at(t) });
          } else {
            decision(id, itemId, t, { kind: i === 0 ? 'system_collaboration' : 'system_evaluation', content: i === 0 ? '相談のつなぎ方を各機関で共有する' : '今年度の実施状況を確認し、次年度の方針に反映する' }, chair);
          }
        });
        followUp(id, null, ms, '推進会議の結果を各機関へ周知する', chair, x.secretariat.agencyId, chair);
      }
    }
  }
  return plan;
}

/** Load the meetings themselves (before the cases: plans and cases point to them). */
export async function writeMeetingShells(db: Db, plan: MeetingPlan): Promise<void> {
  await bulkInsert(db, 'meetings', plan.rows.meetings);
}

/**
 * Load attendees, agenda, decisions and follow-ups once the cases are in.
 * Each case item's consent basis is the person's current consent to
 * 会議での情報共有, which must cover every attending agency (as the service
 * requires); a generated item outside consent is a generator bug.
 */
export async function writeMeetingDetails(db: Db, plan: MeetingPlan, municipalityId: string): Promise<void> {
  const rows = plan.rows;
  await bulkInsert(db, 'meeting_attendees', rows.meeting_attendees);
  await bulkInsert(db, 'meeting_acknowledgements', rows.meeting_acknowledgements);
  const consents = new Map<string, { version_no: number; scope_kind: string; agency_ids: string[]; consented_on: string; ok: boolean }>();
  const current = await sql<{ person_id: string; version_no: number; decision: string; scope_kind: string; agency_ids: string[] | null; consented_on: string; withdrawn_on: string | null }>`
    select distinct on (person_id) person_id, version_no, decision, scope_kind, agency_ids, consented_on, withdrawn_on
    from consents where municipality_id = ${municipalityId} and purpose = 'meeting_sharing'
    order by person_id, version_no desc`.execute(db);
  for (const k of current.rows) {
    consents.set(k.person_id, { ...k, agency_ids: k.agency_ids ?? [], ok: k.decision === 'granted' && !k.withdrawn_on });
  }
  const userAgency = new Map<string, string>();
  for (const u of await db.selectFrom('users').select(['id', 'agency_id']).where('municipality_id', '=', municipalityId).execute()) userAgency.set(u.id, u.agency_id);
  const attending = new Map<string, Set<string>>();
  for (const a of rows.meeting_attendees) {
    const set = attending.get(a.meeting_id as string) ?? new Set<string>();
    set.add(userAgency.get(a.user_id as string)!);
    attending.set(a.meeting_id as string, set);
  }
  for (const item of rows.meeting_agenda_items) {
    const subject = plan.agendaPersons.get(item.id as string);
    if (!subject) continue;
    const agencies = attending.get(subject.meetingId) ?? new Set<string>();
    for (const personId of subject.persons) {
      const k = consents.get(personId);
      if (!k?.ok || (k.scope_kind !== 'all' && [...agencies].some((a) => !k.agency_ids.includes(a)))) {
        throw new Error(`demo meetings: person ${personId} has not consented to sharing with every attending agency`);
      }
    }
    const k = consents.get(subject.persons[0]!)!;
    item.consent_basis = JSON.stringify({ basis: 'consent', purpose: 'meeting_sharing', versionNo: k.version_no, scopeKind: k.scope_kind, consentedOn: k.consented_on });
  }
  await bulkInsert(db, 'meeting_agenda_items', rows.meeting_agenda_items);
  await bulkInsert(db, 'meeting_decisions', rows.meeting_decisions);
  await linkCarriedOutDecisions(db, municipalityId);
  await bulkInsert(db, 'resource_gaps', rows.resource_gaps);
  await bulkInsert(db, 'meeting_follow_ups', rows.meeting_follow_ups);
}

/**
 * Link each approval and closure to the decision it carried out, as the
 * services do (plans.approval_decision_id, case_transitions.meeting_decision_id,
 * cases.closure_decision_id), once the decisions are loaded.
 */
async function linkCarriedOutDecisions(db: Db, mid: string): Promise<void> {
  await sql`
    update plans p set approval_decision_id = d.id
    from meeting_decisions d
    where d.municipality_id = p.municipality_id and d.plan_id = p.id and d.kind = 'plan_approval' and d.meeting_id = p.approval_meeting_id
      and p.municipality_id = ${mid}::uuid and p.approval_decision_id is null`.execute(db);
  await sql`
    update case_transitions t set meeting_decision_id = d.id
    from meeting_decisions d
    join meeting_agenda_items i on i.municipality_id = d.municipality_id and i.id = d.agenda_item_id
    where d.municipality_id = t.municipality_id and i.case_id = t.case_id and d.case_transition_seq = t.seq
      and d.kind in ('closure', 'suspension') and t.municipality_id = ${mid}::uuid`.execute(db);
  await sql`
    update cases k set closure_decision_id = t.meeting_decision_id
    from case_transitions t
    where t.municipality_id = k.municipality_id and t.case_id = k.id and t.to_status = 'closed' and t.meeting_decision_id is not null
      and k.status = 'closed' and k.municipality_id = ${mid}::uuid
      and t.seq = (select max(t2.seq) from case_transitions t2 where t2.municipality_id = k.municipality_id and t2.case_id = k.id and t2.to_status = 'closed')`.execute(db);
}
