import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A @fastify/rate-limit store in the database (table rate_limits), so that
 * every server process on one PostgreSQL counts the same hits. Each hit is
 * one upsert: a fixed window per key that starts again once expired. Keys
 * are the route and the client address; the window's clock is the
 * database's, not each process's. Expired rows are removed by the
 * `rate_limits.purge` job (src/server/jobs.ts).
 */
export function databaseRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  class DatabaseStore implements FastifyRateLimitStore {
    constructor(private readonly prefix: string) {}

    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      hit(db, `${this.prefix}|${key}`, timeWindow).then(
        (result) => callback(null, result),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    read(key: string, callback: IncrCallback): void {
      peek(db, `${this.prefix}|${key}`).then(
        (result) => callback(null, result),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(options: unknown): FastifyRateLimitStore {
      // The plugin passes the merged route parameters with the route in routeInfo.
      const route = (options as { routeInfo?: { url?: string; method?: string | string[] } }).routeInfo;
      const method = Array.isArray(route?.method) ? route.method.join(',') : (route?.method ?? '');
      return new DatabaseStore(route?.url ? `${method} ${route.url}` : this.prefix);
    }
  }
  return class extends DatabaseStore {
    constructor(_options: FastifyRateLimitOptions) {
      super('*');
    }
  };
}

/** Count one hit for key and return the hits of its window and the milliseconds left. */
export async function hit(db: Db, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const window = sql`(${Math.max(1, Math.trunc(windowMs))}::integer * interval '1 millisecond')`;
  const result = await sql<{ hits: number; ttl: number }>`
    insert into rate_limits as r (key, hits, expires_at)
    values (${key}, 1, now() + ${window})
    on conflict (key) do update set
      hits = case when r.expires_at <= now() then 1 else r.hits + 1 end,
      expires_at = case when r.expires_at <= now() then excluded.expires_at else r.expires_at end
    returning r.hits, greatest(0, ceil(extract(epoch from (r.expires_at - now())) * 1000))::integer as ttl`.execute(db);
  const row = result.rows[0]!;
  return { current: Number(row.hits), ttl: Number(row.ttl) };
}

async function peek(db: Db, key: string): Promise<{ current: number; ttl: number }> {
  const result = await sql<{ hits: number; ttl: number }>`
    select hits, greatest(0, ceil(extract(epoch from (expires_at - now())) * 1000))::integer as ttl
    from rate_limits where key = ${key} and expires_at > now()`.execute(db);
  const row = result.rows[0];
  return row ? { current: Number(row.hits), ttl: Number(row.ttl) } : { current: 0, ttl: 0 };
}

/** Remove expired windows. */
export async function purgeRateLimits(db: Db, now = new Date()): Promise<void> {
  await db.deleteFrom('rate_limits').where('expires_at', '<', now).execute();
}
