import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@switchyard/contracts';
import type { EventHandler, EventHandlers, SqlClient } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import {
  composeMessage,
  notifiableEvents,
  type Links,
  type NotifiableEvent,
} from '../domain/compose-message.js';
import { MANDATORY_EMAIL_EVENTS } from '../domain/preferences.js';
import { currentAddressOf, emailSecretOf, toAddressOf } from '../email/account-email-routing.js';
import { emailAttachmentOf } from '../email/email-attachments.js';
import { renderEmail } from '../email/email-templates.js';
import { toNotificationView } from '../inbox/inbox.js';
import type { RealtimeHub, RealtimeNotification } from '../realtime/realtime-hub.js';
import { isWebhookEvent, webhookPayload } from '../webhooks/webhook-events.js';

type Tx = Prisma.TransactionClient;

/** What the inbox transaction queued for one event, for the after-commit step. */
interface Queued {
  /** The in-app notification as written (RETURNING), when the user sees it in-app. */
  notification: RealtimeNotification | null;
  emails: number;
  webhooks: number;
}

/**
 * One event → at most one notification per channel, all written in the inbox transaction so a
 * redelivered event changes nothing: the in-app notification (inbox + stream), its email
 * (sent by the dispatcher after commit) and a webhook delivery per subscribed endpoint —
 * each only where the user's preferences for that channel and category allow.
 *
 * One statement (plus the recipient's address for account events): the preferences are read,
 * and the notification, its email and its webhook deliveries written, by one INSERT with CTEs,
 * which returns what it wrote. Prisma's model calls here (five round trips) were a quarter of
 * the service's CPU (issue 20).
 */
async function notify(
  event: EventEnvelope<NotifiableEvent>,
  sql: SqlClient,
  links: Links,
): Promise<Queued> {
  const tx = sql as unknown as Tx;
  // Account events carry the address to write to: the freshest one wins.
  const d = currentAddressOf(event);
  if (d) {
    await tx.$executeRaw`INSERT INTO recipients (user_id, email, name, updated_at)
      VALUES (${d.userId}::uuid, ${d.email}, ${d.name}, now())
      ON CONFLICT (user_id) DO UPDATE
        SET email = EXCLUDED.email, name = EXCLUDED.name, updated_at = now()`;
  }
  const userId = event.data.userId;
  const message = composeMessage(event.name, event.data as never, links);
  const email = renderEmail(event.name, event.data as never, message, links);
  // An issued document's PDF, decoded by Postgres (a malformed one fails the event, which is
  // retried and dead-lettered, rather than mailing a broken file).
  const attachment = emailAttachmentOf(event);
  const webhook = isWebhookEvent(event.name);
  const notificationId = randomUUID();
  const emailId = randomUUID();
  // A channel is on unless the user stored a row turning it off (preferenceMatrix's rule).
  const [row] = await tx.$queryRaw<
    { seq: string; created_at: Date; in_app: boolean; emails: number; webhooks: number }[]
  >`WITH prefs AS (
      SELECT channel, enabled FROM notification_preferences
       WHERE user_id = ${userId}::uuid AND category = ${message.category}),
    n AS (
      INSERT INTO notifications
             (id, user_id, source_event_id, event_type, category, title, body, in_app, created_at)
      VALUES (${notificationId}::uuid, ${userId}::uuid, ${event.id}, ${event.name},
              ${message.category}, ${message.title}, ${message.body},
              COALESCE((SELECT enabled FROM prefs WHERE channel = 'in_app'), true),
              -- Milliseconds, the precision of the inbox's keyset cursor (a JavaScript Date):
              -- a finer time would fall between a page's cursor and the next page.
              date_trunc('milliseconds', now()))
      RETURNING seq, created_at, in_app),
    e AS (
      INSERT INTO email_deliveries
             (id, notification_id, user_id, subject, text_body, html_body, sealed_secret,
              to_address)
      SELECT ${emailId}::uuid, ${notificationId}::uuid, ${userId}::uuid, ${message.title},
             ${email.text}, ${email.html ?? null}, ${emailSecretOf(event)}, ${toAddressOf(event)}
        FROM n
       WHERE ${MANDATORY_EMAIL_EVENTS.has(event.name)}::boolean
          OR COALESCE((SELECT enabled FROM prefs WHERE channel = 'email'), true)
      RETURNING 1),
    a AS (
      INSERT INTO email_attachments
             (id, email_delivery_id, filename, content_type, size_bytes, content)
      SELECT ${randomUUID()}::uuid, ${emailId}::uuid, ${attachment?.filename ?? null},
             ${attachment?.contentType ?? null}, octet_length(file.bytes), file.bytes
        FROM e, (SELECT decode(${attachment?.contentBase64 ?? null}::text, 'base64') AS bytes) file
       WHERE ${attachment !== null}::boolean
      RETURNING 1),
    w AS (
      INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, created_at)
      SELECT gen_random_uuid(), ep.id, ${event.id}, ${event.name},
             ${webhook ? webhookPayload(event) : ''}, date_trunc('milliseconds', now())
        FROM webhook_endpoints ep
       WHERE ${webhook}::boolean
         AND ep.status = 'active'
         AND ${event.name} = ANY (ep.event_types)
         AND (ep.owner_kind = 'client'
              OR (ep.owner_kind = 'user' AND ep.owner_id = ${userId}
                  AND COALESCE((SELECT enabled FROM prefs WHERE channel = 'webhook'), true)))
      ON CONFLICT (endpoint_id, event_id) DO NOTHING
      RETURNING 1)
    SELECT n.seq::text AS seq, n.created_at, n.in_app,
           (SELECT count(*) FROM e)::int AS emails, (SELECT count(*) FROM w)::int AS webhooks
      FROM n`;
  return {
    notification: row!.in_app
      ? {
          seq: row!.seq,
          userId,
          notification: {
            id: notificationId,
            category: message.category,
            title: message.title,
            body: message.body,
            read: false,
            createdAt: row!.created_at.toISOString(),
          },
        }
      : null,
    emails: row!.emails,
    webhooks: row!.webhooks,
  };
}

