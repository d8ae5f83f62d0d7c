import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { fullAccessPredicate, personAccess, visiblePersonPredicate, type PersonAccess } from '../access/person-access.ts';
import { consentSummaries, type ConsentSummary } from '../consents/summary.ts';
import type { Database } from '../db/types.ts';
import { AppError, conflict, notFound } from '../server/errors.ts';
import { ageOn } from '../shared/date-input.ts';
import { formatDate } from '../shared/dates.ts';
import { newId } from '../shared/ids.ts';
import { escapeLike, normalizeForSearch } from '../shared/normalize.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { matchPersons, phoneDigits, type MatchInput } from './matching.ts';
import { recordCriteria } from '../audit/criteria.ts';
import type { DuplicateQuery, PersonInput, PersonPatch, PersonSearch } from './schema.ts';

type PersonRow = Database['persons'] extends infer T ? { [K in keyof T]: unknown } : never;

export interface PersonSummary {
  id: string;
  name: string | null;
  nameKana: string | null;
  alias: string | null;
  displayName: string;
  birthDate: string | null;
  birthDateLabel: string;
  age: number | null;
  ageBand: string | null;
  gender: string;
  address: string | null;
  phone: string | null;
  contactCaution: string | null;
  consent: ConsentSummary;
}

export interface PersonDetail extends PersonSummary {
  registeredByAgencyId: string;
  registeredByAgencyName: string | null;
  version: number;
  access: PersonAccess;
  households: { id: string; name: string; relationship: string; livingTogether: boolean }[];
  links: { id: string; otherPersonId: string; otherDisplayName: string | null; reason: string | null; linkedAt: string }[];
}

const SUMMARY_COLUMNS = [
  'p.id',
  'p.name',
  'p.name_kana',
  'p.alias',
  'p.birth_date',
  'p.age_band',
  'p.gender',
  'p.address',
  'p.phone',
  'p.contact_caution',
  'p.kana_norm',
] as const;

interface SummaryRow {
  id: string;
  name: string | null;
  name_kana: string | null;
  alias: string | null;
  birth_date: string | null;
  age_band: string | null;
  gender: string;
  address: string | null;
  phone: string | null;
  contact_caution: string | null;
}

export function displayName(p: { name: string | null; alias: string | null }): string {
  return p.name || (p.alias ? `（${p.alias}）` : '（氏名不明）');
}

function toSummary(r: SummaryRow, consent: ConsentSummary): PersonSummary {
  return {
    id: r.id,
    name: r.name,
    nameKana: r.name_kana,
    alias: r.alias,
    displayName: displayName(r),
    birthDate: r.birth_date,
    birthDateLabel: r.birth_date ? formatDate(r.birth_date) : '',
    age: r.birth_date ? ageOn(r.birth_date) : null,
    ageBand: r.age_band,
    gender: r.gender,
    address: r.address,
    phone: r.phone,
    contactCaution: r.contact_caution,
    consent,
  };
}

function searchColumns(input: { name?: string | null; nameKana?: string | null; address?: string | null; phone?: string | null }) {
  return {
    name_norm: normalizeForSearch(input.name ?? ''),
    kana_norm: normalizeForSearch(input.nameKana ?? ''),
    address_norm: normalizeForSearch(input.address ?? ''),
    phone_digits: phoneDigits(input.phone),
  };
}

function userOf(scope: Scope): { userId: string | null; agencyId: string } {
  if (scope.ctx.kind !== 'user') scope.deny('system context has no agency');
  return { userId: scope.ctx.userId, agencyId: scope.ctx.agencyId };
}

/** Load the access to a person or refuse: 404 for people the user may not see (existence is not revealed). */
export async function requirePersonAccess(scope: Scope, personId: string, level: 'any' | 'full' = 'any'): Promise<PersonAccess> {
  const access = await personAccess(scope.trx, scope.ctx, personId);
  if (!access || (level === 'full' && access.level !== 'full')) {
    scope.audit(
      level === 'full' ? 'person.write' : 'person.read',
      { targetType: 'person', targetId: personId, subjectPersonId: access ? personId : null, reason: access ? 'referral access only' : 'no access' },
      'denied',
    );
    throw notFound('本人の記録');
  }
  return access;
}

