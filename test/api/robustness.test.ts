import { connect } from 'node:net';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/shared/pagination.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type Response } from '../support/app.ts';
import { caseWorld, open8050Case } from '../support/cases.ts';

function expectErrorBody(res: Response, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = json(res);
  expect(body.error).toEqual({ code: code ?? expect.any(String), message: expect.any(String), fields: expect.any(Object) });
  // Messages are Japanese.
  expect(body.error.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
}

function expectJapaneseError(status: number, headers: Record<string, unknown>, text: string, label: string) {
  expect(status, `${label}: ${text}`).toBeGreaterThanOrEqual(400);
  expect(status, `${label}: ${text}`).toBeLessThan(500);
  expect(String(headers['content-type']), label).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string; fields: Record<string, string> } };
  expect(Object.keys(body), label).toEqual(['error']);
  expect(body.error, label).toEqual({ code: expect.any(String), message: expect.any(String), fields: expect.any(Object) });
  expect(body.error.message, label).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(text, label).not.toMatch(/FST_|statusCode|Bad Request|Not Found/);
  return body;
}

/** Send raw bytes to a listening server and read the whole answer (the server closes or the answer is complete). */
function rawHttp(port: number, request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      let body = rest.join('\r\n\r\n');
      if (headers['content-length']) body = Buffer.from(body).subarray(0, Number(headers['content-length'])).toString('utf8');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const raw = Buffer.concat(chunks).toString('utf8');
      const end = raw.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, end));
      if (end >= 0 && length && Buffer.byteLength(raw.slice(end + 4)) >= Number(length[1])) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', () => (chunks.length ? finish() : reject(new Error('no answer'))));
    socket.on('error', () => undefined);
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(request);
  });
}

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; format?: string; maximum?: number };

/** Paths (keys from the top) of every integer in a JSON schema. */
function integerPaths(schema: JsonSchema | undefined, path: string[] = []): string[][] {
  if (!schema) return [];
  if (schema.type === 'integer') return [path];
  const found: string[][] = [];
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) found.push(...integerPaths(branch, path));
  for (const [key, field] of Object.entries(schema.properties ?? {})) found.push(...integerPaths(field, [...path, key]));
  if (schema.items) found.push(...integerPaths(schema.items, [...path, '0']));
  return found.filter((p, i) => found.findIndex((q) => q.join('.') === p.join('.')) === i);
}

/** A value with `leaf` at `path` (numeric keys are array positions). */
function valueAt(path: string[], leaf: unknown): unknown {
  if (!path.length) return leaf;
  const [key, ...rest] = path as [string, ...string[]];
  return /^\d+$/.test(key) ? [valueAt(rest, leaf)] : { [key]: valueAt(rest, leaf) };
}

interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

function operations(doc: { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })));
}

/** The URL of an operation with well-formed path parameters (a uuid nobody has, or 1). */
function urlOf(op: Operation, query = ''): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const p = op.parameters?.find((x) => x.in === 'path' && x.name === name);
    return JSON.stringify(p?.schema ?? {}).includes('integer') ? '1' : '01900000-0000-7000-8000-00000000abcd';
  });
  return path + query;
}

/** Routes registered on the app, from Fastify's route tree: "METHOD /path". */
function registeredRoutes(tree: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') routes.add(`${method} ${path}`);
    }
  }
  return routes;
}

