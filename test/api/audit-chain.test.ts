import { mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendAudit, auditHash, GENESIS_HASH, purgeAudit, verifyAudit, writeAudit, type AuditEntry } from '../../src/access/audit.ts';
import { runCli } from '../../src/cli/commands.ts';
import type { Db } from '../../src/db/database.ts';
import { JOBS } from '../../src/server/jobs.ts';
import { newId } from '../../src/shared/ids.ts';
import { DATABASE_KINDS, json, useTestApp, type TestApp } from '../support/app.ts';

const YEAR = 365 * 86_400_000;

/** A municipality (inserted directly) whose chain starts with rows dated years ago. */
async function oldChain(db: Db, name: string): Promise<string> {
  const id = newId();
  await db.insertInto('municipalities').values({ id, code: `t${id.slice(-8)}`, name, kana: '', prefecture: '', preset_key: null, population: null, updated_at: new Date(), settings: JSON.stringify({ auditRetentionYears: 1 }) }).execute();
  const entry = (action: string): AuditEntry => ({ municipalityId: id, action, outcome: 'success', actorLogin: 'old' });
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.now() - 3 * YEAR);
    for (let i = 0; i < 5; i++) await writeAudit(db, [entry('test.three_years_ago')]);
    vi.setSystemTime(Date.now() + YEAR);
    for (let i = 0; i < 3; i++) await writeAudit(db, [entry('test.two_years_ago')]);
  } finally {
    vi.useRealTimers();
  }
  for (let i = 0; i < 4; i++) await writeAudit(db, [entry('test.now')]);
  return id;
}

async function rowsOf(db: Db, chainKey: string) {
  return db.selectFrom('audit_events').selectAll().where('chain_key', '=', chainKey).orderBy('seq').execute();
}

const GUARDS = [
  ['audit_events', 'audit_events_append_only'],
  ['audit_chains', 'audit_chains_forward_only'],
  ['audit_anchors', 'audit_anchors_append_only'],
] as const;

/** What a database owner can do: switch the guards off, change rows, switch them on again. */
async function asDatabaseOwner(t: TestApp, fn: () => Promise<unknown>) {
  for (const [table, trigger] of GUARDS) await sql`alter table ${sql.table(table)} disable trigger ${sql.id(trigger)}`.execute(t.db);
  try {
    await fn();
  } finally {
    for (const [table, trigger] of GUARDS) await sql`alter table ${sql.table(table)} enable trigger ${sql.id(trigger)}`.execute(t.db);
  }
}

