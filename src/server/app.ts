import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
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
import { databaseAnswers, databaseErrorAnswer, databaseUnavailable } from './db-errors.ts';
import { AppError, clientErrorResponse, frameworkError } from './errors.ts';
import { registerJsonParser } from './json-body.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import { buildOpenApi, queryWellEncoded, registerRoutes, type AnyRoute } from './route.ts';
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

const CSP_DIRECTIVES = {
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
};

/** The hardening headers helmet sets, for the answers the router gives before any hook runs (frameworkErrors). */
const ROUTER_ERROR_HEADERS: Record<string, string> = {
  'content-security-policy': Object.entries(CSP_DIRECTIVES)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join(';'),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'SAMEORIGIN',
  'cache-control': 'no-store',
};

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // Request URLs may carry search terms (names): never log requests.
    logController: new LogController({ disableRequestLogging: true }),
    // An over-long id reaches its route and is answered 404 there (no route has a regex parameter).
    routerOptions: { maxParamLength: 16 * 1024 },
    // Errors the router raises before any route runs (a broken percent-encoding in the path) and
    // requests Node's HTTP parser refuses answer in the one Japanese error shape like every other error.
    frameworkErrors: (error, _req, reply) => {
      const mapped = frameworkError(error) ?? new AppError(500, 'internal_error', 'システムで問題が発生しました。時間をおいてもう一度お試しください。');
      return (reply as FastifyReply).code(mapped.status).headers(ROUTER_ERROR_HEADERS).send(mapped.toBody());
    },
    clientErrorHandler: (error, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error));
      socket.destroy(error);
    },
  });
  const gateway = new Gateway(options.db);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: CSP_DIRECTIVES,
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    hsts: { maxAge: 31536000, includeSubDomains: true },
  });
  await app.register(cookie);
  // Counted in the database: several processes behind a load balancer share the counts.
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(options.db) });

  registerJsonParser(app);
  // Scanned consent forms are sent as the raw file (checked by content, not by this header).
  app.addContentTypeParser(['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 6 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.decorateRequest('auth', null);
  app.decorateRequest('authExpired', false);

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    if (!queryWellEncoded(req.url)) {
      throw new AppError(400, 'bad_query', 'URL の検索条件の形式が正しくありません（文字の符号化が壊れています）。');
    }
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
    const database = databaseErrorAnswer(error);
    if (database) {
      // Not a bug of the request: the database is unreachable (503) or the write lost a race (409).
      req.log.warn({ err: error, status: database.status }, 'database error');
      if (database.status === 503) reply.header('retry-after', '5');
      return reply.code(database.status).send(database.toBody());
    }
    // Framework errors (bad JSON, wrong content type, body too large, rate limit…): 4xx in the Japanese shape.
    const mapped = frameworkError(error);
    if (mapped) return reply.code(mapped.status).send(mapped.toBody());
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
  registerRoutes(app, routes, gateway);

  const openapi = buildOpenApi(routes);
  app.get('/api/openapi.json', async () => openapi);
  app.get('/api/health', async (_req, reply) => {
    // For load balancers and monitoring: 503 while the database does not answer.
    if (await databaseAnswers(options.db)) return { status: 'ok', database: 'ok' };
    reply.code(503).header('retry-after', '5');
    return { status: 'unavailable', database: 'unavailable', ...databaseUnavailable().toBody() };
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
