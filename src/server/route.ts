import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from '../shared/zod-ja.ts';
import type { UserContext } from '../access/context.ts';
import type { Gateway, Scope } from '../access/gateway.ts';
import type { Action } from '../access/policy.ts';
import { AppError, invalid, unauthenticated, zodFields } from './errors.ts';
import type { AuthState } from '../auth/sessions.ts';
import { findTextProblem, TEXT_PROBLEM_MESSAGES } from '../shared/text-check.ts';

/**
 * Routes are declared once with their zod schemas; the same declaration
 * registers the Fastify handler, validates input (422 with every problem
 * named in Japanese) and produces the OpenAPI document.
 */
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Who may call: anyone, a session that still has to pass a step (TOTP), or a signed-in user. */
export type AuthLevel = 'public' | 'partial' | 'user';

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: FastifyRequest;
  reply: FastifyReply;
  auth: AuthState | null;
  ctx: UserContext;
}

/** The input of a route that declares its gateway action: the handler runs inside `gateway.run`. */
export interface ScopedHandlerInput<B, Q, P> extends HandlerInput<B, Q, P> {
  scope: Scope;
}

interface RouteBase<B, Q, P> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  auth?: AuthLevel;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  response?: z.ZodType;
  /** Content type of a non-JSON response (e.g. text/csv). */
  produces?: string;
  /** Per-route Fastify config (e.g. { rateLimit: { max, timeWindow } }). */
  config?: Record<string, unknown>;
  /** The success status (201 for a route that creates); documented in OpenAPI. Default 200 (204 when nothing is returned). */
  status?: 200 | 201 | 202;
}

/** A route whose handler manages the gateway itself (or needs none: public, auth). */
export interface RouteSpec<B = unknown, Q = unknown, P = unknown> extends RouteBase<B, Q, P> {
  action?: undefined;
  handler: (input: HandlerInput<B, Q, P>) => Promise<unknown>;
}

/**
 * A route that declares its gateway action: the kernel runs the handler in
 * `gateway.run(ctx, action, …)` (policy, one transaction, audit at commit)
 * and hands it the scope, so no handler repeats the wrapper.
 */
export interface ActionRouteSpec<B = unknown, Q = unknown, P = unknown> extends RouteBase<B, Q, P> {
  action: Action;
  handler: (input: ScopedHandlerInput<B, Q, P>) => Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any> | ActionRouteSpec<any, any, any>;

export function defineRoute<B = undefined, Q = undefined, P = undefined>(spec: ActionRouteSpec<B, Q, P>): AnyRoute;
export function defineRoute<B = undefined, Q = undefined, P = undefined>(spec: RouteSpec<B, Q, P>): AnyRoute;
export function defineRoute(spec: AnyRoute): AnyRoute {
  return spec;
}

/** The label of a field, looking through .optional() / .nullable() / .default() (e.g. of a .partial() PATCH schema). */
function describedAs(field: z.ZodType): string | undefined {
  let current: z.ZodType | undefined = field;
  while (current) {
    if (current.description) return current.description;
    current =
      current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault
        ? (current.unwrap() as z.ZodType)
        : undefined;
  }
  return undefined;
}

function labelsOf(schema: z.ZodType | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (schema instanceof z.ZodObject) {
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const label = describedAs(field);
      if (label) labels[key] = label;
    }
  }
  return labels;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  // Control characters and malformed unicode (lone surrogates) never reach a handler, the database or the audit log.
  const bad = findTextProblem(value);
  if (bad) {
    if (where === 'params') throw new AppError(404, 'not_found', '指定されたデータが見つかりません。');
    const key = bad.path.length ? bad.path.join('.') : '_';
    const label = labelsOf(schema)[bad.path[0] ?? ''];
    const message = TEXT_PROBLEM_MESSAGES[bad.problem];
    throw invalid({ [key]: label ? `${label}：${message}` : message });
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  if (where === 'params') throw new AppError(404, 'not_found', '指定されたデータが見つかりません。');
  throw invalid(zodFields(result.error, labelsOf(schema)));
}

/**
 * Whether the query string of a URL is well percent-encoded UTF-8. The
 * framework's parser keeps a broken sequence (`%E0%A4%A`, `%FF`) as it
 * came; kasane refuses it instead of searching for garbage.
 */
export function queryWellEncoded(url: string): boolean {
  const at = url.indexOf('?');
  if (at < 0) return true;
  try {
    decodeURIComponent(url.slice(at + 1));
    return true;
  } catch {
    return false;
  }
}

/**
 * Under test (vitest sets VITEST; the e2e server inherits it) every answer is
 * checked against the route's response schema, so the documented contract —
 * and the web types derived from it — cannot drift from what the handler
 * returns. In production the schema only documents.
 */
const CHECK_RESPONSES = Boolean(process.env.VITEST) || process.env.KASANE_CHECK_RESPONSES === '1';

function checkResponse(route: AnyRoute, result: unknown): void {
  const checked = route.response!.safeParse(JSON.parse(JSON.stringify(result)));
  if (checked.success) return;
  const problems = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`response of ${route.method} ${route.url} does not match its schema: ${problems.join('; ')}`);
}

