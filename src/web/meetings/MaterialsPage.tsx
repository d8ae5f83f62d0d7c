import { Link, useParams } from 'react-router';
import { PLAN_STATUS_LABELS, type PlanStatus } from '../../shared/cases.ts';
import { formatDate, formatDateTime } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Badge, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import type { MaterialItem, Materials } from '../lib/types.ts';

const CRUMBS = [{ label: '会議', to: '/meetings' }];

/** 支援会議: what the attendee may and may not do with what they read. */
export const SHIEN_NOTICE =
  'この資料は支援会議（社会福祉法第106条の6）で共有された内容で、非公開です。出席者には守秘義務があります。会議の外（ほかの会議、事例の記録、家族や関係者との会話など）で共有しないでください。';
export const CAUTION_NOTICE =
  '本人の同意（会議での情報共有）に基づいて、この会議の出席機関と共有する資料です（取扱注意）。会議の目的以外に使わず、複製や持ち出しは必要な範囲にとどめてください。';

function planStatusLabel(status: string): string {
  return PLAN_STATUS_LABELS[status as PlanStatus] ?? status;
}

/** The compiled materials of one agenda item: the case's assessment summary, current plan and recent records. */
export function MaterialBody({ item, print = false }: { item: MaterialItem; print?: boolean }) {
  const c = item.case;
  const H = print ? 'h4' : 'h3';
  return (
    <div className="materials-item__body">
      {(item.person || item.description) && (
        <dl className="materials-facts">
          {item.person && (
            <div>
              <dt>対象の方</dt>
              <dd>{item.person.name}</dd>
            </div>
          )}
          {c && (
            <div>
              <dt>事例</dt>
              <dd>
                {c.caseNo} {c.title}（{c.statusLabel}）
              </dd>
            </div>
          )}
          {item.description && (
            <div>
              <dt>説明</dt>
              <dd>
                <Multiline text={item.description} />
              </dd>
            </div>
          )}
        </dl>
      )}
      {item.withheld && (
        <Notice tone="warning" title="資料を表示できません">
          <p>{item.withheld}</p>
        </Notice>
      )}
      {!item.withheld && item.kind === 'topic' && <p className="muted">事例を伴わない議題です（事前資料はありません）。</p>}
      {!item.withheld && item.kind === 'person' && !c && <p className="muted">事例として登録されていない方の議題です。会議で口頭により共有します。</p>}
      {c && (
        <>
          <section className="materials-block">
            <H className="materials-block__title">
              アセスメントの要約
              {c.assessment && <span className="materials-block__meta">第{c.assessment.versionNo}版・{formatDate(c.assessment.savedAt)}</span>}
            </H>
            {c.assessment ? (
              <>
                {(c.assessment.urgent || c.assessment.risks.length > 0) && (
                  <p className="materials-risks">
                    {c.assessment.urgent && <Badge tone="error">緊急性あり</Badge>}
                    {c.assessment.risks.map((r) => (
                      <Badge key={r} tone="warning">
                        {r}
                      </Badge>
                    ))}
                  </p>
                )}
                <p className="materials-text">
                  <Multiline text={c.assessment.summary || '（要約は未記入です）'} />
                </p>
              </>
            ) : (
              <p className="muted">アセスメントはまだ記録されていません。</p>
            )}
          </section>
          <section className="materials-block">
            <H className="materials-block__title">
              支援プラン
              {c.plan && (
                <span className="materials-block__meta">
                  第{c.plan.planNo}回・第{c.plan.currentVersion}版・{planStatusLabel(c.plan.status)}
                  {c.plan.status === 'draft' && '（会議で検討する案）'}
                </span>
              )}
            </H>
            {c.plan ? (
              <dl className="materials-plan">
                <div>
                  <dt>長期目標</dt>
                  <dd>
                    <Multiline text={c.plan.longTermGoal} />
                  </dd>
                </div>
                <div>
                  <dt>短期目標</dt>
                  <dd>
                    <ol className="materials-goals">
                      {c.plan.shortTermGoals.map((g) => (
                        <li key={g.key}>{g.text}</li>
                      ))}
                    </ol>
                  </dd>
                </div>
                <div>
                  <dt>支援の方向性</dt>
                  <dd>{c.plan.direction ? <Multiline text={c.plan.direction} /> : <span className="muted">未記入</span>}</dd>
                </div>
                {c.plan.nextReviewOn && (
                  <div>
                    <dt>次回評価日</dt>
                    <dd>{formatDate(c.plan.nextReviewOn)}</dd>
                  </div>
                )}
              </dl>
            ) : (
              <p className="muted">支援プランはまだありません。</p>
            )}
          </section>
          <section className="materials-block">
            <H className="materials-block__title">
              最近の支援経過<span className="materials-block__meta">新しい順に{c.records.length}件</span>
            </H>
            {c.records.length === 0 ? (
              <p className="muted">支援経過の記録はまだありません。</p>
            ) : (
              <table className={print ? 'sheet-table materials-records' : 'table materials-records'}>
                <thead>
                  <tr>
                    <th scope="col" className="materials-records__when">
                      日時
                    </th>
                    <th scope="col" className="materials-records__kind">
                      種類
                    </th>
                    <th scope="col">内容</th>
                    <th scope="col" className="materials-records__who">
                      記録者
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {c.records.map((r, i) => (
                    <tr key={`${r.occurredAt}-${i}`}>
                      <td className="materials-records__when">{formatDateTime(r.occurredAt)}</td>
                      <td className="materials-records__kind">{r.kind}</td>
                      <td>
                        <Multiline text={r.content} />
                      </td>
                      <td className="materials-records__who">
                        {r.agencyName}
                        <br />
                        {r.staffName}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}

/** The refusal of the materials (403): why, and the way back to the meeting to acknowledge the 守秘義務. */
export function MaterialsRefused({ meetingId, message }: { meetingId: string; message: string }) {
  return (
    <Notice tone="warning" title="会議資料を開けません">
      <p>{message}</p>
      <p>
        <Link to={`/meetings/${encodeURIComponent(meetingId)}`}>会議のページへ戻る</Link>
        （支援会議では、会議のページで守秘義務を確認すると資料を開けるようになります）
      </p>
    </Notice>
  );
}

/**
 * 会議資料: compiled from the cases on the agenda for the meeting's
 * attendees — per item the assessment summary, the current plan (or the
 * draft to approve) and the recent records; 取扱注意, and for a 支援会議
 * 非公開 with the 守秘義務 spelt out.
 */
export function MaterialsPage() {
  const { id = '' } = useParams();
  const materials = useApiData<Materials>(`/api/v1/meetings/${encodeURIComponent(id)}/materials`);
  const m = materials.data;
  if (materials.error) {
    const e = materials.error;
    return (
      <>
        <PageHeader title="会議資料" breadcrumbs={CRUMBS} />
        {e.status === 403 ? <MaterialsRefused meetingId={id} message={e.message} /> : <LoadError error={e} onRetry={materials.reload} />}
      </>
    );
  }
  if (!m) return <Loading />;
  return (
    <>
      <PageHeader
        title={`会議資料：${m.title}`}
        heading={
          <>
            <span className="heading-kicker">会議資料</span>
            {m.title}
          </>
        }
        breadcrumbs={[...CRUMBS, { label: m.title, to: `/meetings/${m.meetingId}` }]}
        lead={
          <span className="detail-lead">
            <span className="materials-caution">{m.confidential ? '非公開（支援会議）' : '取扱注意'}</span>
            <span>{formatDateTime(m.compiledAt)} 時点の内容</span>
          </span>
        }
        actions={
          <Link to={`/meetings/${m.meetingId}/print`} className="button button--secondary">
            配布資料を印刷する
          </Link>
        }
      />
      {m.confidential ? (
        <Notice tone="warning" title={m.confidentialityLabel ?? '非公開（支援会議・守秘義務あり）'}>
          <p>{SHIEN_NOTICE}</p>
        </Notice>
      ) : (
        <Notice tone="info" title="取扱注意">
          <p>{CAUTION_NOTICE}</p>
        </Notice>
      )}
      {m.items.length === 0 ? (
        <div className="empty">
          <p>議題がまだありません。会議のページで議題を追加すると、事例の資料がここにまとまります。</p>
        </div>
      ) : (
        <>
          <nav className="materials-toc" aria-label="議題">
            <ol>
              {m.items.map((item) => (
                <li key={item.agendaItemId}>
                  <a href={`#agenda-${item.seq}`}>
                    議題{item.seq}{'　'}{item.title}
                  </a>
                </li>
              ))}
            </ol>
          </nav>
          {m.items.map((item) => (
            <section key={item.agendaItemId} id={`agenda-${item.seq}`} className="panel materials-item" aria-labelledby={`agenda-${item.seq}-title`}>
              <h2 id={`agenda-${item.seq}-title`} className="panel__title">
                <span className="materials-item__seq">議題{item.seq}</span>
                {item.title}
              </h2>
              <MaterialBody item={item} />
            </section>
          ))}
        </>
      )}
      <p className="materials-back">
        <Link to={`/meetings/${m.meetingId}`}>会議のページへ戻る</Link>
      </p>
    </>
  );
}
