import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { consultationPersonShownPredicate, fullAccessPredicate, fullConsultationPredicate } from '../access/person-access.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { householdPatterns, memberAge, type PatternHint } from './patterns.ts';
import type { HouseholdInput } from './schema.ts';
import { displayName, requirePersonAccess } from './service.ts';

/**
 * 世帯 (household). A household is visible to the agency that registered it
 * and to agencies with full access to at least one member; members the
 * viewer may not see are counted, never named, and patterns are computed
 * from the visible members and the consultations the viewer may see; the
 * household's note is then withheld (it may speak of them) and not editable.
 */
export interface HouseholdMemberView {
  personId: string;
  displayName: string;
  relationship: string;
  livingTogether: boolean;
  situation: string | null;
  birthDate: string | null;
  age: number | null;
  gender: string;
}

export interface HouseholdView {
  id: string;
  name: string;
  address: string | null;
  note: string | null;
  version: number;
  members: HouseholdMemberView[];
  hiddenMembers: number;
  patterns: PatternHint[];
}

async function visibleHousehold(scope: Scope, id: string) {
  if (scope.ctx.kind !== 'user') scope.deny('system context');
  const agencyId = scope.ctx.agencyId;
  const row = await scope.trx
    .selectFrom('households as h')
    .selectAll()
    .where('h.municipality_id', '=', scope.municipalityId)
    .where('h.id', '=', id)
    .where((eb) =>
      eb.or([
        eb('h.registered_by_agency_id', '=', agencyId),
        eb.exists(
          eb
            .selectFrom('household_members as m')
            .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'm.person_id').onRef('p.municipality_id', '=', 'm.municipality_id'))
            .select(sql`1`.as('one'))
            .whereRef('m.household_id', '=', 'h.id')
            .whereRef('m.municipality_id', '=', 'h.municipality_id')
            .where(fullAccessPredicate(scope.ctx, 'p')),
        ),
      ]),
    )
    .executeTakeFirst();
  if (!row) {
    scope.audit('household.read', { targetType: 'household', targetId: id, reason: 'no access' }, 'denied');
    throw notFound('世帯');
  }
  return row;
}

export async function loadHousehold(scope: Scope, id: string): Promise<HouseholdView> {
  const h = await visibleHousehold(scope, id);
  const members = await scope.trx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'm.person_id').onRef('p.municipality_id', '=', 'm.municipality_id'))
    .select([
      'm.person_id',
      'm.relationship',
      'm.living_together',
      'm.situation',
      'p.name',
      'p.alias',
      'p.birth_date',
      'p.age_band',
      'p.gender',
      sql<boolean>`${fullAccessPredicate(scope.ctx, 'p')}`.as('visible'),
      sql<string[]>`coalesce((select array_agg(distinct i) from consultations c, unnest(c.issues) i
                    where c.municipality_id = p.municipality_id and c.person_id = p.id
                      and ${consultationPersonShownPredicate(scope.ctx, 'c')}), '{}')`.as('issues'),
    ])
    .where('m.municipality_id', '=', scope.municipalityId)
    .where('m.household_id', '=', id)
    .orderBy('m.added_at')
    .execute();
  const visible = members.filter((m) => m.visible);
  // Issues of consultations about the household but about none of its members
  // are shared by all; a member's own consultations count for that member only
  // (one parent's illness must not make the other parent look in need of care).
  const householdIssues = await sql<{ issues: string[] }>`
    select coalesce(array_agg(distinct i), '{}') as issues
    from consultations c, unnest(c.issues) i
    where c.municipality_id = ${scope.municipalityId} and c.household_id = ${id}
      and not exists (select 1 from household_members hm
                      where hm.municipality_id = c.municipality_id and hm.household_id = c.household_id and hm.person_id = c.person_id)
      and ${fullConsultationPredicate(scope.ctx, 'c')}`.execute(scope.trx);
  const extra = householdIssues.rows[0]?.issues ?? [];
  const facts = visible.map((m) => ({
    relationship: m.relationship,
    livingTogether: m.living_together,
    birthDate: m.birth_date,
    ageBand: m.age_band,
    gender: m.gender,
    issues: [...(m.issues ?? []), ...extra],
  }));
  scope.audit('household.read', {
    targetType: 'household',
    targetId: id,
    details: { members: visible.map((m) => m.person_id) },
  });
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    // The household's free note may speak of members the viewer may not see.
    note: members.length > visible.length ? null : h.note,
    version: h.version,
    members: visible.map((m) => ({
      personId: m.person_id,
      displayName: displayName(m),
      relationship: m.relationship,
      livingTogether: m.living_together,
      situation: m.situation,
      birthDate: m.birth_date,
      age: memberAge({ birthDate: m.birth_date, ageBand: m.age_band }),
      gender: m.gender,
    })),
    hiddenMembers: members.length - visible.length,
    patterns: householdPatterns(facts),
  };
}

