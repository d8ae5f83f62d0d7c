import type { Gateway } from '../access/gateway.ts';
import { z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { agencyInputSchema, agencyListQuery, agencyPatchSchema, agencyView } from './schema.ts';
import { createAgency, getAgency, listAgencies, updateAgency } from './service.ts';
import {
  createDepartment,
  departmentInputSchema,
  departmentListQuery,
  departmentPatchSchema,
  departmentView,
  listDepartments,
  updateDepartment,
} from './departments.ts';

const idParams = z.object({ id: z.uuid() });

export function directoryRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/agencies',
      summary: '機関・窓口の一覧と検索',
      tag: '機関・窓口',
      query: agencyListQuery,
      response: z.object({ items: z.array(agencyView), nextCursor: z.string().nullable() }),
      handler: ({ ctx, query }) => gateway.run(ctx, 'directory.read', (scope) => listAgencies(scope, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agencies',
      summary: '機関・窓口の登録（管理者）',
      tag: '機関・窓口',
      body: agencyInputSchema,
      response: agencyView,
      action: 'directory.write',
      status: 201,
      handler: ({ scope, body }) => createAgency(scope, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agencies/:id',
      summary: '機関・窓口の詳細',
      tag: '機関・窓口',
      params: idParams,
      response: agencyView,
      handler: ({ ctx, params }) => gateway.run(ctx, 'directory.read', (scope) => getAgency(scope, params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/agencies/:id',
      summary: '機関・窓口の編集（管理者）',
      tag: '機関・窓口',
      params: idParams,
      body: agencyPatchSchema,
      response: agencyView,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'directory.write', (scope) => updateAgency(scope, params.id, body), {
          targetType: 'agency',
          targetId: params.id,
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/departments',
      summary: '課（所管課）の一覧',
      tag: '機関・窓口',
      query: departmentListQuery,
      response: z.object({ items: z.array(departmentView) }),
      handler: ({ ctx, query }) =>
        gateway.run(ctx, 'directory.read', async (scope) => ({ items: await listDepartments(scope, query.includeInactive === 'true') })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/departments',
      summary: '課の登録（管理者）',
      tag: '機関・窓口',
      body: departmentInputSchema,
      response: departmentView,
      action: 'directory.write',
      status: 201,
      handler: ({ scope, body }) => createDepartment(scope, body),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/departments/:id',
      summary: '課の編集・並べ替え・利用停止（管理者）',
      tag: '機関・窓口',
      params: idParams,
      body: departmentPatchSchema,
      response: departmentView,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'directory.write', (scope) => updateDepartment(scope, params.id, body), { targetType: 'department', targetId: params.id }),
    }),
  ];
}
