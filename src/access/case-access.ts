import { sql, type Expression, type SqlBool } from 'kysely';
import { notFound } from '../server/errors.ts';
import type { CaseStatus, TeamRole } from '../shared/cases.ts';
import type { AccessContext } from './context.ts';
import type { Scope } from './gateway.ts';
import { agencyFullAccessPredicate, fullAccessPredicate } from './person-access.ts';

/**
 * Who may see a case (事例, 多機関協働): its team, within the person's consent.
 *
 * An agency sees a case when
 *  - it is on the case team now (an active `case_members` row; removal ends
 *    access at the next request), and
 *  - it has full access to the case's 本人 (registered, recorded, current
 *    consent covering it, or the user's emergency grant) — so a withdrawal
 *    of consent ends the access of team agencies that rely on it, at once.
 * Other persons linked to the case (household members) are shown to a team
 * agency only when it may see them too (person-access rules).
 *
 * Within the team: any member may read and add support records or answer
 * information requests addressed to it; 主担当 and 協力 agencies write the
 * assessment and plan drafts; the 主担当 agency and coordinators on the team
 * manage the case (status, team, plan approval and evaluation, closure).
 */
export type CaseNeed = 'read' | 'contribute' | 'edit' | 'manage';

export interface CaseAccess {
  caseId: string;
  caseNo: string;
  status: CaseStatus;
  version: number;
  teamRole: TeamRole;
  leadAgencyId: string;
  primaryPersonId: string | null;
  /** The user is named on the team. */
  staff: boolean;
  contribute: boolean;
  edit: boolean;
  manage: boolean;
}

function agencyOf(ctx: AccessContext): string | null {
  return ctx.kind === 'user' ? ctx.agencyId : null;
}

/** SQL: `agencyId` is on the team of the case aliased `k`. */
function agencyOnTeam(agencyId: string, k: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (
    select 1 from case_members tm
    where tm.municipality_id = ${sql.ref(`${k}.municipality_id`)} and tm.case_id = ${sql.ref(`${k}.id`)}
      and tm.agency_id = ${agencyId}::uuid and tm.user_id is null and tm.removed_at is null)`;
}

/** SQL: on the team (`onTeam`) and `personAccess` holds for the case's 本人 (aliased kpp). */
function teamWithPerson(k: string, onTeam: Expression<SqlBool>, personAccess: Expression<SqlBool>): Expression<SqlBool> {
  return sql<SqlBool>`(
    ${onTeam}
    and not exists (
      select 1 from case_persons kp
      join persons kpp on kpp.municipality_id = kp.municipality_id and kpp.id = kp.person_id
      where kp.municipality_id = ${sql.ref(`${k}.municipality_id`)} and kp.case_id = ${sql.ref(`${k}.id`)} and kp.is_primary
        and not ${personAccess})
  )`;
}

/** SQL: the user's agency is on the team of the case aliased `k`. */
export function onTeamPredicate(ctx: AccessContext, k = 'k'): Expression<SqlBool> {
  const agencyId = agencyOf(ctx);
  return agencyId ? agencyOnTeam(agencyId, k) : sql<SqlBool>`false`;
}

/** SQL: the case aliased `k` is visible to the context (team + access to its 本人). */
export function visibleCasePredicate(ctx: AccessContext, k = 'k'): Expression<SqlBool> {
  const agencyId = agencyOf(ctx);
  if (!agencyId) return sql<SqlBool>`false`;
  return teamWithPerson(k, agencyOnTeam(agencyId, k), fullAccessPredicate(ctx, 'kpp'));
}

/**
 * SQL: the case aliased `k` is visible to the agency as a whole — on the
 * team, with the agency's own access to the 本人 (registered, recorded,
 * current consent). No one's emergency grant counts. For aggregates kept
 * per agency (the coordinators' overview); what a user is shown is checked
 * again with visibleCasePredicate.
 */
export function agencyVisibleCasePredicate(agencyId: string, k = 'k'): Expression<SqlBool> {
  return teamWithPerson(k, agencyOnTeam(agencyId, k), agencyFullAccessPredicate(agencyId, 'kpp'));
}

const NEED_LABELS: Record<CaseNeed, string> = {
  read: '閲覧',
  contribute: '記録',
  edit: '編集',
  manage: '管理（状態・チーム・承認・終結）',
};

/** The access the context has to one case, or null when it may not see it. */
export async function caseAccess(scope: Scope, caseId: string): Promise<CaseAccess | null> {
  const ctx = scope.ctx;
  const agencyId = agencyOf(ctx);
  if (ctx.kind !== 'user' || !agencyId) return null;
  const row = await scope.trx
    .selectFrom('cases as k')
    .innerJoin('case_members as tm', (j) =>
      j
        .onRef('tm.municipality_id', '=', 'k.municipality_id')
        .onRef('tm.case_id', '=', 'k.id')
        .on('tm.agency_id', '=', agencyId)
        .on('tm.user_id', 'is', null)
        .on('tm.removed_at', 'is', null),
    )
    .leftJoin('case_persons as kp', (j) =>
      j.onRef('kp.municipality_id', '=', 'k.municipality_id').onRef('kp.case_id', '=', 'k.id').on('kp.is_primary', '=', true),
    )
    .select([
      'k.id',
      'k.case_no',
      'k.status',
      'k.version',
      'k.lead_agency_id',
      'tm.role',
      'kp.person_id',
      sql<boolean>`exists (select 1 from case_members s where s.municipality_id = k.municipality_id and s.case_id = k.id
                             and s.user_id = ${ctx.userId}::uuid and s.removed_at is null)`.as('staff'),
    ])
    .where('k.municipality_id', '=', scope.municipalityId)
    .where('k.id', '=', caseId)
    .where(visibleCasePredicate(ctx, 'k'))
    .executeTakeFirst();
  if (!row) return null;
  const teamRole = row.role as TeamRole;
  const manage = teamRole === 'lead' || ctx.roles.includes('coordinator');
  return {
    caseId: row.id,
    caseNo: row.case_no,
    status: row.status as CaseStatus,
    version: row.version,
    teamRole,
    leadAgencyId: row.lead_agency_id,
    primaryPersonId: row.person_id,
    staff: row.staff,
    contribute: true,
    edit: manage || teamRole !== 'informing',
    manage,
  };
}

/**
 * Load the access to a case or refuse: a case the user may not see answers
 * 404 (its existence is not revealed) and the refusal is audited; a team
 * member without the needed right gets 403 with the reason.
 */
export async function requireCase(scope: Scope, caseId: string, need: CaseNeed, action = `case.${need}`): Promise<CaseAccess> {
  const access = await caseAccess(scope, caseId);
  if (!access) {
    scope.audit(action, { targetType: 'case', targetId: caseId, reason: 'not on the case team or outside consent' }, 'denied');
    throw notFound('事例');
  }
  const ok = need === 'read' ? true : need === 'contribute' ? access.contribute : need === 'edit' ? access.edit : access.manage;
  if (!ok) {
    scope.deny(
      `team role ${access.teamRole} may not ${need}`,
      need === 'manage'
        ? 'この操作は主担当機関またはコーディネーターが行います。'
        : `チームでの役割（${access.teamRole === 'informing' ? '情報提供' : access.teamRole}）では${NEED_LABELS[need]}できません。`,
    );
  }
  return access;
}
