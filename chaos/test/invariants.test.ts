// The chaos run's invariant checks must be able to fail: on a real platform after a few orders
// they pass, and each deliberately corrupted row makes its check fail.
import { randomUUID } from 'node:crypto';
import {
  chargesAfterCancellation,
  listProviderCharges,
  queryDb,
  startPlatform,
  testKafka,
  type Platform,
} from '@switchyard/testing';
import { prepareActors, type Actors } from '../src/actors.js';
import { runDataOf, type RunData } from '../src/invariants/check.js';
import { checkEverything } from '../src/invariants/index.js';
import { checkMoneyAndStock } from '../src/invariants/money.js';
import { checkNotifications } from '../src/invariants/notifications.js';
import { checkOrders } from '../src/invariants/orders.js';
import { checkPipeline } from '../src/invariants/pipeline.js';
import { checkWebhooks } from '../src/invariants/webhooks.js';
import { waitForQuiescence } from '../src/settle.js';
import { startIntegratorReceiver, type IntegratorReceiver } from '../src/webhook-receiver.js';
import { runWorkload, type WorkloadResult } from '../src/workload.js';

describe('chaos invariants', () => {
  let platform: Platform;
  let receiver: IntegratorReceiver;
  let actors: Actors;
  let data: RunData;
  let workload: WorkloadResult;
  const kafka = testKafka('chaos-test');

  beforeAll(async () => {
    platform = await startPlatform({
      logLevel: 'warn',
      env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32', SANDBOX_DELAY_MS: '500' },
    });
    receiver = await startIntegratorReceiver();
    actors = await prepareActors(platform, receiver, { customers: 3, scarceStock: 2 });
    data = runDataOf(platform);
    workload = await runWorkload({
      gatewayUrl: platform.gatewayUrl,
      actors,
      orders: 24,
      ratePerSecond: 8,
      concurrency: 6,
      seed: 7,
    });
    const settled = await waitForQuiescence(
      data,
      kafka,
      platform.namespace,
      workload.placed.map((o) => o.id),
      120_000,
    );
    expect(settled.afterMs).not.toBeNull();
  }, 240_000);

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