/**
 * A search whose criteria match more people than this in the whole
 * municipality (before visibility) is refused as too broad: the clerk adds
 * the rest of the name, a birth date, a phone number or an address. A list
 * of thousands of 高橋 helps nobody find one person, exposes more names
 * than the task needs, and would cost time in proportion to the city's
 * size (every match is read and sorted to give the first page in kana
 * order). Reading stops at the limit + 1, so the refusal costs the same in
 * a city of 20,000 as in one of 200,000.
 */
export const PERSON_SEARCH_MATCH_LIMIT = 500;

/**
 * Search among the people this user may see, in kana order.
 *
 * The matches are ordered first and checked for visibility after, in that
 * order, until the page is full: the visibility predicate (several EXISTS
 * per person) then runs for about one page of people instead of for every
 * match. OFFSET 0 keeps PostgreSQL from merging the two levels and
 * filtering before the sort. Same rows, same order, same page as filtering
 * first. Every criterion has an index (trigram or 1–2 character grams for
 * names and addresses, birth date, phone digits), so sequential scans and
 * parallel workers are off for the transaction: on two cores a parallel
 * plan's start-up cost more than it saved, and a LIMIT over a sequential
 * scan reads as much of the table as the planner's guess of the match
 * density says.
 */
export async function searchPersons(scope: Scope, query: PersonSearch): Promise<Page<PersonSummary>> {
  let criteria = scope.trx.selectFrom('persons as p').where('p.municipality_id', '=', scope.municipalityId);
  const needle = query.q ? normalizeForSearch(query.q) : '';
  if (needle) {
    const like = `%${escapeLike(needle)}%`;
    criteria = criteria.where((eb) => eb.or([eb('p.name_norm', 'like', like), eb('p.kana_norm', 'like', like)]));
    // pg_trgm cannot serve needles under three characters (高橋, 一郎, 森); the
    // 1–2 character grams index can (migration 20261124T0900_search_indexes).
    if ([...needle].length <= 2) {
      criteria = criteria.where(sql<boolean>`search_short_grams(p.name_norm || ' ' || p.kana_norm) @> array[${needle}]::text[]`);
    }
  }
  if (query.birthDate) criteria = criteria.where('p.birth_date', '=', query.birthDate);
  const digits = phoneDigits(query.phone);
  if (digits) criteria = criteria.where('p.phone_digits', 'like', `%${digits}%`);
  const address = query.address ? normalizeForSearch(query.address) : '';
  if (address) criteria = criteria.where('p.address_norm', 'like', `%${escapeLike(address)}%`);

  await sql`set local max_parallel_workers_per_gather = 0`.execute(scope.trx);
  await sql`set local enable_seqscan = off`.execute(scope.trx);
  // One pass over the matches: at most LIMIT + 1 of them are read once (m), counted, and — when
  // not too many — sorted and checked for visibility in kana order until the page is full.
  const matched = criteria.select([...SUMMARY_COLUMNS, 'p.municipality_id', 'p.registered_by_agency_id']).limit(PERSON_SEARCH_MATCH_LIMIT + 1);
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  type Found = SummaryRow & { kana_norm: string; total: number };
  const { rows: found } = await sql<Partial<Found> & { total: number }>`
    with m as materialized (${matched})
    select t.total, p.* from (select count(*)::int as total from m) t
    left join lateral (
      select p.* from (
        select * from m p
        ${after ? sql`where (p.kana_norm, p.id) > (${after[0]}, ${after[1]}::uuid)` : sql``}
        order by p.kana_norm, p.id
        offset 0
      ) p
      where ${visiblePersonPredicate(scope.ctx, 'p')}
      order by p.kana_norm, p.id
      limit ${query.limit + 1}
    ) p on t.total <= ${PERSON_SEARCH_MATCH_LIMIT}`.execute(scope.trx);
  if (Number(found[0]?.total ?? 0) > PERSON_SEARCH_MATCH_LIMIT) throw searchTooBroad(query);
  const rows = found.filter((r): r is Found => r.id != null);
  const items = rows.slice(0, query.limit);
  const consents = await consentSummaries(scope.trx, scope.municipalityId, items.map((r) => r.id));
  // Kinds, lengths and keyed hashes of the criteria, never the names typed (src/audit/criteria.ts).
  const recorded = await recordCriteria(scope.trx, scope.municipalityId, { name: query.q, birthDate: query.birthDate, phone: query.phone, address: query.address });
  scope.audit('person.search', { targetType: 'person', details: { criteria: recorded, results: items.length } });
  const last = items.at(-1);
  return {
    items: items.map((r) => toSummary(r, consents.get(r.id)!)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.kana_norm, last.id]) : null,
  };
}

