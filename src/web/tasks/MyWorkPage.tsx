import { useState } from 'react';
import { Link } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { SelectField } from '../components/forms.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, Loading, Notice } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { TaskList, TodayView } from '../lib/types.ts';
import { RecordForm } from '../cases/RecordForm.tsx';
import { RecordEntry } from '../cases/RecordTimeline.tsx';
import { TaskCounts, TaskItem } from './TaskParts.tsx';

/** Days since an instant, in words (最後の接触). */
function since(iso: string | null): string {
  if (!iso) return '記録なし';
  const days = Math.floor((Date.now() - new Date(iso).getTime()) / 86_400_000);
  return days <= 0 ? '今日' : `${days}日前（${formatDate(iso)}）`;
}

/** 今日の記録: pick one of my cases and record in one step; what I recorded today. */
function TodayPanel({ today, onSaved }: { today: TodayView; onSaved: () => void }) {
  const [caseId, setCaseId] = useState('');
  const [flash, setFlash] = useState<string | null>(null);
  const picked = today.cases.find((c) => c.id === caseId) ?? null;
  return (
    <section className="panel today-entry" aria-labelledby="today-entry-title">
      <h2 id="today-entry-title" className="panel__title">
        記録をすぐ書く
      </h2>
      {flash && (
        <Notice tone="success" focus>
          <p>{flash}</p>
        </Notice>
      )}
      {today.cases.length === 0 ? (
        <p className="muted">担当している事例はありません。事例のページの「支援経過記録」から記録できます。</p>
      ) : (
        <>
          <SelectField
            id="today-case"
            label="事例"
            hint="担当者になっている事例と、自機関が主担当の事例（終結後の伴走を含む）です。"
            width="full"
            value={caseId}
            onChange={(v) => {
              setCaseId(v);
              setFlash(null);
            }}
            placeholder="事例を選んでください"
            options={today.cases.map((c) => ({
              value: c.id,
              label: `${c.caseNo} ${c.title}${c.primaryPerson ? `（本人：${c.primaryPerson.displayName}）` : ''}${c.followUp ? '［伴走］' : ''}`,
            }))}
          />
          {picked && (
            <>
              <dl className="today-entry__facts">
                <div>
                  <dt>状態</dt>
                  <dd>{picked.followUp ? '終結（伴走中）' : picked.statusLabel}</dd>
                </div>
                <div>
                  <dt>最後の接触</dt>
                  <dd>{since(picked.lastContactAt)}</dd>
                </div>
                <div>
                  <dt>次の予定</dt>
                  <dd>
                    {picked.nextAction ? `${picked.nextAction.text}${picked.nextAction.on ? `（${formatDate(picked.nextAction.on)}）` : ''}` : 'なし'}
                  </dd>
                </div>
              </dl>
              <RecordForm
                key={picked.id}
                caseId={picked.id}
                idPrefix="today"
                onSaved={(r) => {
                  setFlash(`${picked.caseNo} に${r.kind}の記録を保存しました。`);
                  onSaved();
                }}
              />
              <p className="today-entry__open">
                <Link to={`/cases/${picked.id}/records`}>この事例の支援経過を開く</Link>
              </p>
            </>
          )}
        </>
      )}
    </section>
  );
}

/**
 * わたしの仕事: what needs doing now, each with why — the plan reviews,
 * requests, people nobody has reached, follow-up after closure, referrals,
 * my own next actions and the actions decided at meetings — and today's records with quick entry.
 */
export function MyWorkPage() {
  const user = useUser();
  const tasks = useApiData<TaskList>('/api/v1/tasks');
  const today = useApiData<TodayView>('/api/v1/records/today');
  const reload = () => {
    tasks.reload();
    today.reload();
  };
  const data = tasks.data;
  const groups = data ? data.counts.filter((c) => c.count > 0) : [];

  return (
    <>
      <PageHeader
        title="わたしの仕事"
        lead="担当している事例、自機関あての依頼・つなぎ、会議で決まった対応から、いま対応が必要なことを、理由とともに一覧しています。"
        actions={
          user.role === 'coordinator' || user.role === 'secretariat' ? (
            <Link to="/cases/overview" className="button button--secondary">
              全体の状況
            </Link>
          ) : undefined
        }
      />
      {tasks.error ? (
        <LoadError error={tasks.error} onRetry={tasks.reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p className="my-work__summary">
            {data.total === 0 ? (
              'いま期限の迫っている仕事はありません。'
            ) : (
              <>
                対応が必要なことが <strong>{data.total}件</strong> あります
                {data.overdue > 0 && (
                  <>
                    （うち期限切れ <strong className="my-work__overdue">{data.overdue}件</strong>）
                  </>
                )}
                。
              </>
            )}
          </p>
          <TaskCounts counts={data.counts} hrefFor={(k) => `#task-${k}`} anchors />
        </>
      )}
      <div className="my-work">
        <div className="my-work__tasks">
          {data && data.total === 0 && (
            <div className="empty">
              <p>期限の迫ったプランの評価、回答待ちの依頼、連絡が途絶えている本人、会議で決まった対応などがあると、ここに表示されます。</p>
            </div>
          )}
          {data &&
            groups.map((g) => (
              <section key={g.kind} id={`task-${g.kind}`} className="task-group" aria-labelledby={`task-${g.kind}-title`}>
                <h2 id={`task-${g.kind}-title`} className="task-group__title">
                  {g.label}
                  <span className="task-group__count">{g.count}件</span>
                </h2>
                <ul className="task-list">
                  {data.items
                    .filter((t) => t.kind === g.kind)
                    .map((t) => (
                      <li key={t.key}>
                        <TaskItem task={t} />
                      </li>
                    ))}
                </ul>
                {data.items.filter((t) => t.kind === g.kind).length < g.count && (
                  <p className="task-group__more muted">
                    ほかに{g.count - data.items.filter((t) => t.kind === g.kind).length}件あります（期限の早いものから表示しています）。
                  </p>
                )}
              </section>
            ))}
        </div>
        <aside className="my-work__aside" aria-label="今日の記録">
          {today.error ? (
            <LoadError error={today.error} onRetry={today.reload} />
          ) : !today.data ? (
            <Loading />
          ) : (
            <>
              <TodayPanel today={today.data} onSaved={reload} />
              <section className="today-records" aria-labelledby="today-records-title">
                <h2 id="today-records-title" className="today-records__title">
                  今日書いた記録
                  <span className="task-group__count">{today.data.records.length}件</span>
                </h2>
                {today.data.records.length === 0 ? (
                  <p className="muted">今日はまだ記録していません。</p>
                ) : (
                  <ol className="record-list record-list--compact">
                    {today.data.records.map((r) => (
                      <li key={r.id}>
                        <RecordEntry
                          record={r}
                          caseId={r.caseId}
                          caseLabel={
                            <>
                              <span className="task__case-no">{r.caseNo}</span> {r.caseTitle}
                            </>
                          }
                        />
                      </li>
                    ))}
                  </ol>
                )}
              </section>
            </>
          )}
        </aside>
      </div>
    </>
  );
}
