import { cursorParam, keysetPage, olderThan } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { Notification, Prisma } from '../generated/prisma/client.js';

export interface NotificationView {
  id: string;
  category: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}

export const toNotificationView = (n: Notification): NotificationView => ({
  id: n.id,
  category: n.category,
  title: n.title,
  body: n.body,
  read: n.readAt !== null,
  createdAt: n.createdAt.toISOString(),
});

/** A user's inbox, newest first, keyset-paginated, optionally only unread; with the unread count. */
export async function listInbox(
  db: Db,
  options: { userId: string; limit: number; cursor?: string; unreadOnly?: boolean },
): Promise<{ items: NotificationView[]; nextCursor: string | null; unreadCount: number }> {
  const after = cursorParam(options.cursor);
  const where: Prisma.NotificationWhereInput = {
    userId: options.userId,
    inApp: true,
    ...(options.unreadOnly ? { readAt: null } : {}),
    ...olderThan(after),
  };
  const [rows, unreadCount] = await Promise.all([
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.limit + 1,
    }),
    countUnread(db, options.userId),
  ]);
  const { items, nextCursor } = keysetPage(rows, options.limit);
  return { items: items.map(toNotificationView), nextCursor, unreadCount };
}

/** Mark one of the user's notifications read; false when it is not theirs (or does not exist). */
export async function markRead(db: Db, userId: string, id: string): Promise<boolean> {
  const own = await db.notification.findFirst({
    where: { id, userId, inApp: true },
    select: { id: true },
  });
  if (!own) return false;
  await db.notification.updateMany({
    where: { id, userId, readAt: null },
    data: { readAt: new Date() },
  });
  return true;
}

export async function markAllRead(db: Db, userId: string): Promise<number> {
  const updated = await db.notification.updateMany({
    where: { userId, readAt: null },
    data: { readAt: new Date() },
  });
  return updated.count;
}

export function countUnread(db: Db, userId: string): Promise<number> {
  return db.notification.count({ where: { userId, inApp: true, readAt: null } });
}
