import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * The subscription, locked for the rest of the caller's transaction (every change of one
 * subscription goes through here, so they apply one at a time), with its plan's name. `skipLocked`
 * is the renewal sweep's way: a subscription another replica holds is its work, not ours.
 */
export async function lockSubscription(tx: Tx, id: string, options: { skipLocked?: boolean } = {}) {
  const locked = options.skipLocked
    ? await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM subscriptions WHERE id = ${id}::uuid FOR UPDATE SKIP LOCKED`
    : await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM subscriptions WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.subscription.findUniqueOrThrow({ where: { id }, include: { plan: true } });
}

export type LockedSubscription = NonNullable<Awaited<ReturnType<typeof lockSubscription>>>;
