import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { api } from '../lib/api.ts';
import type { NotificationView } from '../lib/types.ts';

/** Pages that mark notifications read ask the header to count again. */
const listeners = new Set<() => void>();
export function notificationsChanged(): void {
  for (const listener of listeners) listener();
}

const REFRESH_MS = 60_000;

/** The unread count for the header: on every page change, every minute, and after marking read. */
export function useUnreadCount(): number | null {
  const { pathname } = useLocation();
  const [count, setCount] = useState<number | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const bump = () => setTick((t) => t + 1);
    listeners.add(bump);
    const timer = setInterval(bump, REFRESH_MS);
    return () => {
      listeners.delete(bump);
      clearInterval(timer);
    };
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<{ items: NotificationView[]; unread: number }>('/api/v1/notifications?unreadOnly=true&limit=1', { signal: controller.signal })
      .then((r) => setCount(r.unread))
      .catch(() => {
        // The count is a hint; a failed refresh keeps the last one.
      });
    return () => controller.abort();
  }, [pathname, tick]);

  return count;
}
