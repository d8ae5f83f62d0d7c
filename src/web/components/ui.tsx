import { useEffect, useRef, useState, type ReactNode } from 'react';
import { formatDateTime } from '../../shared/dates.ts';
import type { ApiError } from '../lib/api.ts';

type Tone = 'success' | 'info' | 'warning' | 'error';

/** A message box. Success and info are announced politely; errors and warnings interrupt. */
export function Notice({
  tone = 'info',
  title,
  children,
  focus = false,
}: {
  tone?: Tone;
  title?: ReactNode;
  children?: ReactNode;
  /** Move focus to the box when it appears (results the user must read). */
  focus?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  const role = tone === 'error' || tone === 'warning' ? 'alert' : 'status';
  return (
    <div className={`notice notice--${tone}`} role={role} ref={ref} tabIndex={focus ? -1 : undefined}>
      <span className="notice__icon" aria-hidden="true" />
      <div className="notice__body">
        {title && <p className="notice__title">{title}</p>}
        {children}
      </div>
    </div>
  );
}

/** The error of a failed page load. */
export function LoadError({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const title =
    error.status === 404
      ? 'お探しの情報は見つかりませんでした'
      : error.status === 403
        ? 'この情報を表示する権限がありません'
        : '情報を読み込めませんでした';
  return (
    <Notice tone="error" title={title}>
      <p>{error.message}</p>
      {onRetry && error.status !== 404 && error.status !== 403 && (
        <button type="button" className="button button--secondary button--small" onClick={onRetry}>
          もう一度読み込む
        </button>
      )}
    </Notice>
  );
}

/**
 * 2025年4月1日（令和7年） 14:05, allowed to wrap only before the era
 * (narrow table columns), never inside the date or the era.
 */
export function DateTime({ value, empty = '—' }: { value: string | null | undefined; empty?: string }) {
  if (!value) return <span className="muted">{empty}</span>;
  const text = formatDateTime(value);
  const split = text.indexOf('（');
  return (
    <time dateTime={value} className="date-time">
      <span className="nowrap">{text.slice(0, split)}</span>
      <wbr />
      <span className="nowrap">{text.slice(split)}</span>
    </time>
  );
}

export function Loading({ label = '読み込んでいます…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="loading__spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export type BadgeTone = 'neutral' | 'success' | 'info' | 'warning' | 'error';

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function Tags({ values, empty = '—' }: { values: readonly string[]; empty?: string }) {
  if (values.length === 0) return <span className="muted">{empty}</span>;
  return (
    <ul className="tags">
      {values.map((v) => (
        <li key={v} className="tag">
          {v}
        </li>
      ))}
    </ul>
  );
}

/** "さらに表示" under a keyset-paginated list. */
export function LoadMore({
  shown,
  hasMore,
  loading,
  onMore,
  unit = '件',
}: {
  shown: number;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  unit?: string;
}) {
  return (
    <div className="load-more">
      <p className="load-more__count">
        {shown}
        {unit}を表示しています{hasMore ? '（続きがあります）' : ''}
      </p>
      {hasMore && (
        <button type="button" className="button button--secondary" onClick={onMore} disabled={loading}>
          {loading ? '読み込んでいます…' : 'さらに表示'}
        </button>
      )}
    </div>
  );
}

/**
 * A button that asks once more before doing something hard to undo
 * (inline, keyboard-friendly, no modal).
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  onConfirm,
  tone = 'secondary',
  busy = false,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  tone?: 'secondary' | 'danger';
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className={`button button--${tone}`} onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={label}>
      <p className="confirm__question">{question}</p>
      <div className="button-row">
        <button
          type="button"
          ref={confirmRef}
          className={`button button--${tone === 'danger' ? 'danger' : 'primary'}`}
          disabled={busy}
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button button--tertiary" onClick={() => setAsking(false)}>
          やめる
        </button>
      </div>
    </div>
  );
}

/** Text typed over several lines, shown with its line breaks. */
export function Multiline({ text }: { text: string }) {
  return <span className="multiline">{text}</span>;
}

/** Label / value rows of a record (HSDS-like groups on detail pages). */
export function DataList({ rows, hideEmpty = false }: { rows: { label: string; value: ReactNode }[]; hideEmpty?: boolean }) {
  const isEmpty = (value: ReactNode) => value === null || value === undefined || value === '';
  return (
    <dl className="data-list">
      {rows.filter((row) => !hideEmpty || !isEmpty(row.value)).map((row) => (
        <div className="data-list__row" key={row.label}>
          <dt>{row.label}</dt>
          <dd>{isEmpty(row.value) ? <span className="muted">未登録</span> : row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A one-time secret (generated password) with a copy button. */
export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(value).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="secret">
      <p className="secret__label">{label}</p>
      <p className="secret__value" data-testid="one-time-secret">
        <code>{value}</code>
      </p>
      <button type="button" className="button button--secondary button--small" onClick={copy}>
        {copied ? 'コピーしました' : 'コピーする'}
      </button>
    </div>
  );
}
