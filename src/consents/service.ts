import { createHash } from 'node:crypto';
import { requireUser, type Scope } from '../access/gateway.ts';
import { requirePersonAccess } from '../people/service.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { newId } from '../shared/ids.ts';
import type { ConsentInput } from './schema.ts';
import { DOCUMENT_MAX_BYTES, sniffDocumentType } from './schema.ts';
import { assertConsentPurposeOffered, consentPurposeLabels } from '../municipalities/taxonomy.ts';

export interface ConsentView {
  id: string;
  personId: string;
  versionNo: number;
  /** meeting_sharing | agency_sharing | a municipality's own purpose (x_…). */
  purpose: string;
  purposeLabel: string;
  decision: 'granted' | 'refused';
  scopeKind: 'all' | 'listed';
  agencies: { id: string; name: string }[];
  consentedOn: string;
  method: string;
  obtainedByUserName: string | null;
  obtainedByAgencyName: string | null;
  note: string | null;
  document: { id: string; filename: string; mediaType: string; sizeBytes: number } | null;
  withdrawnOn: string | null;
  withdrawnReason: string | null;
  current: boolean;
  createdAt: string;
}

/** Validate that listed agencies belong to the municipality (deduplicated). */
export async function checkConsentAgencies(scope: Scope, agencyIds: readonly string[], field: string): Promise<string[]> {
  const unique = [...new Set(agencyIds)];
  if (unique.length === 0) return unique;
  const found = await scope.trx
    .selectFrom('agencies')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', 'in', unique)
    .execute();
  if (found.length !== unique.length) throw invalid({ [field]: '情報提供先の機関：この自治体の機関から選んでください' });
  return unique;
}

export interface ConsentVersion {
  personId: string;
  purpose: string;
  decision: 'granted' | 'refused';
  scopeKind: 'all' | 'listed';
  agencyIds: string[];
  consentedOn: string;
  method: string;
  note: string | null;
}

/**
 * New versions of a person's consent take turns: two recorded at the same
 * moment would otherwise both read the same last version number and the
 * second would fail on the unique key. The person row is locked (FOR NO KEY
 * UPDATE: foreign-key checks of other tables are not blocked) until commit.
 */
async function lockConsentsOf(scope: Scope, personId: string): Promise<void> {
  await scope.trx
    .selectFrom('persons')
    .select('id')
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', personId)
    .forNoKeyUpdate()
    .execute();
}

