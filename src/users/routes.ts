import type { Gateway } from '../access/gateway.ts';
import { z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { resetPasswordSchema, userCreateSchema, userListQuery, userPatchSchema, userView } from './schema.ts';
import { createUser, getUser, listUsers, resetPassword, resetTotp, unlockUser, updateUser } from './service.ts';

const idParams = z.object({ id: z.uuid() });

export function userRoutes(gateway: Gateway): AnyRoute[] {
  const target = (id: string) => ({ targetType: 'user', targetId: id });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/users',
      summary: '利用者の一覧（管理者）',
      tag: '利用者',
      query: userListQuery,
      response: z.object({ items: z.array(userView), nextCursor: z.string().nullable() }),
      handler: ({ ctx, query }) => gateway.run(ctx, 'users.read', (scope) => listUsers(scope, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/users',
      summary: '利用者の登録（管理者）。password を省くと初期パスワードを生成して一度だけ返します',
      tag: '利用者',
      body: userCreateSchema,
      response: z.object({ user: userView, initialPassword: z.string().optional() }),
      action: 'users.write',
      status: 201,
      handler: ({ scope, body }) => createUser(scope, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/users/:id',
      summary: '利用者の詳細（管理者）',
      tag: '利用者',
      params: idParams,
      response: userView,
      handler: ({ ctx, params }) => gateway.run(ctx, 'users.read', (scope) => getUser(scope, params.id), target(params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/users/:id',
      summary: '利用者の編集（管理者）',
      tag: '利用者',
      params: idParams,
      body: userPatchSchema,
      response: userView,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'users.write', (scope) => updateUser(scope, params.id, body), target(params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/users/:id/unlock',
      summary: 'ロックの解除（管理者）',
      tag: '利用者',
      params: idParams,
      response: userView,
      handler: ({ ctx, params }) =>
        gateway.run(ctx, 'users.write', (scope) => unlockUser(scope, params.id), target(params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/users/:id/reset-password',
      summary: 'パスワードの再設定（管理者）。次回ログイン時に変更が必要になります',
      tag: '利用者',
      params: idParams,
      body: resetPasswordSchema,
      response: z.object({ user: userView, password: z.string().optional() }),
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'users.write', (scope) => resetPassword(scope, params.id, body.password), target(params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/users/:id/reset-totp',
      summary: '二要素認証の解除（管理者。端末を紛失したときなど）',
      tag: '利用者',
      params: idParams,
      response: userView,
      handler: ({ ctx, params }) =>
        gateway.run(ctx, 'users.write', (scope) => resetTotp(scope, params.id), target(params.id)),
    }),
  ];
}
