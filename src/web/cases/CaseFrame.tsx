import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import type { CaseStatus } from '../../shared/cases.ts';
import { PageHeader, type Crumb } from '../components/PageHeader.tsx';
import { Badge, type BadgeTone } from '../components/ui.tsx';
import type { CaseDetail } from '../lib/types.ts';

const STATUS_TONES: Record<CaseStatus, BadgeTone> = {
  intake: 'info',
  assessment: 'info',
  planning: 'warning',
  active: 'success',
  evaluation: 'warning',
  closed: 'neutral',
  suspended: 'neutral',
};

/** The case's status as a badge (受付 / アセスメント / … / 終結 / 中断). */
export function CaseStatusBadge({ status, label }: { status: CaseStatus; label: string }) {
  return <Badge tone={STATUS_TONES[status]}>{label}</Badge>;
}

/** The line under a case page's heading: number, status, 本人, 主担当機関. */
export function CaseSubtitle({ detail }: { detail: CaseDetail }) {
  return (
    <span className="case-subtitle">
      <span className="case-subtitle__no">{detail.caseNo}</span>
      <CaseStatusBadge status={detail.status} label={detail.statusLabel} />
      {detail.primaryPerson && <span>本人：{detail.primaryPerson.displayName}</span>}
      <span>主担当：{detail.leadAgency.name}</span>
    </span>
  );
}

/** The head of a case page: the <h1> under its kicker, the case's line (CaseSubtitle) and the tabs. */
export function CaseHeader({
  detail,
  title,
  kicker,
  heading,
  breadcrumbs = caseCrumbs(detail),
}: {
  detail: CaseDetail;
  /** For <title>. */
  title: string;
  kicker: ReactNode;
  heading: ReactNode;
  breadcrumbs?: Crumb[];
}) {
  return (
    <>
      <PageHeader
        title={title}
        heading={
          <>
            <span className="heading-kicker">{kicker}</span>
            {heading}
          </>
        }
        breadcrumbs={breadcrumbs}
        lead={<CaseSubtitle detail={detail} />}
      />
      <CaseTabs caseId={detail.id} />
    </>
  );
}

/** The views of one case: 概要 / アセスメント / プラン / 支援経過. */
export function CaseTabs({ caseId }: { caseId: string }) {
  const base = `/cases/${caseId}`;
  return (
    <nav className="tabs" aria-label="事例の表示切り替え">
      <ul>
        <li>
          <NavLink to={base} end className="tabs__link">
            概要・チーム
          </NavLink>
        </li>
        <li>
          <NavLink to={`${base}/assessment`} className="tabs__link">
            アセスメント
          </NavLink>
        </li>
        <li>
          <NavLink to={`${base}/plans`} className="tabs__link">
            支援プラン
          </NavLink>
        </li>
        <li>
          <NavLink to={`${base}/records`} className="tabs__link">
            支援経過記録
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}

/** Breadcrumbs of a case's sub-pages. */
export function caseCrumbs(detail: Pick<CaseDetail, 'id' | 'caseNo'>) {
  return [
    { label: '事例（多機関協働）', to: '/cases' },
    { label: detail.caseNo, to: `/cases/${detail.id}` },
  ];
}
