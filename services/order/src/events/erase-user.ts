import type { EventHandlers } from '@switchyard/messaging';

/**
 * user.deleted: the order service holds no name, email or address, only the user's id on their
 * orders. The orders stay (their amounts, lines and timeline are accounting records the law
 * requires; docs/account-deletion.md); the id they carry no longer leads to a person once auth
 * has erased the account. What goes: the user's stored Idempotency-Key requests and answers.
 * A redelivery finds nothing left.
 */
export const eraseUserHandlers: EventHandlers = {
  'user.deleted': {
    handle: async (event, sql) => {
      await sql.$executeRawUnsafe(
        'DELETE FROM idempotency_keys WHERE user_id = $1::uuid',
        event.data.userId,
      );
    },
  },
};
