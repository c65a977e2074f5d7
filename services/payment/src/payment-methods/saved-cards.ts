import type { Db } from '../db.js';
import type { SavedPaymentMethod } from '../generated/prisma/client.js';
import type {
  CardSummary,
  SavedMethodsClient,
  SetupOutcome,
} from '../provider/saved-methods-client.js';

export type CardView = Pick<
  SavedPaymentMethod,
  'id' | 'brand' | 'last4' | 'expMonth' | 'expYear'
> & {
  createdAt: string;
};

export const toCardView = (m: SavedPaymentMethod): CardView => ({
  id: m.id,
  brand: m.brand,
  last4: m.last4,
  expMonth: m.expMonth,
  expYear: m.expYear,
  createdAt: m.createdAt.toISOString(),
});

/** The user's provider customer, created at the provider (once, by key) the first time. */
export async function customerOf(db: Db, client: SavedMethodsClient, userId: string) {
  const known = await db.providerCustomer.findUnique({ where: { userId } });
  if (known) return known.providerCustomerId;
  const providerCustomerId = await client.createCustomer(userId);
  // Two first saves at once: the same customer (same idempotency key), one row.
  await db.providerCustomer.createMany({
    data: [{ userId, providerCustomerId }],
    skipDuplicates: true,
  });
  return providerCustomerId;
}

/** Remember a card the provider saved for this user (once, however often it is reported). */
export async function recordCard(db: Db, userId: string, card: CardSummary): Promise<CardView> {
  await db.savedPaymentMethod.createMany({ data: [{ ...card, userId }], skipDuplicates: true });
  return toCardView(await db.savedPaymentMethod.findUniqueOrThrow({ where: { id: card.id } }));
}

/** What saving a card came to, for the API: the card, or what the customer must still do. */
export type SaveResult =
  { kind: 'saved'; card: CardView } | Exclude<SetupOutcome, { kind: 'saved' }>;

export async function finishSetup(
  db: Db,
  userId: string,
  outcome: SetupOutcome,
): Promise<SaveResult> {
  if (outcome.kind !== 'saved') return outcome;
  return { kind: 'saved', card: await recordCard(db, userId, outcome.card) };
}

/** Save a card (a method made by the provider's client SDK, or a test card) for this user. */
export async function saveCard(
  db: Db,
  client: SavedMethodsClient,
  input: { userId: string; paymentMethod: string; idempotencyKey: string },
): Promise<SaveResult> {
  const customer = await customerOf(db, client, input.userId);
  const outcome = await client.setUp({
    customer,
    userId: input.userId,
    paymentMethod: input.paymentMethod,
    idempotencyKey: `setup-${input.userId}-${input.idempotencyKey}`,
  });
  return finishSetup(db, input.userId, outcome);
}
