import { Badge, DateTime } from '../components/ui.tsx';
import type { AssessmentVersionSummary, AssessmentView } from '../lib/types.ts';
import { COMPARED_ITEMS, differingKeys, ItemValue } from './AssessmentParts.tsx';
import { VersionDiff, VersionList } from './VersionHistory.tsx';

/**
 * 版の履歴: every saved version (第N版, when, who, which items changed).
 * Choosing two versions shows their differences item by item (before → after).
 */
export function AssessmentHistory({
  caseId,
  versions,
  agencyName,
}: {
  caseId: string;
  versions: readonly AssessmentVersionSummary[];
  agencyName: (id: string) => string;
}) {
  if (!versions.length) return null;
  return (
    <VersionList
      versions={versions}
      className="panel assessment-history"
      titleId="assessment-history"
      title="版の履歴"
      note="比べたい版を2つ選んでください。「前の版と比べる」で、その版で何が変わったかを見られます。"
      caption="アセスメントの版の一覧（新しい順）"
      idPrefix="version-pick"
      pickable
      firstLabel="初版（新規作成）"
      badges={(v, i) => (
        <>
          {i === 0 && <Badge tone="info">最新</Badge>}
          {v.urgent && <Badge tone="error">要緊急対応</Badge>}
        </>
      )}
      savedBy={(v) => ({ name: v.savedByName, agency: v.savedByAgencyName })}
      renderDiff={([before, after], onClose) => (
        <VersionDiff<AssessmentView, string>
          urls={[`/api/v1/cases/${caseId}/assessments/${before}`, `/api/v1/cases/${caseId}/assessments/${after}`]}
          block="assessment-diff"
          table="diff-table"
          items={COMPARED_ITEMS}
          changedKeys={differingKeys}
          columnHead={(v, side) => (
            <>
              {side === 'before' ? '変更前' : '変更後'}（第{v.versionNo}版）
              <span className="table__sub">
                <DateTime value={v.savedAt} />
                {v.savedByName ? `・${v.savedByName}` : ''}
              </span>
            </>
          )}
          value={(v, key) => <ItemValue content={v} itemKey={key} agencyName={agencyName} />}
          changedFlag={<span className="visually-hidden">（変更あり）</span>}
          onClose={onClose}
        />
      )}
    />
  );
}
