import type { Db } from '../db.js';

/**
 * What the notification service holds about a person, for their data export: the contact
 * details it writes to, the inbox, the emails sent (subject, status, when; the bodies repeat
 * the inbox), preferences, and the webhook endpoints they own (never their secrets).
 */
export async function exportNotificationData(
  db: Db,
  userId: string,
): Promise<Record<string, unknown>> {
  const [recipient, notifications, emails, preferences, endpoints] = await Promise.all([
    db.recipient.findUnique({ where: { userId } }),
    db.notification.findMany({ where: { userId }, orderBy: { seq: 'asc' } }),
    db.emailDelivery.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } }),
    db.notificationPreference.findMany({ where: { userId } }),
    db.webhookEndpoint.findMany({
      where: { ownerKind: 'user', ownerId: userId },
      orderBy: { createdAt: 'asc' },
    }),
  ]);
  return {
    contact: recipient ? { email: recipient.email, name: recipient.name } : null,
    notifications: notifications.map((n) => ({
      id: n.id,
      category: n.category,
      title: n.title,
      body: n.body,
      read: n.readAt !== null,
      createdAt: n.createdAt.toISOString(),
    })),
    emails: emails.map((e) => ({
      subject: e.subject,
      status: e.status,
      sentAt: e.sentAt?.toISOString() ?? null,
      createdAt: e.createdAt.toISOString(),
    })),
    preferences: preferences.map((p) => ({
      channel: p.channel,
      category: p.category,
      enabled: p.enabled,
    })),
    webhookEndpoints: endpoints.map((w) => ({
      id: w.id,
      url: w.url,
      eventTypes: w.eventTypes,
      description: w.description,
      status: w.status,
      createdAt: w.createdAt.toISOString(),
    })),
  };
}
