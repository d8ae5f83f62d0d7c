import { sql, type Kysely } from 'kysely';

/**
 * Rate limits shared by every server process on one database: one row per
 * key (route and client address) with the hits of its current window. The
 * login rate limit counts here so that processes behind a load balancer
 * count together; the `rate_limits.purge` job removes expired windows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rate_limits (
      key text primary key,
      hits integer not null,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index rate_limits_expires on rate_limits (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists rate_limits`.execute(db);
}
