import type { Gateway } from '../access/gateway.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { retentionPreviewSchema, retentionRunBody, retentionRunSchema } from './schema.ts';
import { previewRetention, runRetention } from './service.ts';

export function retentionRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/retention',
      summary: '保存期間を過ぎた記録（次回の実行で匿名化・削除されるもの）の確認（事務局・管理者）',
      tag: '保存期間',
      response: retentionPreviewSchema,
      handler: ({ ctx }) => gateway.run(ctx, 'retention.read', (scope) => previewRetention(scope)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/retention/run',
      summary: '保存期間を過ぎた個人情報の匿名化を今すぐ実行（管理者）',
      tag: '保存期間',
      body: retentionRunBody,
      response: retentionRunSchema,
      handler: ({ ctx }) => gateway.run(ctx, 'retention.run', (scope) => runRetention(scope, 'manual')),
    }),
  ];
}
