import type { Gateway } from '../access/gateway.ts';
import { int32Text, z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { AppError } from '../server/errors.ts';
import { consultationInputSchema, consultationListQuery } from './schema.ts';
import { createConsultation, getConsultation, listConsultations } from './service.ts';
import { completeSchema, referralInputSchema, referralListQuery, returnSchema, transitionSchema } from '../referrals/schema.ts';
import { createReferral, getReferral, listReferrals, referralCounts, transitionReferral } from '../referrals/service.ts';
import { referralProgressRoutes } from '../referrals/routes.ts';
import { consentInputSchema, DOCUMENT_TYPES, withdrawSchema } from '../consents/schema.ts';
import { attachDocument, listConsents, readDocument, recordConsent, withdrawConsent } from '../consents/service.ts';
import { listNotifications, markRead } from '../notifications/service.ts';
import { routingRequestSchema, routingRuleInputSchema, routingRulePatchSchema } from '../routing/schema.ts';
import { createRule, listRules, suggestRouting, updateRule } from '../routing/service.ts';

const idParams = z.object({ id: z.uuid() });

/** The x-filename header is percent-encoded UTF-8; a malformed one is kept as sent (never a 500). */
function decodeFilename(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** 包括的相談支援: consultations, referrals, consent, routing, notifications. */
export function intakeRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/consultations',
      summary: '相談受付の登録（同意あり／同意なし、匿名も可。緊急の兆候はコーディネーターに即時通知）',
      tag: '相談受付',
      body: consultationInputSchema,
      action: 'person.write',
      status: 201,
      handler: ({ scope, body }) => createConsultation(scope, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/consultations',
      summary: '相談の一覧（自機関が受けたもの、または閲覧できるもの）',
      tag: '相談受付',
      query: consultationListQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'person.read', (scope) => listConsultations(scope, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/consultations/:id',
      summary: '相談の詳細',
      tag: '相談受付',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', (scope) => getConsultation(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/routing-suggestions',
      summary: '交通整理：課題・年齢・世帯から、つなぎ先の候補と理由を提案',
      tag: '相談受付',
      body: routingRequestSchema,
      handler: ({ ctx, body }) => gateway.run(ctx, 'person.read', (scope) => suggestRouting(scope, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/routing-rules',
      summary: '交通整理のルール一覧',
      tag: '相談受付',
      handler: ({ ctx }) => gateway.run(ctx, 'settings.read', async (scope) => ({ items: await listRules(scope) })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/routing-rules',
      summary: '交通整理のルールの追加（管理者）',
      tag: '相談受付',
      body: routingRuleInputSchema,
      action: 'settings.write',
      status: 201,
      handler: ({ scope, body }) => createRule(scope, body),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/routing-rules/:id',
      summary: '交通整理のルールの編集（管理者）',
      tag: '相談受付',
      params: idParams,
      body: routingRulePatchSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'settings.write', (scope) => updateRule(scope, params.id, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals',
      summary: 'つなぎの送付（共通様式：主訴・相談内容・つなぐ理由・情報共有の同意確認）',
      tag: 'つなぎ',
      body: referralInputSchema,
      action: 'person.write',
      status: 201,
      handler: ({ scope, body }) => createReferral(scope, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/referrals',
      summary: 'つなぎの受信箱・送信箱（状態ごとの件数つき）',
      tag: 'つなぎ',
      query: referralListQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'person.read', (scope) => listReferrals(scope, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/referrals/counts',
      summary: 'つなぎの件数（受信・送信、状態別、期限超過）',
      tag: 'つなぎ',
      handler: ({ ctx }) => gateway.run(ctx, 'person.read', (scope) => referralCounts(scope)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/referrals/:id',
      summary: 'つなぎの詳細と経過',
      tag: 'つなぎ',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', (scope) => getReferral(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/accept',
      summary: 'つなぎの受理（つなぎ先）',
      tag: 'つなぎ',
      params: idParams,
      body: transitionSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => transitionReferral(scope, params.id, 'accept', { version: body.version })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/return',
      summary: 'つなぎの差戻し（理由は必須）',
      tag: 'つなぎ',
      params: idParams,
      body: returnSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => transitionReferral(scope, params.id, 'return', { note: body.reason })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/start',
      summary: 'つなぎの対応開始',
      tag: 'つなぎ',
      params: idParams,
      body: transitionSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => transitionReferral(scope, params.id, 'start', { version: body.version })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/referrals/:id/complete',
      summary: 'つなぎの完了（結果を記録）',
      tag: 'つなぎ',
      params: idParams,
      body: completeSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => transitionReferral(scope, params.id, 'complete', { note: body.note })),
    }),
    ...referralProgressRoutes(),
    defineRoute({
      method: 'GET',
      url: '/api/v1/persons/:id/consents',
      summary: '同意の記録（版の履歴）',
      tag: '同意',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', async (scope) => ({ items: await listConsents(scope, params.id) })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/consents',
      summary: '同意（または拒否）の記録。新しい版として追加されます',
      tag: '同意',
      body: consentInputSchema,
      action: 'person.write',
      status: 201,
      handler: async ({ scope, body }) => {
        const items = await recordConsent(scope, body);
        return { items };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/consents/:id/withdraw',
      summary: '同意の撤回（直ちに情報共有が止まります）',
      tag: '同意',
      params: idParams,
      body: withdrawSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', async (scope) => ({
          items: await withdrawConsent(scope, params.id, body.withdrawnOn!, body.reason ?? null),
        })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/consents/:id/document',
      summary: '署名済み同意書の画像を添付（PDF・JPEG・PNG、5MBまで。本文にファイルそのものを送り、x-filename にファイル名）',
      tag: '同意',
      params: idParams,
      handler: async ({ ctx, params, req }) => {
        const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
        if (![...DOCUMENT_TYPES, 'application/octet-stream'].includes(type)) {
          throw new AppError(415, 'unsupported_media_type', 'PDF・JPEG・PNG のファイルを送ってください。');
        }
        const filename = decodeFilename(String(req.headers['x-filename'] ?? 'document'));
        return gateway.run(ctx, 'person.write', async (scope) => ({ items: await attachDocument(scope, params.id, req.body, filename) }));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/consent-documents/:id',
      summary: '同意書の画像を表示',
      tag: '同意',
      params: idParams,
      produces: 'application/pdf',
      handler: async ({ ctx, params, reply }) => {
        const doc = await gateway.run(ctx, 'person.read', (scope) => readDocument(scope, params.id));
        reply
          .header('content-type', doc.mediaType)
          .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(doc.filename)}`)
          .header('x-content-type-options', 'nosniff');
        return reply.send(doc.content);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/notifications',
      summary: 'お知らせ（自分・自機関・自分の役割あて）',
      tag: 'お知らせ',
      query: z.object({ unreadOnly: z.enum(['true', 'false']).optional(), limit: int32Text({ min: 1, max: 100 }).default(30) }).strict(),
      handler: ({ ctx, query }) =>
        gateway.run(ctx, 'directory.read', (scope) => listNotifications(scope, { unreadOnly: query.unreadOnly === 'true', limit: query.limit })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/notifications/:id/read',
      summary: 'お知らせを既読にする',
      tag: 'お知らせ',
      params: idParams,
      handler: async ({ ctx, params }) => {
        await gateway.run(ctx, 'directory.read', (scope) => markRead(scope, params.id));
        return undefined;
      },
    }),
  ];
}
