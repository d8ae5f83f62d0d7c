import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';

/**
 * 多機関協働 cases: opening from a referral, numbering per 年度, the team
 * and its consent rule, and the status machine.
 */
describe.each(DATABASE_KINDS)('cases (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;

  beforeAll(async () => {
    w = await caseWorld(t);
  });

  it('a coordinator opens a case from an accepted referral; the referral goes to 対応中', async () => {
    const { case: c, referralId } = await open8050Case(w);
    expect(c).toMatchObject({ status: 'intake', statusLabel: '受付', origin: 'referral', version: 1 });
    expect(c.caseNo).toMatch(/^R\d+-\d{4}$/);
    expect(c.team.map((m: { agencyId: string; role: string }) => [m.agencyId, m.role])).toContainEqual([w.agencies.coord, 'lead']);
    const referral = json(await w.window.agent.get(`/api/v1/referrals/${referralId}`));
    expect(referral.status).toBe('in_progress');
  });
});
