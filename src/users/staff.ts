import { sql } from 'kysely';
import type { Gateway, Scope } from '../access/gateway.ts';
import { int32Text, z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { escapeLike } from '../shared/normalize.ts';
import { ROLE_LABELS, ROLES, type Role } from '../shared/roles.ts';

/**
 * The staff directory: colleagues to invite to a meeting or name on a case
 * team. Only what every staff member needs to name a colleague (name, role,
 * agency) — no login ids, no account state; admins and auditors are not
 * colleagues in case work and are left out.
 */
export const staffQuery = z
  .object({
    q: z.string().trim().max(100).optional().describe('氏名'),
    agencyId: z.uuid().optional().describe('機関・窓口'),
    limit: int32Text({ min: 1, max: 50 }).default(20).describe('件数'),
  })
  .strict();
export type StaffQuery = z.infer<typeof staffQuery>;

export const staffView = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(ROLES),
  roleLabel: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
});
export type StaffView = z.infer<typeof staffView>;

const NOT_COLLEAGUES: Role[] = ['admin', 'auditor'];

/** Spaces (half and full width) do not matter in a name: 「山田太郎」 finds 「山田 太郎」. */
const stripSpaces = (text: string) => text.normalize('NFKC').replace(/[\s\u3000]/g, '');

export async function searchStaff(scope: Scope, query: StaffQuery): Promise<{ items: StaffView[] }> {
  let q = scope.trx
    .selectFrom('users as u')
    .innerJoin('agencies as a', (j) => j.onRef('a.id', '=', 'u.agency_id').onRef('a.municipality_id', '=', 'u.municipality_id'))
    .select(['u.id', 'u.name', 'u.role', 'u.agency_id', 'a.name as agency_name'])
    .where('u.municipality_id', '=', scope.municipalityId)
    .where('u.active', '=', true)
    .where('u.role', 'not in', NOT_COLLEAGUES);
  const needle = query.q ? stripSpaces(query.q) : '';
  if (needle) {
    const like = `%${escapeLike(needle)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql<string>`replace(replace(u.name, ' ', ''), chr(12288), '')`, 'ilike', like),
        eb('u.login_id', 'ilike', like),
      ]),
    );
  }
  if (query.agencyId) q = q.where('u.agency_id', '=', query.agencyId);
  const rows = await q.orderBy('a.kana').orderBy('u.name').orderBy('u.id').limit(query.limit).execute();
  scope.audit('staff.search', { targetType: 'user', details: { count: rows.length, agencyId: query.agencyId ?? null } });
  return {
    items: rows.map((r) => {
      const role = r.role as Role;
      return { id: r.id, name: r.name, role, roleLabel: ROLE_LABELS[role], agencyId: r.agency_id, agencyName: r.agency_name };
    }),
  };
}

export function staffRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/staff',
      summary: '職員の検索（会議への招待や事例のチームに職員を選ぶとき）',
      tag: '利用者',
      query: staffQuery,
      response: z.object({ items: z.array(staffView) }),
      handler: ({ ctx, query }) => gateway.run(ctx, 'directory.read', (scope) => searchStaff(scope, query)),
    }),
  ];
}
