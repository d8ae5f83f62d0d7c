import { Link } from 'react-router';
import { todayJst } from '../../shared/date-input.ts';
import { DateTime } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { ConsultationView, NotificationView, ReferralCounts } from '../lib/types.ts';
import type { Page } from '../lib/api.ts';

function Stat({ to, label, value, note, alert = false }: { to: string; label: string; value: number | null; note: string; alert?: boolean }) {
  return (
    <li className={`stat${alert && value ? ' stat--alert' : ''}`}>
      <Link to={to} className="stat__link">
        <span className="stat__label">{label}</span>
        <span className="stat__value">
          {value ?? '—'}
          <span className="stat__unit">件</span>
        </span>
      </Link>
      <span className="stat__note">{note}</span>
    </li>
  );
}

/**
 * Today at a glance for staff: referrals waiting, overdue ones, urgent
 * consultations; coordinators and the 事務局 see the urgent alerts first.
 */
export function TodayPanel() {
  const user = useUser();
  const counts = useApiData<ReferralCounts>('/api/v1/referrals/counts');
  const watchesUrgent = user.role === 'coordinator' || user.role === 'secretariat';
  const urgent = useApiData<Page<ConsultationView>>(watchesUrgent ? null : '/api/v1/consultations?scope=visible&urgentOnly=true&limit=100');
  const alerts = useApiData<{ items: NotificationView[]; unread: number }>(watchesUrgent ? '/api/v1/notifications?unreadOnly=true&limit=100' : null);

  const today = todayJst();
  const urgentToday = urgent.data ? urgent.data.items.filter((c) => c.urgency === '緊急' && todayJst(new Date(c.receivedAt)) === today).length : null;
  const urgentAlerts = (alerts.data?.items ?? []).filter((n) => n.kind === 'urgent_consultation' || n.kind === 'emergency_access');

  return (
    <>
      {urgentAlerts.length > 0 && (
        <section className="urgent-alerts" aria-labelledby="home-urgent">
          <h2 id="home-urgent" className="urgent-alerts__title">
            すぐに確認してください（{urgentAlerts.length}件）
          </h2>
          <ul className="urgent-alerts__list">
            {urgentAlerts.map((n) => (
              <li key={n.id}>
                <p className="urgent-alerts__item-title">{n.link ? <Link to={n.link}>{n.title}</Link> : n.title}</p>
                <p className="urgent-alerts__body">{n.body}</p>
                <p className="urgent-alerts__when">
                  <DateTime value={n.createdAt} />
                </p>
              </li>
            ))}
          </ul>
          <p>
            <Link to="/notifications">お知らせをすべて見る</Link>
          </p>
        </section>
      )}
      <section className="section" aria-labelledby="home-today">
        <h2 id="home-today">今日の状況（{user.agencyName}）</h2>
        <ul className="stat-grid">
          <Stat to="/referrals?status=sent" label="受けたつなぎ（未受理）" value={counts.data?.inbox.sent ?? null} note="受理または差戻しを待っています" />
          <Stat
            to="/referrals?status=sent"
            label="期限超過"
            value={counts.data?.inbox.overdue ?? null}
            note="受理期限を過ぎたつなぎ"
            alert
          />
          {watchesUrgent ? (
            <Stat
              to="/notifications"
              label="緊急の相談（未確認）"
              value={alerts.data ? urgentAlerts.filter((n) => n.kind === 'urgent_consultation').length : null}
              note="コーディネーター・事務局への緊急のお知らせ"
              alert
            />
          ) : (
            <Stat to="/consultations?scope=visible&urgent=1" label="緊急の相談（今日）" value={urgentToday} note="閲覧できる緊急の相談" alert />
          )}
          <Stat to="/referrals?box=outbox&status=sent" label="送ったつなぎ（受理待ち）" value={counts.data?.outbox.sent ?? null} note="つなぎ先の受理を待っています" />
        </ul>
      </section>
    </>
  );
}
