import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Badge, DateTime, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { NotificationView } from '../lib/types.ts';
import { kindOf } from './kinds.ts';
import { notificationsChanged } from './unread.ts';

export function NotificationsPage() {
  const { data, error, reload, setData } = useApiData<{ items: NotificationView[]; unread: number }>('/api/v1/notifications?limit=100');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const markRead = async (ids: string[]) => {
    if (!data || ids.length === 0) return;
    setBusy(true);
    try {
      for (const id of ids) await api.post(`/api/v1/notifications/${id}/read`);
      const read = new Set(ids);
      setData({ items: data.items.map((n) => (read.has(n.id) ? { ...n, read: true } : n)), unread: Math.max(0, data.unread - ids.length) });
      setProblem(null);
      notificationsChanged();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const unreadIds = data?.items.filter((n) => !n.read).map((n) => n.id) ?? [];
  return (
    <>
      <PageHeader
        title="お知らせ"
        lead="緊急の相談、届いたつなぎ、期限を過ぎたつなぎ、送ったつなぎの状態の変化などをお知らせします。"
        actions={
          unreadIds.length > 0 && (
            <button type="button" className="button button--secondary" disabled={busy} onClick={() => void markRead(unreadIds)}>
              すべて既読にする
            </button>
          )
        }
      />
      {problem && (
        <Notice tone="error">
          <p>{problem}</p>
        </Notice>
      )}
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <p className="results__count" role="status">
            新しい順に{data.items.length}件（未読 {data.unread}件）
          </p>
          {data.items.length === 0 ? (
            <div className="empty">
              <p>お知らせはありません。</p>
            </div>
          ) : (
            <ul className="notifications">
              {data.items.map((n) => {
                const kind = kindOf(n.kind);
                return (
                  <li key={n.id} className={`notification${n.read ? '' : ' notification--unread'}${kind.tone === 'error' && !n.read ? ' notification--alert' : ''}`}>
                    <div className="notification__head">
                      <Badge tone={kind.tone}>{kind.label}</Badge>
                      {!n.read && <span className="notification__new">未読</span>}
                      <span className="notification__when">
                        <DateTime value={n.createdAt} />
                      </span>
                    </div>
                    <p className="notification__title">
                      {n.link ? (
                        <Link to={n.link} onClick={() => void (n.read ? undefined : markRead([n.id]))}>
                          {n.title}
                        </Link>
                      ) : (
                        n.title
                      )}
                    </p>
                    {n.body && <p className="notification__body">{n.body}</p>}
                    {!n.read && (
                      <button type="button" className="link-button notification__read" disabled={busy} onClick={() => void markRead([n.id])}>
                        既読にする<span className="visually-hidden">（{n.title}）</span>
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </>
  );
}
