import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventPayload } from '@switchyard/contracts';
import type { EventHandler, EventHandlers, SqlClient } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import {
  composeMessage,
  notifiableEvents,
  type NotifiableEvent,
} from '../domain/compose-message.js';
import { MANDATORY_EMAIL_EVENTS, preferenceMatrix } from '../domain/preferences.js';
import { renderEmail } from '../email/email-templates.js';
import { toNotificationView } from '../inbox/inbox.js';
import type { RealtimeHub } from '../realtime/realtime-hub.js';
import { enqueueWebhookDeliveries } from '../webhooks/enqueue-deliveries.js';

type Tx = Prisma.TransactionClient;

/**
 * One event → at most one notification per channel, all written in the inbox transaction so a
 * redelivered event changes nothing: the in-app notification (inbox + stream), its email
 * (sent by the dispatcher after commit) and a webhook delivery per subscribed endpoint —
 * each only where the user's preferences for that channel and category allow.
 */
async function notify(event: EventEnvelope<NotifiableEvent>, sql: SqlClient): Promise<void> {
  const tx = sql as unknown as Tx;
  // Account events carry the address to write to: the freshest one wins.
  if (event.name === 'user.registered' || event.name === 'user.password_reset_requested') {
    const d = (event as EventEnvelope<'user.registered'>).data;
    await tx.recipient.upsert({
      where: { userId: d.userId },
      create: { userId: d.userId, email: d.email, name: d.name },
      update: { email: d.email, name: d.name },
    });
  }
  const userId = event.data.userId;
  const message = composeMessage(event.name, event.data as never);
  const preferences = preferenceMatrix(
    await tx.notificationPreference.findMany({ where: { userId, category: message.category } }),
  );
  const notificationId = randomUUID();
  await tx.notification.create({
    data: {
      id: notificationId,
      userId,
      sourceEventId: event.id,
      eventType: event.name,
      category: message.category,
      title: message.title,
      body: message.body,
      inApp: preferences.in_app[message.category],
    },
  });
  if (preferences.email[message.category] || MANDATORY_EMAIL_EVENTS.has(event.name)) {
    const secret = emailSecretOf(event);
    const email = renderEmail(event.name, event.data as never, message.title);
    await tx.emailDelivery.create({
      data: {
        id: randomUUID(),
        notificationId,
        userId,
        subject: message.title,
        textBody: email.text,
        htmlBody: email.html,
        sealedSecret: secret,
      },
    });
  }
  await enqueueWebhookDeliveries(tx, event, {
    userId,
    userAllowsWebhooks: preferences.webhook[message.category],
  });
}

/** The sealed secret an event's email carries (a reset token), if any; it stays sealed. */
function emailSecretOf(event: EventEnvelope): string | null {
  return event.name === 'user.password_reset_requested'
    ? (event.data as EventPayload<'user.password_reset_requested'>).sealedResetToken
    : null;
}

/** After commit: push the in-app notification to connected clients, wake the senders. */
function afterNotify(
  db: Db,
  deps: { realtime: RealtimeHub; nudge: () => void },
): (event: EventEnvelope<NotifiableEvent>) => Promise<void> {
  return async (event) => {
    deps.nudge();
    const notification = await db.notification.findFirst({
      where: { sourceEventId: event.id, userId: event.data.userId, inApp: true },
    });
    if (!notification) return;
    await deps.realtime.publish({
      seq: notification.seq.toString(),
      userId: notification.userId,
      notification: toNotificationView(notification),
    });
  };
}

export function notificationHandlers(
  db: Db,
  deps: { realtime: RealtimeHub; nudge: () => void },
): EventHandlers {
  const afterCommit = afterNotify(db, deps);
  return Object.fromEntries(
    notifiableEvents.map((name) => [
      name,
      { handle: notify, afterCommit } satisfies EventHandler<NotifiableEvent>,
    ]),
  );
}
