import type { Gateway } from '../access/gateway.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { CASE_STATUSES } from '../shared/cases.ts';
import { z } from '../shared/zod-ja.ts';
import { myTasks, TASK_KINDS, taskOverview } from './service.ts';

export const overviewQuery = z
  .object({
    kind: z.enum(TASK_KINDS).optional().describe('種類'),
    severity: z.enum(['overdue', 'due_soon']).optional().describe('期限'),
    status: z.enum(CASE_STATUSES).optional().describe('事例の状態'),
    leadAgencyId: z.uuid().optional().describe('主担当機関'),
  })
  .strict();

/** 「誰も取りこぼさない」: my work and the coordinators' overview, computed from the data. */
export function taskRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks',
      summary: 'わたしの仕事（担当事例の評価日・情報提供・接触・伴走、届いたつなぎ、自分の次の予定。それぞれ理由つき）',
      tag: '多機関協働',
      handler: ({ ctx }) => gateway.run(ctx, 'case.read', (scope) => myTasks(scope)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/overview',
      summary: 'コーディネーター向けの全体状況（自機関がチームにいる事例の課題の件数：種類別・状態別・主担当機関別と一覧。コーディネーター・事務局）',
      tag: '多機関協働',
      query: overviewQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'case.read', (scope) => taskOverview(scope, query)),
    }),
  ];
}
