import { Link } from 'react-router';
import { ROLE_LABELS, ROLES } from '../../shared/roles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { SelectField } from '../components/forms.tsx';
import { ClearFilters, ListResults, SearchBox } from '../components/lists.tsx';
import { DateTime } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { can } from '../lib/access.ts';
import { usePagedList } from '../lib/hooks.ts';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import { useUser } from '../lib/session.tsx';
import type { UserView } from '../lib/types.ts';
import { useAgencyOptions } from './agencyOptions.ts';
import { UserStatus } from './status.tsx';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function UsersPage() {
  const me = useUser();
  const { get, text, setText, apply, submit, clear } = useUrlFilters();
  const q = get('q');
  const role = get('role');
  const agency = get('agency');
  const agencies = useAgencyOptions();

  const list = usePagedList<UserView>(`/api/v1/users${query({ q, role, agencyId: agency, limit: 50 })}`);
  const filtered = Boolean(q || role || agency);

  return (
    <>
      <PageHeader
        title="利用者管理"
        lead="kasane を利用する職員のアカウントです。ロックの解除やパスワードの再設定は、利用者の名前を選んで行います。"
        actions={
          can(me.role, 'users.write') && (
            <Link to="/users/new" className="button button--primary">
              新規登録
            </Link>
          )
        }
      />
      <form className="search-panel" role="search" aria-label="利用者の検索" onSubmit={submit} noValidate>
        <SearchBox id="user-q" label="氏名・ログインID" value={text} onChange={setText} />
        <div className="search-panel__filters">
          <SelectField
            id="user-role"
            label="役割"
            value={role}
            onChange={(v) => apply({ role: v })}
            options={ROLE_OPTIONS}
            placeholder="すべて"
          />
          <SelectField
            id="user-agency"
            label="所属機関"
            value={agency}
            onChange={(v) => apply({ agency: v })}
            options={agencies.options}
            placeholder="すべて"
            width="long"
          />
        </div>
        {filtered && <ClearFilters onClear={() => clear()} />}
      </form>

      <ListResults
        id="user-results-title"
        title={filtered ? '検索結果' : 'すべての利用者'}
        list={list}
        unit="人"
        count={(n, more) => `${n}人${more ? '以上' : ''}`}
        empty={<p>条件に合う利用者は見つかりませんでした。</p>}
      >
        <table className="table">
          <caption className="visually-hidden">利用者の一覧（ログインID順）</caption>
          <thead>
            <tr>
              <th scope="col">氏名</th>
              <th scope="col">ログインID</th>
              <th scope="col">役割</th>
              <th scope="col">所属機関</th>
              <th scope="col">状態</th>
              <th scope="col" className="nowrap">
                二要素認証
              </th>
              <th scope="col">最終ログイン</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((u) => (
              <tr key={u.id} className={u.locked ? 'table__row--alert' : undefined}>
                <td className="table__primary nowrap">
                  <Link to={`/users/${u.id}`}>{u.name}</Link>
                </td>
                <td>
                  <code className="login-id">{u.loginId}</code>
                </td>
                <td className="nowrap">{u.roleLabel}</td>
                <td className="table__org">{u.agencyName}</td>
                <td>
                  <UserStatus user={u} />
                </td>
                <td className="nowrap">{u.totpEnabled ? '設定済み' : <span className="muted">未設定</span>}</td>
                <td>
                  <DateTime value={u.lastLoginAt} empty="まだありません" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListResults>
    </>
  );
}
