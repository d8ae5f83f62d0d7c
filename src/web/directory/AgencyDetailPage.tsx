import { Link, useLocation, useParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Badge, DataList, DateTime, LoadError, Loading, Multiline, Notice, Tags } from '../components/ui.tsx';
import { can } from '../lib/access.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { AgencyView } from '../lib/types.ts';

const CRUMBS = [{ label: '機関・窓口', to: '/agencies' }];

export function AgencyDetailPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const location = useLocation();
  const flash = (location.state as { flash?: string } | null)?.flash;
  const { data: agency, error, loading, reload } = useApiData<AgencyView>(`/api/v1/agencies/${encodeURIComponent(id)}`);

  if (error) {
    return (
      <>
        <PageHeader title="機関・窓口の詳細" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
        <p>
          <Link to="/agencies">機関・窓口の一覧へ戻る</Link>
        </p>
      </>
    );
  }
  if (loading || !agency) {
    return (
      <>
        <PageHeader title="機関・窓口の詳細" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={agency.name}
        breadcrumbs={CRUMBS}
        lead={
          <span className="detail-lead">
            {agency.kana && <span className="detail-lead__kana">{agency.kana}</span>}
            {!agency.active && <Badge tone="neutral">利用停止</Badge>}
            {agency.isSecretariat && <Badge tone="info">事務局</Badge>}
            {agency.isWindow && <Badge tone="success">相談窓口</Badge>}
          </span>
        }
        actions={
          can(user.role, 'directory.write') && (
            <Link to={`/agencies/${agency.id}/edit`} className="button button--secondary">
              編集
            </Link>
          )
        }
      />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      <div className="detail-grid">
        <section className="panel panel--wide" aria-labelledby="agency-service">
          <h2 id="agency-service" className="panel__title">
            事業（サービス）
          </h2>
          <DataList
            rows={[
              { label: '事業名', value: agency.programName },
              { label: '内容', value: agency.description ? <Multiline text={agency.description} /> : null },
              { label: '基本となる対象者', value: agency.targetPopulation },
              { label: '対象分野', value: agency.fields.length ? <Tags values={agency.fields} /> : null },
              { label: '事業における役割', value: agency.roles.length ? <Tags values={agency.roles} /> : null },
              { label: '根拠法令', value: agency.legalBasis },
              { label: '相談窓口', value: agency.isWindow ? '相談を受け付ける窓口です' : '相談窓口ではありません' },
            ]}
          />
        </section>
        <section className="panel" aria-labelledby="agency-organization">
          <h2 id="agency-organization" className="panel__title">
            運営主体
          </h2>
          <DataList
            rows={[
              { label: '運営主体', value: agency.organization },
              { label: '運営形態', value: agency.operation },
              { label: '所管課', value: agency.department },
              {
                label: '設置箇所数',
                value:
                  agency.programSiteCount !== null
                    ? `事業全体で${agency.programSiteCount}か所（この拠点：${agency.siteCount ?? 1}か所）`
                    : agency.siteCount === null
                      ? null
                      : `${agency.siteCount}か所`,
              },
            ]}
          />
        </section>
        <section className="panel" aria-labelledby="agency-location">
          <h2 id="agency-location" className="panel__title">
            所在地・連絡先
          </h2>
          <DataList
            rows={[
              { label: '担当地区', value: agency.area },
              { label: '所在地', value: agency.address },
              {
                label: '電話番号',
                value: agency.phone ? <a href={`tel:${agency.phone.replace(/[^0-9+]/g, '')}`}>{agency.phone}</a> : null,
              },
              { label: 'メールアドレス', value: agency.email ? <a href={`mailto:${agency.email}`}>{agency.email}</a> : null },
              { label: '受付時間', value: agency.hours },
            ]}
          />
        </section>
        <section className="panel panel--wide" aria-labelledby="agency-admin">
          <h2 id="agency-admin" className="panel__title">
            備考・管理情報
          </h2>
          <DataList
            rows={[
              { label: '備考', value: agency.note ? <Multiline text={agency.note} /> : null },
              { label: '状態', value: agency.active ? '利用中' : '利用停止' },
              { label: '最終更新', value: <DateTime value={agency.updatedAt} /> },
            ]}
          />
          {can(user.role, 'users.read') && (
            <p className="panel__footer">
              <Link to={`/users?agency=${agency.id}`}>この機関・窓口に所属する利用者を見る</Link>
            </p>
          )}
        </section>
      </div>
      <p className="back-link">
        <Link to="/agencies">機関・窓口の一覧へ戻る</Link>
      </p>
    </>
  );
}
