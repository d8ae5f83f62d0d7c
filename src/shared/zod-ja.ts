import { z } from 'zod';

/**
 * Japanese validation messages in the words staff expect
 * ("入力してください", "100文字以内で入力してください").
 * Imported once by the server and by the web app.
 */
const TYPE_NAMES: Record<string, string> = {
  string: '文字列',
  number: '数値',
  int: '整数',
  boolean: 'はい／いいえ',
  array: '一覧',
  object: '項目のまとまり',
  date: '日付',
};

const FORMAT_MESSAGES: Record<string, string> = {
  date: '日付を YYYY-MM-DD の形式で入力してください',
  datetime: '日時の形式が正しくありません',
  email: '形式が正しくありません（例：soudan@example.lg.jp）',
  uuid: 'IDの形式が正しくありません',
  url: 'URLの形式が正しくありません',
  regex: '形式が正しくありません',
};

export function japaneseMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return '入力してください';
      return `形式が正しくありません（${TYPE_NAMES[issue.expected] ?? issue.expected}で入力してください）`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? '入力してください' : `${min}文字以上で入力してください`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return min <= 1 ? '1つ以上選んでください' : `${min}件以上選んでください`;
      return `${min}${issue.inclusive === false ? 'より大きい' : '以上の'}値を入力してください`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `${max}文字以内で入力してください`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${max}件以内にしてください`;
      return `${max}${issue.inclusive === false ? '未満の' : '以下の'}値を入力してください`;
    }
    case 'invalid_value':
      return '選択肢の中から選んでください';
    case 'invalid_format':
      return FORMAT_MESSAGES[issue.format] ?? '形式が正しくありません';
    case 'unrecognized_keys':
      return `使えない項目が含まれています（${issue.keys.join('、')}）`;
    case 'invalid_union':
      return '形式が正しくありません';
    case 'not_multiple_of':
      return '値が正しくありません';
    default:
      return undefined;
  }
}

z.config({ customError: (issue) => japaneseMessage(issue) });

export { z };

/** The range of a PostgreSQL integer (int4) column. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const INT32_MESSAGE = `扱える範囲を超えた数値です（${INT32_MIN}〜${INT32_MAX}）`;

export interface IntRange {
  min?: number;
  max?: number;
}

function intRange(range: IntRange): { min: number; max: number } {
  const min = range.min ?? INT32_MIN;
  const max = range.max ?? INT32_MAX;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < INT32_MIN || max > INT32_MAX || min > max) {
    throw new Error(`int32(): bounds ${min}..${max} are not within the int4 range`);
  }
  return { min, max };
}

/**
 * An integer bound for an int4 column: every integer field of a schema is
 * declared with this (never z.number().int() alone), so a value the column
 * cannot hold is a 422, not a database error. The bounds are checked before
 * integrality so the message names the range ("1以上の値…", or the int4 range).
 */
export function int32(range: IntRange = {}) {
  const { min, max } = intRange(range);
  return z
    .number()
    .min(min, min === INT32_MIN ? { error: INT32_MESSAGE } : undefined)
    .max(max, max === INT32_MAX ? { error: INT32_MESSAGE } : undefined)
    .int();
}

/** The same for text that holds a number: a query string or a path parameter ("?limit=30"). */
export function int32Text(range: IntRange = {}) {
  const { min, max } = intRange(range);
  return z.coerce
    .number()
    .min(min, min === INT32_MIN ? { error: INT32_MESSAGE } : undefined)
    .max(max, max === INT32_MAX ? { error: INT32_MESSAGE } : undefined)
    .int();
}
