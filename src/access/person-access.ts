import { sql, type Expression, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import type { AccessContext } from './context.ts';

/**
 * Who may see a person (本人) — the consent rules of 社会福祉法 and the
 * municipality's policy, in one place. An agency sees a person when
 *  - it registered the person or recorded a consultation about them (full),
 *  - the person's current consent to 関係機関への情報提供 covers the agency (full),
 *  - a referral it received is about the person (only what the referral shares),
 *  - the acting user holds a live emergency grant (生命・身体の保護; full, marked).
 * Withdrawal or a later refusal ends consent-based access at once, because
 * every check reads the current consent row.
 *
 * The same rules exist twice: as SQL predicates (lists and search filter in
 * SQL, so nothing leaks) and as a per-person decision with reasons.
 *
 * In the person predicates, `offset 0` (which changes no result) makes
 * PostgreSQL check the agency's consultations and received referrals person
 * by person, through the (municipality_id, person_id) indexes. Without it the
 * planner may instead hash every consultation or referral of the agency on
 * each query: tens of thousands of rows for a busy window at 200,000 people,
 * a cost that grows with the agency's history however few people the list
 * shows (bench/RESULTS.md).
 */
export type PersonAccessLevel = 'full' | 'referral';

export interface PersonAccess {
  level: PersonAccessLevel;
  reasons: string[];
  emergency: boolean;
}

function userIds(ctx: AccessContext): { agencyId: string | null; userId: string | null } {
  return ctx.kind === 'user' ? { agencyId: ctx.agencyId, userId: ctx.userId } : { agencyId: null, userId: null };
}

/** SQL: the current consent of `purpose` for the person in `personRef` covers `agencyId`. */
export function consentCovers(personRef: string, purpose: 'agency_sharing' | 'meeting_sharing', agencyId: string | null) {
  return sql<SqlBool>`exists (
    select 1 from consents k
    where k.municipality_id = ${sql.ref(`${personRef}.municipality_id`)}
      and k.person_id = ${sql.ref(`${personRef}.id`)}
      and k.purpose = ${purpose}
      and k.version_no = (select max(k2.version_no) from consents k2
                          where k2.municipality_id = k.municipality_id and k2.person_id = k.person_id and k2.purpose = k.purpose)
      and k.decision = 'granted'
      and k.withdrawn_on is null
      and (k.scope_kind = 'all' or ${agencyId}::uuid = any(k.agency_ids))
  )`;
}

/** SQL predicate: full access to the person aliased `p`. */
export function fullAccessPredicate(ctx: AccessContext, p = 'p'): Expression<SqlBool> {
  const { agencyId, userId } = userIds(ctx);
  if (!agencyId || !userId) return sql<SqlBool>`false`;
  return sql<SqlBool>`(
    ${agencyFullAccessPredicate(agencyId, p)}
    or exists (select 1 from emergency_grants g
               where g.municipality_id = ${sql.ref(`${p}.municipality_id`)} and g.person_id = ${sql.ref(`${p}.id`)}
                 and g.user_id = ${userId}::uuid and g.expires_at > now())
  )`;
}

/**
 * SQL predicate: the agency as a whole has full access to the person aliased
 * `p` (registered, recorded a consultation, or within the current consent) —
 * what a case team member must have (no one's emergency grant counts here).
 */
export function agencyFullAccessPredicate(agencyId: string, p = 'p'): Expression<SqlBool> {
  return sql<SqlBool>`(
    ${sql.ref(`${p}.registered_by_agency_id`)} = ${agencyId}::uuid
    or exists (select 1 from consultations c
               where c.municipality_id = ${sql.ref(`${p}.municipality_id`)} and c.person_id = ${sql.ref(`${p}.id`)}
                 and c.agency_id = ${agencyId}::uuid
               offset 0)
    or ${consentCovers(p, 'agency_sharing', agencyId)}
  )`;
}

/** SQL predicate: any access (full, or through a received referral) to the person aliased `p`. */
export function visiblePersonPredicate(ctx: AccessContext, p = 'p'): Expression<SqlBool> {
  const { agencyId } = userIds(ctx);
  if (!agencyId) return sql<SqlBool>`false`;
  return sql<SqlBool>`(
    ${fullAccessPredicate(ctx, p)}
    or exists (select 1 from referrals r
               where r.municipality_id = ${sql.ref(`${p}.municipality_id`)} and r.person_id = ${sql.ref(`${p}.id`)}
                 and r.to_agency_id = ${agencyId}::uuid and r.status <> 'returned'
               offset 0)
  )`;
}

/** The access the context has to one person, with the reasons (for display and audit). Null: none. */
export async function personAccess(
  trx: Transaction<Database>,
  ctx: AccessContext,
  personId: string,
): Promise<PersonAccess | null> {
  const { agencyId, userId } = userIds(ctx);
  if (!agencyId || !userId) return null;
  const row = await trx
    .selectFrom('persons as p')
    .select([
      sql<boolean>`p.registered_by_agency_id = ${agencyId}::uuid`.as('registered'),
      sql<boolean>`exists (select 1 from consultations c where c.municipality_id = p.municipality_id and c.person_id = p.id and c.agency_id = ${agencyId}::uuid)`.as(
        'recorded',
      ),
      consentCovers('p', 'agency_sharing', agencyId).as('consent'),
      sql<boolean>`exists (select 1 from emergency_grants g where g.municipality_id = p.municipality_id and g.person_id = p.id and g.user_id = ${userId}::uuid and g.expires_at > now())`.as(
        'emergency',
      ),
      sql<boolean>`exists (select 1 from referrals r where r.municipality_id = p.municipality_id and r.person_id = p.id and r.to_agency_id = ${agencyId}::uuid and r.status <> 'returned')`.as(
        'referral',
      ),
    ])
    .where('p.municipality_id', '=', ctx.municipalityId)
    .where('p.id', '=', personId)
    .executeTakeFirst();
  if (!row) return null;
  const reasons: string[] = [];
  if (row.registered) reasons.push('登録した機関');
  if (row.recorded) reasons.push('相談を受けた機関');
  if (row.consent) reasons.push('本人の同意の範囲');
  if (row.emergency) reasons.push('緊急時の閲覧（生命・身体の保護）');
  if (reasons.length) return { level: 'full', reasons, emergency: row.emergency && reasons.length === 1 };
  if (row.referral) return { level: 'referral', reasons: ['受けたつなぎ'], emergency: false };
  return null;
}

/**
 * SQL predicate: the consultation aliased `c` is visible in full — the
 * agency recorded it, or it is about a person whose current consent covers
 * the agency, or the acting user holds a live emergency grant for that person.
 */
export function fullConsultationPredicate(ctx: AccessContext, c = 'c'): Expression<SqlBool> {
  const { agencyId, userId } = userIds(ctx);
  if (!agencyId || !userId) return sql<SqlBool>`false`;
  return sql<SqlBool>`(
    ${sql.ref(`${c}.agency_id`)} = ${agencyId}::uuid
    or (${sql.ref(`${c}.person_id`)} is not null and exists (
          select 1 from persons cp
          where cp.municipality_id = ${sql.ref(`${c}.municipality_id`)} and cp.id = ${sql.ref(`${c}.person_id`)}
            and (${consentCovers('cp', 'agency_sharing', agencyId)}
                 or exists (select 1 from emergency_grants g
                            where g.municipality_id = cp.municipality_id and g.person_id = cp.id
                              and g.user_id = ${userId}::uuid and g.expires_at > now()))))
    or ${promoterDepartmentConsultationPredicate(ctx, c)}
  )`;
}

/**
 * SQL: the referrals (aliased `alias`) through which the agency sees the
 * consultation aliased `c` — sent or received by it, not returned. Through
 * them the agency sees only what the referral shares (the masked view).
 */
export function basisReferralCondition(ctx: AccessContext, c = 'c', alias = 'r'): Expression<SqlBool> {
  const { agencyId } = userIds(ctx);
  if (!agencyId) return sql<SqlBool>`false`;
  const r = (column: string) => sql.ref(`${alias}.${column}`);
  return sql<SqlBool>`(${r('municipality_id')} = ${sql.ref(`${c}.municipality_id`)} and ${r('consultation_id')} = ${sql.ref(`${c}.id`)}
    and (${r('to_agency_id')} = ${agencyId}::uuid or ${r('from_agency_id')} = ${agencyId}::uuid) and ${r('status')} <> 'returned')`;
}

/**
 * SQL predicate: the consultation aliased `c` is visible. An agency sees the
 * consultations it recorded; other agencies' consultations about a person
 * only within the person's current consent (or an emergency grant) — these
 * in full; and a consultation that a referral it sent or received is based
 * on — this one masked to what the referral shares (intake/service.ts).
 */
export function visibleConsultationPredicate(ctx: AccessContext, c = 'c'): Expression<SqlBool> {
  const { agencyId, userId } = userIds(ctx);
  if (!agencyId || !userId) return sql<SqlBool>`false`;
  return sql<SqlBool>`(
    ${fullConsultationPredicate(ctx, c)}
    or exists (select 1 from referrals r where ${basisReferralCondition(ctx, c, 'r')})
  )`;
}

/**
 * SQL predicate: the consultation aliased `c` may be shown as being about
 * its person: it is visible in full, or a referral through which the agency
 * sees it names that same person. A consultation seen only through a
 * referral that did not name the person must never be found by, or listed
 * under, that person (no existence oracle).
 */
export function consultationPersonShownPredicate(ctx: AccessContext, c = 'c'): Expression<SqlBool> {
  const { agencyId, userId } = userIds(ctx);
  if (!agencyId || !userId) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.ref(`${c}.person_id`)} is not null and (
    ${fullConsultationPredicate(ctx, c)}
    or exists (select 1 from referrals r where ${basisReferralCondition(ctx, c, 'r')} and r.person_id = ${sql.ref(`${c}.person_id`)})
  ))`;
}

/**
 * SQL: the chief complaint (主訴) of the consultation aliased `c` as the
 * viewer may read it — its own text when visible in full, else the chief
 * complaint of the latest referral through which the viewer sees it.
 */
export function consultationChiefComplaintSql(ctx: AccessContext, c = 'c') {
  return sql<string>`(case when ${fullConsultationPredicate(ctx, c)} then ${sql.ref(`${c}.chief_complaint`)}
    else (select r.chief_complaint from referrals r where ${basisReferralCondition(ctx, c, 'r')} order by r.sent_at desc, r.id desc limit 1) end)`;
}

/** SQL predicate: the referral aliased `r` is visible (sent by or to the user's agency). */
export function visibleReferralPredicate(ctx: AccessContext, r = 'r'): Expression<SqlBool> {
  const { agencyId } = userIds(ctx);
  if (!agencyId) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.ref(`${r}.to_agency_id`)} = ${agencyId}::uuid or ${sql.ref(`${r}.from_agency_id`)} = ${agencyId}::uuid
    or ${promoterDepartmentReferralPredicate(ctx, r)})`;
}

