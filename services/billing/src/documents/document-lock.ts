import type { Prisma } from '../generated/prisma/client.js';

/**
 * Hold, until the caller's transaction ends, the lock on the document of one source (an
 * invoice of an order or a subscription charge, a credit note of a refund). Whoever issues that
 * document, or decides it does not exist yet, holds it: two issues of one source never race,
 * and a refund that finds no invoice knows that none is being issued meanwhile.
 */
export async function lockDocumentSource(
  tx: Prisma.TransactionClient,
  source: { kind: 'invoice' | 'credit_note'; sourceType: string; sourceId: string },
): Promise<void> {
  await tx.$executeRawUnsafe(
    `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
    `billing-document:${source.kind}:${source.sourceType}:${source.sourceId}`,
  );
}
