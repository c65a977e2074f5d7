// The chaos run's invariant checks must be able to fail: on a real platform after a few orders
// they pass, and each deliberately corrupted row makes its check fail.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  chargesAfterCancellation,
  listProviderCharges,
  queryDb,
  startPlatform,
  testKafka,
  type Platform,
} from '@switchyard/testing';
import { prepareActors, type Actors } from '../src/actors.js';
import { BillingClockDriver } from '../src/billing-clock.js';
import { request } from '../src/http.js';
import { checkBilling } from '../src/invariants/billing.js';
import { runDataOf, type RunData } from '../src/invariants/check.js';
import { checkEverything } from '../src/invariants/index.js';
import { checkMoneyAndStock } from '../src/invariants/money.js';
import { checkNotifications } from '../src/invariants/notifications.js';
import { checkOrders } from '../src/invariants/orders.js';
import { checkPipeline } from '../src/invariants/pipeline.js';
import { checkSubscriptions } from '../src/invariants/subscriptions.js';
import { checkWebhooks } from '../src/invariants/webhooks.js';
import { waitForQuiescence } from '../src/settle.js';
import { runSubscriptionWorkload, type SubscriptionWorkloadResult } from '../src/subscribers.js';
import { startIntegratorReceiver, type IntegratorReceiver } from '../src/webhook-receiver.js';
import { runWorkload, type WorkloadResult } from '../src/workload.js';

