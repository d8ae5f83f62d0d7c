import { Link } from 'react-router';
import { AGENCY_FIELDS, PROJECT_ROLES } from '../../shared/roles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, SelectField } from '../components/forms.tsx';
import { ClearFilters, ListResults, SearchBox } from '../components/lists.tsx';
import { Badge, Tags } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { can } from '../lib/access.ts';
import { useApiData, usePagedList } from '../lib/hooks.ts';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import { useUser } from '../lib/session.tsx';
import type { AgencyView } from '../lib/types.ts';
import type { DepartmentView } from '../../directory/departments.ts';
import { DirectoryTabs } from './DirectoryTabs.tsx';

const FIELD_OPTIONS = AGENCY_FIELDS.map((v) => ({ value: v, label: v }));
const ROLE_OPTIONS = PROJECT_ROLES.map((v) => ({ value: v, label: v }));

export function DirectoryPage() {
  const user = useUser();
  const admin = can(user.role, 'directory.write');
  const { get, text, setText, apply, submit, clear } = useUrlFilters();
  const q = get('q');
  const field = get('field');
  const role = get('role');
  const departmentId = get('departmentId');
  const departments = useApiData<{ items: DepartmentView[] }>('/api/v1/departments');
  const departmentOptions = (departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }));
  const inactive = get('inactive') === '1';

  const list = usePagedList<AgencyView>(
    `/api/v1/agencies${query({ q, field, role, departmentId, includeInactive: admin && inactive ? 'true' : '', limit: 50 })}`,
  );
  const filtered = Boolean(q || field || role || departmentId);

  return (
    <>
      <PageHeader
        title="機関・窓口"
        lead="重層的支援体制整備事業に関わる相談支援機関・窓口の一覧です。名称（漢字・ひらがな・カタカナ）、事業名、所管課で検索できます。"
        actions={
          admin && (
            <Link to="/agencies/new" className="button button--primary">
              新規登録
            </Link>
          )
        }
      />
      <DirectoryTabs />
      <form className="search-panel" role="search" aria-label="機関・窓口の検索" onSubmit={submit} noValidate>
        <SearchBox id="agency-q" label="キーワード" hint="例：みなみ、地域包括、こども家庭センター" value={text} onChange={setText} />
        <div className="search-panel__filters">
          <SelectField
            id="agency-field"
            label="対象分野"
            value={field}
            onChange={(v) => apply({ field: v })}
            options={FIELD_OPTIONS}
            placeholder="すべて"
            width="short"
          />
          <SelectField
            id="agency-role"
            label="事業における役割"
            value={role}
            onChange={(v) => apply({ role: v })}
            options={ROLE_OPTIONS}
            placeholder="すべて"
          />
          <SelectField
            id="agency-department"
            label="所管課"
            value={departmentId}
            onChange={(v) => apply({ departmentId: v })}
            options={departmentOptions}
            placeholder="すべて"
            width="short"
          />
          {admin && (
            <Checkbox
              id="agency-inactive"
              label="利用を停止した機関・窓口も表示する"
              checked={inactive}
              onChange={(checked) => apply({ inactive: checked ? '1' : '' })}
            />
          )}
        </div>
        {filtered && <ClearFilters onClear={() => clear(['inactive'])} />}
      </form>

      <ListResults
        id="agency-results-title"
        title={filtered ? '検索結果' : 'すべての機関・窓口'}
        list={list}
        count={(n, more) => `${n}件${more ? '以上' : ''}`}
        empty={
          <>
            <p>条件に合う機関・窓口は見つかりませんでした。</p>
            <p className="muted">キーワードを短くする、ひらがなで入力する、対象分野や役割の条件を外すなどして、もう一度お試しください。</p>
          </>
        }
      >
        <table className="table">
          <caption className="visually-hidden">機関・窓口の一覧（名称の五十音順）</caption>
          <thead>
            <tr>
              <th scope="col">名称</th>
              <th scope="col">対象分野</th>
              <th scope="col">事業名</th>
              <th scope="col">役割</th>
              <th scope="col" className="nowrap">運営形態</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr key={a.id}>
                <td className="table__primary table__name">
                  <Link to={`/agencies/${a.id}`}>{a.name}</Link>
                  {!a.active && (
                    <>
                      {' '}
                      <Badge tone="neutral">利用停止</Badge>
                    </>
                  )}
                  {a.isSecretariat && (
                    <>
                      {' '}
                      <Badge tone="info">事務局</Badge>
                    </>
                  )}
                </td>
                <td>
                  <Tags values={a.fields} />
                </td>
                <td>{a.programName ?? <span className="muted">—</span>}</td>
                <td>
                  <Tags values={a.roles} />
                </td>
                <td className="nowrap">{a.operation ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListResults>
    </>
  );
}