function searchTooBroad(query: PersonSearch): AppError {
  const message = `条件に当てはまる人が${PERSON_SEARCH_MATCH_LIMIT}人を超えるため、一覧にできません。名前の続き、生年月日、電話番号、住所のどれかを加えて絞り込んでください。`;
  // The field the message belongs to: the name when given, else the first other criterion.
  const field = query.q ? 'q' : query.address ? 'address' : query.phone ? 'phone' : query.birthDate ? 'birthDate' : 'q';
  return new AppError(422, 'search_too_broad', message, { [field]: message }, { matchLimit: PERSON_SEARCH_MATCH_LIMIT });
}

export interface DuplicateCandidate {
  person: PersonSummary;
  score: number;
  reasons: string[];
}

/** Likely duplicates among the people this user may see (never reveals others). */
export async function findDuplicates(scope: Scope, input: DuplicateQuery | MatchInput, excludeId?: string): Promise<DuplicateCandidate[]> {
  const cols = searchColumns(input);
  const ors = [];
  if (cols.name_norm) ors.push(sql<boolean>`p.name_norm = ${cols.name_norm} or p.kana_norm = ${cols.name_norm} or p.name_norm % ${cols.name_norm}`);
  if (cols.kana_norm) ors.push(sql<boolean>`p.kana_norm = ${cols.kana_norm} or p.name_norm = ${cols.kana_norm} or p.kana_norm % ${cols.kana_norm}`);
  if (input.birthDate) ors.push(sql<boolean>`p.birth_date = ${input.birthDate}::date`);
  if (cols.phone_digits.length >= 6) ors.push(sql<boolean>`p.phone_digits = ${cols.phone_digits}`);
  if (ors.length === 0) return [];
  let q = scope.trx
    .selectFrom('persons as p')
    .select(SUMMARY_COLUMNS)
    .where('p.municipality_id', '=', scope.municipalityId)
    .where(sql<boolean>`(${sql.join(ors, sql` or `)})`)
    .where(visiblePersonPredicate(scope.ctx, 'p'));
  if (excludeId) q = q.where('p.id', '!=', excludeId);
  const rows = await q.limit(200).execute();
  const scored = rows
    .map((r) => ({ r, m: matchPersons(input, { name: r.name, nameKana: r.name_kana, birthDate: r.birth_date, phone: r.phone, address: r.address }) }))
    .filter((x) => x.m.score >= 0.4)
    .sort((a, b) => b.m.score - a.m.score)
    .slice(0, 10);
  const consents = await consentSummaries(scope.trx, scope.municipalityId, scored.map((x) => x.r.id));
  return scored.map((x) => ({ person: toSummary(x.r, consents.get(x.r.id)!), score: x.m.score, reasons: x.m.reasons }));
}

export async function createPerson(scope: Scope, input: PersonInput): Promise<{ person: PersonDetail } | { duplicates: DuplicateCandidate[] }> {
  const { agencyId, userId } = userOf(scope);
  if (!input.confirmNotDuplicate) {
    const duplicates = (await findDuplicates(scope, input)).filter((d) => d.score >= 0.6);
    if (duplicates.length) {
      throw new AppError(409, 'possible_duplicates', '同じ人が既に登録されている可能性があります。内容を確認してください。', {}, { duplicates });
    }
  }
  const id = newId();
  await scope.trx
    .insertInto('persons')
    .values({
      municipality_id: scope.municipalityId,
      id,
      name: input.name || null,
      name_kana: input.nameKana || null,
      alias: input.alias || null,
      birth_date: input.birthDate ?? null,
      age_band: input.ageBand ?? null,
      gender: input.gender ?? '不明',
      address: input.address || null,
      phone: input.phone || null,
      contact_caution: input.contactCaution || null,
      ...searchColumns(input),
      registered_by_agency_id: agencyId,
      registered_by_user_id: userId,
      updated_at: new Date(),
    })
    .execute();
  scope.audit('person.create', { targetType: 'person', targetId: id, subjectPersonId: id });
  return { person: await loadDetail(scope, id, { level: 'full', reasons: ['登録した機関'], emergency: false }) };
}

