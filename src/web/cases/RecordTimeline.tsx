import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { Badge, DateTime, LoadError, Loading, Multiline, type BadgeTone } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import type { RecordRevisionView, RecordView } from '../lib/types.ts';

/** 種別 as a badge: contact with the person stands out from desk work. */
const KIND_TONES: Record<string, BadgeTone> = {
  面談: 'success',
  電話: 'success',
  訪問: 'success',
  同行: 'success',
  見守り: 'success',
  会議: 'info',
  連絡調整: 'neutral',
  情報収集: 'neutral',
  その他: 'neutral',
};

export function RecordKindBadge({ kind }: { kind: string }) {
  return <Badge tone={KIND_TONES[kind] ?? 'neutral'}>{kind}</Badge>;
}

export function durationText(minutes: number | null): string | null {
  if (minutes === null) return null;
  if (minutes < 60) return `${minutes}分`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h}時間${m}分` : `${h}時間`;
}

/** Every revision of a record, oldest first: the original and each correction with its reason. */
export function RecordHistory({ caseId, record }: { caseId: string; record: RecordView }) {
  const history = useApiData<{ items: RecordRevisionView[] }>(`/api/v1/cases/${caseId}/records/${record.rootId}/history`);
  if (history.error) return <LoadError error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Loading label="訂正の履歴を読み込んでいます…" />;
  return (
    <section className="record-history" aria-label="訂正の履歴">
      <h4 className="record-history__title">訂正の履歴（{history.data.items.length}版）</h4>
      <ol className="record-history__list">
        {history.data.items.map((r) => (
          <li key={r.id} className={`record-history__item${r.isCurrent ? ' record-history__item--current' : ''}`}>
            <p className="record-history__head">
              <strong>第{r.revision}版</strong>
              {r.revision === 1 ? '（もとの記録）' : '（訂正）'}
              {r.isCurrent && <Badge tone="info">いまの内容</Badge>}
              <span className="record-history__who">
                <DateTime value={r.createdAt} /> {r.createdByName ?? '—'}
              </span>
            </p>
            {r.correctionReason && <p className="record-history__reason">訂正の理由：{r.correctionReason}</p>}
            <p className="record-history__meta">
              <DateTime value={r.occurredAt} />・{r.kind}・{r.staffName}
              {r.durationMinutes !== null ? `・${durationText(r.durationMinutes)}` : ''}
            </p>
            <p className="record-history__text">
              <Multiline text={r.content} />
            </p>
            {r.nextAction && (
              <p className="record-history__meta">
                次の予定：{r.nextAction}
                {r.nextActionOn ? `（${formatDate(r.nextActionOn)}）` : ''}
              </p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One entry of the timeline: 日時, 種別, 機関, 対応者, 所要時間, 内容, 次の予定, 訂正あり. */
export function RecordEntry({
  record,
  caseId,
  caseLabel,
  actions,
}: {
  record: RecordView;
  caseId: string;
  /** Shown above the entry when the list mixes cases (今日の記録). */
  caseLabel?: ReactNode;
  actions?: ReactNode;
}) {
  const [showHistory, setShowHistory] = useState(false);
  const duration = durationText(record.durationMinutes);
  return (
    <article className={`record${record.contact ? ' record--contact' : ''}`} aria-label={`${record.kind}の記録`}>
      {caseLabel && <p className="record__case">{caseLabel}</p>}
      <header className="record__head">
        <span className="record__when">
          <DateTime value={record.occurredAt} />
        </span>
        <RecordKindBadge kind={record.kind} />
        <span className="record__agency">{record.agencyName}</span>
        <span className="record__staff">対応者：{record.staffName}</span>
        {duration && <span className="record__duration">所要時間：{duration}</span>}
        {record.corrected && <Badge tone="warning">訂正あり</Badge>}
      </header>
      <p className="record__content">
        <Multiline text={record.content} />
      </p>
      {record.nextAction && (
        <p className="record__next">
          <span className="record__next-label">次の予定</span>
          {record.nextAction}
          {record.nextActionOn && <span className="record__next-date">（{formatDate(record.nextActionOn)}）</span>}
        </p>
      )}
      <div className="record__foot">
        {!record.contact && <span className="muted record__no-contact">本人との接触なし</span>}
        {record.corrected && (
          <button type="button" className="link-button" aria-expanded={showHistory} onClick={() => setShowHistory((v) => !v)}>
            {showHistory ? '訂正の履歴を閉じる' : '訂正の履歴を見る'}
          </button>
        )}
        {actions}
        {caseLabel === undefined ? null : (
          <Link to={`/cases/${caseId}/records`} className="record__open">
            この事例の支援経過へ
          </Link>
        )}
      </div>
      {showHistory && <RecordHistory caseId={caseId} record={record} />}
    </article>
  );
}
