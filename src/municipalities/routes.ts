import type { Gateway } from '../access/gateway.ts';
import { z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { notFound } from '../server/errors.ts';
import { readSettings, settingsPatchSchema, settingsSchema } from './settings.ts';
import { createTerm, readTaxonomy, taxonomyView, termInputSchema, termPatchSchema, termView, updateTerm } from './taxonomy.ts';

const overview = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  prefecture: z.string(),
  population: z.number().nullable(),
  settings: settingsSchema,
  departments: z.array(z.object({ name: z.string(), note: z.string().nullable() })),
  meetingBodies: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      legalBasis: z.string().nullable(),
      convener: z.string().nullable(),
      organizer: z.string().nullable(),
      purpose: z.string().nullable(),
      members: z.string().nullable(),
      frequency: z.string().nullable(),
      consentRequired: z.boolean().nullable(),
    }),
  ),
  placements: z.array(
    z.object({
      kind: z.string(),
      agencyId: z.string().nullable(),
      agencyName: z.string().nullable(),
      department: z.string().nullable(),
      count: z.number().nullable(),
      description: z.string().nullable(),
    }),
  ),
  /** 協定先: information sources under agreements (no accounts, no referrals). */
  partners: z.array(z.object({ name: z.string(), kind: z.string(), note: z.string().nullable() })),
});

export function municipalityRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/municipality',
      summary: '自治体の概要・設定・会議体・推進員等の配置',
      tag: '自治体',
      response: overview,
      handler: ({ ctx }) =>
        gateway.run(ctx, 'settings.read', async ({ trx, municipalityId }) => {
          const m = await trx.selectFrom('municipalities').selectAll().where('id', '=', municipalityId).executeTakeFirst();
          if (!m) throw notFound('自治体');
          const [departments, bodies, placements] = await Promise.all([
            trx
              .selectFrom('departments')
              .select(['name', 'note'])
              .where('municipality_id', '=', municipalityId)
              .where('active', '=', true)
              .orderBy('sort_order')
              .orderBy('name')
              .execute(),
            trx.selectFrom('meeting_bodies').selectAll().where('municipality_id', '=', municipalityId).orderBy('kind').orderBy('name').execute(),
            trx
              .selectFrom('placements as p')
              .leftJoin('agencies as a', (j) => j.onRef('a.id', '=', 'p.agency_id').onRef('a.municipality_id', '=', 'p.municipality_id'))
              .select(['p.kind', 'p.agency_id', 'a.name as agency_name', 'p.department', 'p.count', 'p.description'])
              .where('p.municipality_id', '=', municipalityId)
              .orderBy('p.preset_key')
              .execute(),
          ]);
          return {
            id: m.id,
            code: m.code,
            name: m.name,
            prefecture: m.prefecture,
            population: m.population,
            settings: readSettings(m.settings),
            departments,
            meetingBodies: bodies.map((b) => ({
              id: b.id,
              name: b.name,
              kind: b.kind,
              legalBasis: b.legal_basis,
              convener: b.convener,
              organizer: b.organizer,
              purpose: b.purpose,
              members: b.members,
              frequency: b.frequency,
              consentRequired: b.consent_required,
            })),
            placements: placements.map((p) => ({
              kind: p.kind,
              agencyId: p.agency_id,
              agencyName: p.agency_name,
              department: p.department,
              count: p.count,
              description: p.description,
            })),
            partners: await trx
              .selectFrom('partners')
              .select(['name', 'kind', 'note'])
              .where('municipality_id', '=', municipalityId)
              .where('active', '=', true)
              .orderBy('preset_key')
              .execute(),
          };
        }),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/municipality/settings',
      summary: '自治体の設定の変更（管理者）',
      tag: '自治体',
      body: settingsPatchSchema,
      response: settingsSchema,
      handler: ({ ctx, body }) =>
        gateway.run(ctx, 'settings.write', async (scope) => {
          const m = await scope.trx
            .selectFrom('municipalities')
            .select('settings')
            .where('id', '=', scope.municipalityId)
            .forUpdate()
            .executeTakeFirstOrThrow();
          const next = settingsSchema.parse({ ...readSettings(m.settings), ...body });
          await scope.trx
            .updateTable('municipalities')
            .set({ settings: JSON.stringify(next), updated_at: new Date() })
            .where('id', '=', scope.municipalityId)
            .execute();
          scope.audit('settings.update', { targetType: 'municipality', targetId: scope.municipalityId, details: body });
          return next;
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/municipality/taxonomy',
      summary: '課題と同意の目的の一覧（標準と自治体の追加分）',
      tag: '自治体',
      response: taxonomyView,
      handler: ({ ctx }) => gateway.run(ctx, 'settings.read', ({ trx, municipalityId }) => readTaxonomy(trx, municipalityId)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/municipality/taxonomy',
      summary: '課題・同意の目的の追加（管理者）',
      tag: '自治体',
      body: termInputSchema,
      response: termView,
      action: 'settings.write',
      status: 201,
      handler: ({ scope, body }) => createTerm(scope, body),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/municipality/taxonomy/:id',
      summary: '課題・同意の目的の並べ替え・利用停止・再開（管理者）',
      tag: '自治体',
      params: z.object({ id: z.uuid() }),
      body: termPatchSchema,
      response: termView,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'settings.write', (scope) => updateTerm(scope, params.id, body), { targetType: 'taxonomy_term', targetId: params.id }),
    }),
  ];
}