async function loadDetail(scope: Scope, id: string, access: PersonAccess): Promise<PersonDetail> {
  const row = await scope.trx
    .selectFrom('persons as p')
    .leftJoin('agencies as a', (j) => j.onRef('a.id', '=', 'p.registered_by_agency_id').onRef('a.municipality_id', '=', 'p.municipality_id'))
    .select([...SUMMARY_COLUMNS, 'p.registered_by_agency_id', 'a.name as agency_name', 'p.version'])
    .where('p.municipality_id', '=', scope.municipalityId)
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('本人の記録');
  const consents = await consentSummaries(scope.trx, scope.municipalityId, [id]);
  const full = access.level === 'full';
  const households = full
    ? await scope.trx
        .selectFrom('household_members as m')
        .innerJoin('households as h', (j) => j.onRef('h.id', '=', 'm.household_id').onRef('h.municipality_id', '=', 'm.municipality_id'))
        .select(['h.id', 'h.name', 'm.relationship', 'm.living_together'])
        .where('m.municipality_id', '=', scope.municipalityId)
        .where('m.person_id', '=', id)
        .execute()
    : [];
  const links = full
    ? await scope.trx
        .selectFrom('person_links as l')
        .innerJoin('persons as o', (j) =>
          j
            .onRef('o.municipality_id', '=', 'l.municipality_id')
            .on(sql<boolean>`o.id = case when l.person_id = ${id}::uuid then l.other_person_id else l.person_id end`),
        )
        .select([
          'l.id',
          'o.id as other_id',
          'o.name as other_name',
          'o.alias as other_alias',
          'l.reason',
          'l.linked_at',
          sql<boolean>`${fullAccessPredicate(scope.ctx, 'o')}`.as('other_visible'),
        ])
        .where('l.municipality_id', '=', scope.municipalityId)
        .where('l.unlinked_at', 'is', null)
        .where((eb) => eb.or([eb('l.person_id', '=', id), eb('l.other_person_id', '=', id)]))
        .execute()
    : [];
  return {
    ...toSummary(row, consents.get(id)!),
    registeredByAgencyId: row.registered_by_agency_id,
    registeredByAgencyName: row.agency_name,
    version: row.version,
    access,
    households: households.map((h) => ({ id: h.id, name: h.name, relationship: h.relationship, livingTogether: h.living_together })),
    links: links.map((l) => ({
      id: l.id,
      otherPersonId: l.other_id,
      otherDisplayName: l.other_visible ? displayName({ name: l.other_name, alias: l.other_alias }) : null,
      reason: l.reason,
      linkedAt: new Date(l.linked_at).toISOString(),
    })),
  };
}

export async function getPerson(scope: Scope, id: string): Promise<PersonDetail> {
  const access = await requirePersonAccess(scope, id);
  const detail = await loadDetail(scope, id, access);
  scope.audit('person.read', {
    targetType: 'person',
    targetId: id,
    subjectPersonId: id,
    reason: access.emergency ? 'emergency access' : null,
    details: { access: access.level, basis: access.reasons, ...(access.emergency ? { emergency: true } : {}) },
  });
  if (access.level === 'referral') {
    // Through a referral only identity and contact details are shared.
    return { ...detail, households: [], links: [] };
  }
  return detail;
}

