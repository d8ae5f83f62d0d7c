import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import type { Database } from '../db/types.ts';
import { swapWithNeighbour } from '../db/list-order.ts';
import { PURPOSE_LABELS } from '../consents/summary.ts';
import { conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import { ISSUES } from '../shared/issues.ts';
import { int32, z } from '../shared/zod-ja.ts';

/**
 * The municipality's own 課題 and consent purposes (DOMAIN.md §3: "municipalities
 * may add their own"), on top of the national taxonomy in src/shared/issues.ts
 * and the two purposes the law's access rules read (consents/summary.ts).
 *
 * A consultation stores its 課題 labels and a consent its purpose code, so a
 * term is never deleted or renamed away from old records: it is deactivated —
 * no longer offered for new records, still shown on old ones. Extra purposes are
 * recorded and shown like the built-in ones; access to people reads only
 * 関係機関への情報提供 (src/access/person-access.ts), and meetings 会議での情報共有.
 */
export const TERM_KINDS = ['issue', 'consent_purpose'] as const;
export type TermKind = (typeof TERM_KINDS)[number];

const BUILT_IN_PURPOSES = Object.keys(PURPOSE_LABELS) as (keyof typeof PURPOSE_LABELS)[];
/** The built-in 課題 that closes the list: the municipality's own come before it. */
const LAST_ISSUE = 'その他';

export const termInputSchema = z
  .object({
    kind: z.enum(TERM_KINDS).describe('種類'),
    label: z.string().trim().min(1).max(40).describe('名称'),
    description: z.string().trim().max(500).nullable().optional().describe('説明'),
  })
  .strict();
export type TermInput = z.infer<typeof termInputSchema>;

export const termPatchSchema = z
  .object({
    label: z.string().trim().min(1).max(40).optional().describe('名称'),
    description: z.string().trim().max(500).nullable().optional().describe('説明'),
    active: z.boolean().optional().describe('利用中'),
    move: z.enum(['up', 'down']).optional().describe('並び順'),
    version: int32({ min: 1 }).describe('版（同時編集の確認用）'),
  })
  .strict();
export type TermPatch = z.infer<typeof termPatchSchema>;

export const termView = z.object({
  id: z.string().nullable().describe('自治体が追加した項目の ID（標準の項目は null）'),
  code: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  builtIn: z.boolean(),
  active: z.boolean(),
  version: z.number().nullable(),
});
export type TermView = z.infer<typeof termView>;

export const taxonomyView = z.object({
  issues: z.array(termView).describe('課題（標準と自治体の追加分、表示順）'),
  consentPurposes: z.array(termView).describe('同意の目的（標準と自治体の追加分、表示順）'),
});
export type TaxonomyView = z.infer<typeof taxonomyView>;

async function extraTerms(trx: Transaction<Database>, municipalityId: string) {
  return trx
    .selectFrom('taxonomy_terms')
    .select(['id', 'kind', 'code', 'label', 'description', 'active', 'sort_order', 'version'])
    .where('municipality_id', '=', municipalityId)
    .orderBy('sort_order')
    .orderBy('created_at')
    .execute();
}

type ExtraRow = Awaited<ReturnType<typeof extraTerms>>[number];
const extraView = (t: ExtraRow): TermView => ({
  id: t.id,
  code: t.code,
  label: t.label,
  description: t.description,
  builtIn: false,
  active: t.active,
  version: t.version,
});
const builtIn = (code: string, label: string): TermView => ({ id: null, code, label, description: null, builtIn: true, active: true, version: null });

/** Every 課題 and consent purpose of the municipality, active or not, in display order. */
export async function readTaxonomy(trx: Transaction<Database>, municipalityId: string): Promise<TaxonomyView> {
  const extras = await extraTerms(trx, municipalityId);
  const issues = extras.filter((t) => t.kind === 'issue').map(extraView);
  const purposes = extras.filter((t) => t.kind === 'consent_purpose').map(extraView);
  return {
    issues: [
      ...ISSUES.filter((i) => i !== LAST_ISSUE).map((i) => builtIn(i, i)),
      ...issues,
      builtIn(LAST_ISSUE, LAST_ISSUE),
    ],
    consentPurposes: [...BUILT_IN_PURPOSES.map((p) => builtIn(p, PURPOSE_LABELS[p])), ...purposes],
  };
}

/** Labels of every consent purpose the municipality has had (for showing old records). */
export async function consentPurposeLabels(trx: Transaction<Database>, municipalityId: string): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('taxonomy_terms')
    .select(['code', 'label'])
    .where('municipality_id', '=', municipalityId)
    .where('kind', '=', 'consent_purpose')
    .execute();
  return new Map<string, string>([...BUILT_IN_PURPOSES.map((p) => [p, PURPOSE_LABELS[p]] as [string, string]), ...rows.map((r) => [r.code, r.label] as [string, string])]);
}

/**
 * Check the 課題 of a consultation: each must be offered now (built-in, or
 * the municipality's and active), except those the record already carries
 * (`kept`: an edit may keep a 課題 deactivated since).
 */
