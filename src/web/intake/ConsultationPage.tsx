import { Link, useLocation, useParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Badge, DataList, DateTime, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { ConsultationView, Suggestion } from '../lib/types.ts';
import { statusTone } from '../referrals/status.tsx';
import { OpenCaseFromConsultation } from '../cases/PersonCases.tsx';
import { IssueList, UrgencyBadge } from './labels.tsx';
import { RoutingPanel, useRoutingSuggestions } from './RoutingPanel.tsx';

const CRUMBS = [{ label: '受け付けた相談', to: '/consultations' }];

function consulter(c: ConsultationView): string {
  const parts: string[] = [c.consulterType];
  if (c.consulterRelation) parts.push(`（${c.consulterRelation}）`);
  if (c.consulterName) parts.push(` ${c.consulterName}`);
  return parts.join('');
}

function ConsultationBody({ c, saved }: { c: ConsultationView; saved: boolean }) {
  const user = useUser();
  const routing = useRoutingSuggestions({ issues: c.issues, personId: c.person?.id ?? null });
  const referHref = `/referrals/new?consultation=${c.id}`;
  return (
    <>
      {saved && (
        <Notice tone="success" title="相談を受け付けました" focus>
          <p>続けて行う操作を選んでください。</p>
          <ul className="next-steps">
            {c.person && (
              <li>
                <Link to={`/persons/${c.person.id}`}>本人のページを開く（{c.person.displayName}）</Link>
              </li>
            )}
            <li>
              <Link to={referHref}>つなぐ（共通様式でつなぎ先へ送る）</Link>
            </li>
            <li>
              <Link to="/intake">続けて受付する</Link>
            </li>
          </ul>
        </Notice>
      )}
      {c.masked && (
        <Notice tone="info" title="つなぎで共有された内容のみ表示しています">
          <p>
            この相談はほかの機関が受け付けたもので、
            {c.sharedThrough ? (
              <>
                <Link to={`/referrals/${c.sharedThrough.referralId}`}>
                  つなぎ（{c.sharedThrough.fromAgencyName} → {c.sharedThrough.toAgencyName}）
                </Link>
                で共有された内容だけを表示しています。
              </>
            ) : (
              'つなぎで共有された内容だけを表示しています。'
            )}
            {c.person
              ? '本人はつなぎに記載された範囲で表示しています。'
              : '本人・相談者の氏名や世帯は、つなぎで共有されていないため表示しません。'}
          </p>
          <p>それ以上の情報が必要なときは、受付機関（{c.agency.name}）に本人の同意の確認を依頼してください。</p>
        </Notice>
      )}
      {c.urgency === '緊急' && (
        <Notice tone="error" title="緊急の相談です">
          <p>
            {c.urgentFlags.length ? `緊急の兆候：${c.urgentFlags.join('・')}。` : ''}
            地域福祉コーディネーターと事務局に通知しました。
          </p>
        </Notice>
      )}
      <div className="detail-with-aside">
        <div className="detail-with-aside__main">
          <section className="panel" aria-labelledby="consultation-reception">
            <h2 id="consultation-reception" className="panel__title">
              受付
            </h2>
            <DataList
              rows={[
                { label: '受付日時', value: <DateTime value={c.receivedAt} /> },
                { label: '受付機関・受付者', value: `${c.agency.name}｜${c.receivedBy.name ?? '—'}` },
                { label: '相談経路', value: c.channel },
                { label: '相談者', value: consulter(c) },
                {
                  label: '本人',
                  value: c.person ? (
                    <Link to={`/persons/${c.person.id}`}>{c.person.displayName}</Link>
                  ) : c.masked ? (
                    <span className="muted">つなぎで共有されていません</span>
                  ) : (
                    <>
                      <Badge tone="neutral">匿名</Badge> {c.subjectSummary}
                    </>
                  ),
                },
                ...(c.householdId ? [{ label: '世帯', value: <Link to={`/households/${c.householdId}`}>世帯のページを開く</Link> }] : []),
              ]}
            />
          </section>
          <section className="panel" aria-labelledby="consultation-content">
            <h2 id="consultation-content" className="panel__title">
              相談の内容
            </h2>
            <DataList
              rows={[
                { label: c.masked ? '主訴（つなぎの記載）' : '主訴', value: c.chiefComplaint },
                { label: c.masked ? '相談内容（つなぎの記載）' : '相談内容', value: c.content ? <Multiline text={c.content} /> : null },
                { label: '課題', value: <IssueList issues={c.issues} primary={c.primaryIssue} /> },
                { label: '緊急度', value: <UrgencyBadge urgency={c.urgency} showNormal /> },
                { label: '緊急の兆候', value: c.urgentFlags.length ? c.urgentFlags.join('・') : 'なし' },
                { label: '対応', value: c.response },
                { label: '同意の有無', value: c.consentStatus },
              ]}
            />
          </section>
          <section className="panel" aria-labelledby="consultation-referrals">
            <h2 id="consultation-referrals" className="panel__title">
              {c.masked ? '自機関が関わるつなぎ' : 'この相談からのつなぎ'}
            </h2>
            {c.referrals.length === 0 ? (
              <p className="muted">まだつないでいません。</p>
            ) : (
              <ul className="plain-list">
                {c.referrals.map((r) => (
                  <li key={r.id}>
                    <Link to={`/referrals/${r.id}`}>{r.toAgencyName}</Link> <Badge tone={statusTone(r.status)}>{r.statusLabel}</Badge>{' '}
                    <span className="muted">
                      <DateTime value={r.sentAt} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {!c.masked && (
              <div className="button-row">
                <Link to={`${referHref}&to=coordination`} className="button button--primary">
                  多機関協働（コーディネーター）へつなぐ
                </Link>
                <Link to={referHref} className="button button--secondary">
                  機関を選んでつなぐ
                </Link>
                <OpenCaseFromConsultation consultationId={c.id} hasPerson={c.person !== null} />
              </div>
            )}
          </section>
        </div>
        <aside className="detail-with-aside__aside" aria-label="交通整理">
          <RoutingPanel
            titleId="consultation-routing-title"
            {...routing}
            ownAgencyId={user.agencyId}
            empty={<p>課題が記録されていないため、候補はありません。「機関を選んでつなぐ」から、つなぎ先を選べます。</p>}
            {...(c.masked
              ? {}
              : {
                  action: (s: Suggestion) => (
                    <Link to={`${referHref}&to=${s.agency.id}`} className="button button--secondary button--small">
                      ここにつなぐ<span className="visually-hidden">（{s.agency.name}）</span>
                    </Link>
                  ),
                })}
          />
        </aside>
      </div>
    </>
  );
}

export function ConsultationPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const saved = Boolean((location.state as { saved?: boolean } | null)?.saved);
  const { data, error, reload } = useApiData<ConsultationView>(`/api/v1/consultations/${encodeURIComponent(id)}`);
  if (error) {
    return (
      <>
        <PageHeader title="相談の記録" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
        {error.status === 404 && (
          <div className="prose">
            <p>ほかの機関が受け付けた相談は、本人の同意の範囲に自機関が含まれるときか、つなぎを受けたときだけ表示できます。</p>
            <p>
              「緊急の相談」のお知らせを受けたときは、お知らせに書かれた受付機関に連絡して状況を確認してください。本人が特定されていて、命や身体を守るためにすぐ情報が必要なときは、
              <Link to="/emergency-access">緊急時の閲覧</Link>の手続きができます。
            </p>
          </div>
        )}
      </>
    );
  }
  if (!data) {
    return (
      <>
        <PageHeader title="相談の記録" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={`相談：${data.chiefComplaint}`}
        heading={
          <>
            <span className="heading-kicker">相談の記録</span>
            {data.chiefComplaint}
          </>
        }
        breadcrumbs={CRUMBS}
        lead={
          <span className="detail-lead">
            <UrgencyBadge urgency={data.urgency} />
            <span>
              <DateTime value={data.receivedAt} /> 受付（{data.agency.name}）
            </span>
          </span>
        }
      />
      <ConsultationBody c={data} saved={saved} key={data.id} />
    </>
  );
}
