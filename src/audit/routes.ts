import type { Gateway } from '../access/gateway.ts';
import { int32Text, z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { CRITERION_KINDS } from '../shared/audit-labels.ts';
import { exportAuditCsv, revealSubject, REVEAL_REASON_MIN, searchAudit, searchByCriterion } from './service.ts';

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
      method: 'POST',
      url: '/api/v1/audit-events/criteria-search',
      summary: '検索語で監査ログを探す（監査担当）。語は記録されず、鍵付きハッシュで照合',
      tag: '監査ログ',
      body: z
        .object({
          kind: z.enum(CRITERION_KINDS).describe('検索語の種類'),
          term: z.string().trim().min(1).max(100).describe('検索語'),
          from: z.iso.date().optional().describe('この日から'),
          to: z.iso.date().optional().describe('この日まで'),
        })
        .strict(),
      response: z.object({ items: z.array(eventView), lookedFor: z.array(z.string()), limited: z.boolean() }),
      handler: ({ ctx, body }) => gateway.run(ctx, 'audit.read', (scope) => searchByCriterion(scope, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/audit-events/:seq/reveal',
      summary: `記録の本人の氏名を確認する（監査担当）。理由（${REVEAL_REASON_MIN}文字以上）は記録され、事務局に通知`,
      tag: '監査ログ',
      params: z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
      body: z.object({ reason: z.string().trim().min(REVEAL_REASON_MIN).max(2000).describe('確認する理由') }).strict(),
      response: z.object({ seq: z.number(), subjectPersonId: z.string(), name: z.string(), kana: z.string().nullable(), revealedAt: z.string() }),
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'audit.read', (scope) => revealSubject(scope, params.seq, body.reason)),
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