describe('chaos invariants', () => {
  let platform: Platform;
  let receiver: IntegratorReceiver;
  let actors: Actors;
  let data: RunData;
  let workload: WorkloadResult;
  let subscriptions: SubscriptionWorkloadResult;
  let clock: BillingClockDriver;
  const kafka = testKafka('chaos-test');

  beforeAll(async () => {
    platform = await startPlatform({
      logLevel: 'warn',
      env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32', SANDBOX_DELAY_MS: '500' },
    });
    receiver = await startIntegratorReceiver();
    actors = await prepareActors(platform, receiver, { customers: 3, scarceStock: 2 });
    data = runDataOf(platform);
    clock = new BillingClockDriver(platform.gatewayUrl, actors.admin);
    // Orders, and meanwhile two subscriptions (EUR, GBP) that renew once on billing's clock.
    [workload, subscriptions] = await Promise.all([
      runWorkload({
        gatewayUrl: platform.gatewayUrl,
        actors,
        orders: 24,
        ratePerSecond: 8,
        concurrency: 6,
        seed: 7,
      }),
      runSubscriptionWorkload({
        gatewayUrl: platform.gatewayUrl,
        actors,
        clock,
        subscribers: 2,
        advanceAt: Date.now() + 10_000,
        log: () => undefined,
      }),
    ]);
    // A refund of a paid order, whatever the mix: billing's books then hold a credit note.
    const paidOrder = workload.placed.find((o) => o.scenario === 'paid')!;
    const owner = actors.customers.find((c) => c.userId === paidOrder.userId)!;
    await waitForQuiescence(data, kafka, platform.namespace, [paidOrder.id], 60_000);
    const payments = await request(
      platform.gatewayUrl,
      'GET',
      `/v1/payments?orderId=${paidOrder.id}`,
      {
        token: owner.token,
      },
    );
    const refund = await request(
      platform.gatewayUrl,
      'POST',
      `/v1/admin/payments/${payments.body.items[0].id}/refunds`,
      {
        token: actors.admin.token,
        body: { amount: { amount: 250, currency: 'EUR' } },
        headers: { 'idempotency-key': randomUUID() },
      },
    );
    expect(refund.status).toBeLessThan(300);
    paidOrder.expected = ['partially_refunded'];
    const settled = await waitForQuiescence(
      data,
      kafka,
      platform.namespace,
      workload.placed.map((o) => o.id),
      120_000,
    );
    expect(settled.afterMs).not.toBeNull();
  }, 300_000);

  afterAll(async () => {
    await receiver?.close();
    await platform?.stop();
  }, 60_000);

  const anOrder = async (status: string) =>
    (
      await queryDb<{ id: string }>(
        data.databases.order,
        'SELECT id FROM orders WHERE status = $1 LIMIT 1',
        [status],
      )
    )[0]!.id;

  it('hold on the untouched run, with every scenario of the mix placed', async () => {
    expect(workload.placed.length).toBeGreaterThan(15);
    for (const check of await checkEverything(
      data,
      kafka,
      platform.namespace,
      receiver,
      workload.placed,
      { ids: subscriptions.subscribed.map((s) => s.id), clockSteps: clock.steps },
    ))
      expect({ name: check.name, problems: check.problems }).toEqual({
        name: check.name,
        problems: [],
      });
  });

  it('see a stuck order', async () => {
    const id = await anOrder('paid');
    await queryDb(
      data.databases.order,
      "UPDATE orders SET status = 'pending_payment' WHERE id = $1",
      [id],
    );
    try {
      const check = await checkOrders(data.databases.order, workload.placed);
      expect(check.ok).toBe(false);
      expect(check.figures.stuck).toBe(1);
    } finally {
      await queryDb(data.databases.order, "UPDATE orders SET status = 'paid' WHERE id = $1", [id]);
    }
  });

  it('see refunds that disagree with the provider, and stock that does not add up', async () => {
    // Over-refunding is refused by the database itself (a check constraint): claim instead a
    // refund the provider never made.
    const [payment] = await queryDb<{ id: string }>(
      data.databases.payment,
      "SELECT id FROM payments WHERE status = 'succeeded' AND amount_refunded_minor = 0 LIMIT 1",
    );
    await queryDb(
      data.databases.payment,
      'UPDATE payments SET amount_refunded_minor = amount_minor WHERE id = $1',
      [payment!.id],
    );
    await queryDb(data.databases.order, 'UPDATE products SET stock = stock - 1 WHERE id = $1', [
      actors.products.plentiful[0],
    ]);
    try {
      const check = await checkMoneyAndStock(data);
      expect(check.ok).toBe(false);
      expect(check.problems.join('\n')).toMatch(/provider refunded 0, we say/);
      expect(check.problems.join('\n')).toMatch(/movements sum to/);
    } finally {
      await queryDb(
        data.databases.payment,
        'UPDATE payments SET amount_refunded_minor = 0 WHERE id = $1',
        [payment!.id],
      );
      await queryDb(data.databases.order, 'UPDATE products SET stock = stock + 1 WHERE id = $1', [
        actors.products.plentiful[0],
      ]);
    }
  });

  /** A charge of a cancelled order, and when the payment service recorded the cancellation. */
  const cancelledOrdersCharge = async () => {
    const charges = await listProviderCharges(data.sandboxUrl);
    const tombstones = await queryDb<{ order_id: string; cancelled_at: Date }>(
      data.databases.payment,
      'SELECT order_id, cancelled_at FROM order_cancellations',
    );
    const charge = charges.find((c) => tombstones.some((t) => t.order_id === c.metadata.order_id));
    expect(charge).toBeDefined();
    const orderId = charge!.metadata.order_id!;
    const recorded = tombstones.find((t) => t.order_id === orderId)!.cancelled_at;
    return { charge: charge!, orderId, recorded };
  };

  it('see a charge requested after the order’s cancellation was recorded', async () => {
    // A cancelled order's charge (declined, or cancelled by its customer and refunded), with its
    // cancellation's record moved to just before the charge was requested. Nothing else
    // changes: the payment is settled and any refund was made, so the live platform does
    // nothing with it.
    const { charge, orderId, recorded } = await cancelledOrdersCharge();
    expect(charge.requested_ms).toBeDefined();
    await queryDb(
      data.databases.payment,
      'UPDATE order_cancellations SET cancelled_at = $2 WHERE order_id = $1',
      [orderId, new Date(charge.requested_ms! - 1000)],
    );
    try {
      const check = await checkMoneyAndStock(data);
      expect(check.ok).toBe(false);
      expect(check.figures.chargedAfterCancellation).toBe(1);
      expect(check.problems.join('\n')).toMatch(
        new RegExp(
          `order ${orderId}: charge ${charge.id} .* requested at .* after its cancellation was recorded`,
        ),
      );
    } finally {
      await queryDb(
        data.databases.payment,
        'UPDATE order_cancellations SET cancelled_at = $2 WHERE order_id = $1',
        [orderId, recorded],
      );
    }
  });

  it('let a charge in doubt — requested before the cancellation, made after it — pass only refunded in full', async () => {
    // The same order's charge as the provider could report it after a request that timed out:
    // requested before the cancellation was recorded, made after it.
    const { charge, recorded } = await cancelledOrdersCharge();
    const cancelled = recorded.getTime();
    const inDoubt = {
      ...charge,
      status: 'succeeded',
      requested_ms: cancelled - 500,
      created_ms: cancelled + 500,
    };
    const check = (c: typeof charge) =>
      chargesAfterCancellation({ paymentDb: data.databases.payment, providerCharges: [c] });
    expect(await check({ ...inDoubt, amount_refunded: charge.amount })).toEqual([]);
    expect(await check({ ...inDoubt, amount_refunded: charge.amount - 1 })).toEqual([
      expect.stringMatching(/\(requested before it, in doubt\) and refunded only/),
    ]);
    // Requested after it: refunded or not, the promise is broken.
    expect(
      await check({ ...inDoubt, requested_ms: cancelled + 1, amount_refunded: charge.amount }),
    ).toEqual([expect.stringMatching(/requested at .* after its cancellation was recorded/)]);
  });

  it('see a fact announced twice, and an outbox row that never got out', async () => {
    // Parked, so the live relay leaves it alone (an unparked copy would be published at once).
    const copy = randomUUID();
    await queryDb(
      data.databases.order,
      `INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload, parked_at)
       SELECT $1, topic, message_key, event_type, headers, payload, now()
         FROM outbox_events WHERE event_type = 'order.paid' LIMIT 1`,
      [copy],
    );
    try {
      const notifications = await checkNotifications(data);
      expect(notifications.figures.duplicateFacts).toBe(1);
      expect(notifications.figures.missingInbox).toBe(1);
      const pipeline = await checkPipeline(data, kafka, platform.namespace);
      expect(pipeline.figures.outbox_parked_order).toBe(1);
      expect(pipeline.ok).toBe(false);
    } finally {
      await queryDb(data.databases.order, 'DELETE FROM outbox_events WHERE id = $1', [copy]);
    }
  });

  it('see a webhook an endpoint never received', async () => {
    const accepted = receiver.accepted.get('/flaky')!;
    const [id, count] = [...accepted.entries()][0]!;
    accepted.delete(id);
    try {
      const check = await checkWebhooks(data, receiver);
      expect(check.figures.flaky_missing).toBe(1);
    } finally {
      accepted.set(id, count);
    }
  });

  /**
   * A statement on billing's or payment's database with triggers off (session_replication_role):
   * issued documents are immutable to the service (a trigger refuses changes), not to a test.
   */
  const tamper = async (db: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      await client.query('SET session_replication_role = replica');
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const failing = async (name: RegExp) => {
    const checks = await checkBilling(data);
    return checks.find((c) => name.test(c.name))!;
  };

  it('see billing’s books off in one currency when a credit note says another total', async () => {
    const [note] = await queryDb<{ id: string; number: string; currency: string }>(
      data.databases.billing,
      "SELECT id::text, number, currency FROM billing_documents WHERE kind = 'credit_note' LIMIT 1",
    );
    await tamper(
      data.databases.billing,
      'UPDATE billing_documents SET total_minor = total_minor + 1 WHERE id = $1',
      [note!.id],
    );
    try {
      const books = await failing(/^billing books/);
      expect(books.ok).toBe(false);
      expect(books.problems).toEqual([
        expect.stringMatching(new RegExp(`^${note!.currency}: invoices .* but captured`)),
      ]);
      const documents = await failing(/^billing documents/);
      expect(documents.problems.join('\n')).toMatch(
        new RegExp(`credit note ${note!.number} says \\d+, refund`),
      );
    } finally {
      await tamper(
        data.databases.billing,
        'UPDATE billing_documents SET total_minor = total_minor - 1 WHERE id = $1',
        [note!.id],
      );
    }
    expect((await checkBilling(data)).every((c) => c.ok)).toBe(true);
  });

  it('see a successful subscription charge without its invoice', async () => {
    const [invoice] = await queryDb<{ id: string; source_id: string; currency: string }>(
      data.databases.billing,
      `SELECT d.id::text, d.source_id::text, d.currency FROM billing_documents d
        WHERE d.kind = 'invoice' AND d.source_type = 'subscription'
          AND NOT EXISTS (SELECT 1 FROM billing_documents n WHERE n.invoice_id = d.id)
        LIMIT 1`,
    );
    // Kept aside in a table of its own, and put back as it was.
    await tamper(
      data.databases.billing,
      `CREATE TABLE tampered_invoice AS SELECT * FROM billing_documents WHERE id = $1`,
      [invoice!.id],
    );
    await tamper(data.databases.billing, 'DELETE FROM billing_documents WHERE id = $1', [
      invoice!.id,
    ]);
    try {
      const documents = await failing(/^billing documents/);
      expect(documents.ok).toBe(false);
      expect(documents.problems).toEqual([
        expect.stringMatching(
          new RegExp(`payment ${invoice!.source_id} \\(subscription:.*\\) has 0 invoices`),
        ),
      ]);
      expect((await failing(/^billing books/)).problems).toEqual([
        expect.stringMatching(new RegExp(`^${invoice!.currency}: `)),
      ]);
    } finally {
      await tamper(
        data.databases.billing,
        'INSERT INTO billing_documents SELECT * FROM tampered_invoice; DROP TABLE tampered_invoice',
      );
    }
    expect((await checkBilling(data)).every((c) => c.ok)).toBe(true);
  });

  it('see a refund left waiting for an invoice that never comes', async () => {
    const refundId = randomUUID();
    const orderId = randomUUID();
    await tamper(
      data.databases.billing,
      `INSERT INTO pending_credit_notes (refund_id, source_type, source_id, amount_minor, currency, reason)
       VALUES ($1, 'order', $2, 1250, 'EUR', 'tampered')`,
      [refundId, orderId],
    );
    try {
      const documents = await failing(/^billing documents/);
      expect(documents.ok).toBe(false);
      expect(documents.problems).toEqual([
        `refund ${refundId} still waits for an invoice of order:${orderId}`,
      ]);
    } finally {
      await tamper(
        data.databases.billing,
        'DELETE FROM pending_credit_notes WHERE refund_id = $1',
        [refundId],
      );
    }
    expect((await checkBilling(data)).every((c) => c.ok)).toBe(true);
  });

  it('see a subscription period paid twice', async () => {
    // A second attempt at a renewed period that billing recorded as failed, while payment
    // charged it: the money of two charges kept for one period.
    const [paid] = await queryDb<{
      subscription_id: string;
      period_start: Date;
      period_end: Date;
      amount_minor: number;
      currency: string;
      user_id: string;
    }>(
      data.databases.billing,
      `SELECT c.subscription_id::text, c.period_start, c.period_end, c.amount_minor, c.currency,
              s.user_id::text
         FROM subscription_charges c JOIN subscriptions s ON s.id = c.subscription_id
        WHERE c.kind = 'period' AND c.status = 'succeeded' AND c.attempt = 1
        ORDER BY c.period_start DESC LIMIT 1`,
    );
    const id = randomUUID();
    await queryDb(
      data.databases.billing,
      `INSERT INTO subscription_charges (id, subscription_id, kind, period_start, period_end,
                                         attempt, amount_minor, currency, description, status)
       VALUES ($1, $2, 'period', $3, $4, 9, $5, $6, 'tampered', 'failed')`,
      [
        id,
        paid!.subscription_id,
        paid!.period_start,
        paid!.period_end,
        paid!.amount_minor,
        paid!.currency,
      ],
    );
    await queryDb(
      data.databases.payment,
      `INSERT INTO payments (id, purpose, subscription_id, user_id, amount_minor, currency,
                             payment_method, status, updated_at)
       VALUES ($1, 'subscription', $2, $3, $4, $5, 'pm_card_visa', 'succeeded', now())`,
      [id, paid!.subscription_id, paid!.user_id, paid!.amount_minor, paid!.currency],
    );
    try {
      const periods = await failing(/^billing periods/);
      expect(periods.ok).toBe(false);
      const period = `subscription ${paid!.subscription_id} period ${paid!.period_start.toISOString()}`;
      expect(periods.problems).toEqual(
        expect.arrayContaining([
          `charge ${id} (${period}) is failed, its payment succeeded`,
          `${period}: paid 2 times at payment (money kept)`,
        ]),
      );
      expect((await failing(/^billing documents/)).problems).toEqual([
        expect.stringMatching(new RegExp(`payment ${id} .* has 0 invoices`)),
      ]);
    } finally {
      await queryDb(data.databases.payment, 'DELETE FROM payments WHERE id = $1', [id]);
      await queryDb(data.databases.billing, 'DELETE FROM subscription_charges WHERE id = $1', [id]);
    }
    expect((await checkBilling(data)).every((c) => c.ok)).toBe(true);
  });

  it('see subscriptions that did not settle: a charge never answered, a first charge stuck, one lost', async () => {
    const [sub] = await queryDb<{ id: string; period_start: Date; period_end: Date }>(
      data.databases.billing,
      `SELECT id::text, current_period_start AS period_start, current_period_end AS period_end
         FROM subscriptions WHERE status = 'active' LIMIT 1`,
    );
    const pending = randomUUID();
    await queryDb(
      data.databases.billing,
      `INSERT INTO subscription_charges (id, subscription_id, kind, period_start, period_end,
                                         attempt, amount_minor, currency, description, status)
       VALUES ($1, $2, 'period', $3, $4, 9, 100, 'EUR', 'tampered', 'pending')`,
      [pending, sub!.id, sub!.period_end, new Date(sub!.period_end.getTime() + 86_400_000)],
    );
    await queryDb(
      data.databases.billing,
      "UPDATE subscriptions SET status = 'incomplete' WHERE id = $1",
      [sub!.id],
    );
    const lost = randomUUID();
    try {
      const check = await checkSubscriptions(data, [
        ...subscriptions.subscribed.map((s) => s.id),
        lost,
      ]);
      expect(check.ok).toBe(false);
      expect(check.figures).toMatchObject({ lost: 1, pendingCharges: 1 });
      expect(check.problems).toEqual(
        expect.arrayContaining([
          `subscription ${lost} got a 201 and does not exist`,
          `subscription ${sub!.id}: charge ${pending} still pending`,
          `subscription ${sub!.id}: first charge never settled`,
        ]),
      );
    } finally {
      await queryDb(
        data.databases.billing,
        "UPDATE subscriptions SET status = 'active' WHERE id = $1",
        [sub!.id],
      );
      await queryDb(data.databases.billing, 'DELETE FROM subscription_charges WHERE id = $1', [
        pending,
      ]);
    }
    expect((await checkSubscriptions(data)).ok).toBe(true);
  });

  it('see a lost order and a lost inbox row (deleted: last)', async () => {
    await queryDb(
      data.databases.notification,
      'DELETE FROM notifications WHERE id IN (SELECT id FROM notifications LIMIT 1)',
    );
    expect((await checkNotifications(data)).figures.missingInbox).toBe(1);
    // The order and everything that refers to it, as if its placement had never committed.
    await queryDb(
      data.databases.order,
      `WITH moves AS (DELETE FROM stock_movements WHERE order_id = $1)
       DELETE FROM orders WHERE id = $1`,
      [workload.placed[0]!.id],
    );
    expect((await checkOrders(data.databases.order, workload.placed)).figures.lost).toBe(1);
  });
});
