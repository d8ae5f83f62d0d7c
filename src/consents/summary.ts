import type { Transaction } from 'kysely';
import type { Database } from '../db/types.ts';

/**
 * The current consent state of people (the latest version per purpose),
 * shown wherever a person appears.
 */
export type ConsentPurpose = 'meeting_sharing' | 'agency_sharing';

export const PURPOSE_LABELS: Record<ConsentPurpose, string> = {
  meeting_sharing: '重層的支援会議での情報共有',
  agency_sharing: '関係機関への情報提供',
};

export interface ConsentState {
  /** granted | refused | withdrawn | none */
  state: 'granted' | 'refused' | 'withdrawn' | 'none';
  label: string;
  consentId: string | null;
  versionNo: number | null;
  scopeKind: 'all' | 'listed' | null;
  agencyIds: string[];
  consentedOn: string | null;
  withdrawnOn: string | null;
}

export type ConsentSummary = Record<ConsentPurpose, ConsentState>;

const NONE: ConsentState = {
  state: 'none',
  label: '未確認',
  consentId: null,
  versionNo: null,
  scopeKind: null,
  agencyIds: [],
  consentedOn: null,
  withdrawnOn: null,
};

export async function consentSummaries(
  trx: Transaction<Database>,
  municipalityId: string,
  personIds: readonly string[],
): Promise<Map<string, ConsentSummary>> {
  const result = new Map<string, ConsentSummary>();
  for (const id of personIds) result.set(id, { meeting_sharing: NONE, agency_sharing: NONE });
  if (personIds.length === 0) return result;
  const rows = await trx
    .selectFrom('consents as k')
    .select(['k.id', 'k.person_id', 'k.purpose', 'k.version_no', 'k.decision', 'k.scope_kind', 'k.agency_ids', 'k.consented_on', 'k.withdrawn_on'])
    .where('k.municipality_id', '=', municipalityId)
    .where('k.person_id', 'in', [...personIds])
    .where(({ eb, selectFrom }) =>
      eb(
        'k.version_no',
        '=',
        selectFrom('consents as k2')
          .select(({ fn }) => fn.max('k2.version_no').as('v'))
          .whereRef('k2.municipality_id', '=', 'k.municipality_id')
          .whereRef('k2.person_id', '=', 'k.person_id')
          .whereRef('k2.purpose', '=', 'k.purpose'),
      ),
    )
    .execute();
  for (const r of rows) {
    const summary = result.get(r.person_id)!;
    const state: ConsentState['state'] = r.withdrawn_on ? 'withdrawn' : r.decision === 'granted' ? 'granted' : 'refused';
    const scope = r.scope_kind === 'all' ? '事業の全機関' : `指定の${r.agency_ids.length}機関`;
    summary[r.purpose as ConsentPurpose] = {
      state,
      label: state === 'granted' ? `同意あり（${scope}）` : state === 'refused' ? '同意しない（拒否）' : '同意撤回',
      consentId: r.id,
      versionNo: r.version_no,
      scopeKind: r.scope_kind as 'all' | 'listed',
      agencyIds: r.agency_ids,
      consentedOn: r.consented_on,
      withdrawnOn: r.withdrawn_on,
    };
  }
  return result;
}