/** Members of the household the viewer has no full access to. */
async function hiddenMemberCount(scope: Scope, id: string): Promise<number> {
  const row = await scope.trx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'm.person_id').onRef('p.municipality_id', '=', 'm.municipality_id'))
    .select(sql<number>`count(*) filter (where not ${fullAccessPredicate(scope.ctx, 'p')})::int`.as('n'))
    .where('m.municipality_id', '=', scope.municipalityId)
    .where('m.household_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createHousehold(scope: Scope, input: HouseholdInput): Promise<HouseholdView> {
  if (scope.ctx.kind !== 'user') scope.deny('system context');
  const ids = new Set<string>();
  for (const [i, m] of input.members.entries()) {
    if (ids.has(m.personId)) {
      throw new AppError(422, 'validation_failed', '同じ人が2回含まれています。', { [`members.${i}.personId`]: '世帯員：同じ人が重複しています' });
    }
    ids.add(m.personId);
    await requirePersonAccess(scope, m.personId, 'full');
  }
  const id = newId();
  await scope.trx
    .insertInto('households')
    .values({
      municipality_id: scope.municipalityId,
      id,
      name: input.name,
      address: input.address || null,
      note: input.note || null,
      registered_by_agency_id: scope.ctx.agencyId,
      updated_at: new Date(),
    })
    .execute();
  if (input.members.length) {
    await scope.trx
      .insertInto('household_members')
      .values(
        input.members.map((m) => ({
          municipality_id: scope.municipalityId,
          household_id: id,
          person_id: m.personId,
          relationship: m.relationship,
          living_together: m.livingTogether,
          situation: m.situation || null,
        })),
      )
      .execute();
  }
  scope.audit('household.create', { targetType: 'household', targetId: id, details: { members: [...ids] } });
  return loadHousehold(scope, id);
}

export async function updateHousehold(
  scope: Scope,
  id: string,
  patch: { name?: string | undefined; address?: string | null | undefined; note?: string | null | undefined; version: number },
): Promise<HouseholdView> {
  const h = await visibleHousehold(scope, id);
  if (patch.note !== undefined && (await hiddenMemberCount(scope, id)) > 0) {
    throw invalid({ note: '備考：閲覧できない世帯員がいるため、この機関では編集できません' });
  }
  if (h.version !== patch.version) {
    throw conflict('ほかの方がこの世帯を先に更新しました。最新の内容を確認してから、もう一度保存してください。', {
      current: await loadHousehold(scope, id),
    });
  }
  const changes = Object.fromEntries(
    Object.entries({ name: patch.name, address: patch.address, note: patch.note }).filter(([, v]) => v !== undefined),
  );
  await scope.trx
    .updateTable('households')
    .set({ ...changes, version: h.version + 1, updated_at: new Date() })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .where('version', '=', patch.version)
    .execute();
  scope.audit('household.update', { targetType: 'household', targetId: id, details: { changed: Object.keys(changes) } });
  return loadHousehold(scope, id);
}

export async function addMember(
  scope: Scope,
  id: string,
  m: { personId: string; relationship: string; livingTogether: boolean; situation?: string | null | undefined },
): Promise<HouseholdView> {
  await visibleHousehold(scope, id);
  await requirePersonAccess(scope, m.personId, 'full');
  const exists = await scope.trx
    .selectFrom('household_members')
    .select('person_id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('household_id', '=', id)
    .where('person_id', '=', m.personId)
    .executeTakeFirst();
  if (exists) throw conflict('この人はすでに世帯員として登録されています。');
  await scope.trx
    .insertInto('household_members')
    .values({
      municipality_id: scope.municipalityId,
      household_id: id,
      person_id: m.personId,
      relationship: m.relationship,
      living_together: m.livingTogether,
      situation: m.situation || null,
    })
    .execute();
  scope.audit('household.member_add', { targetType: 'household', targetId: id, subjectPersonId: m.personId });
  return loadHousehold(scope, id);
}

export async function updateMember(
  scope: Scope,
  id: string,
  personId: string,
  patch: { relationship?: string | undefined; livingTogether?: boolean | undefined; situation?: string | null | undefined },
): Promise<HouseholdView> {
  await visibleHousehold(scope, id);
  await requirePersonAccess(scope, personId, 'full');
  const changes = Object.fromEntries(
    Object.entries({ relationship: patch.relationship, living_together: patch.livingTogether, situation: patch.situation }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  if (Object.keys(changes).length === 0) return loadHousehold(scope, id);
  const r = await scope.trx
    .updateTable('household_members')
    .set(changes)
    .where('municipality_id', '=', scope.municipalityId)
    .where('household_id', '=', id)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw notFound('世帯員');
  scope.audit('household.member_update', { targetType: 'household', targetId: id, subjectPersonId: personId });
  return loadHousehold(scope, id);
}

export async function removeMember(scope: Scope, id: string, personId: string): Promise<HouseholdView> {
  await visibleHousehold(scope, id);
  await requirePersonAccess(scope, personId, 'full');
  const r = await scope.trx
    .deleteFrom('household_members')
    .where('municipality_id', '=', scope.municipalityId)
    .where('household_id', '=', id)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound('世帯員');
  scope.audit('household.member_remove', { targetType: 'household', targetId: id, subjectPersonId: personId });
  return loadHousehold(scope, id);
}
