/**
 * The one way the web UI talks to the API: JSON under /api/v1, the session
 * cookie (HttpOnly) sent by the browser, and the CSRF token in a header on
 * every state-changing request.
 */
export interface ErrorBody {
  error: { code: string; message: string; fields: Record<string, string> };
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** 409 on a stale version: someone else saved first. */
  get isConflict(): boolean {
    return this.status === 409 && this.code === 'conflict';
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Codes that mean "no usable session": the UI goes back to the login page. */
const SIGNED_OUT_CODES = new Set(['session_expired', 'unauthenticated', 'second_factor_required']);

let csrfToken: string | null = null;
let signedOutHandler: ((error: ApiError) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (expired, logged out elsewhere). */
export function onSignedOut(handler: ((error: ApiError) => void) | null): void {
  signedOutHandler = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  signal?: AbortSignal;
  /** Do not treat a 401 as "session ended" (the login form itself). */
  allowUnauthenticated?: boolean;
}

/** A file sent as the raw request body (consent form scans), with its own type and name headers. */
export interface RawBody {
  raw: Blob;
  contentType: string;
  headers?: Record<string, string>;
}

function isRaw(body: unknown): body is RawBody {
  return typeof body === 'object' && body !== null && 'raw' in body && (body as RawBody).raw instanceof Blob;
}

export async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (isRaw(body)) {
    Object.assign(headers, body.headers ?? {});
    headers['content-type'] = body.contentType;
    payload = body.raw;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(payload !== undefined ? { body: payload } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'サーバーに接続できませんでした。ネットワークの状態を確認して、もう一度お試しください。');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data as T;

  const errorBody = data as Partial<ErrorBody> | null;
  const error = new ApiError(
    response.status,
    errorBody?.error?.code ?? 'http_error',
    errorBody?.error?.message ?? `サーバーでエラーが発生しました（${response.status}）。時間をおいてもう一度お試しください。`,
    errorBody?.error?.fields ?? {},
    (errorBody as Record<string, unknown> | null) ?? {},
  );
  if (response.status === 401 && SIGNED_OUT_CODES.has(error.code) && !options.allowUnauthenticated) {
    signedOutHandler?.(error);
  }
  throw error;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
  /** Send a file as the request body (the server checks its type by content). */
  upload: <T>(path: string, file: File, options?: RequestOptions) =>
    request<T>(
      'POST',
      path,
      {
        raw: file,
        contentType: file.type || 'application/octet-stream',
        headers: { 'x-filename': encodeURIComponent(file.name) },
      } satisfies RawBody,
      options,
    ),
};

/** Build a query string from non-empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
