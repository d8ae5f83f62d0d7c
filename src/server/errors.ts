import { z } from 'zod';

/** The one error shape of the API: { error: { code, message, fields } } (message in Japanese). */
export interface ErrorBody {
  error: { code: string; message: string; fields: Record<string, string> };
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody & Record<string, unknown> {
    return { error: { code: this.code, message: this.message, fields: this.fields }, ...this.extra };
  }
}

export const notFound = (what = 'データ') => new AppError(404, 'not_found', `${what}が見つかりません。`);
export const forbidden = (message = 'この操作を行う権限がありません。') => new AppError(403, 'forbidden', message);
export const unauthenticated = () =>
  new AppError(401, 'unauthenticated', 'ログインが必要です。もう一度ログインしてください。');
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new AppError(409, 'conflict', message, {}, extra);
export const invalid = (fields: Record<string, string>, message?: string) =>
  new AppError(
    422,
    'validation_failed',
    message ?? `入力内容を確認してください（${Object.keys(fields).length}件）。`,
    fields,
  );

/** Turn a zod error into field messages keyed by dotted path. */
export function zodFields(error: z.ZodError, labels: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (fields[key]) continue;
    const label = labels[key] ?? labels[String(issue.path[0] ?? '')] ?? '';
    fields[key] = label ? `${label}：${issue.message}` : issue.message;
  }
  return fields;
}

const NOT_FOUND_MESSAGE = 'お探しのページまたはデータは見つかりません。';
const BAD_JSON_MESSAGE = '送信内容の形式が正しくありません（JSON として読み取れません）。';

/** Errors raised by the framework (Fastify, its plugins), by code, in the one Japanese shape. */
const FRAMEWORK_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', '送信された内容が大きすぎます（上限 1MB）。'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'JSON（application/json）で送信してください。'],
  FST_ERR_CTP_INVALID_TYPE: [415, 'unsupported_media_type', 'JSON（application/json）で送信してください。'],
  FST_ERR_CTP_EMPTY_TYPE: [415, 'unsupported_media_type', 'JSON（application/json）で送信してください。'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request', '送信内容の長さ（Content-Length）が実際の内容と一致しません。'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body', '送信内容が空です。JSON で送信してください。'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_request', BAD_JSON_MESSAGE],
  FST_ERR_BAD_URL: [400, 'bad_url', 'URL の形式が正しくありません（文字の符号化が壊れています）。'],
  // An id far longer than any id kasane hands out names nothing.
  FST_ERR_MAX_PARAM_LENGTH: [404, 'not_found', NOT_FOUND_MESSAGE],
  FST_ERR_NOT_FOUND: [404, 'not_found', NOT_FOUND_MESSAGE],
  FST_ERR_INVALID_URL: [400, 'bad_url', 'URL の形式が正しくありません。'],
};

const FRAMEWORK_STATUSES: Record<number, [code: string, message: string]> = {
  404: ['not_found', NOT_FOUND_MESSAGE],
  405: ['method_not_allowed', 'この URL では使用できない操作（HTTP メソッド）です。'],
  408: ['request_timeout', '通信が時間内に終わりませんでした。もう一度お試しください。'],
  413: ['payload_too_large', '送信された内容が大きすぎます（上限 1MB）。'],
  414: ['uri_too_long', 'URL が長すぎます。'],
  415: ['unsupported_media_type', 'JSON（application/json）で送信してください。'],
  429: ['too_many_requests', '短時間に操作が集中しました。しばらく待ってからもう一度お試しください。'],
  431: ['headers_too_large', 'リクエストのヘッダーが大きすぎます。'],
};

/**
 * The Japanese AppError for an error the framework raised (a Fastify error
 * code, or any error carrying a 4xx statusCode); null for server errors,
 * which the caller logs and answers as 500.
 */
export function frameworkError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  const known = typeof e.code === 'string' ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (known) return new AppError(...known);
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status < 400 || status >= 500) return null;
  const byStatus = FRAMEWORK_STATUSES[status];
  if (byStatus) return new AppError(status, ...byStatus);
  return new AppError(400, 'bad_request', '送信内容の形式が正しくありません。');
}

/** Node's HTTP parser refusals (before Fastify sees a request), by llhttp code. */
const CLIENT_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, ...FRAMEWORK_STATUSES[408]!],
  HPE_HEADER_OVERFLOW: [431, ...FRAMEWORK_STATUSES[431]!],
  HPE_INVALID_METHOD: [400, 'bad_request', '使用できない操作（HTTP メソッド）です。'],
  HPE_INVALID_CONTENT_LENGTH: [400, 'bad_request', '送信内容の長さ（Content-Length）が正しくありません。'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'bad_request', '送信内容の長さ（Content-Length）が正しくありません。'],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'bad_request', '送信内容の区切り方（Transfer-Encoding）が正しくありません。'],
};

/**
 * The raw HTTP response for a request Node's parser refused (Fastify's
 * clientErrorHandler): the one error shape, in Japanese, then the
 * connection closes.
 */
export function clientErrorResponse(error: { code?: string }): string {
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'bad_request', 'リクエストの形式が正しくありません。'];
  const body = JSON.stringify({ error: { code, message, fields: {} } });
  const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`
  );
}
