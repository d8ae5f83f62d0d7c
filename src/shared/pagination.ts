import { isUuid } from './ids.ts';
import { textProblem } from './text-check.ts';

/** Keyset pagination: the cursor is the sort key of the last row, opaque to clients. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What each position of a cursor must hold (a forged cursor must not reach SQL casts). */
export type CursorPart = 'string' | 'uuid' | 'int' | 'int32';

function partOk(part: CursorPart, value: unknown): boolean {
  switch (part) {
    case 'string':
      return typeof value === 'string' && !textProblem(value);
    case 'uuid':
      return typeof value === 'string' && isUuid(value);
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'int32': // the key of an int4 column
      return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
  }
}

/** Decode a cursor of the given shape; anything else (garbage, forged values) is null: start from the beginning. */
export function decodeCursor(cursor: string | undefined, shape: readonly CursorPart[]): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === shape.length && shape.every((part, i) => partOk(part, values[i]))) {
      return values as (string | number)[];
    }
  } catch {
    /* fall through */
  }
  return null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
