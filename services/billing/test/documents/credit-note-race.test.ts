// A refund and its invoice handled at the same moment (payment's topic and order's are not
// ordered with each other; two replicas take one each): the credit note must be issued, never
// left waiting for an invoice that already exists.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@switchyard/service-kit';
import { prepareTestDatabase, queryDb } from '@switchyard/testing';
import { BillingConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db.js';
import { createDocumentIssuer } from '../../src/documents/billing-documents.js';
import { migrationsDir } from '../support.js';

describe('a refund handled while its invoice is being issued', () => {
  let databaseUrl: string;
  let db: Db;
  const { issuer } = createDocumentIssuer(
    loadConfig(BillingConfig, {
      PORT: '1',
      DATABASE_URL: 'postgresql://unused@127.0.0.1/unused',
      AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
    }),
  );

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('billing', migrationsDir);
    db = createDb(databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it('issues the credit note once the invoice commits, leaving nothing pending', async () => {
    const userId = randomUUID();
    const orderId = randomUUID();
    const refundId = randomUUID();
    let invoiced!: () => void;
    const invoiceWritten = new Promise<void>((resolve) => (invoiced = resolve));
    let commit!: () => void;
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    // The invoice's transaction: issued, not committed yet.
    const invoice = db.$transaction(
      async (tx) => {
        await issuer.invoice(tx, {
          userId,
          sourceType: 'order',
          sourceId: orderId,
          lines: [
            { description: 'Mug', quantity: 1, unitAmountMinor: 1250, taxCategory: 'standard' },
          ],
          currency: 'EUR',
          paymentReference: 'pi_race',
          issuedAt: new Date(),
        });
        invoiced();
        await mayCommit;
      },
      { timeout: 20_000 },
    );
    await invoiceWritten;
    const refund = db.$transaction((tx) =>
      issuer.creditNote(tx, {
        userId,
        refundId,
        invoiceSourceType: 'order',
        invoiceSourceId: orderId,
        amountMinor: 250,
        currency: 'EUR',
        reason: 'requested_by_customer',
        paymentReference: 'pi_race',
        issuedAt: new Date(),
      }),
    );
    // The refund's transaction has every chance to finish before the invoice commits.
    await sleep(500);
    commit();
    await Promise.all([invoice, refund]);

    const notes = await queryDb<{ total_minor: number }>(
      databaseUrl,
      `SELECT total_minor FROM billing_documents WHERE kind = 'credit_note' AND source_id = $1`,
      [refundId],
    );
    expect(notes).toEqual([{ total_minor: 250 }]);
    expect(
      await queryDb(databaseUrl, 'SELECT 1 FROM pending_credit_notes WHERE refund_id = $1', [
        refundId,
      ]),
    ).toEqual([]);
  });
});
