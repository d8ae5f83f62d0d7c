import { describe, expect, it } from 'vitest';
import { INT32_MAX, INT32_MIN, int32, int32Text, z } from './zod-ja.ts';

const messages = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => i.message) ?? [];

describe('integers bound to an int4 column', () => {
  it('accept the whole int4 range and nothing beyond it, with a Japanese message', () => {
    const any = int32();
    expect(any.parse(INT32_MIN)).toBe(INT32_MIN);
    expect(any.parse(INT32_MAX)).toBe(INT32_MAX);
    for (const value of [INT32_MAX + 1, INT32_MIN - 1, 9007199254740991, 9007199254740992, 1e308, -1e308]) {
      expect(messages(any, value)[0], String(value)).toBe('扱える範囲を超えた数値です（-2147483648〜2147483647）');
    }
    expect(messages(any, 1.5)).toEqual(['形式が正しくありません（整数で入力してください）']);
    expect(messages(any, '1')).toEqual(['形式が正しくありません（数値で入力してください）']);
  });

  it('name the field\'s own bounds first when it has them', () => {
    expect(messages(int32({ min: 1 }), 0)).toEqual(['1以上の値を入力してください']);
    expect(messages(int32({ min: 1 }), 2147483648)[0]).toBe('扱える範囲を超えた数値です（-2147483648〜2147483647）');
    expect(messages(int32({ min: 1, max: 100 }), 2147483648)[0]).toBe('100以下の値を入力してください');
    expect(int32({ min: 0, max: 130 }).parse(130)).toBe(130);
  });

  it('read numbers from query strings and path parameters', () => {
    const limit = int32Text({ min: 1, max: 100 }).default(30);
    expect(limit.parse(undefined)).toBe(30);
    expect(limit.parse('42')).toBe(42);
    for (const text of ['2147483648', '9007199254740991', '1e10', 'abc', '1.5', 'Infinity', '0']) {
      expect(limit.safeParse(text).success, text).toBe(false);
    }
    expect(messages(int32Text(), '2147483648')[0]).toBe('扱える範囲を超えた数値です（-2147483648〜2147483647）');
  });

  it('refuse bounds outside the int4 range when a schema is declared', () => {
    expect(() => int32({ max: 2 ** 31 })).toThrow();
    expect(() => int32({ min: -(2 ** 31) - 1 })).toThrow();
    expect(() => int32({ min: 5, max: 1 })).toThrow();
    expect(() => int32Text({ min: 0.5 })).toThrow();
  });

  it('are described as bounded integers in the OpenAPI document', () => {
    expect(z.toJSONSchema(int32({ min: 1 }))).toMatchObject({ type: 'integer', minimum: 1, maximum: INT32_MAX });
  });
});