/** Rewrite a whole chain with recomputed hashes, as a database owner could: edit(row) changes what it wants. */
async function rewriteChain(t: TestApp, chainKey: string, edit: (row: Awaited<ReturnType<typeof rowsOf>>[number]) => void) {
  await asDatabaseOwner(t, async () => {
    const rows = await rowsOf(t.db, chainKey);
    let prev = GENESIS_HASH;
    for (const row of rows) {
      edit(row);
      const { hash: _old, ...rest } = row;
      const fields = { ...rest, seq: Number(row.seq), occurred_at: new Date(row.occurred_at), prev_hash: prev, details: row.details as Record<string, unknown> };
      const hash = auditHash(fields);
      await t.db
        .updateTable('audit_events')
        .set({ actor_login: row.actor_login, details: JSON.stringify(row.details), prev_hash: prev, hash })
        .where('chain_key', '=', chainKey)
        .where('seq', '=', row.seq)
        .execute();
      prev = hash;
    }
    await t.db.updateTable('audit_chains').set({ last_hash: prev }).where('chain_key', '=', chainKey).execute();
  });
}

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

  describe('the database guard (retention purge only, below its own anchor)', () => {
    const t = useTestApp(kind);

    it('ignores kasane.audit_purge, refuses forged anchors, a head moved back and deleted heads', async () => {
      const m = await oldChain(t.db, '試験町');
      const rows = await rowsOf(t.db, m);
      const last = rows.at(-1)!;
      await expect(
        t.db.transaction().execute(async (trx) => {
          await sql`select set_config('kasane.audit_purge', 'on', true)`.execute(trx);
          await trx.deleteFrom('audit_events').where('chain_key', '=', m).where('seq', '=', last.seq).execute();
        }),
      ).rejects.toThrow(/append-only/);
      await expect(t.db.deleteFrom('audit_events').where('chain_key', '=', m).where('seq', '<', 3).execute()).rejects.toThrow(/append-only/);
      const anchor = (firstSeq: number, prevHash: string, before: Date) =>
        t.db.insertInto('audit_anchors').values({ chain_key: m, first_seq: firstSeq, prev_hash: prevHash, purged_before: before }).execute();
      // An anchor above the head, with a cut-off inside the retention period, on a recent row, or with a wrong hash.
      await expect(anchor(Number(last.seq) + 1, last.hash, new Date())).rejects.toThrow(/retention period/);
      await expect(anchor(Number(last.seq) + 1, last.hash, new Date(Date.now() - 1.5 * YEAR))).rejects.toThrow(/older than its cut-off/);
      await expect(anchor(4, 'f'.repeat(64), new Date(Date.now() - 1.5 * YEAR))).rejects.toThrow(/repeat the hash/);
      // The head never moves back nor goes away.
      await expect(t.db.updateTable('audit_chains').set({ last_seq: Number(last.seq) - 2, last_hash: rows.at(-3)!.hash }).where('chain_key', '=', m).execute()).rejects.toThrow(
        /only moves forward/,
      );
      await expect(t.db.deleteFrom('audit_chains').where('chain_key', '=', m).execute()).rejects.toThrow(/cannot be deleted/);
      await expect(t.db.insertInto('audit_chains').values({ chain_key: 'forged', last_seq: 5, last_hash: 'a'.repeat(64) }).execute()).rejects.toThrow(/starts empty/);

      // In one transaction, a valid anchor lets only older rows below it go.
      await expect(
        t.db.transaction().execute(async (trx) => {
          await trx.insertInto('audit_anchors').values({ chain_key: m, first_seq: 7, prev_hash: rows[5]!.hash, purged_before: new Date(Date.now() - 1.5 * YEAR) }).execute();
          await trx.deleteFrom('audit_events').where('chain_key', '=', m).where('seq', '=', last.seq).execute();
        }),
      ).rejects.toThrow(/append-only/);
      expect((await verifyAudit(t.db)).problems).toEqual([]);
    });

    it('a deletion down to an added anchor, without the purge record, is reported by verify', async () => {
      const m = await oldChain(t.db, '削除町');
      const rows = await rowsOf(t.db, m);
      await t.db.transaction().execute(async (trx) => {
        await trx.insertInto('audit_anchors').values({ chain_key: m, first_seq: 7, prev_hash: rows[5]!.hash, purged_before: new Date(Date.now() - 1.5 * YEAR) }).execute();
        await trx.deleteFrom('audit_events').where('chain_key', '=', m).where('seq', '<', 7).execute();
      });
      await expect(t.db.updateTable('audit_anchors').set({ first_seq: 2 }).where('chain_key', '=', m).execute()).rejects.toThrow(/append-only/);
      await expect(t.db.deleteFrom('audit_anchors').where('chain_key', '=', m).execute()).rejects.toThrow(/append-only/);
      const result = await verifyAudit(t.db);
      expect(result.problems).toEqual([{ chainKey: m, seq: 7, code: 'anchor', problem: expect.stringContaining('保存期間の削除の記録がありません') }]);
      const cli = await runCli(t.db, { args: ['audit', 'verify'] });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain('削除町');

      // The retention job does not bury the evidence under a new anchor, and still purges the others.
      const other = await oldChain(t.db, '隣町');
      await expect(JOBS.find((j) => j.name === 'audit.retention')!.run(t.db)).rejects.toThrow(/refused/);
      expect((await rowsOf(t.db, other))[0]!.seq).toBe(9);
      expect((await verifyAudit(t.db)).problems).toEqual([expect.objectContaining({ chainKey: m, code: 'anchor' })]);
    });

    it('the retention purge deletes the old prefix, records its anchor in the chain, and verifies', async () => {
      const m = await oldChain(t.db, '保存町');
      const deleted = await purgeAudit(t.db, m, new Date(Date.now() - YEAR));
      expect(deleted).toBe(8);
      const after = await rowsOf(t.db, m);
      expect(after[0]!.seq).toBe(9);
      expect(after.at(-1)).toMatchObject({ action: 'audit.retention_purge', actor_login: 'retention' });
      expect(after.at(-1)!.details).toMatchObject({ deleted: 8, anchorSeq: 9 });
      expect((await verifyAudit(t.db)).problems.filter((p) => p.chainKey === m)).toEqual([]);
      expect(await purgeAudit(t.db, m, new Date(Date.now() - YEAR))).toBe(0);
      // The purge cannot reach rows inside the retention period.
      await expect(purgeAudit(t.db, m, new Date())).rejects.toThrow(/retention period/);

      // A DB owner removing the new first row is still seen.
      const first = after[0]!;
      await asDatabaseOwner(t, () => t.db.deleteFrom('audit_events').where('chain_key', '=', m).where('seq', '=', first.seq).execute());
      expect((await verifyAudit(t.db)).problems.filter((p) => p.chainKey === m)).toEqual([
        { chainKey: m, seq: 9, code: 'missing', problem: '9番の記録がありません（削除されています）' },
      ]);
    });
  });

  describe('signed anchors outside the database (item 9)', () => {
    const t = useTestApp(kind);
    let dir = '';
    const saved = process.env.KASANE_AUDIT_ANCHOR_DIR;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kasane-anchors-'));
      process.env.KASANE_AUDIT_ANCHOR_DIR = dir;
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.KASANE_AUDIT_ANCHOR_DIR;
      else process.env.KASANE_AUDIT_ANCHOR_DIR = saved;
    });

    async function activity() {
      const user = await t.createUser();
      await t.login(user.loginId, user.password);
      await t.tryLogin(user.loginId, 'wrong-password-3');
    }

    async function anchorNow(): Promise<string> {
      const res = await runCli(t.db, { args: ['audit', 'anchor'] });
      expect(res.code, res.stderr).toBe(0);
      return /書き出しました：(.+)$/m.exec(res.stdout)![1]!;
    }

    it('the job writes a signed file with every chain head; verify --anchor agrees; a changed file is refused', async () => {
      await activity();
      await JOBS.find((j) => j.name === 'audit.anchor')!.run(t.db);
      const files = readdirSync(dir).filter((f) => f.startsWith('audit-anchor-'));
      expect(files).toHaveLength(1);
      expect(statSync(join(dir, 'anchor-signing-key.pem')).mode & 0o777).toBe(0o600);
      const file = join(dir, files[0]!);
      const anchor = JSON.parse(readFileSync(file, 'utf8'));
      const head = await t.db.selectFrom('audit_chains').selectAll().where('chain_key', '=', t.municipalityId).executeTakeFirstOrThrow();
      expect(anchor.chains).toContainEqual(expect.objectContaining({ chainKey: t.municipalityId, seq: Number(head.last_seq), hash: head.last_hash, municipality: '小金井市' }));

      await activity();
      const ok = await runCli(t.db, { args: ['audit', 'verify', '--anchor', file] });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('アンカーとの照合：問題はありません。');

      const printed = await runCli(t.db, { args: ['audit', 'anchor'] });
      expect(printed.stdout).toContain('紙に控える内容');
      expect(printed.stdout).toContain('小金井市：');
      expect(printed.stdout).toContain(anchor.keyFingerprint);

      const forged = join(dir, 'forged.json');
      writeFileSync(forged, JSON.stringify({ ...anchor, chains: anchor.chains.map((c: { seq: number }) => ({ ...c, seq: c.seq - 1 })) }));
      const bad = await runCli(t.db, { args: ['audit', 'verify', '--anchor', forged] });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('署名が一致しません');
      const missing = await runCli(t.db, { args: ['audit', 'verify', '--anchor', join(dir, 'nothing.json')] });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('開けません');
    });

    it('a tail cut with the head moved back passes verify alone but fails against the anchor', async () => {
      await activity();
      const file = await anchorNow();
      const head = await t.db.selectFrom('audit_chains').selectAll().where('chain_key', '=', t.municipalityId).executeTakeFirstOrThrow();
      const keep = Number(head.last_seq) - 3;
      const kept = await t.db.selectFrom('audit_events').select('hash').where('chain_key', '=', t.municipalityId).where('seq', '=', keep).executeTakeFirstOrThrow();
      await asDatabaseOwner(t, async () => {
        await t.db.deleteFrom('audit_events').where('chain_key', '=', t.municipalityId).where('seq', '>', keep).execute();
        await t.db.updateTable('audit_chains').set({ last_seq: keep, last_hash: kept.hash }).where('chain_key', '=', t.municipalityId).execute();
      });
      expect((await verifyAudit(t.db)).ok).toBe(true);
      const res = await runCli(t.db, { args: ['audit', 'verify', '--anchor', file] });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`小金井市：チェーンが${Number(head.last_seq)}番より短くなっています`);
    });

    it('a whole chain rewritten with recomputed hashes passes verify alone but fails against the anchor', async () => {
      await activity();
      const file = await anchorNow();
      await rewriteChain(t, t.municipalityId, (row) => {
        if (row.action === 'auth.login' && row.outcome === 'failure') row.actor_login = 'someone-else';
      });
      expect((await verifyAudit(t.db)).ok).toBe(true);
      const res = await runCli(t.db, { args: ['audit', 'verify', '--anchor', file] });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('ハッシュがアンカーと一致しません');
      expect(res.stderr).toContain('書き換えられています');
    });
  });
});
