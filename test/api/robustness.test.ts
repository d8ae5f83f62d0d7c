import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/shared/pagination.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type Response } from '../support/app.ts';

function expectErrorBody(res: Response, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = json(res);
  expect(body.error).toEqual({ code: code ?? expect.any(String), message: expect.any(String), fields: expect.any(Object) });
  // Messages are Japanese.
  expect(body.error.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
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
});
