import { queryDb, waitFor } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import {
  chargeOrder,
  eventsAbout,
  paymentOf,
  startPaymentService,
  waitForPayment,
  type PaymentService,
  providerSdk,
} from '../support.js';

/**
 * The watchdog gives up on a payment the provider could not be reached for once it is out of
 * time. It must never fail one the provider holds a charge for: the charge id may be recorded
 * (a webhook, another replica) after the watchdog read the payment, so the decision is made on
 * the row as it stands under the payment's lock.
 */
describe('the saga watchdog giving up on a payment', () => {
  let service: PaymentService;
  /** Runs (once) when the sandbox receives a charge request under this idempotency key. */
  const onChargeRequest = new Map<string, () => Promise<unknown>>();

  beforeAll(async () => {
    service = await startPaymentService({
      providerDown: true,
      env: { GIVE_UP_AFTER_SECONDS: '1' },
    });
    service.sandbox.addHook('onRequest', async (request) => {
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') return;
      const key = String(request.headers['idempotency-key']);
      const race = onChargeRequest.get(key);
      onChargeRequest.delete(key);
      await race?.();
    });
    await service.startSandbox();
  });
  afterAll(() => service.close());

  const createCharge = async (key: string, metadata: Record<string, string>) => {
    const intent = await providerSdk(service).paymentIntents.create(
      {
        amount: 2500,
        currency: 'eur',
        payment_method: 'pm_card_pending',
        confirm: true,
        metadata,
      },
      { idempotencyKey: key },
    );
    return intent.id;
  };

  it('does not fail a payment whose charge id was recorded while its retry was at the provider', async () => {
    // Pending with no charge id: every attempt so far was answered 503.
    const order = await chargeOrder(service, 'pm_card_provider_outage');
    const pending = await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'attempts exhausted',
    );
    // The provider does hold a charge for it (an attempt whose answer was lost; no payment_id
    // in its metadata, so its own webhooks cannot record it before the race below does) ...
    const held = await createCharge(`earlier-${pending.id}`, {
      order_id: order.orderId,
    });
    // ... and its webhook records it while the watchdog's retry is at the provider.
    onChargeRequest.set(pending.id, () =>
      queryDb(
        service.ctx.databaseUrl,
        'UPDATE payments SET provider_charge_id = $1 WHERE id = $2',
        [held, pending.id],
      ),
    );

    await new Promise((resolve) => setTimeout(resolve, 1_100)); // stuck, and out of time
    await service.app.jobs.watchdog.runNow();

    expect(onChargeRequest.has(pending.id)).toBe(false); // the race did happen
    expect(await paymentOf(service, order.orderId)).toMatchObject({
      status: 'pending',
      provider_charge_id: held,
    });
    expect(await eventsAbout(service, order.orderId)).toEqual([]);
  });

  it('does not fail a payment while another replica’s charge for its order is at the provider', async () => {
    const order = await chargeOrder(service, 'pm_card_provider_outage');
    const pending = await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'attempts exhausted',
    );
    // Another replica charges the order (order.created redelivered after a rebalance): it asks
    // for the order's charge lock while the watchdog's own attempt is at the provider, gets it
    // once that attempt is recorded, and holds it while it waits for the provider's answer —
    // with no charge id recorded yet, which is all the payment's own lock would show.
    const replica = createDb(service.ctx.databaseUrl);
    let answered!: () => void;
    const providerAnswered = new Promise<void>((resolve) => (answered = resolve));
    let replicaCharge: Promise<unknown> | undefined;
    const waitingForLock = async () =>
      (
        await queryDb(
          service.ctx.databaseUrl,
          `SELECT 1 FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
      ).length > 0;
    onChargeRequest.set(pending.id, async () => {
      replicaCharge = replica.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT true AS locked FROM pg_advisory_xact_lock(hashtextextended(${`order-charges:${order.orderId}`}, 0))`;
          await providerAnswered;
        },
        { timeout: 60_000 },
      );
      await waitFor(waitingForLock, { what: 'the other replica waiting for the charge lock' });
    });

    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // stuck, and out of time
      await service.app.jobs.watchdog.runNow();

      expect(replicaCharge).toBeDefined(); // the watchdog did try, with the lock asked for
      expect(await paymentOf(service, order.orderId)).toMatchObject({
        status: 'pending',
        provider_charge_id: null,
      });
      expect(await eventsAbout(service, order.orderId)).toEqual([]);
    } finally {
      answered();
      await replicaCharge;
      await replica.$disconnect();
    }

    // The other replica is done and recorded nothing: the next pass gives up on the payment.
    await queryDb(
      service.ctx.databaseUrl,
      "UPDATE payments SET watchdog_next_at = now(), updated_at = now() - interval '1 minute' WHERE id = $1",
      [pending.id],
    );
    await service.app.jobs.watchdog.runNow();
    expect(await paymentOf(service, order.orderId)).toMatchObject({
      status: 'failed',
      failure_reason: 'provider_unavailable',
    });
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.failed']);
  });

  it('leaves a payment whose order is being charged elsewhere to its next pass, without waiting or backing off', async () => {
    const order = await chargeOrder(service, 'pm_card_provider_outage');
    const pending = await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'attempts exhausted',
    );
    // Another replica is charging the order (order.created redelivered): it holds the order's
    // charge lock for its whole provider call.
    const replica = createDb(service.ctx.databaseUrl);
    let answered!: () => void;
    const providerAnswered = new Promise<void>((resolve) => (answered = resolve));
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    const replicaCharge = replica.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT true AS locked FROM pg_advisory_xact_lock(hashtextextended(${`order-charges:${order.orderId}`}, 0))`;
        locked();
        await providerAnswered;
      },
      { timeout: 60_000 },
    );
    const sent = () => {
      throw new Error('the watchdog sent a charge request for an order being charged elsewhere');
    };
    try {
      await lockHeld;
      onChargeRequest.set(pending.id, async () => sent());
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // stuck, and out of time
      await service.app.jobs.watchdog.runNow();

      expect(onChargeRequest.has(pending.id)).toBe(true); // nothing sent
      const [row] = await queryDb(
        service.ctx.databaseUrl,
        'SELECT status, watchdog_failures, watchdog_next_at FROM payments WHERE id = $1',
        [pending.id],
      );
      expect(row).toEqual({ status: 'pending', watchdog_failures: 0, watchdog_next_at: null });
      expect((await service.app.inject({ url: '/metrics' })).body).toMatch(
        /saga_watchdog_actions_total\{step="payment",action="skipped_in_flight"\} [1-9]/,
      );
    } finally {
      onChargeRequest.delete(pending.id);
      answered();
      await replicaCharge;
      await replica.$disconnect();
    }

    // That charge is over and recorded nothing: the next pass retries, and gives up.
    await queryDb(
      service.ctx.databaseUrl,
      "UPDATE payments SET updated_at = now() - interval '1 minute' WHERE id = $1",
      [pending.id],
    );
    await service.app.jobs.watchdog.runNow();
    expect(await paymentOf(service, order.orderId)).toMatchObject({
      status: 'failed',
      failure_reason: 'provider_unavailable',
    });
  });
});
