import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { writeAudit } from '../access/audit.ts';
import { z } from '../shared/zod-ja.ts';
import { ROLE_LABELS } from '../shared/roles.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { unauthenticated } from '../server/errors.ts';
import { changePassword, enableTotp, login, startTotpSetup, verifySecondFactor } from './service.ts';
import { deleteSession, lookupSession, SESSION_COOKIE, type AuthState, type AuthStep } from './sessions.ts';

const sessionResponse = z.object({
  authenticated: z.boolean(),
  step: z.enum(['done', 'totp', 'enroll', 'password']).optional(),
  csrfToken: z.string().optional(),
  user: z
    .object({
      id: z.string(),
      loginId: z.string(),
      name: z.string(),
      role: z.string(),
      roleLabel: z.string(),
      agencyId: z.string(),
      agencyName: z.string(),
      totpEnabled: z.boolean(),
    })
    .optional(),
  municipality: z.object({ id: z.string(), name: z.string(), mfaRequired: z.boolean() }).optional(),
});

export function sessionBody(auth: AuthState | null, overrides: { step?: AuthStep } = {}) {
  if (!auth) return { authenticated: false };
  const step = overrides.step ?? auth.step;
  return {
    authenticated: step === 'done',
    step,
    csrfToken: auth.csrfToken,
    user: { ...auth.user, roleLabel: ROLE_LABELS[auth.user.role] },
    municipality: {
      id: auth.municipality.id,
      name: auth.municipality.name,
      mfaRequired: auth.municipality.settings.mfaRequired,
    },
  };
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
  });
}

const code = z.string().trim().regex(/^\d{6}$/, '6桁の数字を入力してください').describe('確認コード');

export function authRoutes(db: Db, options: { loginRateLimit: number }): AnyRoute[] {
  const rateLimit = { rateLimit: { max: options.loginRateLimit, timeWindow: 60_000 } };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/login',
      summary: 'ログイン（パスワード）',
      tag: '認証',
      auth: 'public',
      config: rateLimit,
      body: z
        .object({
          loginId: z.string().trim().min(1).max(100).describe('ログインID'),
          password: z.string().min(1).max(200).describe('パスワード'),
        })
        .strict(),
      response: sessionResponse,
      handler: async ({ body, req, reply }) => {
        const result = await login(db, body.loginId, body.password, {
          clientIp: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
        });
        setSessionCookie(req, reply, result.token);
        const found = await lookupSession(db, result.token, req.ip);
        return sessionBody(found && 'state' in found ? found.state : null);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/login/totp',
      summary: 'ログイン（二要素認証の確認コード）',
      tag: '認証',
      auth: 'partial',
      config: rateLimit,
      body: z.object({ code }).strict(),
      response: sessionResponse,
      handler: async ({ body, auth }) => {
        const step = await verifySecondFactor(db, auth!, body.code);
        return sessionBody(auth, { step });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/logout',
      summary: 'ログアウト',
      tag: '認証',
      auth: 'partial',
      handler: async ({ auth, reply }) => {
        await deleteSession(db, auth!.sessionId);
        await writeAudit(db, [
          {
            municipalityId: auth!.municipality.id,
            action: 'auth.logout',
            outcome: 'success',
            actorUserId: auth!.user.id,
            actorLogin: auth!.user.loginId,
            actorAgencyId: auth!.user.agencyId,
            actorRole: auth!.user.role,
            clientIp: auth!.ctx.clientIp,
          },
        ]);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/auth/session',
      summary: '現在のセッション（CSRFトークンを含む）',
      tag: '認証',
      auth: 'public',
      response: sessionResponse,
      handler: async ({ auth }) => sessionBody(auth),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/totp/setup',
      summary: '二要素認証の設定を始める（秘密鍵とQRコード）',
      tag: '認証',
      auth: 'partial',
      response: z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() }),
      handler: async ({ auth }) => {
        if (!auth) throw unauthenticated();
        return startTotpSetup(db, auth);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/totp/enable',
      summary: '二要素認証を有効にする（確認コードで確認）',
      tag: '認証',
      auth: 'partial',
      body: z.object({ code }).strict(),
      response: sessionResponse,
      handler: async ({ body, auth }) => {
        const step = await enableTotp(db, auth!, body.code);
        return sessionBody({ ...auth!, user: { ...auth!.user, totpEnabled: true } }, { step });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/password',
      summary: '自分のパスワードを変更する',
      tag: '認証',
      auth: 'partial',
      body: z
        .object({
          currentPassword: z.string().min(1).max(200).describe('現在のパスワード'),
          newPassword: z.string().min(1).max(200).describe('新しいパスワード'),
        })
        .strict(),
      response: sessionResponse,
      handler: async ({ body, auth }) => {
        if (auth!.step !== 'password' && auth!.step !== 'done') throw unauthenticated();
        const step = await changePassword(db, auth!, body.currentPassword, body.newPassword);
        return sessionBody(auth, { step });
      },
    }),
  ];
}
