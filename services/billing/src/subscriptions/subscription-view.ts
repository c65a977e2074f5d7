import { cursorParam, keysetPage, olderThan } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { SubscriptionView } from '../schemas/billing.js';

const include = {
  plan: true,
  transitions: { orderBy: [{ at: 'asc' as const }, { id: 'asc' as const }] },
  charges: { select: { id: true } },
};

type Reader = Prisma.TransactionClient;
type Loaded = NonNullable<Awaited<ReturnType<typeof loadOne>>>;

const loadOne = (db: Reader, id: string) => db.subscription.findUnique({ where: { id }, include });

/**
 * A view is several reads (the subscription, its plan, charges and timeline, then its invoices).
 * One REPEATABLE READ transaction makes them one snapshot, so a renewal committed between two
 * of them cannot show its invoice beside the old period.
 */
const inSnapshot = <T>(db: Db, read: (tx: Reader) => Promise<T>) =>
  db.$transaction(read, { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead });

/** A subscription as its owner (or an admin) sees it; null when it is not theirs. */
export async function findSubscription(
  db: Db,
  id: string,
  ownerId: string | null,
): Promise<SubscriptionView | null> {
  return inSnapshot(db, async (tx) => {
    const sub = await loadOne(tx, id);
    if (!sub || (ownerId && sub.userId !== ownerId)) return null;
    const [view] = await toViews(tx, [sub]);
    return view ?? null;
  });
}

/** Newest first, keyset-paged; one customer's (ownerId) or everyone's. */
export async function listSubscriptions(
  db: Db,
  query: { ownerId: string | null; status?: string; limit: number; cursor?: string },
) {
  const position = cursorParam(query.cursor);
  return inSnapshot(db, async (tx) => {
    const rows = await tx.subscription.findMany({
      where: {
        ...(query.ownerId ? { userId: query.ownerId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...olderThan(position),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      include,
    });
    const page = keysetPage(rows, query.limit);
    return { items: await toViews(tx, page.items), nextCursor: page.nextCursor };
  });
}

async function toViews(db: Reader, subs: Loaded[]): Promise<SubscriptionView[]> {
  const chargeIds = subs.flatMap((sub) => sub.charges.map((charge) => charge.id));
  const invoices = chargeIds.length
    ? await db.billingDocument.findMany({
        where: { kind: 'invoice', sourceType: 'subscription', sourceId: { in: chargeIds } },
        select: {
          id: true,
          number: true,
          totalMinor: true,
          currency: true,
          issuedAt: true,
          sourceId: true,
        },
        orderBy: [{ issuedAt: 'asc' }, { id: 'asc' }],
      })
    : [];
  return subs.map((sub) => {
    const own = new Set(sub.charges.map((charge) => charge.id));
    const renews = sub.status !== 'canceled' && !sub.cancelAtPeriodEnd;
    return {
      id: sub.id,
      status: sub.status as SubscriptionView['status'],
      plan: { id: sub.plan.id, code: sub.plan.code, name: sub.plan.name },
      price: { amount: sub.priceMinor, currency: sub.currency },
      interval: sub.interval as SubscriptionView['interval'],
      intervalCount: sub.intervalCount,
      paymentMethod: sub.paymentMethod,
      currentPeriodStart: sub.currentPeriodStart.toISOString(),
      currentPeriodEnd: sub.currentPeriodEnd.toISOString(),
      nextRenewalAt: renews ? sub.currentPeriodEnd.toISOString() : null,
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      canceledAt: sub.canceledAt?.toISOString() ?? null,
      pendingPlanId: sub.pendingPlanId,
      dunning: {
        failedAttempts: sub.failedAttempts,
        nextRetryAt: sub.nextRetryAt?.toISOString() ?? null,
      },
      timeline: sub.transitions.map((t) => ({
        event: t.event,
        from: t.fromStatus,
        to: t.toStatus,
        actor: t.actor,
        reason: t.reason,
        at: t.at.toISOString(),
      })),
      invoices: invoices
        .filter((doc) => own.has(doc.sourceId))
        .map((doc) => ({
          id: doc.id,
          number: doc.number,
          total: { amount: doc.totalMinor, currency: doc.currency },
          issuedAt: doc.issuedAt.toISOString(),
        })),
      createdAt: sub.createdAt.toISOString(),
      updatedAt: sub.updatedAt.toISOString(),
    };
  });
}
