import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { CASE_PERSON_RELATIONS } from '../../shared/cases.ts';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorSummary, formErrorsFrom, SelectField, type FormErrors } from '../components/forms.tsx';
import { Badge, DataList, DateTime, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { CaseDetail } from '../lib/types.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { CaseHeader } from './CaseFrame.tsx';
import { TeamPanel } from './CaseTeam.tsx';
import { TransitionHistory, TransitionPanel } from './CaseTransitions.tsx';

const CRUMBS = [{ label: '事例（多機関協働）', to: '/cases' }];

function minutes(n: number | null): string {
  if (n === null) return '';
  return n >= 60 ? `${Math.floor(n / 60)}時間${n % 60 ? `${n % 60}分` : ''}` : `${n}分`;
}

/** 対象者: the 本人 and the household members on the case. */
function PersonsPanel({ detail, onChanged }: { detail: CaseDetail; onChanged: (message: string) => void }) {
  const [adding, setAdding] = useState(false);
  const [relation, setRelation] = useState<string>('世帯員');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const manage = detail.access.manage && detail.status !== 'closed' && detail.status !== 'suspended';
  return (
    <section className="panel" aria-labelledby="case-persons">
      <h2 id="case-persons" className="panel__title">
        対象者
      </h2>
      <ul className="plain-list case-persons">
        {detail.persons.map((p) => (
          <li key={p.id}>
            {p.visible ? <Link to={`/persons/${p.id}`}>{p.displayName}</Link> : <span className="muted">{p.displayName}</span>}
            {p.nameKana && <span className="muted">（{p.nameKana}）</span>}
            <Badge tone={p.isPrimary ? 'info' : 'neutral'}>{p.relation}</Badge>
            {p.birthDate && <span className="case-persons__birth">{formatDate(p.birthDate)}生</span>}
          </li>
        ))}
      </ul>
      {manage && !adding && (
        <button type="button" className="button button--secondary button--small" onClick={() => setAdding(true)}>
          世帯員などを加える
        </button>
      )}
      {manage && adding && (
        <div className="form">
          <ErrorSummary errors={errors} idFor={() => 'case-person-search'} />
          <SelectField
            id="case-person-relation"
            label="事例での立場"
            value={relation}
            onChange={setRelation}
            width="short"
            options={CASE_PERSON_RELATIONS.filter((r) => r !== '本人').map((r) => ({ value: r, label: r }))}
          />
          <PersonPicker
            id="case-person-search"
            label="加える人を探す"
            excludeIds={detail.persons.map((p) => p.id)}
            pickLabel="この人を加える"
            onPick={(person) => {
              setErrors(null);
              api
                .post<CaseDetail>(`/api/v1/cases/${detail.id}/persons`, { personId: person.id, relation })
                .then(() => {
                  setAdding(false);
                  onChanged(`${person.displayName}さんを対象者に加えました。`);
                })
                .catch((e: unknown) => setErrors(formErrorsFrom(e)));
            }}
          />
          <button type="button" className="button button--tertiary" onClick={() => setAdding(false)}>
            やめる
          </button>
        </div>
      )}
    </section>
  );
}

/** The case page (概要・チーム): where the case stands, the team, what was done lately. */
export function CasePage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { data: detail, error, reload, setData } = useApiData<CaseDetail>(`/api/v1/cases/${encodeURIComponent(id)}`);
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);

  if (error) {
    return (
      <>
        <PageHeader title="事例" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!detail) {
    return (
      <>
        <PageHeader title="事例" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }
  const changed = (message: string) => {
    setFlash(message);
    reload();
  };
  const d = detail;
  return (
    <>
      <CaseHeader detail={d} title={`${d.caseNo} ${d.title}`} kicker="事例（多機関協働）" heading={d.title} breadcrumbs={CRUMBS} />
      <div className="case-page">
      {flash && (
        <Notice tone="success" focus>
          <p>{flash}</p>
        </Notice>
      )}
      {d.assessment?.urgent && (
        <Notice tone="error" title="要緊急対応">
          <p>最新のアセスメントに、緊急の対応が必要な領域またはリスクがあります。アセスメントを確認してください。</p>
        </Notice>
      )}
      <TransitionPanel
        detail={d}
        onChanged={(next, message) => {
          setData(next);
          setFlash(message);
        }}
      />
      {d.closure && (
        <section className="panel panel--wide" aria-labelledby="case-closure">
          <h2 id="case-closure" className="panel__title">
            終結
          </h2>
          <DataList
            rows={[
              { label: '終結日', value: formatDate(d.closure.closedOn) },
              { label: '終結理由', value: d.closure.reason },
              {
                label: '決定した会議',
                value: !(d.closure.meetingRef || d.closure.meetingDate || d.closure.meetingId) ? (
                  ''
                ) : (
                  <>
                    {`${d.closure.meetingRef ?? ''}${d.closure.meetingDate ? `（${formatDate(d.closure.meetingDate)}）` : ''}`}
                    {d.closure.meetingId && (
                      <>
                        {'　'}
                        <Link to={`/meetings/${d.closure.meetingId}`}>議事録を開く</Link>
                      </>
                    )}
                  </>
                ),
              },
              {
                label: 'つながり続ける機関（伴走）',
                value: d.closure.followUpAgency
                  ? `${d.closure.followUpAgency.name}｜${d.closure.followUpFrequency ?? ''}（${d.closure.followUpIntervalDays ?? '—'}日ごと）`
                  : 'なし',
              },
              ...(d.closure.note ? [{ label: '経緯', value: <Multiline text={d.closure.note} /> }] : []),
            ]}
          />
        </section>
      )}
      <div className="case-summary-grid">
        <section className="panel" aria-labelledby="sum-assessment">
          <h2 id="sum-assessment" className="panel__title">
            アセスメント
          </h2>
          {d.assessment ? (
            <p>
              第{d.assessment.versionNo}版（<DateTime value={d.assessment.savedAt} />
              {d.assessment.savedByName ? `・${d.assessment.savedByName}` : ''}）
            </p>
          ) : (
            <p className="muted">まだ作成されていません。</p>
          )}
          {d.openInfoRequests > 0 && <p>回答待ちの情報収集依頼：{d.openInfoRequests}件</p>}
          <Link to={`/cases/${d.id}/assessment`}>アセスメントを開く</Link>
        </section>
        <section className="panel" aria-labelledby="sum-plan">
          <h2 id="sum-plan" className="panel__title">
            支援プラン
          </h2>
          {d.plan ? (
            <>
              <p>
                第{d.plan.planNo}回プラン <Badge tone={d.plan.status === 'draft' ? 'warning' : 'success'}>{d.plan.statusLabel}</Badge>
              </p>
              {d.plan.longTermGoal && <p className="case-summary__goal">長期目標：{d.plan.longTermGoal}</p>}
              {d.plan.nextReviewOn && (d.plan.status === 'approved' || d.plan.status === 'active') && <p>次回評価日：{formatDate(d.plan.nextReviewOn)}</p>}
            </>
          ) : (
            <p className="muted">まだ作成されていません。</p>
          )}
          <Link to={`/cases/${d.id}/plans`}>支援プランを開く</Link>
        </section>
        <PersonsPanel detail={d} onChanged={changed} />
      </div>
      <TeamPanel detail={d} onChanged={changed} />
      <section className="panel panel--wide" aria-labelledby="sum-records">
        <div className="panel__title-row">
          <h2 id="sum-records" className="panel__title">
            最近の支援経過
          </h2>
          <Link to={`/cases/${d.id}/records`} className="button button--secondary button--small">
            支援経過を記録する
          </Link>
        </div>
        <p className="muted">
          最後の本人との接触：{d.lastContactAt ? <DateTime value={d.lastContactAt} /> : '記録なし'}
        </p>
        {d.recentRecords.length === 0 ? (
          <p>まだ支援経過の記録はありません。</p>
        ) : (
          <ol className="record-list">
            {d.recentRecords.slice(0, 5).map((r) => (
              <li key={r.id} className="record-list__item">
                <p className="record-list__head">
                  <Badge tone="info">{r.kind}</Badge>
                  <DateTime value={r.occurredAt} />
                  <span>
                    {r.agencyName}｜{r.staffName}
                  </span>
                  {r.durationMinutes !== null && <span className="muted">{minutes(r.durationMinutes)}</span>}
                  {r.corrected && <Badge tone="warning">訂正あり</Badge>}
                </p>
                <p className="multiline record-list__body">{r.content}</p>
              </li>
            ))}
          </ol>
        )}
        {d.recentRecords.length > 5 && <Link to={`/cases/${d.id}/records`}>すべての支援経過を見る</Link>}
      </section>
      <section className="panel panel--wide" aria-labelledby="case-origin">
        <h2 id="case-origin" className="panel__title">
          開始のきっかけと関連する記録
        </h2>
        <DataList
          rows={[
            { label: '開始', value: `${formatDate(d.openedOn)}｜${d.openedByAgencyName}（${d.originLabel}）` },
            ...(d.originReason ? [{ label: '開始の理由', value: <Multiline text={d.originReason} /> }] : []),
            {
              label: 'つなぎ',
              value: d.referrals.length ? (
                <ul className="plain-list">
                  {d.referrals.map((r) => (
                    <li key={r.id}>
                      <Link to={`/referrals/${r.id}`}>{r.chiefComplaint}</Link>（{r.fromAgencyName} → {r.toAgencyName}、<DateTime value={r.sentAt} />）
                    </li>
                  ))}
                </ul>
              ) : (
                'なし'
              ),
            },
            {
              label: '相談',
              value: d.consultations.length ? (
                <ul className="plain-list">
                  {d.consultations.map((c) => (
                    <li key={c.id}>
                      <Link to={`/consultations/${c.id}`}>{c.chiefComplaint}</Link>（{c.agencyName}、<DateTime value={c.receivedAt} />）
                    </li>
                  ))}
                </ul>
              ) : (
                'なし'
              ),
            },
          ]}
        />
      </section>
      <TransitionHistory detail={d} />
      </div>
    </>
  );
}
