import { createHmac, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import { normalizeForSearch } from '../shared/normalize.ts';
import { phoneDigits } from '../people/matching.ts';
import { CRITERION_KINDS, type CriterionKind } from '../shared/audit-labels.ts';

export { CRITERION_KINDS, type CriterionKind };

/**
 * Search criteria in the audit log, without a directory of names.
 *
 * What an auditor needs to detect misuse is who searched, when, how often,
 * with which kinds of criteria and how many results — not the names typed.
 * So a search's audit row keeps, per criterion, its kind, its length and a
 * keyed hash (HMAC-SHA-256, 128 bits) of its normalised value. The key is
 * random per municipality, kept in `audit_secrets` (outside the audit rows,
 * never sent to anyone), so the hashes cannot be reversed by guessing names
 * offline; an investigator who types a term ("did anyone search for 山田 太郎?")
 * gets it hashed by the server and compared (`criteria-search`), itself audited.
 */
export interface RecordedCriterion {
  kind: CriterionKind;
  /** Characters (digits for a phone number) of the normalised value; none for a birth date. */
  length?: number;
  hmac: string;
}

/** The value as the search itself compares it (NFKC, spaces removed, katakana as hiragana, variant kanji folded), so such variants hash alike. */
export function normaliseCriterion(kind: CriterionKind, raw: string): string {
  switch (kind) {
    case 'phone':
      return phoneDigits(raw);
    case 'birthDate':
      return raw.trim();
    default:
      return normalizeForSearch(raw);
  }
}

/** The municipality's key (made on first use; concurrent first uses agree through the primary key). */
export async function auditSecret(trx: Transaction<Database>, municipalityId: string): Promise<Buffer> {
  const read = () => trx.selectFrom('audit_secrets').select('secret').where('municipality_id', '=', municipalityId).executeTakeFirst();
  let row = await read();
  if (!row) {
    await trx
      .insertInto('audit_secrets')
      .values({ municipality_id: municipalityId, secret: randomBytes(32).toString('base64') })
      .onConflict((oc) => oc.column('municipality_id').doNothing())
      .execute();
    row = await read();
  }
  return Buffer.from(row!.secret, 'base64');
}

export function criterionHmac(secret: Buffer, kind: CriterionKind, normalised: string): string {
  return createHmac('sha256', secret).update(`${kind}\u0000${normalised}`).digest('hex').slice(0, 32);
}

/** The criteria of one search, as the audit row keeps them (empty ones left out). */
export async function recordCriteria(
  trx: Transaction<Database>,
  municipalityId: string,
  criteria: Partial<Record<CriterionKind, string | null | undefined>>,
): Promise<RecordedCriterion[]> {
  const present = CRITERION_KINDS.flatMap((kind) => {
    const raw = criteria[kind];
    const value = raw ? normaliseCriterion(kind, raw) : '';
    return value ? [{ kind, value }] : [];
  });
  if (present.length === 0) return [];
  const secret = await auditSecret(trx, municipalityId);
  return present.map(({ kind, value }) => ({
    kind,
    ...(kind === 'birthDate' ? {} : { length: [...value].length }),
    hmac: criterionHmac(secret, kind, value),
  }));
}

/** Where older rows (before criteria were hashed) kept the typed text, per action. */
const LEGACY_FIELDS: Record<string, Partial<Record<CriterionKind, (d: Record<string, unknown>) => unknown>>> = {
  'person.search': {
    name: (d) => (d.filters as Record<string, unknown> | undefined)?.q,
    birthDate: (d) => (d.filters as Record<string, unknown> | undefined)?.birthDate,
    phone: (d) => (d.filters as Record<string, unknown> | undefined)?.phone,
    address: (d) => (d.filters as Record<string, unknown> | undefined)?.address,
  },
  'meeting.search': { meetingTitle: (d) => d.q },
};

/**
 * Details as the auditor may see them: rows written before criteria were
 * hashed still hold the typed text; the rows stay as they are (the chain is
 * append-only) and the answer carries only the kinds and lengths.
 */
export function maskLegacyCriteria(action: string, details: Record<string, unknown>): Record<string, unknown> {
  const fields = LEGACY_FIELDS[action];
  if (!fields || Array.isArray(details.criteria)) return details;
  const criteria: Omit<RecordedCriterion, 'hmac'>[] = [];
  for (const kind of CRITERION_KINDS) {
    const raw = fields[kind]?.(details);
    if (typeof raw !== 'string' || !raw.trim()) continue;
    criteria.push(kind === 'birthDate' ? { kind } : { kind, length: [...normaliseCriterion(kind, raw)].length });
  }
  const { filters: _f, q: _q, ...rest } = details;
  return { ...rest, criteria, masked: true };
}

/** The legacy text fields of an action, for matching an investigator's term against older rows. */
export function legacyPath(action: string, kind: CriterionKind): string[] | null {
  if (action === 'person.search' && kind !== 'meetingTitle') return ['filters', kind === 'name' ? 'q' : kind];
  if (action === 'meeting.search' && kind === 'meetingTitle') return ['q'];
  return null;
}
