import { sql } from 'kysely';
import { expect } from 'vitest';
import { json, type Agent, type TestApp, type TestUser } from './app.ts';
import { bornYearsAgo, consult, recordConsent, registerPerson } from './people.ts';

/**
 * The 多機関協働 cast on the 小金井市 preset, and an 8050 case opened the way
 * staff do it: the 福祉総合相談窓口 registers the son, records his consent,
 * refers him to the coordinators; the coordinator accepts and opens the case.
 */
export const COORD_AGENCY = '地域福祉コーディネーター（多機関協働事業）';
export const WINDOW_AGENCY = '福祉総合相談窓口（自立相談サポートセンター）';
export const HOUKATSU_AGENCY = '小金井にし地域包括支援センター';
export const OTHER_AGENCY = '女性総合相談';

export interface Party {
  user: TestUser;
  agent: Agent;
}

export interface CaseWorld {
  coordinator: Party;
  /** Staff of the 福祉総合相談窓口 (registers, consults, refers). */
  window: Party;
  /** Staff of a 地域包括支援センター. */
  houkatsu: Party;
  /** Staff of an agency that is never on the team. */
  outsider: Party;
  agencies: { coord: string; window: string; houkatsu: string; other: string };
}

export async function caseWorld(t: TestApp): Promise<CaseWorld> {
  const party = async (user: TestUser): Promise<Party> => ({ user, agent: await t.login(user.loginId, user.password) });
  const [c, w, h, o] = await Promise.all([
    t.createUser({ agency: COORD_AGENCY, role: 'coordinator', name: '調整 さくら' }),
    t.createUser({ agency: WINDOW_AGENCY, role: 'intake_clerk', name: '窓口 一郎' }),
    t.createUser({ agency: HOUKATSU_AGENCY, role: 'agency_staff', name: '包括 次郎' }),
    t.createUser({ agency: OTHER_AGENCY, role: 'agency_staff', name: '外部 三子' }),
  ]);
  const [coordinator, window, houkatsu, outsider] = await Promise.all([party(c), party(w), party(h), party(o)]);
  return {
    coordinator,
    window,
    houkatsu,
    outsider,
    agencies: { coord: c.agencyId, window: w.agencyId, houkatsu: h.agencyId, other: o.agencyId },
  };
}

export interface OpenedCase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  case: any;
  sonId: string;
  referralId: string;
}

/**
 * Open an 8050 case from a referral. `consentAgencies`: the agencies the son's
 * consent lists (default: all agencies of the project).
 */
export async function open8050Case(world: CaseWorld, options: { consentAgencies?: string[]; name?: string } = {}): Promise<OpenedCase> {
  const son = await registerPerson(world.window.agent, {
    name: options.name ?? '小金 太一',
    nameKana: 'コガネ タイチ',
    birthDate: bornYearsAgo(52),
    gender: '男',
    address: '小金井市本町1-2-3',
  });
  await recordConsent(
    world.window.agent,
    options.consentAgencies
      ? { personId: son.id, scopeKind: 'listed', agencyIds: options.consentAgencies }
      : { personId: son.id, scopeKind: 'all' },
  );
  const consultation = await consult(world.window.agent, {
    personId: son.id,
    chiefComplaint: '80代の母の年金で暮らす50代の息子がひきこもっている',
    issues: ['8050', 'ひきこもり・不登校', '介護'],
  });
  const sent = await world.window.agent.post('/api/v1/referrals', {
    consultationId: consultation.id,
    personId: son.id,
    toCoordination: true,
    chiefComplaint: '8050世帯。母の介護と息子のひきこもり',
    content: '母（82歳）の介護が必要になり、息子（52歳）が長くひきこもっている。',
    reason: '複数の課題があり、多機関協働での対応が必要',
    consentConfirmed: true,
  });
  expect(sent.statusCode, sent.body).toBe(201);
  const referral = json(sent);
  const accepted = await world.coordinator.agent.post(`/api/v1/referrals/${referral.id}/accept`, { version: 1 });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const opened = await world.coordinator.agent.post('/api/v1/cases', { origin: 'referral', referralId: referral.id });
  expect(opened.statusCode, opened.body).toBe(201);
  return { case: json(opened), sonId: son.id, referralId: referral.id };
}

/** Cases whose trigger-kept `lead_unassigned` disagrees with their team (should be none). */
export async function leadUnassignedMismatches(t: Pick<TestApp, 'db'>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from cases k
    where k.lead_unassigned is distinct from not exists (
      select 1 from case_members s
      where s.municipality_id = k.municipality_id and s.case_id = k.id and s.agency_id = k.lead_agency_id
        and s.user_id is not null and s.removed_at is null)`.execute(t.db);
  return Number(rows[0]!.n);
}
