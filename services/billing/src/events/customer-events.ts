import type { EventHandlers } from '@switchyard/messaging';
import { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * Billing's copy of who it bills: the name and email from registration, the billing address
 * from the profile. One topic keyed by user, so a profile never overtakes its registration.
 */
export function customerHandlers(): EventHandlers {
  return {
    'user.registered': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { userId, name, email } = event.data;
        await tx.customer.upsert({
          where: { userId },
          create: { userId, name, email },
          update: { name, email, updatedAt: new Date() },
        });
      },
    },
    'user.profile_updated': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { userId, name, billingAddress } = event.data;
        const address = billingAddress ?? Prisma.DbNull;
        await tx.customer.upsert({
          where: { userId },
          create: { userId, name, email: '', billingAddress: address },
          update: { name, billingAddress: address, updatedAt: new Date() },
        });
      },
    },
  };
}
