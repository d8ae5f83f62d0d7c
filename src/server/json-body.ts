import type { FastifyInstance } from 'fastify';
import { textProblem } from '../shared/text-check.ts';
import { AppError } from './errors.ts';

/**
 * The application/json body parser. Before JSON.parse, the raw text is
 * scanned once, without recursion, for what the parser and the code after it
 * must never see: nesting deeper than any kasane body (a 20,000-deep array
 * would exhaust the stack further on), the same key twice in one object
 * (which of the two counts is a guess), and `__proto__` keys. Then Fastify's
 * own parser (secure-json-parse) reads it, refusing prototype and
 * constructor poisoning as it does by default. The size is bounded by the
 * server's bodyLimit before any of this.
 */
export const MAX_JSON_DEPTH = 32;

export type JsonShapeProblem = { kind: 'too_deep' } | { kind: 'duplicate_key'; key: string } | { kind: 'proto_key' };

/**
 * The first shape problem of a JSON text, or null. Text that is not JSON at
 * all is left to JSON.parse (null here), so this never throws.
 */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonShapeProblem | null {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      if (j >= n) return null; // unterminated string: not JSON
      const keys = open.at(-1);
      if (expectKey && keys) {
        let key: string;
        try {
          key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        } catch {
          return null; // a bad escape: not JSON
        }
        if (key === '__proto__') return { kind: 'proto_key' };
        if (keys.has(key)) return { kind: 'duplicate_key', key };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (open.length >= maxDepth) return { kind: 'too_deep' };
      open.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open.at(-1) != null;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
    }
  }
  return null;
}

/** The 400 answer for a shape problem, naming it in Japanese. */
export function jsonShapeError(problem: JsonShapeProblem, maxDepth = MAX_JSON_DEPTH): AppError {
  switch (problem.kind) {
    case 'too_deep':
      return new AppError(400, 'json_too_deep', `送信内容の入れ子（配列・項目のまとまり）が深すぎます（${maxDepth}段まで）。`);
    case 'duplicate_key': {
      const nameable = problem.key.length <= 50 && !textProblem(problem.key);
      return new AppError(
        400,
        'duplicate_key',
        nameable ? `同じ項目「${problem.key}」が二度以上含まれています。` : '同じ項目が二度以上含まれています。',
      );
    }
    case 'proto_key':
      return new AppError(400, 'bad_request', '使用できない項目名（__proto__）が含まれています。');
  }
}

export function registerJsonParser(app: FastifyInstance): void {
  const parseSecurely = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(new AppError(400, 'empty_body', '送信内容が空です。JSON で送信してください。'), undefined);
      return;
    }
    const problem = scanJson(text);
    if (problem) {
      done(jsonShapeError(problem), undefined);
      return;
    }
    parseSecurely(req, text, done);
  });
}
