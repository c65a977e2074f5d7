import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { notFound } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import { toProfileView, type BillingAddressValue, type ProfileView } from './profile-view.js';

export interface ProfileUpdate {
  name: string;
  billingAddress: BillingAddressValue | null;
}

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'postalCode', 'region', 'country'] as const;

// Field by field: jsonb keeps its own key order, so the stored object never compares as text.
const sameAddress = (a: BillingAddressValue | null, b: BillingAddressValue | null) =>
  a === null || b === null ? a === b : ADDRESS_FIELDS.every((field) => a[field] === b[field]);

/**
 * Replace the customer's name and billing address. When either changed, user.profile_updated
 * goes to the outbox in the same transaction; the same body again changes and announces
 * nothing, so a retried PUT is harmless.
 */
export async function updateProfile(
  db: Db,
  userId: string,
  update: ProfileUpdate,
): Promise<{ profile: ProfileView; changed: boolean }> {
  const name = update.name.trim();
  return db.$transaction(async (tx) => {
    // Row lock: concurrent updates of one profile queue up, so each compares against what the
    // one before it committed and their events reach the outbox in commit order.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound('user');
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId } });
    const current = toProfileView(user);
    if (current.name === name && sameAddress(current.billingAddress, update.billingAddress)) {
      return { profile: current, changed: false };
    }
    const updated = await tx.user.update({
      where: { id: userId },
      data: { name, billingAddress: update.billingAddress ?? Prisma.DbNull },
    });
    const profile = toProfileView(updated);
    await enqueueEvent(
      tx,
      createEvent('user.profile_updated', {
        source: 'auth',
        subject: userId,
        data: { userId, name: profile.name, billingAddress: profile.billingAddress },
      }),
    );
    return { profile, changed: true };
  });
}
