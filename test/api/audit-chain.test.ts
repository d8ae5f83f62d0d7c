import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit, writeAudit, type AuditEntry } from '../../src/access/audit.ts';
import { runCli } from '../../src/cli/commands.ts';
import { DATABASE_KINDS, json, useTestApp } from '../support/app.ts';

/** Details of the kinds the outside probe sent: broken unicode, NUL, huge strings, odd numbers, deep nesting. */
function fuzzDetails(): Record<string, unknown>[] {
  const deep: unknown[] = [];
  let cursor = deep;
  for (let i = 0; i < 300; i++) {
    const next: unknown[] = [];
    cursor.push(next);
    cursor = next;
  }
  return [
    { loginId: '\ud800' },
    { loginId: '\udc00\ud800', reversed: 'a\udfff\ud83d' },
    { nul: 'a\u0000b', ['key\u0000']: 1, ['\ud800key']: 'v' },
    { emoji: '😀👨‍👩‍👧', cut: `${'あ'.repeat(999)}😀` },
    { huge: 'x'.repeat(200_000), hugeArray: Array.from({ length: 5000 }, (_, i) => i) },
    { numbers: [Infinity, -Infinity, 1.0, -0, 0.1 + 0.2, 5e-324, 1e21, 2 ** 53 + 1, Number.MAX_VALUE, Number.NaN] },
    JSON.parse('{"parsed":[1e400,-1e400,1.0,-0,9007199254740993,123456789012345678901234567890]}') as Record<string, unknown>,
    { big: 12345678901234567890n, date: new Date('2025-04-01T00:00:00Z'), undef: undefined, fn: () => 1 },
    { deep },
    { nested: { '': { ' ': ['\u2028\u2029', '\ufeff', '\u00e9', 'e\u0301'] } }, ['__proto__']: { polluted: true } },
    JSON.parse('{"a":1,"a":2,"b":{"c":"\\ud800"}}') as Record<string, unknown>,
    Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
  ];
}

describe.each(DATABASE_KINDS)('audit chain integrity (%s)', (kind) => {
  describe('what is stored is what is hashed', () => {
    const t = useTestApp(kind);

    it('fuzz-like details and text columns through the writer leave a chain that verifies', async () => {
      const entries: AuditEntry[] = fuzzDetails().map((details, i) => ({
        municipalityId: i % 2 ? t.municipalityId : null,
        action: `test.fuzz${i % 3 ? '' : '\u0000'}`,
        outcome: 'failure',
        actorLogin: i % 2 ? `\ud800${'y'.repeat(5000)}` : 'a\u0000b',
        reason: `理由\ud83d${i}`,
        targetId: '\udfff',
        clientIp: '127.0.0.1\u0000',
        subjectPersonId: i === 1 ? t.municipalityId.toUpperCase() : null,
        details,
      }));
      for (const entry of entries) await writeAudit(t.db, [entry]);
      await t.db.transaction().execute((trx) => appendAudit(trx, entries));
      const result = await verifyAudit(t.db);
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);

      const stored = await t.db.selectFrom('audit_events').select(['details', 'actor_login']).where('action', 'like', 'test.fuzz%').execute();
      expect(stored).toHaveLength(entries.length * 2);
      const huge = stored.find((r) => 'huge' in r.details)!;
      expect((huge.details.huge as string).length).toBeLessThan(1100);
      expect(huge.details.huge).toMatch(/省略/);
      expect(JSON.stringify(stored).length).toBeLessThan(400_000);
      expect(stored.every((r) => !r.actor_login || r.actor_login.length < 300)).toBe(true);
    });

    it('one login attempt with a lone surrogate or NUL does not poison the system chain', async () => {
      const bodies = [
        '{"loginId":"\\ud800abc","password":"x"}',
        '{"loginId":"\\udc00\\ud800","password":"\\ud800"}',
        '{"loginId":"a\\u0000b","password":"pw"}',
        `{"loginId":"${'z'.repeat(90)}\\ud83d","password":"pw"}`,
      ];
      for (const payload of bodies) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload });
        expect(res.statusCode, res.body).toBeLessThan(500);
        expect(json(res).error.message).toMatch(/[ぁ-んァ-ン一-龯]/);
      }
      const result = await verifyAudit(t.db);
      expect(result.problems).toEqual([]);
      const cli = await runCli(t.db, { args: ['audit', 'verify'] });
      expect(cli.code, cli.stderr).toBe(0);
    });
  });
});

