import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import { json, type Agent } from './app.ts';

/**
 * Small helpers for the API tests of people, consent, intake and referrals:
 * each makes one record through the API and fails the test at once with
 * the answer's body when the API refuses it.
 */

/** Today in Japan, 'YYYY-MM-DD' (consent and withdrawal dates may not lie in the future). */
export function todayJst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** A 'YYYY-MM-DD' birth date of someone who is `age` today (birthday on 1 January). */
export function bornYearsAgo(age: number): string {
  return `${Number(todayJst().slice(0, 4)) - age}-01-01`;
}

export interface PersonBody {
  name?: string;
  nameKana?: string;
  alias?: string;
  birthDate?: string;
  ageBand?: string;
  gender?: string;
  address?: string;
  phone?: string;
  contactCaution?: string;
}

/** Register a person (skipping the duplicate check) and return the answer's body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function registerPerson(agent: Agent, body: PersonBody): Promise<any> {
  const res = await agent.post('/api/v1/persons', { confirmNotDuplicate: true, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

export interface ConsentBody {
  personId: string;
  purpose?: 'agency_sharing' | 'meeting_sharing';
  decision?: 'granted' | 'refused';
  scopeKind?: 'all' | 'listed';
  agencyIds?: string[];
  consentedOn?: string;
  method?: '書面' | '口頭';
  note?: string;
}

/** Record a consent version (by default: granted, 関係機関への情報提供, today, 書面); returns the person's consent list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function recordConsent(agent: Agent, body: ConsentBody): Promise<any[]> {
  const res = await agent.post('/api/v1/consents', {
    purpose: 'agency_sharing',
    decision: 'granted',
    scopeKind: 'all',
    consentedOn: todayJst(),
    method: '書面',
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).items;
}

/** Record a consultation (by default a phone consultation, continuing, consent not yet asked). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function consult(agent: Agent, body: Record<string, unknown>): Promise<any> {
  const res = await agent.post('/api/v1/consultations', {
    channel: '電話',
    consulterType: '本人',
    chiefComplaint: '暮らしの相談',
    response: '継続相談',
    consentStatus: '未確認',
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

/** Number of audit rows with the given outcome written for a user's actions. */
export async function auditCount(db: Db, userId: string, outcome: 'success' | 'denied' | 'failure' = 'denied'): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select(sql<string>`count(*)`.as('n'))
    .where('actor_user_id', '=', userId)
    .where('outcome', '=', outcome)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Number of rows of a table (to show that a refused request saved nothing). */
export async function countRows(db: Db, table: 'persons' | 'consultations' | 'consents' | 'consent_documents' | 'referrals' | 'households'): Promise<number> {
  const row = await db.selectFrom(table).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
