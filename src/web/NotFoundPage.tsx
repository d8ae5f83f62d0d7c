import { Link } from 'react-router';
import { PageHeader } from './components/PageHeader.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="ページが見つかりません" />
      <div className="prose">
        <p>お探しのページは見つかりませんでした。アドレス（URL）が正しいか確認してください。</p>
        <p>ページが移動したか、削除された可能性があります。</p>
        <ul className="link-list">
          <li>
            <Link to="/">ホームへ戻る</Link>
          </li>
          <li>
            <Link to="/agencies">機関・窓口を探す</Link>
          </li>
        </ul>
      </div>
    </>
  );
}

export function ForbiddenPage() {
  return (
    <>
      <PageHeader title="この画面を表示する権限がありません" />
      <div className="prose">
        <p>この画面は、担当する役割の方だけが利用できます。必要な場合は、システム管理者に相談してください。</p>
        <p>
          <Link to="/">ホームへ戻る</Link>
        </p>
      </div>
    </>
  );
}