/** Add a new version of a person's consent for one purpose (the previous versions stay as history). */
export async function insertConsentVersion(scope: Scope, v: ConsentVersion): Promise<string> {
  const ctx = requireUser(scope);
  await lockConsentsOf(scope, v.personId);
  const last = await scope.trx
    .selectFrom('consents')
    .select(({ fn }) => fn.max('version_no').as('v'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('person_id', '=', v.personId)
    .where('purpose', '=', v.purpose)
    .executeTakeFirst();
  const id = newId();
  const granted = v.decision === 'granted';
  await scope.trx
    .insertInto('consents')
    .values({
      municipality_id: scope.municipalityId,
      id,
      person_id: v.personId,
      version_no: Number(last?.v ?? 0) + 1,
      purpose: v.purpose,
      decision: v.decision,
      scope_kind: granted ? v.scopeKind : 'all',
      agency_ids: granted && v.scopeKind === 'listed' ? v.agencyIds : [],
      consented_on: v.consentedOn,
      method: v.method,
      obtained_by_user_id: ctx.userId,
      obtained_by_agency_id: ctx.agencyId,
      note: v.note,
      document_id: null,
    })
    .execute();
  scope.audit('consent.record', {
    targetType: 'consent',
    targetId: id,
    subjectPersonId: v.personId,
    details: { purpose: v.purpose, decision: v.decision, scope: granted ? v.scopeKind : null, agencies: v.agencyIds.length },
  });
  return id;
}

/**
 * The consent history of a person. An agency that only received a referral
 * sees the current version of each purpose (what it may rely on), without
 * notes, withdrawal reasons or the scanned form; the full history needs full access.
 */
export async function listConsents(scope: Scope, personId: string): Promise<ConsentView[]> {
  const access = await requirePersonAccess(scope, personId);
  const rows = await scope.trx
    .selectFrom('consents as k')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'k.obtained_by_user_id').onRef('u.municipality_id', '=', 'k.municipality_id'))
    .leftJoin('agencies as a', (j) => j.onRef('a.id', '=', 'k.obtained_by_agency_id').onRef('a.municipality_id', '=', 'k.municipality_id'))
    .leftJoin('consent_documents as d', (j) => j.onRef('d.id', '=', 'k.document_id').onRef('d.municipality_id', '=', 'k.municipality_id'))
    .select([
      'k.id',
      'k.person_id',
      'k.version_no',
      'k.purpose',
      'k.decision',
      'k.scope_kind',
      'k.agency_ids',
      'k.consented_on',
      'k.method',
      'k.note',
      'k.withdrawn_on',
      'k.withdrawn_reason',
      'k.created_at',
      'u.name as user_name',
      'a.name as agency_name',
      'd.id as doc_id',
      'd.filename',
      'd.media_type',
      'd.size_bytes',
    ])
    .where('k.municipality_id', '=', scope.municipalityId)
    .where('k.person_id', '=', personId)
    .orderBy('k.purpose')
    .orderBy('k.version_no', 'desc')
    .execute();
  const agencyIds = [...new Set(rows.flatMap((r) => r.agency_ids))];
  const names = new Map(
    agencyIds.length
      ? (
          await scope.trx
            .selectFrom('agencies')
            .select(['id', 'name'])
            .where('municipality_id', '=', scope.municipalityId)
            .where('id', 'in', agencyIds)
            .execute()
        ).map((a) => [a.id, a.name])
      : [],
  );
  const latest = new Map<string, number>();
  for (const r of rows) latest.set(r.purpose, Math.max(latest.get(r.purpose) ?? 0, r.version_no));
  const purposeLabels = await consentPurposeLabels(scope.trx, scope.municipalityId);
  scope.audit('consent.read', { targetType: 'person', targetId: personId, subjectPersonId: personId });
  const views: ConsentView[] = rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    versionNo: r.version_no,
    purpose: r.purpose,
    purposeLabel: purposeLabels.get(r.purpose) ?? r.purpose,
    decision: r.decision as 'granted' | 'refused',
    scopeKind: r.scope_kind as 'all' | 'listed',
    agencies: r.agency_ids.map((id) => ({ id, name: names.get(id) ?? '（不明な機関）' })),
    consentedOn: r.consented_on,
    method: r.method,
    obtainedByUserName: r.user_name,
    obtainedByAgencyName: r.agency_name,
    note: r.note,
    document: r.doc_id ? { id: r.doc_id, filename: r.filename!, mediaType: r.media_type!, sizeBytes: r.size_bytes! } : null,
    withdrawnOn: r.withdrawn_on,
    withdrawnReason: r.withdrawn_reason,
    current: latest.get(r.purpose) === r.version_no,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  if (access.level === 'full') return views;
  return views.filter((v) => v.current).map((v) => ({ ...v, note: null, withdrawnReason: null, document: null }));
}

export async function recordConsent(scope: Scope, input: ConsentInput): Promise<ConsentView[]> {
  await requirePersonAccess(scope, input.personId, 'full');
  await assertConsentPurposeOffered(scope, input.purpose);
  const listed = input.decision === 'granted' && input.scopeKind === 'listed';
  const agencyIds = listed ? await checkConsentAgencies(scope, input.agencyIds, 'agencyIds') : [];
  await insertConsentVersion(scope, {
    personId: input.personId,
    purpose: input.purpose,
    decision: input.decision,
    scopeKind: input.scopeKind,
    agencyIds,
    consentedOn: input.consentedOn!,
    method: input.method,
    note: input.note || null,
  });
  return listConsents(scope, input.personId);
}

