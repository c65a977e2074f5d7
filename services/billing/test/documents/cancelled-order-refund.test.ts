// An order that is cancelled is never paid, so never invoiced; a charge it did not keep (made
// after the cancellation, or in doubt across it) is refunded in full. That refund has no
// invoice to correct and must not wait for one forever in pending_credit_notes, whichever of
// order.cancelled (order's topic) and payment.refunded (payment's) billing handles first.
import { randomUUID } from 'node:crypto';
import { createEvent, type EventName, type EventPayload } from '@switchyard/contracts';
import type { SqlClient } from '@switchyard/messaging';
import { loadConfig } from '@switchyard/service-kit';
import { prepareTestDatabase, queryDb } from '@switchyard/testing';
import { BillingClock } from '../../src/clock/billing-clock.js';
import { BillingConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db.js';
import { createDocumentIssuer } from '../../src/documents/billing-documents.js';
import { orderHandlers } from '../../src/events/order-events.js';
import { migrationsDir } from '../support.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('the refund of a cancelled order’s charge', () => {
  let databaseUrl: string;
  let db: Db;
  let handlers: ReturnType<typeof orderHandlers>;

  const apply = async <N extends EventName>(name: N, data: EventPayload<N>) => {
    const handler = handlers[name]!;
    const event = createEvent(name, { source: 'test', subject: randomUUID(), data });
    await db.$transaction((tx) =>
      handler.handle(event as never, tx as unknown as SqlClient, undefined),
    );
  };

  const order = () => {
    const orderId = randomUUID();
    const userId = randomUUID();
    const paymentId = randomUUID();
    return {
      orderId,
      created: () =>
        apply('order.created', {
          orderId,
          userId,
          lines: [{ productId: randomUUID(), name: 'Mug', quantity: 1, unitPrice: eur(1250) }],
          total: eur(1250),
          paymentMethod: 'pm_card_visa',
        }),
      paid: () => apply('order.paid', { orderId, userId, paymentId, total: eur(1250) }),
      cancelled: () => apply('order.cancelled', { orderId, userId, reason: 'payment timed out' }),
      refunded: () =>
        apply('payment.refunded', {
          paymentId,
          orderId,
          userId,
          refundId: randomUUID(),
          amount: eur(1250),
          totalRefunded: eur(1250),
          captured: eur(1250),
          reason: 'charged after the order was cancelled',
        }),
    };
  };

  const state = async (orderId: string) => {
    const [row] = await queryDb<{ pending: number; documents: number; snapshots: number }>(
      databaseUrl,
      `SELECT (SELECT count(*)::int FROM pending_credit_notes WHERE source_id = $1) AS pending,
              (SELECT count(*)::int FROM billing_documents d
                 WHERE d.source_id = $1
                    OR d.invoice_id IN (SELECT id FROM billing_documents WHERE source_id = $1)
              ) AS documents,
              (SELECT count(*)::int FROM order_snapshots WHERE order_id = $1) AS snapshots`,
      [orderId],
    );
    return row!;
  };

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('billing', migrationsDir);
    db = createDb(databaseUrl);
    const config = loadConfig(BillingConfig, {
      PORT: '1',
      DATABASE_URL: databaseUrl,
      AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
    });
    handlers = orderHandlers(createDocumentIssuer(config).issuer, new BillingClock(db, false));
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it('issues no document and keeps nothing when the cancellation is handled first', async () => {
    const o = order();
    await o.created();
    await o.cancelled();
    await o.refunded();
    expect(await state(o.orderId)).toEqual({ pending: 0, documents: 0, snapshots: 0 });
  });

  it('drops the waiting refund when the cancellation is handled after it', async () => {
    const o = order();
    await o.created();
    await o.refunded();
    expect((await state(o.orderId)).pending).toBe(1);
    await o.cancelled();
    expect(await state(o.orderId)).toEqual({ pending: 0, documents: 0, snapshots: 0 });
  });

  it('still credits a paid order’s refund against its invoice', async () => {
    const o = order();
    await o.created();
    await o.paid();
    await o.refunded();
    expect(await state(o.orderId)).toEqual({ pending: 0, documents: 2, snapshots: 1 });
  });

  it('still waits for the invoice of an order that is not cancelled', async () => {
    const o = order();
    await o.created();
    await o.refunded();
    expect((await state(o.orderId)).pending).toBe(1);
    await o.paid();
    expect(await state(o.orderId)).toEqual({ pending: 0, documents: 2, snapshots: 1 });
  });
});
