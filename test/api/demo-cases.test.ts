import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import { generateDemoData, type GenerateResult } from '../../src/demo/generator.ts';
import { CASE_TRANSITIONS, CLOSURE_WITHOUT_FOLLOW_UP, caseFiscalYear, formatCaseNo, type CaseStatus } from '../../src/shared/cases.ts';
import { DATABASE_KINDS, USER_PASSWORD, json, useTestApp } from '../support/app.ts';
import { leadUnassignedMismatches } from '../support/cases.ts';

/**
 * The demo generator's 多機関協働 cases (src/demo/cases.ts) obey the rules the
 * API enforces: the team within the persons' consent, statuses agreeing with
 * plans, transitions and closure, numbering agreeing with case_counters, and
 * records agreeing with last_contact_at. A generated coordinator sees their
 * cases through the real API.
 */
describe.each(DATABASE_KINDS)('demo generator: cases (%s)', (kind) => {
  const t = useTestApp(kind);
  let generated: GenerateResult;

  beforeAll(async () => {
    generated = await generateDemoData(t.db, { municipalityId: t.municipalityId, population: 2000, years: 5, seed: 7 });
  }, 60_000);

  const rows = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(t.db)).rows;

  it('makes one case per ten people with about 50 records each, heavy-tailed', async () => {
    expect(generated.cases.cases).toBe(200);
    const [stats] = await rows(sql<{ cases: number; current: number; max: number; corrected: number }>`
      select (select count(*)::int from cases) as cases,
             (select count(*)::int from support_records where is_current) as current,
             (select max(n)::int from (select count(*) n from support_records where is_current group by case_id) x) as max,
             (select count(*)::int from support_records where revision > 1) as corrected`);
    expect(stats!.cases).toBe(200);
    expect(stats!.current / stats!.cases).toBeGreaterThan(40);
    expect(stats!.current / stats!.cases).toBeLessThan(60);
    expect(stats!.max).toBeGreaterThan(150);
    expect(stats!.corrected).toBeGreaterThan(0);
  });

  it('leaves cases.lead_unassigned true to the generated teams (the triggers run on the bulk load)', async () => {
    expect(await leadUnassignedMismatches(t)).toBe(0);
    // Every generated case names a coordinator of its lead agency.
    const [open] = await rows(sql<{ n: number }>`select count(*)::int as n from cases where lead_unassigned and status not in ('closed', 'suspended')`);
    expect(open!.n).toBe(0);
  });

  it('puts every team agency within the current consent of every person on the case', async () => {
    const outside = await rows(sql<{ case_id: string; agency_id: string; person_id: string }>`
      select m.case_id, m.agency_id, kp.person_id
      from case_members m
      join case_persons kp on kp.municipality_id = m.municipality_id and kp.case_id = m.case_id
      where m.user_id is null and m.removed_at is null
        and not exists (
          select 1 from consents k
          where k.municipality_id = kp.municipality_id and k.person_id = kp.person_id and k.purpose = 'agency_sharing'
            and k.version_no = (select max(version_no) from consents k2
                                where k2.municipality_id = k.municipality_id and k2.person_id = k.person_id and k2.purpose = k.purpose)
            and k.decision = 'granted' and k.withdrawn_on is null
            and (k.scope_kind = 'all' or m.agency_id = any(k.agency_ids)))`);
    expect(outside).toEqual([]);
    const [team] = await rows(sql<{ bad: number }>`
      select count(*)::int as bad from (
        select k.id from cases k
        left join case_members m on m.municipality_id = k.municipality_id and m.case_id = k.id and m.user_id is null and m.removed_at is null
        group by k.id, k.lead_agency_id
        having count(m.id) not between 2 and 5
            or count(*) filter (where m.role = 'lead') <> 1
            or bool_and(m.role <> 'lead' or m.agency_id = k.lead_agency_id) is not true) x`);
    expect(team!.bad).toBe(0);
    const [primaries] = await rows(sql<{ bad: number }>`
      select count(*)::int as bad from cases k
      where (select count(*) from case_persons kp where kp.case_id = k.id and kp.is_primary and kp.relation = '本人') <> 1`);
    expect(primaries!.bad).toBe(0);
  });

  it('keeps statuses consistent with transitions, plans and closure', async () => {
    const cases = await rows(sql<{
      id: string;
      status: CaseStatus;
      version: number;
      closure_reason: string | null;
      closed_on: string | null;
      closure_meeting_ref: string | null;
      closure_meeting_date: string | null;
      follow_up_agency_id: string | null;
      plan_status: string | null;
      plan_approved_on: string | null;
      plan_started_on: string | null;
      plan_evaluation: unknown;
      plan_versions: number | null;
      plan_current_version: number | null;
    }>`
      select k.id, k.status, k.version, k.closure_reason, k.closed_on, k.closure_meeting_ref, k.closure_meeting_date, k.follow_up_agency_id,
             pl.status as plan_status, pl.approved_on as plan_approved_on, pl.started_on as plan_started_on, pl.evaluation as plan_evaluation,
             pl.current_version as plan_current_version,
             (select count(*)::int from plan_versions pv where pv.plan_id = pl.id) as plan_versions
      from cases k
      left join lateral (select * from plans p where p.case_id = k.id order by p.plan_no desc limit 1) pl on true`);
    const transitions = await rows(sql<{ case_id: string; seq: number; from_status: CaseStatus | null; to_status: CaseStatus }>`
      select case_id, seq, from_status, to_status from case_transitions order by case_id, seq`);
    const byCase = new Map<string, typeof transitions>();
    for (const tr of transitions) byCase.set(tr.case_id, [...(byCase.get(tr.case_id) ?? []), tr]);

    const statuses = new Set<string>();
    for (const k of cases) {
      statuses.add(k.status);
      const history = byCase.get(k.id)!;
      expect(history[0]).toMatchObject({ seq: 1, from_status: null, to_status: 'intake' });
      history.forEach((tr, i) => {
        expect(tr.seq).toBe(i + 1);
        if (i > 0) {
          expect(tr.from_status).toBe(history[i - 1]!.to_status);
          expect(CASE_TRANSITIONS[tr.from_status!]).toContain(tr.to_status);
        }
      });
      expect(history.at(-1)!.to_status).toBe(k.status);
      expect(k.version).toBe(history.length);

      if (k.status === 'active') {
        expect(['approved', 'active']).toContain(k.plan_status);
        expect(k.plan_approved_on).not.toBeNull();
        expect(k.plan_started_on).not.toBeNull();
      }
      if (k.status === 'closed') {
        expect(k.closure_reason).not.toBeNull();
        expect(k.closed_on).not.toBeNull();
        expect(k.closure_meeting_ref).not.toBeNull();
        expect(k.closure_meeting_date! <= k.closed_on!).toBe(true);
        expect(k.plan_status).toBe('evaluated');
        expect(k.plan_evaluation).not.toBeNull();
        if (!CLOSURE_WITHOUT_FOLLOW_UP.includes(k.closure_reason!)) expect(k.follow_up_agency_id).not.toBeNull();
      } else {
        expect(k.closure_reason).toBeNull();
        expect(k.closed_on).toBeNull();
      }
      if (k.status === 'intake') expect(k.plan_status).toBeNull();
      if (k.plan_status) expect(k.plan_versions).toBe(k.plan_current_version);
    }
    // Old cases are mostly closed, and the open ones spread over the flow.
    expect(statuses).toContain('closed');
    expect([...statuses].filter((s) => !['closed', 'suspended'].includes(s)).length).toBeGreaterThanOrEqual(3);
    const [age] = await rows(sql<{ first: number; last: number }>`
      select avg((status = 'closed')::int) filter (where fiscal_year = (select min(fiscal_year) from cases)) as first,
             avg((status = 'closed')::int) filter (where fiscal_year = (select max(fiscal_year) from cases)) as last
      from cases`);
    expect(Number(age!.first)).toBeGreaterThan(0.7);
    expect(Number(age!.last)).toBeLessThan(0.3);
  });

  it('numbers cases per 年度 as the API does, in step with case_counters', async () => {
    const cases = await rows(sql<{ case_no: string; fiscal_year: number; seq: number; opened_on: string }>`
      select case_no, fiscal_year, seq, opened_on from cases order by fiscal_year, seq`);
    const counters = await rows(sql<{ fiscal_year: number; last_seq: number }>`select fiscal_year, last_seq from case_counters order by fiscal_year`);
    expect(new Set(cases.map((c) => c.case_no)).size).toBe(cases.length);
    const seqs = new Map<number, number[]>();
    for (const c of cases) {
      expect(c.case_no).toBe(formatCaseNo(c.fiscal_year, c.seq));
      expect(caseFiscalYear(c.opened_on)).toBe(c.fiscal_year);
      seqs.set(c.fiscal_year, [...(seqs.get(c.fiscal_year) ?? []), c.seq]);
    }
    expect(counters.map((c) => c.fiscal_year)).toEqual([...seqs.keys()]);
    for (const c of counters) {
      const list = seqs.get(c.fiscal_year)!;
      expect(c.last_seq).toBe(Math.max(...list));
      expect(list).toEqual(list.map((_, i) => i + 1));
    }
    expect(cases.length).toBeGreaterThan(0);
    expect(counters.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps records, corrections, last contact and information requests consistent', async () => {
    const [bad] = await rows(sql<{ contact: number; roots: number; badRequests: number }>`
      select
        (select count(*)::int from cases k
          where k.last_contact_at is distinct from (select max(s.occurred_at) from support_records s
                                                    where s.case_id = k.id and s.is_current and s.contact)) as contact,
        (select count(*)::int from (select root_id from support_records group by root_id
                                    having count(*) filter (where is_current) <> 1 or max(revision) <> count(*)) x) as roots,
        (select count(*)::int from info_requests q join cases k on k.id = q.case_id
          where (q.status = 'open' and k.status in ('closed', 'suspended'))
             or (q.status = 'answered' and (q.answered_at is null or q.answer is null))
             or (q.status = 'cancelled' and (q.cancelled_at is null or q.cancel_reason is null))) as "badRequests"`);
    expect(bad).toEqual({ contact: 0, roots: 0, badRequests: 0 });
    const [requests] = await rows(sql<{ open: number; answered: number }>`
      select count(*) filter (where status = 'open')::int as open, count(*) filter (where status = 'answered' and answered_at is not null)::int as answered
      from info_requests`);
    expect(requests!.answered).toBeGreaterThan(0);
    expect(requests!.open).toBeGreaterThan(0);
  });

  it('holds meetings that obey the rules of the meetings module, and links plans and closures to them', async () => {
    expect(generated.meetings!.jusou).toBeGreaterThanOrEqual(60);
    expect(generated.meetings!.shien).toBeGreaterThan(0);
    expect(generated.meetings!.suishin).toBeGreaterThan(0);
    expect(generated.meetings!.decisions).toBeGreaterThan(100);
    const jst = (col: string) => sql.raw(`((${col} at time zone 'UTC') + interval '9 hours')::date`);
    const [bad] = await rows(sql<Record<string, number>>`
      select
        -- 重層的支援会議: every person of a case on the agenda consented to sharing with every attending agency.
        (select count(*)::int from meeting_agenda_items i
          join meetings m on m.id = i.meeting_id and m.kind = 'jusou'
          join case_persons kp on kp.case_id = i.case_id
          join meeting_attendees a on a.meeting_id = m.id and a.removed_at is null and a.user_id is not null
          join users u on u.id = a.user_id
          where not exists (
            select 1 from consents k
            where k.person_id = kp.person_id and k.purpose = 'meeting_sharing'
              and k.version_no = (select max(version_no) from consents k2 where k2.person_id = k.person_id and k2.purpose = k.purpose)
              and k.decision = 'granted' and k.withdrawn_on is null
              and (k.scope_kind = 'all' or u.agency_id = any(k.agency_ids)))) as "outsideConsent",
        (select count(*)::int from meeting_agenda_items i join meetings m on m.id = i.meeting_id
          where m.kind = 'jusou' and (i.case_id is null or i.consent_basis->>'basis' <> 'consent')) as "jusouItems",
        -- 支援会議: convened by the 事務局; every attendee of a held one acknowledged 守秘義務 before it; no case decisions.
        (select count(*)::int from meetings m join users u on u.id = m.created_by_user_id
          where m.kind = 'shien' and (u.role <> 'secretariat' or m.chair_user_id <> u.id)) as "shienConvener",
        (select count(*)::int from meeting_attendees a join meetings m on m.id = a.meeting_id
          where m.kind = 'shien' and m.status = 'held'
            and not exists (select 1 from meeting_acknowledgements g where g.attendee_id = a.id and g.acknowledged_at <= m.scheduled_at)) as "unacknowledged",
        (select count(*)::int from meeting_decisions d join meetings m on m.id = d.meeting_id
          where m.kind = 'shien' and d.kind not in ('role_split', 'lead_decision', 'resource_gap', 'other')) as "shienDecisions",
        -- 推進会議: no case, no person.
        (select count(*)::int from meeting_agenda_items i join meetings m on m.id = i.meeting_id
          where m.kind = 'suishin' and (i.case_id is not null or i.person_id is not null or i.kind <> 'topic')) as "suishinSubjects",
        -- Decisions after the meeting began, at held meetings only.
        (select count(*)::int from meeting_decisions d join meetings m on m.id = d.meeting_id
          where d.decided_at < m.scheduled_at or m.status <> 'held') as "decisionTimes",
        -- Every approved plan points to the 重層的支援会議 that approved it, by a decision on that plan.
        (select count(*)::int from plans p
          left join meetings m on m.id = p.approval_meeting_id
          where p.approved_on is not null
            and (m.id is null or m.kind <> 'jusou' or ${jst('m.scheduled_at')} <> p.approved_on
                 or p.approval_ref not like m.title || '（議題%'
                 or not exists (select 1 from meeting_decisions d where d.meeting_id = m.id and d.kind = 'plan_approval'
                                and d.plan_id = p.id and d.plan_version between 1 and p.current_version))) as "planLinks",
        -- Every closed case points to the meeting that decided its closure, by a decision on its closing transition.
        (select count(*)::int from cases k
          left join meetings m on m.id = k.closure_meeting_id
          where k.status = 'closed'
            and (m.id is null or ${jst('m.scheduled_at')} <> k.closure_meeting_date or k.closure_meeting_ref not like m.title || '%'
                 or not exists (select 1 from meeting_decisions d join meeting_agenda_items i on i.id = d.agenda_item_id
                                join case_transitions t on t.case_id = k.id and t.seq = d.case_transition_seq and t.to_status = 'closed'
                                where d.meeting_id = m.id and d.kind = 'closure' and i.case_id = k.id))) as "closureLinks"`);
    expect(bad).toEqual({
      outsideConsent: 0,
      jusouItems: 0,
      shienConvener: 0,
      unacknowledged: 0,
      shienDecisions: 0,
      suishinSubjects: 0,
      decisionTimes: 0,
      planLinks: 0,
      closureLinks: 0,
    });
    const [shien] = await rows(sql<{ acknowledgements: number; persons: number }>`
      select (select count(*)::int from meeting_acknowledgements) as acknowledgements,
             (select count(*)::int from meeting_agenda_items i join meetings m on m.id = i.meeting_id where m.kind = 'shien' and i.kind = 'person') as persons`);
    expect(shien!.acknowledgements).toBeGreaterThan(0);
    expect(shien!.persons).toBeGreaterThan(0);
  });

  it('names a staff member of the lead agency on every open case, with caseloads shared evenly', async () => {
    const [unnamed] = await rows(sql<{ n: number }>`
      select count(*)::int as n from cases k
      where k.status not in ('closed', 'suspended')
        and not exists (select 1 from case_members m where m.case_id = k.id and m.agency_id = k.lead_agency_id
                        and m.user_id is not null and m.removed_at is null)`);
    expect(unnamed!.n).toBe(0);
    const loads = await rows(sql<{ user_id: string; n: number }>`
      select m.user_id, count(distinct m.case_id)::int as n from case_members m join cases k on k.id = m.case_id
      where m.user_id is not null and m.removed_at is null and k.status not in ('closed', 'suspended')
      group by m.user_id`);
    expect(loads.length).toBeGreaterThan(2);
    expect(Math.max(...loads.map((l) => l.n))).toBeLessThanOrEqual(60);
  });

  it('lets a generated coordinator open their cases through the API, and lists every case of the agency', async () => {
    const [busiest] = await rows(sql<{ user_id: string; login_id: string; agency_id: string; n: number }>`
      select m.user_id, u.login_id, u.agency_id, count(*)::int as n
      from case_members m join users u on u.id = m.user_id
      where m.removed_at is null and u.role = 'coordinator'
      group by 1, 2, 3 order by n desc, m.user_id limit 1`);
    expect(busiest!.n).toBeGreaterThan(10);
    await t.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(USER_PASSWORD), must_change_password: false })
      .where('id', '=', busiest!.user_id)
      .execute();
    const agent = await t.login(busiest!.login_id, USER_PASSWORD);

    const mine = await rows(sql<{ id: string; records: number }>`
      select k.id, (select count(*)::int from support_records s where s.case_id = k.id and s.is_current) as records
      from cases k join case_members m on m.case_id = k.id and m.user_id = ${busiest!.user_id} and m.removed_at is null
      order by records desc limit 3`);
    for (const c of mine) {
      const res = await agent.get(`/api/v1/cases/${c.id}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = json(res);
      expect(body.access.staff).toBe(true);
      expect(body.recentRecords).toHaveLength(Math.min(50, c.records));
      expect(body.persons.every((p: { visible: boolean }) => p.visible)).toBe(true);
    }

    // The list counts every case the agency is on: none is hidden by the consent rule.
    const [onTeam] = await rows(sql<{ n: number }>`
      select count(distinct case_id)::int as n from case_members where agency_id = ${busiest!.agency_id} and user_id is null and removed_at is null`);
    const list = json(await agent.get('/api/v1/cases?limit=5'));
    const total = Object.entries(list.counts as Record<string, number>)
      .filter(([status]) => status !== 'open')
      .reduce((sum, [, n]) => sum + n, 0);
    expect(total).toBe(onTeam!.n);
  });
});
