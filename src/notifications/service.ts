import { sql } from 'kysely';
import type { Scope } from '../access/gateway.ts';
import { newId } from '../shared/ids.ts';

/**
 * Notifications (お知らせ): addressed to a user, an agency or a role of the
 * municipality. Raised by actions (urgent intake, emergency access) and by
 * the alert job (overdue referrals); a dedupe key keeps an alert from being
 * raised twice.
 */
export interface NotifyInput {
  recipientUserId?: string;
  recipientAgencyId?: string;
  recipientRole?: string;
  kind: string;
  title: string;
  body?: string;
  link?: string;
  dedupeKey?: string;
}

export async function notify(scope: Pick<Scope, 'trx' | 'municipalityId'>, n: NotifyInput): Promise<void> {
  await scope.trx
    .insertInto('notifications')
    .values({
      municipality_id: scope.municipalityId,
      id: newId(),
      dedupe_key: n.dedupeKey ?? null,
      recipient_agency_id: n.recipientAgencyId ?? null,
      recipient_role: n.recipientRole ?? null,
      recipient_user_id: n.recipientUserId ?? null,
      kind: n.kind,
      title: n.title,
      body: n.body ?? '',
      link: n.link ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

export async function listNotifications(scope: Scope, options: { unreadOnly: boolean; limit: number }): Promise<{ items: NotificationView[]; unread: number }> {
  if (scope.ctx.kind !== 'user') return { items: [], unread: 0 };
  const ctx = scope.ctx;
  const mine = scope.trx
    .selectFrom('notifications as n')
    .leftJoin('notification_reads as r', (j) =>
      j.onRef('r.notification_id', '=', 'n.id').onRef('r.municipality_id', '=', 'n.municipality_id').on('r.user_id', '=', ctx.userId),
    )
    .where('n.municipality_id', '=', scope.municipalityId)
    .where((eb) =>
      eb.or([eb('n.recipient_user_id', '=', ctx.userId), eb('n.recipient_agency_id', '=', ctx.agencyId), eb('n.recipient_role', '=', ctx.role)]),
    );
  let list = mine.select(['n.id', 'n.kind', 'n.title', 'n.body', 'n.link', 'n.created_at', sql<boolean>`r.user_id is not null`.as('read')]);
  if (options.unreadOnly) list = list.where('r.user_id', 'is', null);
  const [rows, count] = await Promise.all([
    list.orderBy('n.created_at', 'desc').limit(options.limit).execute(),
    mine.where('r.user_id', 'is', null).select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return {
    items: rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, link: r.link, createdAt: new Date(r.created_at).toISOString(), read: r.read })),
    unread: Number(count?.n ?? 0),
  };
}

export async function markRead(scope: Scope, id: string): Promise<void> {
  if (scope.ctx.kind !== 'user') return;
  await scope.trx
    .insertInto('notification_reads')
    .values({ municipality_id: scope.municipalityId, notification_id: id, user_id: scope.ctx.userId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
