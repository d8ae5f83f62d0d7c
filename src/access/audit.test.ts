import { describe, expect, it } from 'vitest';
import { auditHash, chainKeyFor, GENESIS_HASH, storableDetails, storableText, type HashedFields } from './audit.ts';

function fields(overrides: Partial<HashedFields> = {}): HashedFields {
  return {
    chain_key: '01900000-0000-7000-8000-000000000001',
    seq: 7,
    municipality_id: '01900000-0000-7000-8000-000000000001',
    occurred_at: new Date('2025-04-01T00:00:00.123Z'),
    actor_user_id: '01900000-0000-7000-8000-000000000002',
    actor_login: 'yamada',
    actor_agency_id: '01900000-0000-7000-8000-000000000003',
    actor_role: 'intake_clerk',
    action: 'auth.login',
    target_type: null,
    target_id: null,
    subject_person_id: null,
    outcome: 'success',
    client_ip: '127.0.0.1',
    reason: null,
    details: { b: 2, a: { y: [1, { q: 1, p: 2 }], x: 'エックス' } },
    prev_hash: GENESIS_HASH,
    ...overrides,
  };
}

/** The same object with its keys (at every level) in reverse order. */
function reversed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversed) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  ) as T;
}

describe('audit hash', () => {
  it('is a SHA-256 hex digest', () => {
    expect(auditHash(fields())).toMatch(/^[0-9a-f]{64}$/);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('does not depend on the order of keys, at any depth (jsonb reorders them)', () => {
    const a = fields();
    const b = reversed(a);
    expect(Object.keys(b)[0]).toBe('prev_hash');
    expect(Object.keys(b.details)[0]).toBe('a');
    expect(auditHash(b)).toBe(auditHash(a));
  });

  it('ignores undefined members of details (JSON drops them when stored)', () => {
    expect(auditHash(fields({ details: { a: 1, gone: undefined } }))).toBe(auditHash(fields({ details: { a: 1 } })));
  });

  it('changes with any hashed field', () => {
    const base = auditHash(fields());
    const changes: Partial<HashedFields>[] = [
      { seq: 8 },
      { action: 'auth.logout' },
      { outcome: 'failure' },
      { actor_login: 'yamada2' },
      { reason: '理由' },
      { client_ip: null },
      { occurred_at: new Date('2025-04-01T00:00:00.124Z') },
      { prev_hash: '1'.repeat(64) },
      { details: { b: 2, a: { y: [1, { q: 1, p: 3 }], x: 'エックス' } } },
      { details: { b: 2, a: { y: [{ q: 1, p: 2 }, 1], x: 'エックス' } } },
      { chain_key: 'system' },
    ];
    const hashes = changes.map((c) => auditHash(fields(c)));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('does not confuse null with a string "null" or an empty string', () => {
    const hashes = [null, 'null', ''].map((reason) => auditHash(fields({ reason })));
    expect(new Set(hashes).size).toBe(3);
  });

  it('puts rows without a municipality in the system chain', () => {
    expect(chainKeyFor(null)).toBe('system');
    expect(chainKeyFor('01900000-0000-7000-8000-000000000001')).toBe('01900000-0000-7000-8000-000000000001');
  });
});

describe('storable values (what text and jsonb give back)', () => {
  it('replaces NUL and lone surrogates, keeps pairs, and cuts long text between code points', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('\ud800x\udc00')).toBe('\ufffdx\ufffd');
    expect(storableText('😀')).toBe('😀');
    const cut = storableText(`${'a'.repeat(9)}😀`, 10);
    expect(cut.startsWith('a'.repeat(9))).toBe(true);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(cut).toContain('2文字省略');
  });

  it('turns details into plain JSON that survives a JSON round trip unchanged', () => {
    const deep: unknown[] = [];
    let c = deep;
    for (let i = 0; i < 100; i++) c.push((c = []));
    const input = {
      n: [Infinity, Number.NaN, -0, 1.5],
      big: 10n,
      when: new Date('2025-04-01T00:00:00Z'),
      gone: undefined,
      deep,
      long: Array.from({ length: 1000 }, (_, i) => i),
      ['__proto__']: { x: 1 },
    };
    const out = storableDetails(input) as Record<string, unknown>;
    expect(out.n).toEqual([null, null, 0, 1.5]);
    expect(out.big).toBe('10');
    expect(out.when).toBe('2025-04-01T00:00:00.000Z');
    expect('gone' in out).toBe(false);
    expect(Object.keys(out)).toContain('__proto__');
    expect((out.long as unknown[]).length).toBe(201);
    expect(JSON.stringify(out)).toMatch(/深い入れ子のため省略/);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    const hashed = (details: Record<string, unknown>) => auditHash(fields({ details }));
    expect(hashed(JSON.parse(JSON.stringify(out)) as Record<string, unknown>)).toBe(hashed(out));
  });
});