export async function assertIssuesOffered(
  scope: Scope,
  issues: readonly string[],
  primaryIssue: string | null | undefined,
  kept: readonly string[] = [],
): Promise<void> {
  const builtIns = new Set<string>(ISSUES);
  const others = [...new Set(issues)].filter((i) => !builtIns.has(i) && !kept.includes(i));
  if (others.length > 0) {
    const rows = await scope.trx
      .selectFrom('taxonomy_terms')
      .select('label')
      .where('municipality_id', '=', scope.municipalityId)
      .where('kind', '=', 'issue')
      .where('active', '=', true)
      .where('label', 'in', others)
      .execute();
    const offered = new Set(rows.map((r) => r.label));
    const fields: Record<string, string> = {};
    issues.forEach((issue, i) => {
      if (others.includes(issue) && !offered.has(issue)) fields[`issues.${i}`] = `課題：「${issue}」は選べません。一覧から選んでください`;
    });
    if (Object.keys(fields).length) throw invalid(fields);
  }
  if (primaryIssue && !issues.includes(primaryIssue)) throw invalid({ primaryIssue: '最も重要な課題（◎）：課題の中から選んでください' });
}

/** Check a consent purpose for a new consent record: built-in, or the municipality's and active. */
export async function assertConsentPurposeOffered(scope: Scope, purpose: string, field = 'purpose'): Promise<void> {
  if ((BUILT_IN_PURPOSES as string[]).includes(purpose)) return;
  const row = await scope.trx
    .selectFrom('taxonomy_terms')
    .select('code')
    .where('municipality_id', '=', scope.municipalityId)
    .where('kind', '=', 'consent_purpose')
    .where('code', '=', purpose)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!row) throw invalid({ [field]: '目的：この自治体の同意の目的から選んでください' });
}

async function assertLabelFree(scope: Scope, kind: TermKind, label: string, exceptId?: string) {
  const builtInLabels: readonly string[] = kind === 'issue' ? ISSUES : Object.values(PURPOSE_LABELS);
  let q = scope.trx
    .selectFrom('taxonomy_terms')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('kind', '=', kind)
    .where('label', '=', label);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (builtInLabels.includes(label) || (await q.executeTakeFirst())) {
    throw invalid({ label: kind === 'issue' ? '名称：同じ名称の課題がすでにあります' : '名称：同じ名称の同意の目的がすでにあります' });
  }
}

async function getTerm(scope: Scope, id: string): Promise<TermView & { kind: TermKind }> {
  const row = await scope.trx
    .selectFrom('taxonomy_terms')
    .select(['id', 'kind', 'code', 'label', 'description', 'active', 'sort_order', 'version'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('項目');
  return { ...extraView(row), kind: row.kind };
}

export async function createTerm(scope: Scope, input: TermInput): Promise<TermView> {
  await assertLabelFree(scope, input.kind, input.label);
  const last = await scope.trx
    .selectFrom('taxonomy_terms')
    .select(({ fn }) => fn.max('sort_order').as('m'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('kind', '=', input.kind)
    .executeTakeFirst();
  const id = newId();
  const code = `x_${randomBytes(6).toString('hex')}`;
  await scope.trx
    .insertInto('taxonomy_terms')
    .values({
      municipality_id: scope.municipalityId,
      id,
      kind: input.kind,
      code,
      label: input.label,
      description: input.description || null,
      sort_order: Number(last?.m ?? 0) + 10,
      updated_at: new Date(),
    })
    .execute();
  scope.audit('taxonomy.create', { targetType: 'taxonomy_term', targetId: id, details: { kind: input.kind, code, label: input.label } });
  return getTerm(scope, id);
}

export async function updateTerm(scope: Scope, id: string, patch: TermPatch): Promise<TermView> {
  const current = await scope.trx
    .selectFrom('taxonomy_terms')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('項目');
  if (current.version !== patch.version) {
    throw conflict('ほかの方がこの項目を先に更新しました。最新の内容を確認してから、もう一度保存してください。', { current: await getTerm(scope, id) });
  }
  if (patch.label !== undefined && patch.label !== current.label) {
    // Consultations store the 課題 itself: renaming would cut old records off from it.
    if (current.kind === 'issue') {
      throw invalid({ label: '名称：課題の名称は変えられません（記録済みの相談がこの名称を持つため）。使わなくなった課題は利用停止にして、新しい課題を追加してください' });
    }
    await assertLabelFree(scope, current.kind, patch.label, id);
  }
  const sortOrder = patch.move
    ? await swapWithNeighbour(scope.trx, {
        table: 'taxonomy_terms',
        municipalityId: scope.municipalityId,
        id,
        move: patch.move,
        sortOrder: current.sort_order,
        tiebreak: { column: 'created_at', value: current.created_at },
        sameList: { column: 'kind', value: current.kind },
        touchUpdatedAt: true,
      })
    : current.sort_order;
  await scope.trx
    .updateTable('taxonomy_terms')
    .set({
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.description !== undefined ? { description: patch.description || null } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      sort_order: sortOrder,
      version: current.version + 1,
      updated_at: new Date(),
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', id)
    .execute();
  const { version: _v, ...changed } = patch;
  scope.audit('taxonomy.update', { targetType: 'taxonomy_term', targetId: id, details: { kind: current.kind, code: current.code, ...changed } });
  return getTerm(scope, id);
}
