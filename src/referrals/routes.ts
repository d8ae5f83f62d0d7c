import type { Gateway } from '../access/gateway.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { z } from '../shared/zod-ja.ts';
import { answerSchema, deliverySchema, progressSchema } from './schema.ts';
import { addProgressNote, recordAnswer, recordDelivery } from './service.ts';

const idParams = z.object({ id: z.uuid() });

/** Referrals that cannot stall: progress notes, and the sender's steps for an agency without accounts. */
export function referralProgressRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/progress',
      summary: 'つなぎの経過の記録（つなぎ先。受理・対応中の「対応が止まっている」警告を解消）',
      tag: 'つなぎ',
      params: idParams,
      body: progressSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'person.write', (scope) => addProgressNote(scope, params.id, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/delivery',
      summary: '紙・FAXでの送付の記録（kasane を使っていない機関へのつなぎ。つないだ機関が記録）',
      tag: 'つなぎ',
      params: idParams,
      body: deliverySchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'person.write', (scope) => recordDelivery(scope, params.id, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/answer',
      summary: '回答の記録（kasane を使っていない機関からの回答：回答者・日時・方法・結果。つないだ機関が記録）',
      tag: 'つなぎ',
      params: idParams,
      body: answerSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'person.write', (scope) => recordAnswer(scope, params.id, body)),
    }),
  ];
}
