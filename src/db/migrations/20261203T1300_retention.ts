import { sql, type Kysely } from 'kysely';

/**
 * Retention of personal data (src/retention): each record that the retention
 * job anonymises is stamped with `anonymized_at`, so it is not counted again
 * and the UI can say why its text is gone; each run (the daily job or an
 * administrator's 今すぐ実行) leaves one row with its counts per record type.
 * Anonymised rows stay (dates, agency, channel, 課題, status, closure reason),
 * so the 年度 figures remain computable; scanned consent forms are deleted.
 */
const STAMPED = ['persons', 'households', 'consultations', 'referrals', 'cases', 'consents', 'meeting_agenda_items'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of STAMPED) {
    await sql`alter table ${sql.table(table)} add column anonymized_at timestamptz`.execute(db);
  }
  await sql`
    create table retention_runs (
      municipality_id uuid not null references municipalities (id),
      id uuid not null,
      ran_at timestamptz not null default now(),
      trigger text not null check (trigger in ('job', 'manual')),
      actor_user_id uuid,
      counts jsonb not null,
      primary key (municipality_id, id)
    )`.execute(db);
  await sql`create index retention_runs_recent on retention_runs (municipality_id, ran_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists retention_runs`.execute(db);
  for (const table of STAMPED) {
    await sql`alter table ${sql.table(table)} drop column if exists anonymized_at`.execute(db);
  }
}
