import type { EventHandlers } from '@switchyard/messaging';

/**
 * user.deleted: the person's saved cards (brand, last four digits, expiry) and their provider
 * customer link are deleted, and their payments lose what pointed back at them in the browser
 * (a pending action's URL and client secret). The payments and refunds themselves stay, with
 * their amounts and the provider's charge ids: records the law requires
 * (docs/account-deletion.md). Two statements; a redelivery finds nothing left to change.
 */
export const eraseUserHandlers: EventHandlers = {
  'user.deleted': {
    handle: async (event, sql) => {
      const { userId } = event.data;
      await sql.$executeRawUnsafe(
        `WITH m AS (DELETE FROM saved_payment_methods WHERE user_id = $1::uuid)
         UPDATE payments SET action_url = NULL, action_client_secret = NULL
          WHERE user_id = $1::uuid
            AND (action_url IS NOT NULL OR action_client_secret IS NOT NULL)`,
        userId,
      );
      // After its cards (they reference it).
      await sql.$executeRawUnsafe(
        'DELETE FROM provider_customers WHERE user_id = $1::uuid',
        userId,
      );
    },
  },
};
