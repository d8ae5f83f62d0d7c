import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseErrorAnswer } from '../../src/server/db-errors.ts';
import { DATABASE_KINDS, json, useTestApp, type Response } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { registerPerson, todayJst } from '../support/people.ts';

/**
 * Concurrent writes to one row (the outside probe's races on PostgreSQL):
 * N requests fired at once through app.inject must each answer 201 or 409
 * (with the current row), never 500, and leave the data consistent. PGlite
 * is one connection, so there the requests are serialised by the driver;
 * the tests hold on both databases.
 */

const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;

function tally(answers: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.statusCode] = (counts[a.statusCode] ?? 0) + 1;
  return counts;
}

function expectOneErrorShape(res: Response) {
  const body = json(res);
  expect(body.error, res.body).toMatchObject({ code: expect.any(String), message: expect.stringMatching(JAPANESE), fields: {} });
}

/** An instant `minutes` before now, as an ISO string. */
function ago(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

describe.each(DATABASE_KINDS)('concurrent writes (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let caseId: string;

  beforeAll(async () => {
    w = await caseWorld(t);
    caseId = (await open8050Case(w)).case.id;
    const added = await w.coordinator.agent.post(`/api/v1/cases/${caseId}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(added.statusCode, added.body).toBe(201);
  });

  it('POST /consents five times at once for one person and purpose: all saved, versions 1…5 without gaps, no 500', async () => {
    for (let round = 0; round < 3; round++) {
      const person = await registerPerson(w.window.agent, { name: `同時 同意${round}`, nameKana: 'ドウジ ドウイ', birthDate: '1970-01-01' });
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          w.window.agent.post('/api/v1/consents', {
            personId: person.id,
            purpose: 'agency_sharing',
            decision: i % 2 ? 'refused' : 'granted',
            scopeKind: 'all',
            consentedOn: todayJst(),
            method: '書面',
            note: `同時送信 ${i}`,
          }),
        ),
      );
      const counts = tally(answers);
      expect(counts[500] ?? 0, JSON.stringify(counts)).toBe(0);
      // Versions of one person's consent take turns: each request is saved as a version of its own.
      expect(counts, answers.map((a) => a.statusCode === 201 ? 201 : a.body).join('\n')).toEqual({ 201: 5 });
      const rows = await t.db
        .selectFrom('consents')
        .select('version_no')
        .where('person_id', '=', person.id)
        .where('purpose', '=', 'agency_sharing')
        .orderBy('version_no')
        .execute();
      expect(rows.map((r) => r.version_no)).toEqual(Array.from({ length: counts[201] ?? 0 }, (_, i) => i + 1));
    }
  });

  it('two (and five) corrections of the same revision at once: one 201, the others 409 with the current record', async () => {
    for (const n of [2, 2, 2, 2, 5]) {
      const created = await w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records`, { occurredAt: ago(90), kind: '訪問', content: '母と面談した' });
      expect(created.statusCode, created.body).toBe(201);
      const original = json(created);
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records/${original.id}/corrections`, {
            occurredAt: ago(80),
            kind: '訪問',
            content: `同時の訂正 ${i}`,
            correctionReason: '記載の誤り',
            baseRevision: 1,
          }),
        ),
      );
      const counts = tally(answers);
      expect(counts, answers.map((a) => a.body).join('\n')).toEqual({ 201: 1, 409: n - 1 });
      const winner = json(answers.find((a) => a.statusCode === 201)!);
      for (const a of answers.filter((x) => x.statusCode === 409)) {
        expectOneErrorShape(a);
        expect(json(a).current).toMatchObject({ id: winner.id, revision: 2 });
      }
      const revisions = await t.db
        .selectFrom('support_records')
        .select(['revision', 'is_current'])
        .where('root_id', '=', original.id)
        .orderBy('revision')
        .execute();
      expect(revisions).toEqual([
        { revision: 1, is_current: false },
        { revision: 2, is_current: true },
      ]);
    }
  });

  it('many corrections of one record in a row, and corrections of old revisions (409 in Japanese)', async () => {
    const created = await w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records`, { occurredAt: ago(300), kind: '電話', content: '最初の記録' });
    const original = json(created);
    const contents = ['😀 本人と笑顔で話せた 🎉', '2025-04-01', '令和7年4月1日 14:00', 'plain text', '𠮷野家の前で会った', '母と面談。\n息子は不在。'];
    let latest = original;
    for (let i = 0; i < 24; i++) {
      // Address the record by its first revision's id, by the latest one's, or by an older one's: all name the same record.
      const target = i % 3 === 0 ? original.id : latest.id;
      const res = await w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records/${target}/corrections`, {
        occurredAt: ago(200 - i),
        kind: i % 2 ? '電話' : '訪問',
        content: contents[i % contents.length],
        correctionReason: `訂正 ${i + 1} 回目`,
        baseRevision: latest.revision,
        ...(i % 4 === 0 ? { nextAction: '来週電話する', nextActionOn: '2099-04-01', durationMinutes: 15 } : {}),
      });
      expect(res.statusCode, `correction ${i + 1}: ${res.body}`).toBe(201);
      expect(json(res).revision).toBe(i + 2);
      latest = json(res);
    }
    // A correction that starts from an old revision (stale base), whichever revision's id it names.
    for (const [target, base] of [
      [original.id, 1],
      [latest.id, 5],
      [original.id, latest.revision - 1],
    ] as const) {
      const stale = await w.houkatsu.agent.post(`/api/v1/cases/${caseId}/records/${target}/corrections`, {
        occurredAt: ago(100),
        kind: '訪問',
        content: '古い版からの訂正',
        correctionReason: '再訂正',
        baseRevision: base,
      });
      expect(stale.statusCode, stale.body).toBe(409);
      expectOneErrorShape(stale);
      expect(json(stale).current).toMatchObject({ id: latest.id, revision: 25 });
    }
    const history = json(await w.houkatsu.agent.get(`/api/v1/cases/${caseId}/records/${latest.id}/history`));
    expect(history.items.map((r: { revision: number }) => r.revision)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(history.items.filter((r: { isCurrent: boolean }) => r.isCurrent).map((r: { id: string }) => r.id)).toEqual([latest.id]);
  });

  it('a unique violation raised by the database is answered 409 in Japanese, not 500', async () => {
    await t.db.insertInto('job_runs').values({ job: 'races.test', scope: kind, last_run_at: new Date() }).execute();
    const error = await t.db
      .insertInto('job_runs')
      .values({ job: 'races.test', scope: kind, last_run_at: new Date() })
      .execute()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as { code?: string }).code).toBe('23505');
    const answer = databaseErrorAnswer(error);
    expect(answer?.status).toBe(409);
    expect(answer?.toBody().error).toMatchObject({ code: 'conflict', message: expect.stringMatching(JAPANESE) });
    // Anything else is not a database conflict.
    expect(databaseErrorAnswer(new Error('boom'))).toBeNull();
  });

  it.runIf(kind === 'postgres')('a deadlock and a serialization failure are answered 409 too', async () => {
    const mid = t.municipalityId;
    await t.db.insertInto('job_runs').values([
      { job: 'races.a', scope: mid, last_run_at: new Date() },
      { job: 'races.b', scope: mid, last_run_at: new Date() },
    ]).execute();
    // Two transactions locking the same two rows in opposite order: PostgreSQL aborts one with 40P01.
    const lockBoth = (first: string, second: string) =>
      t.db.transaction().execute(async (trx) => {
        await sql`select 1 from job_runs where job = ${first} and scope = ${mid} for update`.execute(trx);
        await sql`select pg_sleep(0.3)`.execute(trx);
        await sql`select 1 from job_runs where job = ${second} and scope = ${mid} for update`.execute(trx);
      });
    const outcomes = await Promise.allSettled([lockBoth('races.a', 'races.b'), lockBoth('races.b', 'races.a')]);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed.map((f) => (f.reason as { code?: string }).code)).toEqual(['40P01']);
    expect(databaseErrorAnswer(failed[0]!.reason)?.status).toBe(409);

    // Two serializable transactions that each read what the other writes: one fails with 40001.
    const serializable = (read: string, write: string) =>
      t.db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async (trx) => {
          await sql`select last_run_at from job_runs where job = ${read} and scope = ${mid}`.execute(trx);
          await sql`select pg_sleep(0.2)`.execute(trx);
          await sql`update job_runs set last_run_at = now() where job = ${write} and scope = ${mid}`.execute(trx);
        });
    const again = await Promise.allSettled([serializable('races.a', 'races.b'), serializable('races.b', 'races.a')]);
    const lost = again.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost.map((f) => (f.reason as { code?: string }).code)).toEqual(['40001']);
    expect(databaseErrorAnswer(lost[0]!.reason)?.status).toBe(409);
  });
});
