import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import {
  consultationChiefComplaintSql,
  consultationPersonShownPredicate,
  fullConsultationPredicate,
  visibleReferralPredicate,
} from '../access/person-access.ts';
import { consentPurposeLabels } from '../municipalities/taxonomy.ts';
import { formatDate } from '../shared/dates.ts';
import { REFERRAL_STATUS_LABELS } from '../shared/issues.ts';
import { loadHousehold } from './households.ts';
import { displayName, requirePersonAccess } from './service.ts';

/**
 * The timeline of a person or household: consultations, referrals and
 * consent history across agencies, in time order, limited to what the
 * viewer may see (filtered in SQL with the gateway's predicates).
 */
export interface TimelineEntry {
  kind: 'consultation' | 'referral' | 'consent';
  id: string;
  at: string;
  personId: string | null;
  personName: string | null;
  agencyName: string | null;
  title: string;
  detail: string;
  status: string | null;
  link: string;
}

async function entriesFor(scope: Scope, personIds: string[], includeConsents: boolean): Promise<TimelineEntry[]> {
  if (personIds.length === 0) return [];
  const consultations = await scope.trx
    .selectFrom('consultations as c')
    .innerJoin('agencies as a', (j) => j.onRef('a.id', '=', 'c.agency_id').onRef('a.municipality_id', '=', 'c.municipality_id'))
    .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'c.person_id').onRef('p.municipality_id', '=', 'c.municipality_id'))
    .select(['c.id', 'c.received_at', 'c.person_id', 'p.name', 'p.alias', 'a.name as agency_name', 'c.channel', 'c.issues', 'c.urgency'])
    // Seen through a referral only: the referral's 主訴, never the consultation's own text.
    .select(consultationChiefComplaintSql(scope.ctx, 'c').as('chief_complaint'))
    .where('c.municipality_id', '=', scope.municipalityId)
    .where('c.person_id', 'in', personIds)
    // Not under a person whom the referral it is seen through did not name.
    .where(consultationPersonShownPredicate(scope.ctx, 'c'))
    .orderBy('c.received_at', 'desc')
    .limit(500)
    .execute();
  const referrals = await scope.trx
    .selectFrom('referrals as r')
    .innerJoin('agencies as fa', (j) => j.onRef('fa.id', '=', 'r.from_agency_id').onRef('fa.municipality_id', '=', 'r.municipality_id'))
    .innerJoin('agencies as ta', (j) => j.onRef('ta.id', '=', 'r.to_agency_id').onRef('ta.municipality_id', '=', 'r.municipality_id'))
    .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'r.person_id').onRef('p.municipality_id', '=', 'r.municipality_id'))
    .select(['r.id', 'r.sent_at', 'r.person_id', 'p.name', 'p.alias', 'fa.name as from_name', 'ta.name as to_name', 'r.chief_complaint', 'r.status'])
    .where('r.municipality_id', '=', scope.municipalityId)
    .where('r.person_id', 'in', personIds)
    .where(
      // Other agencies' referrals only about a consultation seen in full (not one seen through a referral).
      sql<boolean>`(${visibleReferralPredicate(scope.ctx, 'r')} or exists (select 1 from consultations c where c.municipality_id = r.municipality_id and c.id = r.consultation_id and ${fullConsultationPredicate(scope.ctx, 'c')}))`,
    )
    .orderBy('r.sent_at', 'desc')
    .limit(500)
    .execute();
  const consents = includeConsents
    ? await scope.trx
        .selectFrom('consents as k')
        .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'k.person_id').onRef('p.municipality_id', '=', 'k.municipality_id'))
        .leftJoin('agencies as a', (j) => j.onRef('a.id', '=', 'k.obtained_by_agency_id').onRef('a.municipality_id', '=', 'k.municipality_id'))
        .select(['k.id', 'k.created_at', 'k.person_id', 'p.name', 'p.alias', 'a.name as agency_name', 'k.purpose', 'k.decision', 'k.withdrawn_on', 'k.version_no', 'k.consented_on'])
        .where('k.municipality_id', '=', scope.municipalityId)
        .where('k.person_id', 'in', personIds)
        .execute()
    : [];
  const purposeLabels = await consentPurposeLabels(scope.trx, scope.municipalityId);
  const entries: TimelineEntry[] = [
    ...consultations.map((c) => ({
      kind: 'consultation' as const,
      id: c.id,
      at: new Date(c.received_at).toISOString(),
      personId: c.person_id,
      personName: displayName(c),
      agencyName: c.agency_name,
      title: `相談受付（${c.channel}）${c.urgency !== '通常' ? `【${c.urgency}】` : ''}`,
      detail: c.chief_complaint,
      status: null,
      link: `/consultations/${c.id}`,
    })),
    ...referrals.map((r) => ({
      kind: 'referral' as const,
      id: r.id,
      at: new Date(r.sent_at).toISOString(),
      personId: r.person_id,
      personName: displayName(r),
      agencyName: r.from_name,
      title: `つなぎ：${r.from_name} → ${r.to_name}`,
      detail: r.chief_complaint,
      status: REFERRAL_STATUS_LABELS[r.status] ?? r.status,
      link: `/referrals/${r.id}`,
    })),
    ...consents.map((k) => ({
      kind: 'consent' as const,
      id: k.id,
      at: new Date(k.created_at).toISOString(),
      personId: k.person_id,
      personName: displayName(k),
      agencyName: k.agency_name,
      title: `同意（${purposeLabels.get(k.purpose) ?? k.purpose}）第${k.version_no}版`,
      detail: k.withdrawn_on
        ? `撤回（${formatDate(k.withdrawn_on)}）`
        : k.decision === 'granted'
          ? `同意あり（${formatDate(k.consented_on)}）`
          : `同意しない（${formatDate(k.consented_on)}）`,
      status: null,
      link: `/persons/${k.person_id}#consent`,
    })),
  ];
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export async function personTimeline(scope: Scope, personId: string): Promise<{ items: TimelineEntry[] }> {
  const access = await requirePersonAccess(scope, personId);
  const items = await entriesFor(scope, [personId], access.level === 'full');
  scope.audit('person.timeline', { targetType: 'person', targetId: personId, subjectPersonId: personId, details: { entries: items.length } });
  return { items };
}

export async function householdTimeline(scope: Scope, householdId: string): Promise<{ items: TimelineEntry[] }> {
  const household = await loadHousehold(scope, householdId);
  const items = await entriesFor(
    scope,
    household.members.map((m) => m.personId),
    true,
  );
  scope.audit('household.timeline', { targetType: 'household', targetId: householdId, details: { entries: items.length } });
  return { items };
}