/**
 * 断らない相談窓口推進員 (promoter) and their department (福生市 基本目標1): a
 * promoter sees the intakes and referrals of the windows (agencies) of their
 * own agency's 所管課 (`agencies.department_id`), so a window clerk can ask
 * them how to route a consultation. This is use inside one department of the
 * municipality, so it includes the person as the window recorded them — on
 * that consultation or referral only: it opens no person record, no other
 * agency's consultation and no case (those keep the consent and team rules).
 * Reads on this basis are audited with it (`basis: 'promoter_department'`).
 * An agency with no department, or a user who is not a promoter, gets nothing here.
 */
function departmentWindows(ctx: AccessContext) {
  if (ctx.kind !== 'user' || !ctx.roles.includes('promoter')) return null;
  return sql`(select wa.id from agencies wa
              join agencies pa on pa.municipality_id = wa.municipality_id and pa.department_id = wa.department_id
              where pa.municipality_id = ${ctx.municipalityId}::uuid and pa.id = ${ctx.agencyId}::uuid)`;
}

/** SQL predicate: the consultation aliased `c` was received at a window of the acting promoter's department. */
export function promoterDepartmentConsultationPredicate(ctx: AccessContext, c = 'c'): Expression<SqlBool> {
  const windows = departmentWindows(ctx);
  return windows ? sql<SqlBool>`(${sql.ref(`${c}.agency_id`)} in ${windows})` : sql<SqlBool>`false`;
}

/** SQL predicate: the referral aliased `r` was sent by or to a window of the acting promoter's department. */
export function promoterDepartmentReferralPredicate(ctx: AccessContext, r = 'r'): Expression<SqlBool> {
  const windows = departmentWindows(ctx);
  return windows
    ? sql<SqlBool>`(${sql.ref(`${r}.from_agency_id`)} in ${windows} or ${sql.ref(`${r}.to_agency_id`)} in ${windows})`
    : sql<SqlBool>`false`;
}
