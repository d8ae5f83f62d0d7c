import type { Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import { visibleCasePredicate } from './case-access.ts';
import type { AccessContext } from './context.ts';
import { visibleConsultationPredicate, visiblePersonPredicate, visibleReferralPredicate } from './person-access.ts';

/**
 * The personal-data tables, reached only through src/access.
 *
 * Services never write `selectFrom('persons')` (or join a personal-data
 * table) themselves: they ask the request's scope for a query builder that
 * already carries the tenant and the visibility predicate of the acting
 * user — `scope.persons()`, `scope.cases()`, `scope.consultations()`,
 * `scope.referrals()` (Medplum's repository per login). A child row of a
 * case, meeting or person (records, plans, attendees …) is reached through
 * the access decision for its parent (src/access/*-access.ts), which is the
 * only way to obtain the parent's id as "granted".
 *
 * src/access/direct-select.test.ts fails when code outside src/access, the
 * migrations and the demo generator selects from or joins one of
 * PERSONAL_TABLES directly.
 */
export const PERSONAL_TABLES = [
  'persons',
  'person_links',
  'households',
  'household_members',
  'consent_documents',
  'consents',
  'consultations',
  'referrals',
  'referral_events',
  'emergency_grants',
  'notifications',
  'cases',
  'case_transitions',
  'case_members',
  'case_persons',
  'case_links',
  'assessments',
  'info_requests',
  'plans',
  'plan_versions',
  'plan_events',
  'support_records',
  'meetings',
  'meeting_attendees',
  'meeting_acknowledgements',
  'meeting_agenda_items',
  'meeting_decisions',
  'resource_gaps',
  'meeting_info_requests',
  'meeting_follow_ups',
  'task_overview_rows',
] as const;

export type PersonalTable = (typeof PERSONAL_TABLES)[number];

/** Query builders filtered to what the context may see (the request's row filter). */
export function scopedTables(trx: Transaction<Database>, ctx: AccessContext) {
  const municipalityId = ctx.municipalityId;
  return {
    /** People the user may see (full or through a received referral); alias `p`. */
    persons: () =>
      trx.selectFrom('persons as p').where('p.municipality_id', '=', municipalityId).where(visiblePersonPredicate(ctx, 'p')),
    /** Cases whose team the user's agency is on, with access to the 本人; alias `k`. */
    cases: () =>
      trx.selectFrom('cases as k').where('k.municipality_id', '=', municipalityId).where(visibleCasePredicate(ctx, 'k')),
    /** Consultations the user may see (fully or masked, see person-access.ts); alias `c`. */
    consultations: () =>
      trx
        .selectFrom('consultations as c')
        .where('c.municipality_id', '=', municipalityId)
        .where(visibleConsultationPredicate(ctx, 'c')),
    /** Referrals the user's agency sent, received or may follow; alias `r`. */
    referrals: () =>
      trx.selectFrom('referrals as r').where('r.municipality_id', '=', municipalityId).where(visibleReferralPredicate(ctx, 'r')),
  };
}

export type ScopedTables = ReturnType<typeof scopedTables>;

/**
 * The system scope: every row of one municipality, without a user's row
 * filter. Only for named system work that has no acting user — the alert
 * and overview jobs, retention, the CLI — never for a request. Each use
 * names itself (`label`), which the audit rows of the job carry.
 */
export function systemTables(trx: Transaction<Database>, municipalityId: string, label: string) {
  return {
    label,
    persons: () => trx.selectFrom('persons as p').where('p.municipality_id', '=', municipalityId),
    cases: () => trx.selectFrom('cases as k').where('k.municipality_id', '=', municipalityId),
    consultations: () => trx.selectFrom('consultations as c').where('c.municipality_id', '=', municipalityId),
    referrals: () => trx.selectFrom('referrals as r').where('r.municipality_id', '=', municipalityId),
  };
}

export type SystemTables = ReturnType<typeof systemTables>;
