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
