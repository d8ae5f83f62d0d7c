import { describe, expect, it } from 'vitest';
import { findTextProblem, textProblem } from './text-check.ts';

describe('text that kasane refuses', () => {
  it('lets ordinary text through, tabs and line breaks included', () => {
    for (const text of ['', '小金井 太郎', 'こがねい\tたろう', '一行目\r\n二行目\n', '𠮷野家', '😀👨‍👩‍👧', '\uffff', 'ｶﾅ']) {
      expect(textProblem(text), JSON.stringify(text)).toBeNull();
    }
  });

  it('finds control characters', () => {
    for (const text of ['a\u0000b', '\u0001', 'x\u0008', '\u000b', '\u000c', '\u001b[31m', '\u001f', 'del\u007f']) {
      expect(textProblem(text), JSON.stringify(text)).toBe('control');
    }
  });

  it('finds lone and reversed surrogates, but not well-formed pairs', () => {
    for (const text of ['\ud800', 'a\ud800', '\ud800a', '\udc00', 'x\udfff', '\udc00\ud800', '\ud83d\ude00\ude00', '\ud83d\ud83d\ude00'.slice(0, 2)]) {
      expect(textProblem(text), JSON.stringify(text)).toBe('unicode');
    }
    expect(textProblem('\ud83d\ude00')).toBeNull();
    expect(textProblem('\udbff\udfff')).toBeNull();
  });

  it('names the path of the first bad string or key, however deep', () => {
    expect(findTextProblem({ name: 'ok', note: 'a\ud800' })).toEqual({ path: ['note'], problem: 'unicode' });
    expect(findTextProblem({ a: 'ok', b: 'x\u0000' })).toEqual({ path: ['b'], problem: 'control' });
    expect(findTextProblem({ items: [{ t: 'ok' }, { t: '\udc00' }] })).toEqual({ path: ['items', '1', 't'], problem: 'unicode' });
    expect(findTextProblem({ ['k\ud800']: 1 })).toEqual({ path: ['k\ud800'], problem: 'unicode' });
    expect(findTextProblem('\u0000')).toEqual({ path: [], problem: 'control' });
    expect(findTextProblem({ first: '\u0001', second: '\ud800' })?.path).toEqual(['first']);
    expect(findTextProblem({ a: 1, b: null, c: true, d: ['x', 2] })).toBeNull();
    expect(findTextProblem(Buffer.from([0, 1, 2]))).toBeNull();
    let deep: unknown = '\ud800';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const found = findTextProblem(deep);
    expect(found?.problem).toBe('unicode');
    expect(found?.path).toHaveLength(50_000);
  });
});
