import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import type { Agency } from '../db/types.ts';
import { conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { escapeLike, normalizeForSearch } from '../shared/normalize.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import type { AgencyInput, AgencyPatch, AgencyView } from './schema.ts';
import { resolveDepartment } from './departments.ts';
import { agencySearchText } from './search-text.ts';

export function toAgencyView(a: Agency): AgencyView {
  return {
    id: a.id,
    name: a.name,
    kana: a.kana,
    organization: a.organization,
    fields: a.fields,
    programName: a.program_name,
    legalBasis: a.legal_basis,
    description: a.description,
    targetPopulation: a.target_population,
    siteCount: a.site_count,
    programSiteCount: a.program_site_count ?? null,
    operation: a.operation,
    department: a.department,
    departmentId: a.department_id,
    roles: a.roles,
    area: a.area,
    address: a.address,
    phone: a.phone,
    email: a.email,
    hours: a.hours,
    isWindow: a.is_window,
    isSecretariat: a.is_secretariat,
    note: a.note,
    active: a.active,
    version: a.version,
    updatedAt: new Date(a.updated_at).toISOString(),
  };
}

export interface AgencyQuery {
  q?: string | undefined;
  field?: string | undefined;
  role?: string | undefined;
  departmentId?: string | undefined;
  includeInactive?: 'true' | 'false' | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listAgencies(scope: Scope, query: AgencyQuery): Promise<Page<AgencyView>> {
  let q = scope.trx.selectFrom('agencies').selectAll().where('municipality_id', '=', scope.municipalityId);
  const needle = query.q ? normalizeForSearch(query.q) : '';
  if (needle) q = q.where('search_text', 'like', `%${escapeLike(needle)}%`);
  if (query.field) q = q.where(sql<boolean>`${query.field} = any(fields)`);
  if (query.role) q = q.where(sql<boolean>`${query.role} = any(roles)`);
  if (query.departmentId) q = q.where('department_id', '=', query.departmentId);
  if (query.includeInactive !== 'true') q = q.where('active', '=', true);
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  if (after) q = q.where(sql<boolean>`(kana, id) > (${after[0]}, ${after[1]}::uuid)`);
  const rows = await q.orderBy('kana').orderBy('id').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items: items.map(toAgencyView),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.kana, last.id]) : null,
  };
}

export async function getAgency(scope: Scope, id: string): Promise<AgencyView> {
  const row = await scope.trx
    .selectFrom('agencies')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('機関・窓口');
  return toAgencyView(row);
}

function columns(input: Partial<AgencyInput>) {
  const map = {
    name: input.name,
    kana: input.kana,
    organization: input.organization,
    fields: input.fields,
    program_name: input.programName,
    legal_basis: input.legalBasis,
    description: input.description,
    target_population: input.targetPopulation,
    site_count: input.siteCount,
    program_site_count: input.programSiteCount,
    operation: input.operation,
    roles: input.roles,
    area: input.area,
    address: input.address,
    phone: input.phone,
    email: input.email || (input.email === '' ? null : input.email),
    hours: input.hours,
    is_window: input.isWindow,
    note: input.note,
    active: input.active,
  };
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined));
}

async function assertNameFree(scope: Scope, name: string, exceptId?: string) {
  let q = scope.trx
    .selectFrom('agencies')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw invalid({ name: '名称：同じ名称の機関・窓口がすでに登録されています' });
}

export async function createAgency(scope: Scope, input: AgencyInput): Promise<AgencyView> {
  await assertNameFree(scope, input.name);
  const department = await resolveDepartment(scope, input.departmentId ?? null);
  const id = newId();
  const values = {
    ...columns(input),
    department_id: department?.id ?? null,
    department: department?.name ?? null,
    municipality_id: scope.municipalityId,
    id,
    name: input.name,
    kana: input.kana,
    updated_at: new Date(),
  };
  const row = await scope.trx
    .insertInto('agencies')
    .values({ ...values, search_text: agencySearchText({ ...input, program_name: input.programName ?? null, department: department?.name ?? null }) })
    .returningAll()
    .executeTakeFirstOrThrow();
  scope.audit('agency.create', { targetType: 'agency', targetId: id, details: { name: input.name } });
  return toAgencyView(row);
}

export async function updateAgency(scope: Scope, id: string, patch: AgencyPatch): Promise<AgencyView> {
  const current = await scope.trx
    .selectFrom('agencies')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('機関・窓口');
  if (current.version !== patch.version) {
    throw conflict('ほかの方がこの機関・窓口を先に更新しました。最新の内容を確認してから、もう一度保存してください。', {
      current: toAgencyView(current),
    });
  }
  const { version: _version, ...input } = patch;
  if (input.name && input.name !== current.name) await assertNameFree(scope, input.name, id);
  const changes: Record<string, unknown> = columns(input);
  if (input.departmentId !== undefined && input.departmentId !== current.department_id) {
    const department = await resolveDepartment(scope, input.departmentId, current.department_id);
    changes.department_id = department?.id ?? null;
    changes.department = department?.name ?? null;
  }
  const merged = { ...current, ...changes } as Agency;
  const row = await scope.trx
    .updateTable('agencies')
    .set({
      ...changes,
      search_text: agencySearchText(merged),
      version: current.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  scope.audit('agency.update', { targetType: 'agency', targetId: id, details: { changed: Object.keys(changes) } });
  return toAgencyView(row);
}
