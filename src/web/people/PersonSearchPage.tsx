import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { TextField } from '../components/forms.tsx';
import { ClearFilters, ListResults, SearchBox } from '../components/lists.tsx';
import { Notice } from '../components/ui.tsx';
import { query } from '../lib/api.ts';
import { usePagedList } from '../lib/hooks.ts';
import { useUrlFilters } from '../lib/useUrlFilters.ts';
import type { PersonSummary } from '../lib/types.ts';
import { birthLabel, readBirthDate } from './birthDate.ts';
import { ConsentBadges } from './consent.tsx';

function Results({ path }: { path: string }) {
  const list = usePagedList<PersonSummary>(path);
  return (
    <>
      {list.error?.status === 422 &&
        (list.error.code === 'search_too_broad' ? (
          <Notice tone="warning" title="当てはまる人が多すぎます">
            <p>{list.error.message}</p>
            <p className="muted">例：「たかはし」ではなく「たかはし よし」、または生年月日を加える。</p>
          </Notice>
        ) : (
          <Notice tone="error" title="検索の条件を確認してください">
            <p>{Object.values(list.error.fields).join(' ') || list.error.message}</p>
          </Notice>
        ))}
      <ListResults
        id="person-results-title"
        title="検索結果"
        list={list}
        count={(n, more) => `${n}人${more ? '以上' : ''}`}
        unit="人"
        empty={
          <>
            <p>条件に合う人は見つかりませんでした。</p>
            <p className="muted">
              閲覧できるのは、自機関が登録・相談を受けた人、本人の同意の範囲に自機関が含まれる人、つなぎを受けた人だけです。
              名前の一部やひらがなで探し直すか、<Link to="/persons/new">新しく登録</Link>してください。
            </p>
          </>
        }
      >
        <table className="table">
          <caption className="visually-hidden">本人の検索結果（カナ順）</caption>
          <thead>
            <tr>
              <th scope="col">氏名</th>
              <th scope="col">生年月日・年齢</th>
              <th scope="col">住所</th>
              <th scope="col">同意の状況</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((p) => (
              <tr key={p.id}>
                <td className="table__primary table__name">
                  <Link to={`/persons/${p.id}`}>{p.displayName}</Link>
                  {p.nameKana && <span className="table__sub">{p.nameKana}</span>}
                  {p.contactCaution && <span className="caution-tag">連絡上の注意あり</span>}
                </td>
                <td className="nowrap">{birthLabel(p) || <span className="muted">不明</span>}</td>
                <td className="table__address">{p.address ?? <span className="muted">—</span>}</td>
                <td>
                  <ConsentBadges consent={p.consent} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListResults>
    </>
  );
}

export function PersonSearchPage() {
  const { get, text, setText, apply, clear } = useUrlFilters();
  const [birthDate, setBirthDate] = useState(get('birthDate'));
  const [phone, setPhone] = useState(get('phone'));
  const [address, setAddress] = useState(get('address'));
  const q = get('q');
  const applied = { q, birthDate: get('birthDate'), phone: get('phone'), address: get('address') };
  const searching = Object.values(applied).some(Boolean);
  const birth = readBirthDate(birthDate);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({ q: text.trim(), birthDate: (birth.iso ?? birthDate).trim(), phone: phone.trim(), address: address.trim() });
  };

  return (
    <>
      <PageHeader
        title="本人・世帯"
        lead="閲覧できる人の中から、氏名・カナの一部、生年月日、電話番号、住所で探します。髙/高 などの異体字、ひらがな・カタカナの違いは区別しません。"
        actions={
          <>
            <Link to="/persons/new" className="button button--primary">
              新しく登録する
            </Link>
            <Link to="/emergency-access" className="button button--secondary">
              緊急時の閲覧
            </Link>
          </>
        }
      />
      <form className="search-panel" role="search" aria-label="本人の検索" onSubmit={submit} noValidate>
        <SearchBox id="person-q" label="氏名・カナ" hint="一部でも探せます（例：たかはし、髙橋 ヨシ）。下の条件と組み合わせるときも「検索」を押します。" value={text} onChange={setText} />
        <div className="filter-grid">
          <TextField
            id="person-birthDate"
            label="生年月日"
            hint="西暦・和暦どちらでも"
            value={birthDate}
            onChange={setBirthDate}
            error={birth.problem && birthDate ? birth.problem : undefined}
            after={birth.preview && !birth.problem ? <p className="date-preview">{birth.preview}</p> : null}
          />
          <TextField id="person-phone" label="電話番号" hint="一部でも可" type="tel" value={phone} onChange={setPhone} />
          <TextField id="person-address" label="住所" hint="一部でも可（例：本町）" value={address} onChange={setAddress} />
        </div>
        {searching && (
          <ClearFilters
            onClear={() => {
              setBirthDate('');
              setPhone('');
              setAddress('');
              clear();
            }}
          />
        )}
      </form>
      {searching ? (
        <Results path={`/api/v1/persons${query({ ...applied, limit: 30 })}`} />
      ) : (
        <div className="empty">
          <p>条件を入力して探してください。</p>
          <p className="muted">個人情報を守るため、条件を入力せずに一覧を表示することはできません。検索は監査ログに記録されます。</p>
        </div>
      )}
    </>
  );
}
