import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { purgeAudit } from '../access/audit.ts';
import { writeAnchorFile } from '../audit/anchors.ts';
import { purgeExpiredSessions } from '../auth/sessions.ts';
import { raiseOverdueReferralAlerts } from '../referrals/service.ts';
import { readSettings } from '../municipalities/settings.ts';
import { purgeRateLimits } from './rate-limit-store.ts';
import { OVERVIEW_REFRESH_MS, refreshAllTaskOverviews } from '../tasks/service.ts';
import { runRetentionForAll } from '../retention/service.ts';

/**
 * Background jobs. Several server processes may share one PostgreSQL, so
 * each job takes a transaction-level advisory lock and records its last
 * run in job_runs: whichever process comes first runs it, once per period.
 */
interface Job {
  name: string;
  everyMs: number;
  /** Only on this kind of database (default: both). */
  only?: 'pglite' | 'postgres';
  run(db: Db): Promise<void>;
}

const JOBS: Job[] = [
  {
    name: 'sessions.purge',
    everyMs: 10 * 60_000,
    run: async (db) => {
      await purgeExpiredSessions(db);
    },
  },
  {
    name: 'audit.retention',
    everyMs: 24 * 3600_000,
    run: async (db) => {
      const municipalities = await db.selectFrom('municipalities').select(['id', 'settings']).execute();
      const failures: unknown[] = [];
      for (const m of municipalities) {
        const years = readSettings(m.settings).auditRetentionYears;
        const cutoff = new Date();
        cutoff.setFullYear(cutoff.getFullYear() - years);
        // Two days' margin: the database refuses a cut-off inside the retention period by its own
        // clock and calendar (29 February), which may differ slightly from this process's.
        cutoff.setDate(cutoff.getDate() - 2);
        // One municipality's refusal (see purgeAudit) does not hold back the others.
        await purgeAudit(db, m.id, cutoff).catch((error: unknown) => failures.push(error));
      }
      if (failures.length) throw new AggregateError(failures, 'audit retention was refused for some municipalities');
    },
  },
  {
    name: 'referrals.overdue',
    everyMs: 5 * 60_000,
    run: async (db) => {
      const municipalities = await db.selectFrom('municipalities').select('id').execute();
      for (const m of municipalities) {
        await db.transaction().execute((trx) => raiseOverdueReferralAlerts({ trx, municipalityId: m.id }));
      }
    },
  },
  {
    // PGlite runs no autovacuum: without this, planner statistics go stale and
    // trigram indexes keep an unmerged pending list. PostgreSQL does this itself.
    name: 'db.maintenance',
    everyMs: 24 * 3600_000,
    only: 'pglite',
    run: async (db) => {
      await sql`vacuum analyze`.execute(db);
    },
  },
  {
    // Appended last: a job's advisory lock id is its index in this list.
    name: 'rate_limits.purge',
    everyMs: 10 * 60_000,
    run: async (db) => {
      await purgeRateLimits(db);
    },
  },
  {
    // The coordinators' overview (全体状況) of every agency with a coordinator or secretariat account.
    name: 'tasks.overview',
    everyMs: OVERVIEW_REFRESH_MS,
    run: async (db) => {
      await refreshAllTaskOverviews(db);
    },
  },
  {
    // Retention of personal data (src/retention): anonymise what is past its period, daily.
    name: 'retention.personal_data',
    everyMs: 24 * 3600_000,
    run: async (db) => {
      await runRetentionForAll(db);
    },
  },
  {
    // The head of every audit chain, signed, to a file outside the database (src/audit/anchors.ts).
    name: 'audit.anchor',
    everyMs: 3600_000,
    run: async (db) => {
      await writeAnchorFile(db);
    },
  },
];

const LOCK_BASE = 7301100;

/** Run a job if it is due and no other process is running it. Returns true if it ran. */
export async function runIfDue(db: Db, job: Job, now = new Date()): Promise<boolean> {
  const index = JOBS.indexOf(job);
  const claimed = await db.transaction().execute(async (trx) => {
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${LOCK_BASE + index}) as ok`.execute(trx);
    if (!lock.rows[0]?.ok) return false;
    const last = await trx
      .selectFrom('job_runs')
      .select('last_run_at')
      .where('job', '=', job.name)
      .where('scope', '=', '*')
      .executeTakeFirst();
    if (last && now.getTime() - new Date(last.last_run_at).getTime() < job.everyMs) return false;
    await trx
      .insertInto('job_runs')
      .values({ job: job.name, scope: '*', last_run_at: now })
      .onConflict((oc) => oc.columns(['job', 'scope']).doUpdateSet({ last_run_at: now }))
      .execute();
    return true;
  });
  if (claimed) await job.run(db);
  return claimed;
}

export interface JobEvents {
  /** A job ran in this process (one line in the log per run, so runs can be counted across processes). */
  onRun?: (job: string, ms: number) => void;
  onError: (error: unknown, job: string) => void;
}

export function startJobs(db: Db, kind: 'pglite' | 'postgres', events: JobEvents): () => void {
  const tick = async () => {
    for (const job of JOBS) {
      if (job.only && job.only !== kind) continue;
      const started = Date.now();
      try {
        if (await runIfDue(db, job)) events.onRun?.(job.name, Date.now() - started);
      } catch (error) {
        events.onError(error, job.name);
      }
    }
  };
  const timer = setInterval(() => void tick(), 60_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}

export { JOBS };