export function registerRoutes(app: FastifyInstance, routes: readonly AnyRoute[], gateway: Gateway): void {
  for (const route of routes) {
    const level = route.auth ?? 'user';
    app.route({
      method: route.method,
      url: route.url,
      ...(route.config ? { config: route.config } : {}),
      handler: async (req, reply) => {
        const auth = req.auth;
        if (level !== 'public') {
          if (!auth) throw unauthenticated();
          if (level === 'user' && auth.step !== 'done') {
            const message =
              auth.step === 'password'
                ? '初回ログインのため、パスワードを変更してください。'
                : auth.step === 'enroll'
                  ? '二要素認証の設定を完了してください。'
                  : '二要素認証の確認コードを入力してください。';
            throw new AppError(401, 'second_factor_required', message);
          }
        }
        const params = parse(route.params, req.params, 'params');
        const query = parse(route.query, req.query, 'query');
        const body = parse(route.body, req.body, 'body');
        const input: HandlerInput<unknown, unknown, unknown> = {
          body,
          query,
          params,
          req,
          reply,
          auth,
          ctx: auth?.ctx as UserContext,
        };
        let result: unknown;
        if (route.action) {
          const scoped = route;
          if (!input.ctx) throw unauthenticated();
          result = await gateway.run(input.ctx, scoped.action, (scope) => scoped.handler({ ...input, scope }));
        } else {
          result = await route.handler(input);
        }
        if (CHECK_RESPONSES && route.response && result !== undefined && !reply.sent) checkResponse(route, result);
        if (route.status && !reply.sent) reply.code(route.status);
        if (result === undefined) {
          if (!reply.sent) reply.code(204).send();
          return reply;
        }
        return result;
      },
    });
  }
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: '日本語のメッセージ' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['code', 'message', 'fields'],
    },
  },
  required: ['error'],
};

export function buildOpenApi(routes: readonly AnyRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!(schema instanceof z.ZodObject)) continue;
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !field.safeParse(undefined).success,
          schema: jsonSchema(field, 'input'),
          ...(field.description ? { description: field.description } : {}),
        });
      }
    }
    const responses: Record<string, unknown> = {
      default: { description: 'エラー', content: { 'application/json': { schema: ERROR_SCHEMA } } },
    };
    responses[String(r.status ?? 200)] = {
      description: 'OK',
      content: {
        [r.produces ?? 'application/json']: { schema: r.response ? jsonSchema(r.response, 'output') : {} },
      },
    };
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } }
        : {}),
      responses,
      security: r.auth === 'public' ? [] : [{ session: [], csrf: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'kasane API',
      version: '1',
      description:
        '重層的支援体制整備事業のための共有プラットフォーム kasane の API。状態を変更するリクエストには、ログイン時または GET /api/v1/auth/session で受け取った x-csrf-token ヘッダーが必要です。',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'kasane_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      },
    },
    paths,
  };
}
