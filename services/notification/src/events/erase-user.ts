import type { EventHandlers } from '@switchyard/messaging';

/**
 * user.deleted: erase everything this service holds about the person, in the inbox
 * transaction (a redelivery finds nothing left and changes nothing). Their notifications go
 * with their emails, attempts and attachments (cascade), their preferences, the webhook
 * endpoints they own with those endpoints' deliveries, their staff membership (an admin's
 * sales reports and alerts), and their contact details. Nothing here
 * is a record the law requires (docs/account-deletion.md).
 */
export const eraseUserHandlers: EventHandlers = {
  'user.deleted': {
    // One statement, one round trip; the emails go with their notifications (cascade).
    handle: async (event, sql) => {
      await sql.$executeRawUnsafe(
        `WITH n AS (DELETE FROM notifications WHERE user_id = $1::uuid),
              p AS (DELETE FROM notification_preferences WHERE user_id = $1::uuid),
              w AS (DELETE FROM webhook_endpoints WHERE owner_kind = 'user' AND owner_id = $2),
              s AS (DELETE FROM staff_members WHERE user_id = $1::uuid)
         DELETE FROM recipients WHERE user_id = $1::uuid`,
        event.data.userId,
        // The same id as text: owner_id is text (a machine client's id is not a uuid), and one
        // parameter cannot be both types.
        event.data.userId,
      );
    },
  },
};
