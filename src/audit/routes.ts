import type { Gateway } from '../access/gateway.ts';
import { int32Text, z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { exportAuditCsv, searchAudit } from './service.ts';

const filters = {
  from: z.iso.date().optional().describe('この日から'),
  to: z.iso.date().optional().describe('この日まで'),
  userId: z.uuid().optional().describe('操作した利用者'),
  login: z.string().max(100).optional().describe('ログインID'),
  personId: z.uuid().optional().describe('対象の本人'),
  action: z.string().max(100).optional().describe('操作（前方一致: auth など）'),
  outcome: z.enum(['success', 'failure', 'denied']).optional().describe('結果'),
};

const eventView = z.object({
  seq: z.number(),
  occurredAt: z.string(),
  actorUserId: z.string().nullable(),
  actorLogin: z.string().nullable(),
  actorName: z.string().nullable(),
  actorAgencyName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  actionLabel: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  subjectPersonId: z.string().nullable(),
  outcome: z.string(),
  clientIp: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function auditRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit-events',
      summary: '監査ログの検索（監査担当）',
      tag: '監査ログ',
      query: z
        .object({
          ...filters,
          limit: int32Text({ min: 1, max: 500 }).default(100),
          cursor: z.string().max(200).optional(),
        })
        .strict(),
      response: z.object({ items: z.array(eventView), nextCursor: z.string().nullable() }),
      handler: ({ ctx, query }) => gateway.run(ctx, 'audit.read', (scope) => searchAudit(scope, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit-events/export',
      summary: '監査ログのCSV出力（監査担当、最大10万件）',
      tag: '監査ログ',
      query: z.object(filters).strict(),
      produces: 'text/csv',
      handler: async ({ ctx, query, reply }) => {
        const csv = await gateway.run(ctx, 'audit.export', (scope) => exportAuditCsv(scope, { ...query, limit: 0 }));
        const stamp = new Date().toISOString().slice(0, 10);
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`);
        return csv;
      },
    }),
  ];
}
