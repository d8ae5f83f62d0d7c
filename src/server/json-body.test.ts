import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { jsonShapeError, MAX_JSON_DEPTH, registerJsonParser, scanJson } from './json-body.ts';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('scanning a JSON text before parsing', () => {
  it('accepts ordinary bodies and nesting up to the limit', () => {
    for (const text of ['{}', '[]', '1', '"x"', 'null', '{"a":[1,{"b":"c"}],"d":{"a":1}}', '[{"a":1},{"a":1}]', nested(MAX_JSON_DEPTH), nestedObject(MAX_JSON_DEPTH)]) {
      expect(scanJson(text), text.slice(0, 40)).toBeNull();
    }
  });

  it('refuses nesting deeper than the limit, arrays or objects', () => {
    expect(scanJson(nested(MAX_JSON_DEPTH + 1))).toEqual({ kind: 'too_deep' });
    expect(scanJson(nestedObject(MAX_JSON_DEPTH + 1))).toEqual({ kind: 'too_deep' });
    expect(scanJson(nested(20_000))).toEqual({ kind: 'too_deep' });
    expect(scanJson(nestedObject(5_000))).toEqual({ kind: 'too_deep' });
    // Unbalanced text is still refused as soon as it is too deep.
    expect(scanJson('['.repeat(100))).toEqual({ kind: 'too_deep' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const brackets = '[{'.repeat(100);
    expect(scanJson(JSON.stringify({ note: brackets }))).toBeNull();
    expect(scanJson(JSON.stringify({ note: `say "${brackets}" \\ ok` }))).toBeNull();
    expect(scanJson(JSON.stringify([`\\"${brackets}`]))).toBeNull();
  });

  it('refuses a key given twice in one object, comparing unescaped keys', () => {
    expect(scanJson('{"name":"a","name":"b"}')).toEqual({ kind: 'duplicate_key', key: 'name' });
    expect(scanJson('{"name":"a","n\\u0061me":"b"}')).toEqual({ kind: 'duplicate_key', key: 'name' });
    expect(scanJson('{"a":{"b":1},"a":2}')).toEqual({ kind: 'duplicate_key', key: 'a' });
    expect(scanJson('{"a":{"b":1,"b":2}}')).toEqual({ kind: 'duplicate_key', key: 'b' });
    // The same key in sibling objects, or a value equal to a key, is fine.
    expect(scanJson('{"a":{"x":1},"b":{"x":1},"c":"a","d":["a","a"]}')).toBeNull();
  });

  it('refuses __proto__ keys, however written', () => {
    expect(scanJson('{"__proto__":{"admin":true}}')).toEqual({ kind: 'proto_key' });
    expect(scanJson('{"a":[{"\\u005f_proto__":1}]}')).toEqual({ kind: 'proto_key' });
    expect(scanJson('{"note":"__proto__"}')).toBeNull();
  });

  it('never throws on text that is not JSON (left to JSON.parse)', () => {
    for (const text of ['{"a', '{"a\\', '{"\\x":1}', '}}}]]]', ',,,', '{name: 1}', '"\\u12"']) {
      expect(() => scanJson(text)).not.toThrow();
    }
  });

  it('names each problem in Japanese', () => {
    expect(jsonShapeError({ kind: 'too_deep' }).message).toContain(`${MAX_JSON_DEPTH}段まで`);
    expect(jsonShapeError({ kind: 'duplicate_key', key: 'name' }).message).toBe('同じ項目「name」が二度以上含まれています。');
    expect(jsonShapeError({ kind: 'duplicate_key', key: 'x\ud800' }).message).toBe('同じ項目が二度以上含まれています。');
    expect(jsonShapeError({ kind: 'duplicate_key', key: 'k'.repeat(51) }).message).not.toContain('k'.repeat(51));
    for (const kind of ['too_deep', 'proto_key'] as const) expect(jsonShapeError({ kind }).status).toBe(400);
  });
});

describe('the application/json parser', () => {
  async function parse(payload: string): Promise<{ status: number; body: unknown }> {
    const app = Fastify();
    registerJsonParser(app);
    app.setErrorHandler((error, _req, reply) =>
      error instanceof AppError ? reply.code(error.status).send(error.toBody()) : reply.code(400).send({ fastify: (error as { code?: string }).code }),
    );
    app.post('/', async (req) => ({ got: req.body }));
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json; charset=utf-8' }, payload });
    await app.close();
    return { status: res.statusCode, body: res.json() };
  }

  it('parses ordinary JSON', async () => {
    expect(await parse('{"a":[1,"b"]}')).toEqual({ status: 200, body: { got: { a: [1, 'b'] } } });
  });

  it('answers the shape problems before parsing, and an empty body', async () => {
    expect(await parse(nested(20_000))).toMatchObject({ status: 400, body: { error: { code: 'json_too_deep' } } });
    expect(await parse('{"a":1,"a":2}')).toMatchObject({ status: 400, body: { error: { code: 'duplicate_key' } } });
    expect(await parse('')).toMatchObject({ status: 400, body: { error: { code: 'empty_body' } } });
  });

  it("keeps Fastify's protection against prototype and constructor poisoning", async () => {
    expect(await parse('{"__proto__":{"x":1}}')).toMatchObject({ status: 400 });
    expect(await parse('{"constructor":{"prototype":{"x":1}}}')).toEqual({ status: 400, body: { fastify: 'FST_ERR_CTP_INVALID_JSON_BODY' } });
    expect(await parse('{"a":')).toEqual({ status: 400, body: { fastify: 'FST_ERR_CTP_INVALID_JSON_BODY' } });
  });
});
