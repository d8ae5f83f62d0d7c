import { sql } from 'kysely';
import { swapWithNeighbour } from '../db/list-order.ts';
import type { Scope } from '../access/gateway.ts';
import { conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { int32, z } from '../shared/zod-ja.ts';
import { agencySearchText } from './search-text.ts';

/**
 * 課 (departments) of the municipality, as data: an agency or window names its
 * 所管課 by id (`agencies.department_id`). The 断らない相談窓口推進員 of a
 * department sees the intakes and referrals of its windows (src/access/person-access.ts).
 * A department is never deleted (old agencies keep pointing at it); it is deactivated.
 */
const kana = z
  .string()
  .trim()
  .max(100)
  .regex(/^[\u3041-\u3096\u30a1-\u30fa\u30fc\s・ー]*$/, 'ひらがな・カタカナで入力してください')
  .describe('名称（カナ）');

export const departmentInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100).describe('名称'),
    kana: kana.default(''),
    note: z.string().trim().max(500).nullable().optional().describe('備考'),
  })
  .strict();
export type DepartmentInput = z.infer<typeof departmentInputSchema>;

export const departmentPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional().describe('名称'),
    kana: kana.optional(),
    note: z.string().trim().max(500).nullable().optional().describe('備考'),
    active: z.boolean().optional().describe('利用中'),
    move: z.enum(['up', 'down']).optional().describe('並び順'),
    version: int32({ min: 1 }).describe('版（同時編集の確認用）'),
  })
  .strict();
export type DepartmentPatch = z.infer<typeof departmentPatchSchema>;

export const departmentListQuery = z.object({ includeInactive: z.enum(['true', 'false']).optional() }).strict();

export const departmentView = z.object({
  id: z.string(),
  name: z.string(),
  kana: z.string(),
  note: z.string().nullable(),
  active: z.boolean(),
  sortOrder: z.number(),
  agencyCount: z.number(),
  version: z.number(),
});
export type DepartmentView = z.infer<typeof departmentView>;

function listQuery(scope: Scope) {
  return scope.trx
    .selectFrom('departments as d')
    .select([
      'd.id',
      'd.name',
      'd.kana',
      'd.note',
      'd.active',
      'd.sort_order',
      'd.version',
      sql<number>`(select count(*) from agencies a where a.municipality_id = d.municipality_id and a.department_id = d.id)::int`.as('agency_count'),
    ])
    .where('d.municipality_id', '=', scope.municipalityId);
}

type Row = Awaited<ReturnType<ReturnType<typeof listQuery>['executeTakeFirstOrThrow']>>;

const toView = (r: Row): DepartmentView => ({
  id: r.id,
  name: r.name,
  kana: r.kana,
  note: r.note,
  active: r.active,
  sortOrder: r.sort_order,
  agencyCount: r.agency_count,
  version: r.version,
});

export async function listDepartments(scope: Scope, includeInactive: boolean): Promise<DepartmentView[]> {
  let q = listQuery(scope);
  if (!includeInactive) q = q.where('d.active', '=', true);
  return (await q.orderBy('d.sort_order').orderBy('d.name').execute()).map(toView);
}

async function getDepartment(scope: Scope, id: string): Promise<DepartmentView> {
  const row = await listQuery(scope).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('課');
  return toView(row);
}

async function assertNameFree(scope: Scope, name: string, exceptId?: string) {
  let q = scope.trx.selectFrom('departments').select('id').where('municipality_id', '=', scope.municipalityId).where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw invalid({ name: '名称：同じ名称の課がすでに登録されています' });
}

export async function createDepartment(scope: Scope, input: DepartmentInput): Promise<DepartmentView> {
  await assertNameFree(scope, input.name);
  const last = await scope.trx
    .selectFrom('departments')
    .select(({ fn }) => fn.max('sort_order').as('m'))
    .where('municipality_id', '=', scope.municipalityId)
    .executeTakeFirst();
  const id = newId();
  await scope.trx
    .insertInto('departments')
    .values({ municipality_id: scope.municipalityId, id, name: input.name, kana: input.kana, note: input.note || null, sort_order: Number(last?.m ?? 0) + 10 })
    .execute();
  scope.audit('department.create', { targetType: 'department', targetId: id, details: { name: input.name } });
  return getDepartment(scope, id);
}

export async function updateDepartment(scope: Scope, id: string, patch: DepartmentPatch): Promise<DepartmentView> {
  const current = await scope.trx
    .selectFrom('departments')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('課');
  if (current.version !== patch.version) {
    throw conflict('ほかの方がこの課を先に更新しました。最新の内容を確認してから、もう一度保存してください。', { current: await getDepartment(scope, id) });
  }
  const renamed = patch.name !== undefined && patch.name !== current.name;
  if (renamed) await assertNameFree(scope, patch.name!, id);
  const sortOrder = patch.move
    ? await swapWithNeighbour(scope.trx, {
        table: 'departments',
        municipalityId: scope.municipalityId,
        id,
        move: patch.move,
        sortOrder: current.sort_order,
        tiebreak: { column: 'name', value: current.name },
      })
    : current.sort_order;
  await scope.trx
    .updateTable('departments')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.kana !== undefined ? { kana: patch.kana } : {}),
      ...(patch.note !== undefined ? { note: patch.note || null } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      sort_order: sortOrder,
      version: current.version + 1,
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  if (renamed) {
    // The agencies' 所管課 text (and what the directory search finds) follows the new name.
    const agencies = await scope.trx
      .selectFrom('agencies')
      .select(['id', 'name', 'kana', 'organization', 'program_name', 'area'])
      .where('municipality_id', '=', scope.municipalityId)
      .where('department_id', '=', id)
      .forUpdate()
      .execute();
    for (const a of agencies) {
      await scope.trx
        .updateTable('agencies')
        .set({ department: patch.name!, search_text: agencySearchText({ ...a, department: patch.name! }), version: sql`version + 1`, updated_at: new Date() })
        .where('municipality_id', '=', scope.municipalityId)
        .where('id', '=', a.id)
        .execute();
    }
  }
  const { version: _v, ...changed } = patch;
  scope.audit('department.update', { targetType: 'department', targetId: id, details: { changed: Object.keys(changed) } });
  return getDepartment(scope, id);
}

/**
 * The department an agency is being linked to: it must be one of the
 * municipality's, and active unless the agency already had it. Returns the id and name.
 */
export async function resolveDepartment(
  scope: Scope,
  departmentId: string | null,
  keep: string | null = null,
): Promise<{ id: string; name: string } | null> {
  if (departmentId === null) return null;
  const row = await scope.trx
    .selectFrom('departments')
    .select(['id', 'name', 'active'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', departmentId)
    .executeTakeFirst();
  if (!row || (!row.active && row.id !== keep)) throw invalid({ departmentId: '所管課：この自治体の利用中の課から選んでください' });
  return { id: row.id, name: row.name };
}
