import { defineRoute, type AnyRoute } from '../server/route.ts';
import { z } from '../shared/zod-ja.ts';
import { answerSchema, deliverySchema, progressSchema } from './schema.ts';
import { addProgressNote, recordAnswer, recordDelivery } from './service.ts';

const idParams = z.object({ id: z.uuid() });

/** Referrals that cannot stall: progress notes, and the sender's steps for an agency without accounts. */
export function referralProgressRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/progress',
      summary: 'つなぎの経過の記録（つなぎ先。受理・対応中の「対応が止まっている」警告を解消）',
      tag: 'つなぎ',
      params: idParams,
      body: progressSchema,
      action: 'person.write',
      handler: ({ scope, params, body }) => addProgressNote(scope, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/delivery',
      summary: '紙・FAXでの送付の記録（kasane を使っていない機関へのつなぎ。つないだ機関が記録）',
      tag: 'つなぎ',
      params: idParams,
      body: deliverySchema,
      action: 'person.write',
      handler: ({ scope, params, body }) => recordDelivery(scope, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/answer',
      summary: '回答の記録（kasane を使っていない機関からの回答：回答者・日時・方法・結果。つないだ機関が記録）',
      tag: 'つなぎ',
      params: idParams,
      body: answerSchema,
      action: 'person.write',
      handler: ({ scope, params, body }) => recordAnswer(scope, params.id, body),
    }),
  ];
}
