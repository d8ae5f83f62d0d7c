import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS, useTestApp, type Response } from '../support/app.ts';

function directives(res: Response): Map<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  const map = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

describe.each(DATABASE_KINDS)('security headers (%s)', (kind) => {
  const t = useTestApp(kind);

  it('sends a strict CSP and the usual hardening headers on every kind of answer', async () => {
    const admin = await t.loginAdmin();
    const answers = [
      await t.anonymous().get('/api/health'),
      await t.anonymous().get('/api/v1/auth/session'),
      await admin.get('/api/v1/agencies'),
      await t.anonymous().get('/api/v1/nothing'),
      await t.anonymous().get('/some/page'),
      await t.anonymous().post('/api/v1/auth/login', { loginId: 'x', password: 'y' }),
    ];
    for (const res of answers) {
      const csp = directives(res);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
      expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
      expect(csp.get('style-src')).not.toContain("'unsafe-inline'");
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'self'"]);
      expect(csp.get('form-action')).toEqual(["'self'"]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('API answers are never cached', async () => {
    const admin = await t.loginAdmin();
    for (const res of [await admin.get('/api/v1/agencies'), await admin.get('/api/v1/auth/session')]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});
