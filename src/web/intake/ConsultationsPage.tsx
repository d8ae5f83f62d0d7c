import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, SelectField } from '../components/forms.tsx';
import { ListResults } from '../components/lists.tsx';
import { Badge, DateTime } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { usePagedList } from '../lib/hooks.ts';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import type { ConsultationView } from '../lib/types.ts';
import { IntakeTabs } from './IntakeTabs.tsx';
import { IssueList, UrgencyBadge } from './labels.tsx';

const SCOPES = [
  { value: 'mine', label: '自機関で受け付けた相談' },
  { value: 'visible', label: '閲覧できるすべての相談（同意・つなぎによるものを含む）' },
];

export function ConsultationsPage() {
  const { get, apply } = useUrlFilters();
  const scope = get('scope') || 'mine';
  const urgentOnly = get('urgent') === '1';
  const list = usePagedList<ConsultationView>(`/api/v1/consultations${query({ scope, urgentOnly: urgentOnly ? 'true' : '', limit: 30 })}`);

  return (
    <>
      <PageHeader
        title="受け付けた相談"
        lead="受け付けた相談を新しい順に表示します。相談を開くと、つなぎ先の候補の確認や、つなぎの送付ができます。"
        actions={
          <Link to="/intake" className="button button--primary">
            新しい相談を受け付ける
          </Link>
        }
      />
      <IntakeTabs />
      <form className="search-panel" aria-label="相談の絞り込み" onSubmit={(e) => e.preventDefault()}>
        <div className="search-panel__filters">
          <SelectField id="consultations-scope" label="表示する相談" width="long" options={SCOPES} value={scope} onChange={(v) => apply({ scope: v === 'mine' ? '' : v })} />
          <Checkbox id="consultations-urgent" label="緊急・至急の相談だけ表示する" checked={urgentOnly} onChange={(c) => apply({ urgent: c ? '1' : '' })} />
        </div>
      </form>
      <ListResults
        id="consultations-title"
        title="相談の一覧"
        list={list}
        count={(n, more) => `新しい順に${n}件${more ? '以上' : ''}`}
        empty={<p>条件に合う相談はありません。</p>}
      >
        <table className="table">
          <caption className="visually-hidden">受け付けた相談（新しい順）</caption>
          <thead>
            <tr>
              <th scope="col">受付日時</th>
              <th scope="col">本人</th>
              <th scope="col">主訴</th>
              <th scope="col">課題</th>
              <th scope="col">対応</th>
              {scope !== 'mine' && <th scope="col">受付機関</th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id} className={c.urgency === '緊急' ? 'table__row--alert' : undefined}>
                <td className="nowrap">
                  <DateTime value={c.receivedAt} />
                </td>
                <td className="table__person">
                  {c.person ? c.person.displayName : <span className="muted">{c.masked ? 'つなぎで共有されていません' : (c.subjectSummary ?? '匿名')}</span>}
                </td>
                <td className="table__primary table__text">
                  <Link to={`/consultations/${c.id}`}>{c.chiefComplaint}</Link> <UrgencyBadge urgency={c.urgency} />
                  {c.masked && <Badge tone="neutral">つなぎで共有された内容</Badge>}
                </td>
                <td>
                  <IssueList issues={c.issues} primary={c.primaryIssue} />
                </td>
                <td className="table__response">{c.response}</td>
                {scope !== 'mine' && <td className="table__org">{c.agency.name}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </ListResults>
    </>
  );
}
