import { useState } from 'react';
import { useParams } from 'react-router';
import { ASSESSMENT_DOMAINS, ASSESSMENT_ITEM_LABELS } from '../../shared/cases.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { DateTime, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import type { AssessmentVersionSummary, AssessmentView, CaseDetail } from '../lib/types.ts';
import { useAgencyOptions } from '../users/agencyOptions.ts';
import { AssessmentConflict } from './AssessmentConflict.tsx';
import { AssessmentForm } from './AssessmentForm.tsx';
import { AssessmentHistory } from './AssessmentHistory.tsx';
import { agencyNamer, DomainStatusBadge, draftFrom, emptyDraft, ItemValue, type AssessmentDraft } from './AssessmentParts.tsx';
import { CaseHeader } from './CaseFrame.tsx';
import { InfoRequestsSection, MyAgencyRequests } from './InfoRequests.tsx';

/**
 * アセスメント of a case: the latest version to read, one form to write a
 * new version, what to do when someone saved first (both texts side by side),
 * the history of versions with their differences, and the 情報収集依頼
 * whose answers sit beside the assessment.
 */

type Mode =
  | { kind: 'view' }
  | { kind: 'edit'; draft: AssessmentDraft; baseVersion: number | null; base: AssessmentView | null; merged?: { from: number; kept: number } }
  | { kind: 'conflict'; message: string; current: AssessmentView; yours: AssessmentDraft; base: AssessmentView | null };

const TEXT_ITEMS = ['personWishes', 'familyWishes', 'strengths'] as const;

