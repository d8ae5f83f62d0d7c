import type { Scope } from '../access/gateway.ts';
import { AppError, conflict, invalid, notFound } from '../server/errors.ts';
import { int32, z } from '../shared/zod-ja.ts';
import {
  CONFIDENTIALITY_RULE_LABELS,
  CONFIDENTIALITY_RULES,
  MEETING_KIND_LABELS,
  MEETING_KINDS,
  confidentialityNotice,
  statutoryConfidentialityOf,
  type ConfidentialityRule,
  type MeetingKind,
} from '../shared/meetings.ts';

/**
 * 会議体 as municipality data: each body's rule comes from its legal basis
 * (set by the preset) and the administrator may correct it — whether its
 * members bear a statutory 守秘義務 (and under which article), whether only
 * the 市 (事務局) convenes it, which agency hosts it (主催), and whether the
 * 市 attends every meeting. A change applies to the body's meetings from the
 * next request on (the rule is read from the body).
 */

export const meetingBodyPatchSchema = z
  .object({
    confidentiality: z.enum(CONFIDENTIALITY_RULES).optional().describe('守秘義務の扱い'),
    confidentialityBasis: z.string().trim().min(1).max(200).nullable().optional().describe('守秘義務の根拠（条文）'),
    convenedBy: z.enum(['secretariat']).nullable().optional().describe('招集者'),
    hostAgencyId: z.uuid().nullable().optional().describe('主催者'),
    secretariatAttends: z.boolean().optional().describe('市（事務局）が毎回出席する'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
export type MeetingBodyPatch = z.infer<typeof meetingBodyPatchSchema>;

export interface MeetingBodyView {
  id: string;
  name: string;
  kind: MeetingKind;
  kindLabel: string;
  legalBasis: string | null;
  convener: string | null;
  organizer: string | null;
  purpose: string | null;
  confidentiality: ConfidentialityRule;
  confidentialityLabel: string;
  confidentialityBasis: string | null;
  /** What the legal basis alone would give (shown next to the administrator's choice). */
  derivedBasis: string | null;
  notice: string;
  convenedBy: 'secretariat' | null;
  host: { id: string; name: string } | null;
  secretariatAttends: boolean;
  version: number;
}

function bodyRows(scope: Scope) {
  return scope.trx
    .selectFrom('meeting_bodies as b')
    .leftJoin('agencies as a', (j) => j.onRef('a.municipality_id', '=', 'b.municipality_id').onRef('a.id', '=', 'b.host_agency_id'))
    .select([
      'b.id',
      'b.name',
      'b.kind',
      'b.legal_basis',
      'b.convener',
      'b.organizer',
      'b.purpose',
      'b.confidentiality',
      'b.confidentiality_basis',
      'b.convened_by',
      'b.host_agency_id',
      'a.name as host_name',
      'b.secretariat_attends',
      'b.version',
    ])
    .where('b.municipality_id', '=', scope.municipalityId);
}
type BodyRow = Awaited<ReturnType<ReturnType<typeof bodyRows>['executeTakeFirstOrThrow']>>;

function viewOf(r: BodyRow): MeetingBodyView {
  const kind = (MEETING_KINDS as readonly string[]).includes(r.kind) ? (r.kind as MeetingKind) : 'other';
  const confidentiality = r.confidentiality as ConfidentialityRule;
  return {
    id: r.id,
    name: r.name,
    kind,
    kindLabel: MEETING_KIND_LABELS[kind],
    legalBasis: r.legal_basis,
    convener: r.convener,
    organizer: r.organizer,
    purpose: r.purpose,
    confidentiality,
    confidentialityLabel: CONFIDENTIALITY_RULE_LABELS[confidentiality],
    confidentialityBasis: r.confidentiality_basis,
    derivedBasis: statutoryConfidentialityOf({ kind, legalBasis: r.legal_basis, name: r.name }),
    notice: confidentialityNotice(confidentiality, r.confidentiality_basis),
    convenedBy: r.convened_by === 'secretariat' ? 'secretariat' : null,
    host: r.host_agency_id ? { id: r.host_agency_id, name: r.host_name ?? '' } : null,
    secretariatAttends: r.secretariat_attends,
    version: r.version,
  };
}

export async function listMeetingBodies(scope: Scope): Promise<{ items: MeetingBodyView[] }> {
  const rows = await bodyRows(scope).orderBy('b.kind').orderBy('b.name').execute();
  return { items: rows.map(viewOf) };
}

/** The administrator corrects a body's rule (a stale version is a 409 with the current body). */
export async function updateMeetingBody(scope: Scope, bodyId: string, input: MeetingBodyPatch): Promise<MeetingBodyView> {
  const row = await bodyRows(scope).where('b.id', '=', bodyId).forUpdate('b').executeTakeFirst();
  if (!row) throw notFound('会議体');
  if (row.version !== input.version) {
    throw conflict('ほかの方が会議体の設定を先に変更しました。最新の内容を確認してから、もう一度保存してください。', { current: viewOf(row) });
  }
  const confidentiality = input.confidentiality ?? (row.confidentiality as ConfidentialityRule);
  if (row.kind === 'shien' && confidentiality !== 'statutory') {
    throw invalid({ confidentiality: '守秘義務の扱い：支援会議（社会福祉法第106条の6）の構成員には法律上の守秘義務があります' });
  }
  let basis = input.confidentialityBasis === undefined ? row.confidentiality_basis : input.confidentialityBasis;
  if (confidentiality === 'statutory') {
    basis ??= statutoryConfidentialityOf({ kind: row.kind, legalBasis: row.legal_basis, name: row.name });
    if (!basis) throw invalid({ confidentialityBasis: '守秘義務の根拠（条文）：守秘義務を定める法律の条文を入力してください（例：障害者総合支援法第89条の3）' });
  } else {
    basis = null;
  }
  if (input.hostAgencyId) {
    const agency = await scope.trx
      .selectFrom('agencies')
      .select('id')
      .where('municipality_id', '=', scope.municipalityId)
      .where('id', '=', input.hostAgencyId)
      .executeTakeFirst();
    if (!agency) throw invalid({ hostAgencyId: '主催者：この自治体の機関から選んでください' });
  }
  if (row.kind === 'suishin' && confidentiality === 'statutory') {
    throw new AppError(422, 'not_applicable', '重層的支援体制推進会議は個別の事例を扱わないため、守秘義務の扱いは変更できません。', {
      confidentiality: '守秘義務の扱い：推進会議では選べません',
    });
  }
  await scope.trx
    .updateTable('meeting_bodies')
    .set({
      confidentiality,
      confidentiality_basis: basis,
      ...(input.convenedBy !== undefined ? { convened_by: input.convenedBy } : {}),
      ...(input.hostAgencyId !== undefined ? { host_agency_id: input.hostAgencyId } : {}),
      ...(input.secretariatAttends !== undefined ? { secretariat_attends: input.secretariatAttends } : {}),
      version: row.version + 1,
    })
    .where('municipality_id', '=', scope.municipalityId)
    .where('id', '=', bodyId)
    .execute();
  scope.audit('meeting_body.update', {
    targetType: 'meeting_body',
    targetId: bodyId,
    details: { fields: Object.keys(input).filter((k) => k !== 'version'), confidentiality, confidentialityBasis: basis },
  });
  return viewOf((await bodyRows(scope).where('b.id', '=', bodyId).executeTakeFirstOrThrow()) as BodyRow);
}