export async function withdrawConsent(scope: Scope, consentId: string, withdrawnOn: string, reason: string | null): Promise<ConsentView[]> {
  const ctx = requireUser(scope);
  const row = await scope.trx
    .selectFrom('consents')
    .selectAll()
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', consentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('同意の記録');
  await requirePersonAccess(scope, row.person_id, 'full');
  // A new version recorded meanwhile would make this one no longer the latest.
  await lockConsentsOf(scope, row.person_id);
  const latest = await scope.trx
    .selectFrom('consents')
    .select(({ fn }) => fn.max('version_no').as('v'))
    .where('municipality_id', '=', scope.municipalityId)
    .where('person_id', '=', row.person_id)
    .where('purpose', '=', row.purpose)
    .executeTakeFirstOrThrow();
  if (Number(latest.v) !== row.version_no) throw conflict('これは最新の同意の記録ではありません。最新の記録を撤回してください。');
  if (row.decision !== 'granted') throw conflict('同意していない記録は撤回できません。');
  if (row.withdrawn_on) throw conflict('この同意はすでに撤回されています。');
  if (withdrawnOn < row.consented_on) {
    throw invalid({ withdrawnOn: '撤回日：同意日より前の日付は入力できません' });
  }
  await scope.trx
    .updateTable('consents')
    .set({ withdrawn_on: withdrawnOn, withdrawn_by_user_id: ctx.userId, withdrawn_reason: reason })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', consentId)
    .execute();
  scope.audit('consent.withdraw', { targetType: 'consent', targetId: consentId, subjectPersonId: row.person_id, reason });
  return listConsents(scope, row.person_id);
}

export async function attachDocument(scope: Scope, consentId: string, body: unknown, filename: string): Promise<ConsentView[]> {
  const ctx = requireUser(scope);
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new AppError(400, 'bad_request', 'ファイルが送信されていません。PDF・JPEG・PNG のいずれかを送ってください。');
  }
  if (body.length > DOCUMENT_MAX_BYTES) throw new AppError(413, 'payload_too_large', 'ファイルが大きすぎます（上限 5MB）。');
  const type = sniffDocumentType(body);
  if (!type) {
    throw invalid({ file: 'ファイル：PDF・JPEG・PNG のいずれかを選んでください（ファイルの中身がこれらの形式ではありません）' });
  }
  const row = await scope.trx
    .selectFrom('consents')
    .select(['id', 'person_id'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', consentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('同意の記録');
  await requirePersonAccess(scope, row.person_id, 'full');
  const docId = newId();
  await scope.trx
    .insertInto('consent_documents')
    .values({
      municipality_id: scope.municipalityId,
      id: docId,
      person_id: row.person_id,
      filename: filename.slice(0, 200) || 'document',
      media_type: type,
      size_bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      content: body,
      uploaded_by_user_id: ctx.userId,
    })
    .execute();
  await scope.trx
    .updateTable('consents')
    .set({ document_id: docId })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', consentId)
    .execute();
  scope.audit('consent.document_attach', { targetType: 'consent', targetId: consentId, subjectPersonId: row.person_id, details: { type, size: body.length } });
  return listConsents(scope, row.person_id);
}

export async function readDocument(scope: Scope, documentId: string): Promise<{ filename: string; mediaType: string; content: Buffer }> {
  const doc = await scope.trx
    .selectFrom('consent_documents')
    .select(['id', 'person_id', 'filename', 'media_type', 'content'])
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!doc) throw notFound('同意書の画像');
  await requirePersonAccess(scope, doc.person_id, 'full');
  scope.audit('consent.document_read', { targetType: 'consent_document', targetId: documentId, subjectPersonId: doc.person_id });
  return { filename: doc.filename, mediaType: doc.media_type, content: doc.content };
}
