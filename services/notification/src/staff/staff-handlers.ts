import type { EventEnvelope } from '@switchyard/contracts';
import type { EventHandlers, SqlClient } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { lowStockMessage, salesReportMessage, type StaffMessage } from './compose-staff-message.js';
import { salesReportCsv } from './sales-report-csv.js';

type Tx = Prisma.TransactionClient;

/** user.access_changed → who the staff are; an older change arriving late changes nothing. */
async function recordAccess(event: EventEnvelope<'user.access_changed'>, sql: SqlClient) {
  const tx = sql as unknown as Tx;
  const { userId, roles, disabled } = event.data;
  await tx.$executeRaw`
    INSERT INTO staff_members (user_id, roles, disabled, changed_at)
    VALUES (${userId}::uuid, ${roles}::text[], ${disabled}, ${new Date(event.time)})
    ON CONFLICT (user_id) DO UPDATE
       SET roles = EXCLUDED.roles, disabled = EXCLUDED.disabled, changed_at = EXCLUDED.changed_at
     WHERE staff_members.changed_at <= EXCLUDED.changed_at`;
}

/**
 * One in-app notification and one email per admin (enabled, with a known address), written in
 * the inbox transaction: a redelivered event writes nothing more, so each admin gets the
 * message once. The email dispatcher sends after commit. Staff messages are not subject to a
 * customer's preferences: they are turned off where they start (the order service's config).
 */
async function notifyAdmins(
  tx: Tx,
  event: EventEnvelope,
  message: StaffMessage,
  attachment: { filename: string; contentType: string; contentBase64: string } | null,
): Promise<void> {
  await tx.$queryRaw`
    WITH admins AS MATERIALIZED (
      SELECT s.user_id, gen_random_uuid() AS notification_id, gen_random_uuid() AS email_id
        FROM staff_members s JOIN recipients r ON r.user_id = s.user_id
       WHERE 'admin' = ANY (s.roles) AND NOT s.disabled),
    n AS (
      INSERT INTO notifications
             (id, user_id, source_event_id, event_type, category, title, body, in_app, created_at)
      SELECT notification_id, user_id, ${event.id}, ${event.name}, 'staff', ${message.title},
             ${message.body}, true, date_trunc('milliseconds', now())
        FROM admins
      ON CONFLICT (source_event_id, user_id) DO NOTHING
      RETURNING id, user_id),
    e AS (
      INSERT INTO email_deliveries (id, notification_id, user_id, subject, text_body)
      SELECT a.email_id, n.id, n.user_id, ${message.title}, ${message.text}
        FROM n JOIN admins a ON a.notification_id = n.id
      RETURNING id),
    a AS (
      INSERT INTO email_attachments
             (id, email_delivery_id, filename, content_type, size_bytes, content)
      SELECT gen_random_uuid(), e.id, ${attachment?.filename ?? null},
             ${attachment?.contentType ?? null}, octet_length(file.bytes), file.bytes
        FROM e, (SELECT decode(${attachment?.contentBase64 ?? null}::text, 'base64') AS bytes) file
       WHERE ${attachment !== null}::boolean
      RETURNING 1)
    SELECT (SELECT count(*) FROM e)::int AS emails, (SELECT count(*) FROM a)::int AS attached`;
}

/** The staff side of the notification service: who the admins are, and what they are told. */
export function staffHandlers(deps: { nudgeEmails: () => void }): EventHandlers {
  // Staff events are a few a day: wake the email sender after each, whatever it wrote.
  const afterCommit = async () => deps.nudgeEmails();
  return {
    'user.access_changed': { handle: recordAccess },
    'report.sales_daily': {
      handle: async (event: EventEnvelope<'report.sales_daily'>, sql: SqlClient) => {
        const csv = salesReportCsv(event.data);
        await notifyAdmins(sql as unknown as Tx, event, salesReportMessage(event.data), {
          filename: `sales-report-${event.data.reportDate}.csv`,
          contentType: 'text/csv',
          contentBase64: Buffer.from(csv, 'utf8').toString('base64'),
        });
      },
      afterCommit,
    },
    'product.low_stock': {
      handle: async (event: EventEnvelope<'product.low_stock'>, sql: SqlClient) => {
        await notifyAdmins(sql as unknown as Tx, event, lowStockMessage(event.data), null);
      },
      afterCommit,
    },
  };
}