describe.each(DATABASE_KINDS)('robustness of the API (%s)', (kind) => {
  const t = useTestApp(kind);
  let admin: Agent;
  let auditor: Agent;

  beforeAll(async () => {
    admin = await t.loginAdmin();
    const user = await t.createUser({ role: 'auditor' });
    auditor = await t.login(user.loginId, user.password);
  });

  it('malformed JSON gets 400 with a JSON error body', async () => {
    for (const payload of ['{"name": ', '{name: 1}', 'null,', '\u0000']) {
      expectErrorBody(await admin.post('/api/v1/agencies', undefined, { payload, contentType: 'application/json' }), 400, 'bad_request');
    }
    expectErrorBody(await t.anonymous().post('/api/v1/auth/login', undefined, { payload: '{"loginId":', contentType: 'application/json' }), 400, 'bad_request');
    const empty = await admin.post('/api/v1/agencies', undefined, { payload: '', contentType: 'application/json' });
    expect(empty.statusCode).toBe(400);
  });

  it('wrong types get 422 naming the fields', async () => {
    const res = await admin.post('/api/v1/agencies', { name: 123, isWindow: 'yes', siteCount: '3', fields: '高齢' });
    expectErrorBody(res, 422, 'validation_failed');
    expect(Object.keys(json(res).error.fields).sort()).toEqual(['fields', 'isWindow', 'name', 'siteCount']);
    expect(json(res).error.fields.name).toBe('名称：形式が正しくありません（文字列で入力してください）');
    for (const body of [[], 'text', 42, null]) {
      const r = await admin.post('/api/v1/agencies', body);
      expect(r.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, JSON.stringify(body)).toBeLessThan(500);
    }
    expectErrorBody(await t.anonymous().post('/api/v1/auth/login', { loginId: ['admin'], password: 1 }), 422, 'validation_failed');
  });

  it('a body over 1 MB gets 413', async () => {
    const big = JSON.stringify({ name: '大きな機関', note: 'あ'.repeat(400_000) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
    expectErrorBody(await admin.post('/api/v1/agencies', undefined, { payload: big, contentType: 'application/json' }), 413, 'payload_too_large');
    expectErrorBody(await t.anonymous().post('/api/v1/auth/login', undefined, { payload: big, contentType: 'application/json' }), 413);
  });

  it('a body that is not JSON gets 415 (or 422 for plain text, which is read as a string)', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      expectErrorBody(await admin.post('/api/v1/agencies', undefined, { payload: 'name=x', contentType }), 415, 'unsupported_media_type');
    }
    expectErrorBody(await admin.post('/api/v1/agencies', undefined, { payload: 'name', contentType: 'text/plain' }), 422, 'validation_failed');
  });

  it('unknown ids and unknown routes get 404 JSON', async () => {
    expectErrorBody(await admin.get('/api/v1/agencies/00000000-0000-7000-8000-000000000000'), 404, 'not_found');
    expectErrorBody(await admin.get('/api/v1/users/00000000-0000-7000-8000-000000000000'), 404, 'not_found');
    expectErrorBody(await admin.get('/api/v1/users/%E3%81%82'), 404, 'not_found');
    expectErrorBody(await admin.get('/api/v1/nothing-here'), 404, 'not_found');
    expectErrorBody(await admin.post('/api/v1/nothing-here', {}), 404, 'not_found');
    expectErrorBody(await t.anonymous().get('/api/v2/agencies'), 404, 'not_found');
    expectErrorBody(await admin.request('DELETE', '/api/v1/agencies/00000000-0000-7000-8000-000000000000'), 404, 'not_found');
    // Outside /api, a GET is the web app; without a build it says so (not a 500).
    const page = await t.anonymous().get('/directory');
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
  });

  it('forged cursors and odd characters never cause a 500', async () => {
    const cursors = [
      'not-base64-json',
      encodeCursor(['あ', 'not-a-uuid']),
      encodeCursor(['x', 1]),
      encodeCursor([1, 2]),
      encodeCursor(['NaN']),
      encodeCursor(['9'.repeat(40)]),
      encodeCursor([1e300]),
      encodeCursor(['a\u0000', '00000000-0000-7000-8000-000000000000']),
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    const urls: string[] = [];
    for (const c of cursors) {
      const cursor = encodeURIComponent(c);
      urls.push(`/api/v1/agencies?cursor=${cursor}`, `/api/v1/users?cursor=${cursor}`);
    }
    for (const text of ['%00', 'a%00b', '%EF%BF%BF', '%F0%9F%98%80', "'%20or%201=1--", '%5C', '%25%5F']) {
      urls.push(`/api/v1/agencies?q=${text}`, `/api/v1/users?q=${text}`);
    }
    for (const url of urls) {
      const res = await admin.get(url);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    for (const c of cursors) {
      const res = await auditor.get(`/api/v1/audit-events?cursor=${encodeURIComponent(c)}`);
      expect(res.statusCode, c).toBeLessThan(500);
    }
    for (const login of ['a\u0000b', '\u0000', 'ok']) {
      const res = await t.anonymous().post('/api/v1/auth/login', { loginId: login, password: 'x\u0000y' });
      expect(res.statusCode, JSON.stringify(login)).toBeLessThan(500);
    }
    const nul = await admin.post('/api/v1/agencies', { name: 'ぬる\u0000文字', kana: 'ぬる' });
    expect(nul.statusCode).toBeLessThan(500);
    expect(nul.statusCode).not.toBe(201);
    const auditorLogin = await auditor.get(`/api/v1/audit-events?login=${encodeURIComponent('a\u0000')}`);
    expect(auditorLogin.statusCode).toBeLessThan(500);
  });

  it('a crafted request storm of invalid input answers 4xx only', async () => {
    const requests: [string, string, unknown][] = [
      ['PATCH', '/api/v1/agencies/00000000-0000-7000-8000-000000000000', { version: 'one' }],
      ['PATCH', '/api/v1/agencies/not-a-uuid', { version: 1 }],
      ['PATCH', '/api/v1/users/not-a-uuid', { version: 1 }],
      ['PATCH', '/api/v1/municipality/settings', { sessionIdleMinutes: 0 }],
      ['PATCH', '/api/v1/municipality/settings', { sessionIdleMinutes: 'long' }],
      ['PATCH', '/api/v1/municipality/settings', { holidays: ['2025-02-30'] }],
      ['PATCH', '/api/v1/municipality/settings', { unknown: true }],
      ['POST', '/api/v1/users', { loginId: 'x'.repeat(1000), name: 'n', role: 'admin', agencyId: 'a' }],
      ['POST', '/api/v1/users/00000000-0000-7000-8000-000000000000/reset-password', { password: 1 }],
      ['POST', '/api/v1/agencies', { name: 'x', fields: Array(50).fill('高齢') }],
      ['POST', '/api/v1/agencies', { name: 'x', siteCount: 1e308 }],
      ['POST', '/api/v1/agencies', { name: 'x', siteCount: 1.5 }],
      ['POST', '/api/v1/auth/login/totp', { code: '123456' }],
      ['POST', '/api/v1/auth/password', { currentPassword: '', newPassword: '' }],
      ['GET', '/api/v1/audit-events/export?from=yesterday', undefined],
    ];
    for (const [method, url, body] of requests) {
      const res = await admin.request(method as 'GET' | 'POST' | 'PATCH', url, body);
      expect(res.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
    }
  });

  it('publishes an OpenAPI document listing every /api/v1 route', async () => {
    const res = await t.anonymous().get('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = json(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.csrf).toEqual({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });

    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const registered = [...registeredRoutes(t.app.printRoutes({ commonPrefix: false }))].filter((r) => r.split(' ')[1]!.startsWith('/api/v1/'));
    expect(registered.length).toBeGreaterThanOrEqual(19);
    expect([...documented].sort()).toEqual(registered.sort());
    for (const route of documented) {
      const [method, url] = route.split(' ') as [string, string];
      expect(t.app.hasRoute({ method: method as 'GET', url }), route).toBe(true);
    }

    // Every operation has a summary, a tag and the error schema; request bodies are described.
    const login = doc.paths['/api/v1/auth/login'].post;
    expect(login.security).toEqual([]);
    expect(login.requestBody.content['application/json'].schema.properties).toHaveProperty('loginId');
    const agencies = doc.paths['/api/v1/agencies'].get;
    expect(agencies.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'field', 'role', 'limit', 'cursor']));
    for (const ops of Object.values(doc.paths as Record<string, Record<string, { summary: string; tags: string[]; responses: Record<string, unknown> }>>)) {
      for (const op of Object.values(ops)) {
        expect(op.summary).toBeTruthy();
        expect(op.tags).toHaveLength(1);
        expect(op.responses).toHaveProperty('default');
      }
    }
    expect(doc.paths['/api/v1/audit-events/export'].get.responses['200'].content).toHaveProperty('text/csv');
    // A route that creates answers 201, and the document says so.
    for (const created of ['/api/v1/cases', '/api/v1/persons', '/api/v1/consultations', '/api/v1/meetings']) {
      expect(Object.keys(doc.paths[created].post.responses), created).toEqual(expect.arrayContaining(['201', 'default']));
      expect(doc.paths[created].post.responses).not.toHaveProperty('200');
    }
  });

  it("keeps the municipality's own consent-form wording, within its limits", async () => {
    const notes = '提供された情報は支援の目的以外に使いません。\nこの同意はいつでも撤回できます。';
    const saved = await admin.patch('/api/v1/municipality/settings', { consentFormNotes: notes, consentFormInformation: '氏名、連絡先、相談の内容' });
    expect(saved.statusCode, saved.body).toBe(200);
    const overview = json(await admin.get('/api/v1/municipality'));
    expect(overview.settings).toMatchObject({ consentFormNotes: notes, consentFormInformation: '氏名、連絡先、相談の内容' });
    const tooLong = await admin.patch('/api/v1/municipality/settings', { consentFormNotes: 'あ'.repeat(3001) });
    expect(tooLong.statusCode).toBe(422);
    expect(json(tooLong).error.fields.consentFormNotes).toContain('同意書の文面：留意事項');
  });

  it('answers the health check', async () => {
    const res = await t.anonymous().get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: 'ok', database: 'ok' });
  });

  it('deep JSON answers 400 with a Japanese message on every JSON endpoint, login included', async () => {
    const doc = json(await t.anonymous().get('/api/openapi.json'));
    const writes = operations(doc).filter((op) => op.method !== 'GET');
    expect(writes.length).toBeGreaterThan(50);
    const bodies = ['['.repeat(20_000) + ']'.repeat(20_000), '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000), '['.repeat(33) + ']'.repeat(33)];
    for (const op of writes) {
      for (const payload of bodies) {
        const res = await admin.request(op.method as 'POST', urlOf(op), undefined, { payload, contentType: 'application/json' });
        expectErrorBody(res, 400, 'json_too_deep');
      }
    }
    expectErrorBody(await t.anonymous().post('/api/v1/auth/login', undefined, { payload: bodies[0], contentType: 'application/json' }), 400, 'json_too_deep');
    // Ordinary nesting is untouched: a body 32 deep is read (and refused for its content, not its shape).
    const fine = await admin.post('/api/v1/agencies', undefined, { payload: `{"name":${'['.repeat(31)}${']'.repeat(31)}}`, contentType: 'application/json' });
    expectErrorBody(fine, 422, 'validation_failed');
  });

  it('refuses prototype pollution and duplicate keys in JSON bodies', async () => {
    const payloads: [string, string][] = [
      ['{"loginId":"admin","password":"x","__proto__":{"admin":true}}', 'bad_request'],
      ['{"loginId":"admin","password":"x","constructor":{"prototype":{"admin":true}}}', 'bad_request'],
      ['{"loginId":"admin","loginId":"other","password":"x"}', 'duplicate_key'],
    ];
    for (const [payload, code] of payloads) {
      expectErrorBody(await t.anonymous().post('/api/v1/auth/login', undefined, { payload, contentType: 'application/json' }), 400, code);
      const agency = payload.replace('"loginId":"admin"', '"name":"汚染"').replace('"loginId":"other"', '"name":"汚染2"');
      expectErrorBody(await admin.post('/api/v1/agencies', undefined, { payload: agency, contentType: 'application/json' }), 400, code);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses lone or reversed surrogates and control characters in bodies and queries, naming the field, before anything is audited', async () => {
    const auditRows = async () => Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(t.db)).rows[0]!.n);
    const before = await auditRows();
    for (const loginId of ['\ud800', 'adm\ud800in', '\udc00\ud800', 'a\udfff', 'bell\u0007']) {
      const res = await t.anonymous().post('/api/v1/auth/login', { loginId, password: 'whatever-1' });
      expectErrorBody(res, 422, 'validation_failed');
      expect(Object.keys(json(res).error.fields)).toEqual(['loginId']);
      expect(json(res).error.fields.loginId).toMatch(/^ログインID：/);
    }
    const password = await t.anonymous().post('/api/v1/auth/login', { loginId: 'admin', password: 'x\udc00' });
    expectErrorBody(password, 422, 'validation_failed');
    expect(Object.keys(json(password).error.fields)).toEqual(['password']);
    expect(await auditRows()).toBe(before);

    const agency = await admin.post('/api/v1/agencies', { name: '壊れた\udc00\ud800文字', kana: 'こわれた' });
    expectErrorBody(agency, 422, 'validation_failed');
    expect(json(agency).error.fields).toEqual({ name: '名称：読み取れない文字（壊れた文字コード）が含まれています' });
    const nested = await admin.post('/api/v1/agencies', { name: '入れ子', fields: ['高齢', '\ud800'] });
    expect(Object.keys(json(nested).error.fields)).toEqual(['fields.1']);
    const key = await admin.post('/api/v1/agencies', { name: 'キー', ['x\ud800']: 1 });
    expectErrorBody(key, 422, 'validation_failed');
    const control = await admin.get('/api/v1/agencies?q=%07');
    expectErrorBody(control, 422, 'validation_failed');
    expect(Object.keys(json(control).error.fields)).toEqual(['q']);
    // A well-formed pair (an emoji, 𠮷) is ordinary text.
    const emoji = await admin.post('/api/v1/agencies', { name: '😀𠮷の会', kana: 'よしのかい' });
    expect(emoji.statusCode, emoji.body).toBe(201);
    expect(await auditRows()).toBe(before + 1);
  });

  it('bounds every integer of every route to its int4 column: 2147483648 is a 422 naming the field', async () => {
    const doc = json(await t.anonymous().get('/api/openapi.json'));
    let bodyFields = 0;
    let queryFields = 0;
    for (const op of operations(doc)) {
      const schema = op.requestBody?.content['application/json']?.schema;
      for (const path of integerPaths(schema)) {
        for (const value of [2147483648, 9007199254740991, -2147483649]) {
          const res = await admin.request(op.method as 'POST', urlOf(op), valueAt(path, value));
          const label = `${op.method} ${op.path} ${path.join('.')}=${value}`;
          expectErrorBody(res, 422, 'validation_failed');
          expect(json(res).error.fields[path.join('.')], label).toEqual(expect.any(String));
        }
        bodyFields += 1;
      }
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || !JSON.stringify(p.schema).includes('integer')) continue;
        for (const value of ['2147483648', '9007199254740991', '1e400', '-2147483649']) {
          const res = await admin.request(op.method as 'GET', urlOf(op, `?${p.name}=${value}`));
          expectErrorBody(res, 422, 'validation_failed');
          expect(json(res).error.fields[p.name], `${op.method} ${op.path}?${p.name}=${value}`).toEqual(expect.any(String));
        }
        queryFields += 1;
      }
      for (const p of op.parameters ?? []) {
        if (p.in !== 'path' || !JSON.stringify(p.schema).includes('integer')) continue;
        // A bigint column (the audit log's seq) is bounded by its own range, not int4's.
        if (typeof p.schema.maximum === 'number' && p.schema.maximum > 2147483647) continue;
        const url = urlOf(op).replace(/\/1(?=\/|$)/, '/2147483648');
        expectErrorBody(await admin.request(op.method as 'GET', url), 404, 'not_found');
      }
    }
    expect(bodyFields).toBeGreaterThanOrEqual(20);
    expect(queryFields).toBeGreaterThanOrEqual(10);
  });

  it('PATCH /cases/:id with a version beyond int4 is a 422, not a 500, and the case is unchanged', async () => {
    const world = await caseWorld(t);
    const { case: opened } = await open8050Case(world);
    for (const version of [2147483648, 9007199254740991, 1e300]) {
      const res = await world.coordinator.agent.patch(`/api/v1/cases/${opened.id}`, { title: '変更', version });
      expectErrorBody(res, 422, 'validation_failed');
      expect(json(res).error.fields.version).toBe('版：扱える範囲を超えた数値です（-2147483648〜2147483647）');
    }
    const after = json(await world.coordinator.agent.get(`/api/v1/cases/${opened.id}`));
    expect(after.case?.title ?? after.title).toBe(opened.title);
    // A cursor holding a key beyond int4 is no cursor (the list starts from the top).
    const list = await world.coordinator.agent.get(`/api/v1/cases?cursor=${encodeCursor([2147483648, 1])}`);
    expect(list.statusCode, list.body).toBe(200);
  });

  it('answers every framework-level refusal in the Japanese error shape', async () => {
    const cookie = `kasane_session=${admin.cookie}`;
    const csrf = admin.csrf!;
    const requests: [string, { method: string; url: string; headers?: Record<string, string>; payload?: string }, number, string?][] = [
      ['bad percent-encoding in a path', { method: 'GET', url: '/api/v1/agencies/%E0%A4%A' }, 400, 'bad_url'],
      ['invalid UTF-8 in a path', { method: 'GET', url: '/api/v1/agencies/%ED%A0%80' }, 400, 'bad_url'],
      ['bad percent-encoding in a public path', { method: 'POST', url: '/api/v1/auth/%FF', payload: '{}' }, 400, 'bad_url'],
      ['a 1,000-character id', { method: 'GET', url: `/api/v1/agencies/${'a'.repeat(1000)}` }, 404, 'not_found'],
      ['a 1,000-character nested id', { method: 'GET', url: `/api/v1/cases/${'1'.repeat(1000)}/records` }, 404, 'not_found'],
      ['a 10,000-character id', { method: 'PATCH', url: `/api/v1/users/${'x'.repeat(10_000)}`, payload: '{"version":1}' }, 404, 'not_found'],
      ['bad percent-encoding in a query', { method: 'GET', url: '/api/v1/agencies?q=%E0%A4%A' }, 400, 'bad_query'],
      ['a lone % in a query', { method: 'GET', url: '/api/v1/agencies?q=%' }, 400, 'bad_query'],
      ['invalid UTF-8 in a query', { method: 'GET', url: '/api/v1/users?q=%FF%FE' }, 400, 'bad_query'],
      ['an encoded surrogate in a query', { method: 'GET', url: '/api/v1/agencies?q=%ED%A0%80' }, 400, 'bad_query'],
      ['a repeated query key', { method: 'GET', url: '/api/v1/agencies?limit=1&limit=2' }, 422, 'validation_failed'],
      ['an empty JSON body', { method: 'POST', url: '/api/v1/agencies', payload: '' }, 400, 'empty_body'],
      ['an empty JSON body on login', { method: 'POST', url: '/api/v1/auth/login', payload: '' }, 400, 'empty_body'],
      ['a body shorter than its content-length', { method: 'POST', url: '/api/v1/agencies', headers: { 'content-length': '500' }, payload: '{"name":"x"}' }, 400, 'bad_request'],
      ['duplicate keys', { method: 'POST', url: '/api/v1/agencies', payload: '{"name":"a","name":"b"}' }, 400, 'duplicate_key'],
      ['an unsupported method', { method: 'PROPFIND', url: '/api/v1/agencies' }, 404, 'not_found'],
      ['an odd method on an unknown route', { method: 'TRACE', url: '/api/v1/nothing' }, 404, 'not_found'],
      ['OPTIONS', { method: 'OPTIONS', url: '/api/v1/agencies' }, 404, 'not_found'],
      ['DELETE of an unknown route outside /api', { method: 'DELETE', url: '/somewhere' }, 404, 'not_found'],
      ['XML', { method: 'POST', url: '/api/v1/agencies', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }, 415, 'unsupported_media_type'],
      ['no content type', { method: 'POST', url: '/api/v1/agencies', headers: { 'content-type': '' }, payload: '{}' }, 415, 'unsupported_media_type'],
    ];
    for (const [label, req, status, code] of requests) {
      const headers: Record<string, string> = { cookie, 'x-csrf-token': csrf, ...(req.payload !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers };
      if (headers['content-type'] === '') delete headers['content-type'];
      const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      const body = expectJapaneseError(res.statusCode, res.headers, res.body, label);
      if (code) expect(body.error.code, label).toBe(code);
      expect(res.headers['x-content-type-options'], label).toBe('nosniff');
      expect(String(res.headers['content-security-policy']), label).toContain("frame-ancestors 'none'");
    }
  });

  it("answers requests Node's HTTP parser refuses in the Japanese error shape too", async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const requests: [string, string, number][] = [
      ['an unknown method', 'FROB /api/v1/agencies HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['a content-length that is not a number', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}', 400],
      ['two different content-lengths', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400],
      ['content-length with chunked encoding', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', 400],
      ['headers over the limit', `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['a garbled request line', 'HELLO THERE\r\n\r\n', 400],
      ['bad percent-encoding in a path', 'GET /api/v1/agencies/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['a 1,000-character id', `GET /api/v1/agencies/${'a'.repeat(1000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 401],
      ['bad percent-encoding in a query', 'GET /api/v1/agencies?q=%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ];
    for (const [label, raw, status] of requests) {
      const res = await rawHttp(port, raw);
      expect(res.status, `${label}: ${res.body}`).toBe(status);
      expectJapaneseError(res.status, res.headers, res.body, label);
    }
  });
});
