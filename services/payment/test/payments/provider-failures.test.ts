import { createEvent } from '@switchyard/contracts';
import { publishEvent, queryDb } from '@switchyard/testing';
import {
  chargeOrder,
  eventsAbout,
  startPaymentService,
  waitForPayment,
  type PaymentService,
  sandboxApiKey,
} from '../support.js';

const sandboxAttempts = async (service: PaymentService) =>
  (await (
    await fetch(`${service.sandboxUrl}/v1/charges?limit=100`, {
      headers: { authorization: 'Bearer sk_test_payment_suite' },
    })
  ).json()) as { data: { metadata: Record<string, string> }[] };

describe('a misbehaving payment provider', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  const chargesFor = async (orderId: string) =>
    (await sandboxAttempts(service)).data.filter((c) => c.metadata.order_id === orderId);

  it('retries a 5xx with backoff under the same idempotency key and charges once', async () => {
    const order = await chargeOrder(service, 'pm_card_provider_error');
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid after retries',
    );
    expect(await chargesFor(order.orderId)).toHaveLength(1);
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
  });

  it('treats 429 as "not now": waits as Retry-After says, retries, and charges once', async () => {
    const order = await chargeOrder(service, 'pm_card_rate_limited');
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status !== 'pending',
      'settled after being throttled',
    );
    expect(payment.status).toBe('succeeded');
    expect(await chargesFor(order.orderId)).toHaveLength(1);
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
  });

  it('keeps retrying a cancellation refund the provider throttles, until it is made', async () => {
    const order = await chargeOrder(service, 'pm_card_refunds_rate_limited', 4200);
    await waitForPayment(service, order.orderId, (p) => p.status === 'succeeded', 'paid');
    await publishEvent(
      service.ctx.namespace,
      createEvent('order.cancelled', {
        source: 'order',
        subject: order.orderId,
        data: { orderId: order.orderId, userId: order.userId, reason: 'cancelled by customer' },
      }),
    );
    const refunded = await waitForPayment(
      service,
      order.orderId,
      (p) => p.amount_refunded_minor === 4200,
      'refunded although the first refund attempts were throttled',
    );
    expect(refunded.status).toBe('succeeded');
    const refunds = await queryDb<{ status: string }>(
      service.ctx.databaseUrl,
      'SELECT r.status FROM payment_refunds r JOIN payments p ON p.id = r.payment_id WHERE p.order_id = $1',
      [order.orderId],
    );
    expect(refunds).toEqual([{ status: 'succeeded' }]);
  });

  it('times out a hanging provider, retries, and still charges once', async () => {
    const order = await chargeOrder(service, 'pm_card_provider_timeout');
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid after a timeout',
    );
    expect(await chargesFor(order.orderId)).toHaveLength(1);
  });

  it('never follows a provider redirect: the payment fails and the target is never hit', async () => {
    const order = await chargeOrder(service, 'pm_card_redirect');
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'failed',
      'failed',
    );
    expect(payment.failure_reason).toBe('provider_error');
    const followed = await fetch(`${service.sandboxUrl}/v1/test_helpers/redirect_target_hits`, {
      headers: { authorization: `Bearer ${sandboxApiKey}` },
    });
    expect(await followed.json()).toEqual({ hits: 0 });
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.failed']);
  });

  it('leaves a payment pending through an outage; the watchdog retries it while there is time', async () => {
    const order = await chargeOrder(service, 'pm_card_provider_outage');
    const pending = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'pending' && p.last_provider_error !== null,
      'attempts exhausted',
    );
    expect(pending.provider_charge_id).toBeNull();
    await service.app.jobs.watchdog.runNow(); // younger than GIVE_UP_AFTER_SECONDS: retried only
    expect((await waitForPayment(service, order.orderId, () => true, 'row')).status).toBe(
      'pending',
    );
    expect(await eventsAbout(service, order.orderId)).toEqual([]);
  });
});

describe('a payment provider that is down, then back', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService({
      providerDown: true,
      env: { GIVE_UP_AFTER_SECONDS: '2' },
    });
  });
  afterAll(() => service.close());

  it('keeps the payment pending, and the watchdog charges it once the provider is back', async () => {
    const order = await chargeOrder(service, 'pm_card_visa');
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'attempt failed',
    );
    await service.startSandbox();
    await new Promise((r) => setTimeout(r, 1100)); // past STUCK_AFTER_SECONDS
    await service.app.jobs.watchdog.runNow();
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid by the watchdog',
    );
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
    const metrics = (await service.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      /saga_watchdog_actions_total\{step="payment",action="retried_succeeded"\} 1/,
    );
  });

  it('fails a payment the provider never answered once it is out of time', async () => {
    const order = await chargeOrder(service, 'pm_card_provider_outage');
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'attempts exhausted',
    );
    await new Promise((r) => setTimeout(r, 2100)); // past GIVE_UP_AFTER_SECONDS
    await service.app.jobs.watchdog.runNow();
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'failed',
      'given up',
    );
    expect(payment.failure_reason).toBe('provider_unavailable');
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.failed']);
    const metrics = (await service.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/saga_watchdog_actions_total\{step="payment",action="compensated"\} 1/);
  });
});