function LatestView({
  latest,
  agencyName,
  canEdit,
  onEdit,
}: {
  latest: AssessmentView;
  agencyName: (id: string) => string;
  canEdit: boolean;
  onEdit: () => void;
}) {
  return (
    <section className="panel assessment-view" aria-labelledby="assessment-latest">
      <div className="panel__title-row">
        <h2 id="assessment-latest" className="panel__title">
          アセスメント（第{latest.versionNo}版）
        </h2>
        {canEdit && (
          <button type="button" className="button button--primary button--small" onClick={onEdit}>
            アセスメントを更新する
          </button>
        )}
      </div>
      <p className="assessment-view__meta">
        <DateTime value={latest.savedAt} />
        <span className="sep">｜</span>
        {latest.savedByName ?? '—'}
        {latest.savedByAgencyName ? `（${latest.savedByAgencyName}）` : ''}
        {latest.changeNote ? <span className="assessment-view__note">変更メモ：{latest.changeNote}</span> : null}
      </p>
      <div className="table-wrap">
        <table className="table table--compact domain-table">
          <caption className="visually-hidden">生活の領域ごとの状態</caption>
          <thead>
            <tr>
              <th scope="col">生活の領域</th>
              <th scope="col">状態</th>
              <th scope="col">状況・メモ</th>
            </tr>
          </thead>
          <tbody>
            {ASSESSMENT_DOMAINS.map((d) => {
              const v = latest.domains[d.key];
              return (
                <tr key={d.key} className={v?.status === 'urgent' ? 'table__row--alert' : v?.status === 'unknown' ? 'domain-table__unknown' : undefined}>
                  <th scope="row" className="domain-table__label">
                    {d.label}
                  </th>
                  <td className="domain-table__status">
                    <DomainStatusBadge status={v?.status ?? 'unknown'} />
                  </td>
                  <td>{v?.note.trim() ? <Multiline text={v.note} /> : <span className="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <dl className="assessment-items">
        {TEXT_ITEMS.map((key) => (
          <div key={key} className="assessment-items__row">
            <dt>{ASSESSMENT_ITEM_LABELS[key]}</dt>
            <dd>
              <ItemValue content={latest} itemKey={key} agencyName={agencyName} />
            </dd>
          </div>
        ))}
        <div className="assessment-items__row">
          <dt>{ASSESSMENT_ITEM_LABELS.risks}</dt>
          <dd>
            <ItemValue content={latest} itemKey="risks" agencyName={agencyName} />
          </dd>
        </div>
        <div className="assessment-items__row">
          <dt>{ASSESSMENT_ITEM_LABELS.involvement}</dt>
          <dd>
            <ItemValue content={latest} itemKey="involvement" agencyName={agencyName} />
          </dd>
        </div>
        <div className="assessment-items__row assessment-items__row--summary">
          <dt>{ASSESSMENT_ITEM_LABELS.summary}</dt>
          <dd>
            <ItemValue content={latest} itemKey="summary" agencyName={agencyName} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

export function AssessmentPage() {
  const { id = '' } = useParams();
  const base = `/api/v1/cases/${encodeURIComponent(id)}`;
  const caseData = useApiData<CaseDetail>(base);
  const latestData = useApiData<AssessmentView>(`${base}/assessments/latest`);
  const versionsData = useApiData<{ items: AssessmentVersionSummary[] }>(`${base}/assessments`);
  const { options: agencyOptions } = useAgencyOptions();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [flash, setFlash] = useState<string | null>(null);

  const detail = caseData.data;
  const title = detail ? `アセスメント ${detail.caseNo}` : 'アセスメント';
  if (caseData.error) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={[{ label: '事例（多機関協働）', to: '/cases' }]} />
        <LoadError error={caseData.error} onRetry={caseData.reload} />
      </>
    );
  }
  const latestMissing = !latestData.data && latestData.error?.status === 404;
  if (!detail || (!latestData.data && !latestMissing && !latestData.error)) {
    return (
      <>
        <PageHeader title={title} breadcrumbs={[{ label: '事例（多機関協働）', to: '/cases' }]} />
        <Loading />
      </>
    );
  }
  const latest = latestData.data;
  const agencyName = agencyNamer(
    [latest, mode.kind === 'conflict' ? mode.current : null, mode.kind !== 'view' ? mode.base : null],
    agencyOptions,
  );
  const caseOpen = detail.status !== 'closed' && detail.status !== 'suspended';
  const canEdit = detail.access.edit && caseOpen;
  const teamAgencyIds = detail.team.filter((m) => m.userId === null).map((m) => m.agencyId);

  const startEdit = () => {
    setFlash(null);
    setMode({ kind: 'edit', draft: latest ? draftFrom(latest) : emptyDraft(), baseVersion: latest?.versionNo ?? null, base: latest ?? null });
  };
  const saved = (view: AssessmentView) => {
    latestData.setData(view);
    versionsData.reload();
    setMode({ kind: 'view' });
    setFlash(
      `第${view.versionNo}版として保存しました。${view.urgent && !latest?.urgent ? '要緊急対応のため、主担当機関と事務局に通知しました。' : ''}`,
    );
    window.scrollTo({ top: 0 });
  };

  return (
    <>
      <CaseHeader detail={detail} title={title} kicker={detail.title} heading="アセスメント" />
      <div className="case-page">
        {flash && (
          <Notice tone="success" focus>
            <p>{flash}</p>
          </Notice>
        )}
        {latest?.urgent && mode.kind === 'view' && (
          <Notice tone="error" title="要緊急対応">
            <p>最新のアセスメントに、要緊急対応の領域または生命・身体にかかわるリスクがあります。主担当機関と連絡を取り、対応を確認してください。</p>
          </Notice>
        )}
        {!caseOpen && (
          <Notice tone="info">
            <p>この事例は{detail.statusLabel}しています。アセスメントは閲覧のみできます（再開すると更新できます）。</p>
          </Notice>
        )}
        <div className={`assessment-layout${mode.kind === 'conflict' ? ' assessment-layout--single' : ''}`}>
          <div className="assessment-layout__main">
            {mode.kind === 'conflict' && (
              <AssessmentConflict
                message={mode.message}
                current={mode.current}
                yours={mode.yours}
                base={mode.base}
                agencyName={agencyName}
                onContinue={(merged, baseVersion, kept) =>
                  setMode({ kind: 'edit', draft: merged, baseVersion, base: mode.current, merged: { from: baseVersion, kept } })
                }
                onTakeTheirs={() => {
                  setMode({ kind: 'view' });
                  setFlash(`入力を破棄し、最新の第${mode.current.versionNo}版を表示しています。`);
                }}
              />
            )}
            {mode.kind === 'edit' ? (
              <section className="panel">
                <AssessmentForm
                  key={`${mode.baseVersion ?? 0}-${mode.merged?.from ?? 0}`}
                  caseId={detail.id}
                  initial={mode.draft}
                  baseVersion={mode.baseVersion}
                  agencyOptions={agencyOptions}
                  teamAgencyIds={teamAgencyIds}
                  notice={
                    mode.merged ? (
                      <Notice tone="info" title={`第${mode.merged.from}版をもとに編集しています`}>
                        <p>
                          最新の版に、あなたの入力から{mode.merged.kept}項目を反映しました。内容を確認してから保存してください。
                        </p>
                      </Notice>
                    ) : undefined
                  }
                  onSaved={saved}
                  onConflict={(current, yours, message) => {
                    versionsData.reload();
                    if (!current) {
                      latestData.reload();
                      return;
                    }
                    latestData.setData(current);
                    setMode({ kind: 'conflict', message, current, yours, base: mode.base });
                    window.scrollTo({ top: 0 });
                  }}
                  onCancel={() => setMode({ kind: 'view' })}
                />
              </section>
            ) : mode.kind === 'view' && latest ? (
              <LatestView latest={latest} agencyName={agencyName} canEdit={canEdit} onEdit={startEdit} />
            ) : mode.kind === 'view' ? (
              <section className="panel" aria-labelledby="assessment-none">
                <h2 id="assessment-none" className="panel__title">
                  アセスメント
                </h2>
                <div className="empty">
                  <p>この事例のアセスメントはまだありません。</p>
                  <p className="muted">12の生活の領域ごとの状態、本人・家族の思い、強み、リスク、関係機関の関わりを記録します。</p>
                  {canEdit && (
                    <button type="button" className="button button--primary" onClick={startEdit}>
                      アセスメントを作成する
                    </button>
                  )}
                </div>
              </section>
            ) : null}
          </div>
          <aside className="assessment-layout__aside" aria-label="情報収集依頼">
            <InfoRequestsSection detail={detail} />
            <MyAgencyRequests currentCaseId={detail.id} />
          </aside>
        </div>
        {versionsData.data && <AssessmentHistory caseId={detail.id} versions={versionsData.data.items} agencyName={agencyName} />}
      </div>
    </>
  );
}