export async function updatePerson(scope: Scope, id: string, patch: PersonPatch): Promise<PersonDetail> {
  const access = await requirePersonAccess(scope, id, 'full');
  const current = await scope.trx
    .selectFrom('persons')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (current.version !== patch.version) {
    throw conflict('ほかの方がこの本人の記録を先に更新しました。最新の内容を確認してから、もう一度保存してください。', {
      current: await loadDetail(scope, id, access),
    });
  }
  const { version: _v, ...input } = patch;
  const map: Record<string, unknown> = {
    name: input.name,
    name_kana: input.nameKana,
    alias: input.alias,
    birth_date: input.birthDate,
    age_band: input.ageBand,
    gender: input.gender,
    address: input.address,
    phone: input.phone,
    contact_caution: input.contactCaution,
  };
  const changes = Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v === '' ? null : v]));
  const merged = { ...current, ...changes } as typeof current;
  if (!merged.name && !merged.alias) {
    throw new AppError(422, 'validation_failed', '入力内容を確認してください（1件）。', { name: '氏名：入力してください（わからないときは「呼び名・特徴」を入力）' });
  }
  await scope.trx
    .updateTable('persons')
    .set({
      ...changes,
      ...searchColumns({ name: merged.name, nameKana: merged.name_kana, address: merged.address, phone: merged.phone }),
      version: current.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  scope.audit('person.update', { targetType: 'person', targetId: id, subjectPersonId: id, details: { changed: Object.keys(changes) } });
  return loadDetail(scope, id, access);
}

export async function linkPersons(scope: Scope, id: string, otherId: string, reason: string): Promise<PersonDetail> {
  const access = await requirePersonAccess(scope, id, 'full');
  await requirePersonAccess(scope, otherId, 'full');
  if (id === otherId) throw new AppError(422, 'validation_failed', '同じ登録どうしは紐付けできません。', { otherPersonId: '別の登録を選んでください' });
  const existing = await scope.trx
    .selectFrom('person_links')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('unlinked_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('person_id', '=', id), eb('other_person_id', '=', otherId)]),
        eb.and([eb('person_id', '=', otherId), eb('other_person_id', '=', id)]),
      ]),
    )
    .executeTakeFirst();
  if (existing) throw conflict('この2つの登録はすでに同一人物として紐付けられています。');
  const linkId = newId();
  await scope.trx
    .insertInto('person_links')
    .values({
      municipality_id: scope.municipalityId,
      id: linkId,
      person_id: id,
      other_person_id: otherId,
      reason,
      linked_by_user_id: scope.ctx.kind === 'user' ? scope.ctx.userId : null,
      unlinked_at: null,
      unlinked_by_user_id: null,
      unlink_reason: null,
    })
    .execute();
  scope.audit('person.link', { targetType: 'person_link', targetId: linkId, subjectPersonId: id, reason, details: { otherPersonId: otherId } });
  scope.audit('person.link', { targetType: 'person_link', targetId: linkId, subjectPersonId: otherId, reason, details: { otherPersonId: id } });
  return loadDetail(scope, id, access);
}

export async function unlinkPersons(scope: Scope, linkId: string, reason: string): Promise<{ ok: true }> {
  const link = await scope.trx
    .selectFrom('person_links')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', linkId)
    .where('unlinked_at', 'is', null)
    .executeTakeFirst();
  if (!link) throw notFound('紐付け');
  await requirePersonAccess(scope, link.person_id, 'full');
  await requirePersonAccess(scope, link.other_person_id, 'full');
  await scope.trx
    .updateTable('person_links')
    .set({ unlinked_at: new Date(), unlinked_by_user_id: scope.ctx.kind === 'user' ? scope.ctx.userId : null, unlink_reason: reason })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', linkId)
    .execute();
  for (const subject of [link.person_id, link.other_person_id]) {
    scope.audit('person.unlink', { targetType: 'person_link', targetId: linkId, subjectPersonId: subject, reason });
  }
  return { ok: true };
}

/** Emergency path (生命・身体の保護): opens one person to the acting user for 24 hours, audited and notified. */
export async function grantEmergencyAccess(scope: Scope, personId: string, reason: string): Promise<{ expiresAt: string }> {
  const { userId } = userOf(scope);
  const person = await scope.trx
    .selectFrom('persons')
    .select(['id', 'name', 'alias'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) throw notFound('本人の記録');
  const expires = new Date(Date.now() + 24 * 3600_000);
  await scope.trx
    .insertInto('emergency_grants')
    .values({ municipality_id: scope.municipalityId, id: newId(), person_id: personId, user_id: userId!, reason, expires_at: expires })
    .execute();
  const who = scope.ctx.kind === 'user' ? scope.ctx.name : 'system';
  await scope.trx
    .insertInto('notifications')
    .values({
      municipality_id: scope.municipalityId,
      id: newId(),
      dedupe_key: null,
      recipient_agency_id: null,
      recipient_role: 'secretariat',
      recipient_user_id: null,
      kind: 'emergency_access',
      title: '緊急時の閲覧が行われました（生命・身体の保護）',
      body: `${who} さんが本人の記録を緊急時の手続きで閲覧可能にしました。理由：${reason}`,
      link: `/persons/${personId}`,
    })
    .execute();
  scope.audit('person.emergency_access', {
    targetType: 'person',
    targetId: personId,
    subjectPersonId: personId,
    reason,
    details: { emergency: true, expiresAt: expires.toISOString() },
  });
  return { expiresAt: expires.toISOString() };
}

export type { PersonRow };