/**
 * What each event's committed transaction queued, by event id, from `handle` to `afterCommit`.
 * Bounded: an entry of a transaction that rolled back is overwritten by its retry, or dropped
 * when the map is full — afterCommit then falls back to reading the notification back and
 * waking both senders, as it did before.
 */
const QUEUED_KEPT = 1_000;

export function notificationHandlers(
  db: Db,
  deps: {
    realtime: RealtimeHub;
    nudgeEmails: () => void;
    nudgeWebhooks: () => void;
    links: Links;
  },
): EventHandlers {
  const queued = new Map<string, Queued>();
  const handle = async (event: EventEnvelope<NotifiableEvent>, sql: SqlClient) => {
    const written = await notify(event, sql, deps.links);
    if (queued.size >= QUEUED_KEPT) queued.clear();
    queued.set(event.id, written);
  };
  /** After commit: wake only the senders that have rows to send, push the in-app notification. */
  const afterCommit = async (event: EventEnvelope<NotifiableEvent>) => {
    const written = queued.get(event.id) ?? (await readBack(db, event));
    queued.delete(event.id);
    if (written.emails > 0) deps.nudgeEmails();
    if (written.webhooks > 0) deps.nudgeWebhooks();
    if (written.notification) await deps.realtime.publish(written.notification);
  };
  return Object.fromEntries(
    notifiableEvents.map((name) => [
      name,
      { handle, afterCommit } satisfies EventHandler<NotifiableEvent>,
    ]),
  );
}

/** What an event queued, read back (its handle's note is gone): both senders are woken. */
async function readBack(db: Db, event: EventEnvelope<NotifiableEvent>): Promise<Queued> {
  const notification = await db.notification.findFirst({
    where: { sourceEventId: event.id, userId: event.data.userId, inApp: true },
  });
  return {
    notification: notification
      ? {
          seq: notification.seq.toString(),
          userId: notification.userId,
          notification: toNotificationView(notification),
        }
      : null,
    emails: 1,
    webhooks: 1,
  };
}
