import { Link } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { Badge } from '../components/ui.tsx';
import type { TaskCount, TaskView } from '../lib/types.ts';

/** Where a task leads, in words (the link's text). */
const ACTION_WORDS: Record<string, string> = {
  plan_review: '支援プランを開く',
  info_request_overdue: '情報提供の依頼を開く',
  info_request_open: '依頼に回答する',
  no_contact: '支援経過を開く',
  follow_up: '支援経過を開く',
  referral_unanswered: 'つなぎを開く',
  next_action: '支援経過を開く',
  meeting_follow_up: '会議を開く',
};

export function SeverityBadge({ task }: { task: Pick<TaskView, 'severity' | 'severityLabel'> }) {
  return <Badge tone={task.severity === 'overdue' ? 'error' : 'warning'}>{task.severityLabel}</Badge>;
}

/** A date as 2025年4月1日（令和7年）, allowed to wrap only before the era. */
export function DueDate({ date }: { date: string }) {
  const text = formatDate(date);
  const split = text.indexOf('（');
  return (
    <time dateTime={date}>
      <span className="nowrap">{text.slice(0, split)}</span>
      <wbr />
      <span className="nowrap">{text.slice(split)}</span>
    </time>
  );
}

/** One task: what, for which case, why it exists, by when, and where to act. */
export function TaskItem({ task }: { task: TaskView }) {
  return (
    <article className={`task task--${task.severity}`}>
      <p className="task__head">
        <SeverityBadge task={task} />
        <span className="task__title">{task.title}</span>
      </p>
      {task.case && (
        <p className="task__case">
          <span className="task__case-no">{task.case.caseNo}</span>
          <span>{task.case.title}</span>
          {task.case.primaryPersonName && <span className="task__person">本人：{task.case.primaryPersonName}</span>}
          <span className="task__status">{task.case.statusLabel}</span>
        </p>
      )}
      {task.meeting && (
        <p className="task__case">
          <span>会議：{task.meeting.title}</span>
          {task.meeting.confidential && <Badge tone="error">非公開（守秘義務あり）</Badge>}
        </p>
      )}
      <p className="task__why">{task.why}</p>
      <div className="task__foot">
        {task.dueOn && (
          <p className="task__due">
            期限：
            <DueDate date={task.dueOn} />
          </p>
        )}
        <Link to={task.link} className="button button--secondary button--small task__link">
          {ACTION_WORDS[task.kind] ?? '開く'}
          <span className="visually-hidden">（{task.case ? `${task.case.caseNo} ` : ''}{task.title}）</span>
        </Link>
      </div>
    </article>
  );
}

/** Counts per kind as tiles (the overdue ones called out); a tile links to its group or filter. */
export function TaskCounts({
  counts,
  hrefFor,
  active,
  anchors = false,
}: {
  counts: TaskCount[];
  hrefFor: (kind: string) => string;
  active?: string;
  /** Links to groups on the same page (#…) rather than routes. */
  anchors?: boolean;
}) {
  return (
    <ul className="task-counts">
      {counts.map((c) => {
        const className = `task-count${c.count === 0 ? ' task-count--zero' : ''}${c.overdue > 0 ? ' task-count--overdue' : ''}${active === c.kind ? ' task-count--active' : ''}`;
        const body = (
          <>
            <span className="task-count__label">{c.label}</span>
            <span className="task-count__n">
              {c.count}
              <span className="task-count__unit">件</span>
            </span>
            <span className="task-count__overdue">{c.overdue > 0 ? `うち期限切れ ${c.overdue}件` : c.count > 0 ? '期限間近のみ' : 'ありません'}</span>
          </>
        );
        return (
          <li key={c.kind}>
            {anchors ? (
              c.count > 0 ? (
                <a href={hrefFor(c.kind)} className={className}>
                  {body}
                </a>
              ) : (
                <span className={className}>{body}</span>
              )
            ) : (
              <Link to={hrefFor(c.kind)} className={className} {...(active === c.kind ? { 'aria-current': 'true' as const } : {})}>
                {body}
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}
