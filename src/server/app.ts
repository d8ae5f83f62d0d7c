import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { Db } from '../db/database.ts';
import { Gateway } from '../access/gateway.ts';
import { auditRoutes } from '../audit/routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { lookupSession, SESSION_COOKIE, type AuthState } from '../auth/sessions.ts';
import { directoryRoutes } from '../directory/routes.ts';
import { municipalityRoutes } from '../municipalities/routes.ts';
import { userRoutes } from '../users/routes.ts';
import { staffRoutes } from '../users/staff.ts';
import { intakeRoutes } from '../intake/routes.ts';
import { peopleRoutes } from '../people/routes.ts';
import { assessmentRoutes } from '../cases/assessments.ts';
import { caseRoutes } from '../cases/routes.ts';
import { meetingRoutes } from '../meetings/routes.ts';
import { recordRoutes } from '../cases/records.ts';
import { taskRoutes } from '../tasks/routes.ts';
import { planRoutes } from '../cases/plans.ts';
import { AppError } from './errors.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import { buildOpenApi, registerRoutes, type AnyRoute } from './route.ts';
import { retentionRoutes } from '../retention/routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthState | null;
    authExpired: boolean;
  }
}

export interface AppOptions {
  db: Db;
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built web app (vite build). Omitted in API tests. */
  webRoot?: string | null;
  trustProxy?: boolean;
  /** Login attempts per minute from one address. */
  loginRateLimit?: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const DEFAULT_WEB_ROOT = resolve(import.meta.dirname, '../../dist/web');

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // Request URLs may carry search terms (names): never log requests.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const gateway = new Gateway(options.db);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    hsts: { maxAge: 31536000, includeSubDomains: true },
  });
  await app.register(cookie);
  // Counted in the database: several processes behind a load balancer share the counts.
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(options.db) });

  // Scanned consent forms are sent as the raw file (checked by content, not by this header).
  app.addContentTypeParser(['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 6 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.decorateRequest('auth', null);
  app.decorateRequest('authExpired', false);

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const found = await lookupSession(options.db, token, req.ip);
    if (found && 'state' in found) req.auth = found.state;
    else if (found && 'expired' in found) req.authExpired = true;
  });

  app.addHook('preHandler', async (req) => {
    if (SAFE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return;
    if (req.url.startsWith('/api/v1/auth/login') && !req.url.startsWith('/api/v1/auth/login/totp')) return;
    if (!req.auth) {
      if (req.authExpired) {
        throw new AppError(401, 'session_expired', '一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。');
      }
      throw new AppError(401, 'unauthenticated', 'ログインが必要です。もう一度ログインしてください。');
    }
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || sent !== req.auth.csrfToken) {
      throw new AppError(403, 'csrf_failed', '画面の有効期限が切れています。画面を再読み込みしてから、もう一度操作してください。');
    }
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof AppError) {
      if (error.status === 401 && req.authExpired && error.code === 'unauthenticated') {
        return reply.code(401).send({
          error: { code: 'session_expired', message: '一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。', fields: {} },
        });
      }
      return reply.code(error.status).send(error.toBody());
    }
    const e = error as { statusCode?: number; code?: string; message?: string };
    const status = e.statusCode ?? 500;
    if (status === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: { code: 'payload_too_large', message: '送信された内容が大きすぎます（上限 1MB）。', fields: {} } });
    }
    if (status === 429) {
      return reply.code(429).send({
        error: { code: 'too_many_requests', message: '短時間に操作が集中しました。しばらく待ってからもう一度お試しください。', fields: {} },
      });
    }
    if (status === 415 || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'JSON（application/json）で送信してください。', fields: {} } });
    }
    if (status >= 400 && status < 500) {
      return reply.code(400).send({
        error: { code: 'bad_request', message: '送信内容の形式が正しくありません（JSON として読み取れません）。', fields: {} },
      });
    }
    req.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({
      error: { code: 'internal_error', message: 'システムで問題が発生しました。時間をおいてもう一度お試しください。', fields: {} },
    });
  });

  const routes: AnyRoute[] = [
    ...authRoutes(options.db, { loginRateLimit: options.loginRateLimit ?? 30 }),
    ...directoryRoutes(gateway),
    ...userRoutes(gateway),
    ...auditRoutes(gateway),
    ...municipalityRoutes(gateway),
    ...peopleRoutes(gateway),
    ...intakeRoutes(gateway),
    ...caseRoutes(gateway),
    ...staffRoutes(gateway),
    ...meetingRoutes(gateway),
    ...recordRoutes(gateway),
    ...taskRoutes(gateway),
    ...planRoutes(gateway),
    ...assessmentRoutes(gateway),
    ...retentionRoutes(gateway),
  ];
  registerRoutes(app, routes);

  const openapi = buildOpenApi(routes);
  app.get('/api/openapi.json', async () => openapi);
  app.get('/api/health', async () => {
    return { status: 'ok' };
  });

  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  const indexFile = webRoot ? join(webRoot, 'index.html') : null;
  const indexHtml = indexFile && existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
  if (webRoot && indexHtml) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: false, maxAge: '1h', immutable: false });
  }

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'お探しのページまたはデータは見つかりません。', fields: {} } });
    }
    if (!indexHtml) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('画面がまだ用意されていません。npm run build を実行してください。');
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  });

  return app;
}
