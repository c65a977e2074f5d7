import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { consumedEvents, metricValue, publishEvent, queryDb, waitFor } from '@switchyard/testing';
import {
  providerSdk,
  sandboxApiKey,
  startPaymentService,
  webhookDelivered,
  type PaymentRow,
  type PaymentService,
} from '../support.js';

type SubscriptionPaymentRow = PaymentRow & {
  purpose: string;
  order_id: string | null;
  subscription_id: string | null;
  user_id: string;
};

/**
 * Subscription charges as billing asks for them (billing.charge_requested /
 * billing.refund_requested over the real broker), charged off-session at the sandbox with the
 * official SDK inside, announced as payment.billing_charge_* — never as an order's payment.*.
 */
describe('charging subscriptions for billing', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  /** A card the user saved through the API (a SetupIntent at the provider). */
  const saveCard = async (userId: string, testCard: string): Promise<string> => {
    const token = await service.ctx.jwks.sign({ userId });
    const saved = await service.app.inject({
      method: 'POST',
      url: '/v1/payment-methods',
      headers: { authorization: `Bearer ${token}` },
      payload: { paymentMethod: testCard },
    });
    expect(saved.statusCode).toBe(201);
    return saved.json().id as string;
  };

  /**
   * A card attached to the user's provider customer directly, as after a finished 3-D Secure
   * setup (a card that asks for authentication cannot be saved through the API without a person).
   */
  const attachCard = async (userId: string, testCard: string): Promise<string> => {
    const sdk = providerSdk(service);
    const customer = await sdk.customers.create({ metadata: { user_id: userId } });
    const card = await sdk.paymentMethods.attach(testCard, { customer: customer.id });
    await queryDb(
      service.ctx.databaseUrl,
      'INSERT INTO provider_customers (user_id, provider_customer_id) VALUES ($1, $2)',
      [userId, customer.id],
    );
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO saved_payment_methods (id, user_id, brand, last4, exp_month, exp_year)
       VALUES ($1, $2, 'visa', $3, 12, 2040)`,
      [card.id, userId, card.card!.last4],
    );
    return card.id;
  };

  const chargeRequested = (
    userId: string,
    paymentMethod: string,
    subscriptionId = randomUUID(),
    amount = 990,
  ) => {
    const chargeId = randomUUID();
    return createEvent('billing.charge_requested', {
      source: 'billing',
      subject: subscriptionId,
      data: {
        chargeId,
        subscriptionId,
        userId,
        amount: { amount, currency: 'EUR' },
        paymentMethod,
        description: 'Switchyard Pro, December 2026',
      },
    });
  };

  const refundRequested = (
    charge: ReturnType<typeof chargeRequested>['data'],
    amount: number,
    refundId = randomUUID(),
  ) =>
    createEvent('billing.refund_requested', {
      source: 'billing',
      subject: charge.subscriptionId,
      data: {
        refundId,
        chargeId: charge.chargeId,
        subscriptionId: charge.subscriptionId,
        userId: charge.userId,
        amount: { amount, currency: 'EUR' },
        reason: 'prorated credit on cancel-now',
      },
    });

  const paymentById = async (id: string) =>
    (
      await queryDb<SubscriptionPaymentRow>(
        service.ctx.databaseUrl,
        'SELECT * FROM payments WHERE id = $1',
        [id],
      )
    )[0];

  const waitForCharge = async (id: string, until: (p: SubscriptionPaymentRow) => boolean) => {
    let found: SubscriptionPaymentRow | undefined;
    await waitFor(
      async () => {
        found = await paymentById(id);
        return found !== undefined && until(found);
      },
      { what: `subscription charge ${id}` },
    );
    return found!;
  };

  /** Every event this service wrote about a payment (any key), with its payload, in order. */
  const eventsOfPayment = async (paymentId: string) =>
    (
      await queryDb<{ event_type: string; message_key: string; payload: string }>(
        service.ctx.databaseUrl,
        `SELECT event_type, message_key, payload FROM outbox_events
          WHERE payload LIKE '%' || $1 || '%' ORDER BY seq`,
        [paymentId],
      )
    ).map((row) => ({
      type: row.event_type,
      key: row.message_key,
      data: JSON.parse(row.payload) as Record<string, unknown>,
    }));

  const atProvider = async <T>(pathAndQuery: string): Promise<T> =>
    (
      await service.sandbox.inject({
        url: pathAndQuery,
        headers: { authorization: `Bearer ${sandboxApiKey}` },
      })
    ).json() as T;

  /** The PaymentIntents made for a charge id (what the provider was asked). */
  const intentsFor = async (chargeId: string) =>
    (
      await atProvider<{
        data: {
          id: string;
          customer: string | null;
          description: string | null;
          metadata: Record<string, string>;
        }[];
      }>('/v1/payment_intents?limit=100')
    ).data.filter((i) => i.metadata.charge_id === chargeId);

  it('charges a saved card off-session and announces payment.billing_charge_succeeded once', async () => {
    const userId = randomUUID();
    const card = await saveCard(userId, 'pm_card_visa');
    const request = chargeRequested(userId, card);
    await publishEvent(service.ctx.namespace, request);
    const { chargeId, subscriptionId } = request.data;
    const paid = await waitForCharge(chargeId, (p) => p.status === 'succeeded');
    expect(paid).toMatchObject({
      purpose: 'subscription',
      order_id: null,
      subscription_id: subscriptionId,
      user_id: userId,
      amount_minor: 990,
      provider_charge_id: expect.stringMatching(/^pi_/),
    });
    const [intent] = await intentsFor(chargeId);
    const [customer] = await queryDb<{ provider_customer_id: string }>(
      service.ctx.databaseUrl,
      'SELECT provider_customer_id FROM provider_customers WHERE user_id = $1',
      [userId],
    );
    expect(intent).toMatchObject({
      id: paid.provider_charge_id,
      customer: customer!.provider_customer_id,
      description: 'Switchyard Pro, December 2026',
      metadata: { payment_id: chargeId, charge_id: chargeId, subscription_id: subscriptionId },
    });
    // The provider's webhook for the same charge changes nothing, and announces nothing more.
    await webhookDelivered(service, paid.provider_charge_id!, 'payment_intent.succeeded');
    expect(await eventsOfPayment(chargeId)).toEqual([
      {
        type: 'payment.billing_charge_succeeded',
        key: subscriptionId,
        data: {
          paymentId: chargeId,
          chargeId,
          subscriptionId,
          userId,
          amount: { amount: 990, currency: 'EUR' },
          providerChargeId: paid.provider_charge_id,
        },
      },
    ]);
  });

  it('charges pm_card_sandbox_failsAfterFirstCharge once, then fails the renewal with card_declined (billing_charge_failed)', async () => {
    const userId = randomUUID();
    const card = await saveCard(userId, 'pm_card_sandbox_failsAfterFirstCharge');
    const subscriptionId = randomUUID();
    const first = chargeRequested(userId, card, subscriptionId);
    await publishEvent(service.ctx.namespace, first);
    await waitForCharge(first.data.chargeId, (p) => p.status === 'succeeded');
    const renewal = chargeRequested(userId, card, subscriptionId);
    await publishEvent(service.ctx.namespace, renewal);
    const failed = await waitForCharge(renewal.data.chargeId, (p) => p.status === 'failed');
    expect(failed.failure_reason).toBe('card_declined');
    expect(await eventsOfPayment(renewal.data.chargeId)).toEqual([
      expect.objectContaining({
        type: 'payment.billing_charge_failed',
        key: subscriptionId,
        data: expect.objectContaining({ chargeId: renewal.data.chargeId, reason: 'card_declined' }),
      }),
    ]);
  });

  it('fails a card that needs authentication off-session with authentication_required, never waiting for the customer', async () => {
    const userId = randomUUID();
    const card = await attachCard(userId, 'pm_card_authenticationRequired');
    const request = chargeRequested(userId, card);
    await publishEvent(service.ctx.namespace, request);
    const failed = await waitForCharge(request.data.chargeId, (p) => p.status !== 'pending');
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'authentication_required' });
    expect((await eventsOfPayment(request.data.chargeId)).map((e) => e.type)).toEqual([
      'payment.billing_charge_failed',
    ]);
    expect((await eventsOfPayment(request.data.chargeId))[0]!.data.reason).toBe(
      'authentication_required',
    );
  });

  it('charges once and announces once when the same charge is requested again and again', async () => {
    const userId = randomUUID();
    const card = await saveCard(userId, 'pm_card_visa');
    const request = chargeRequested(userId, card);
    const consumed = async (outcome: string) =>
      consumedEvents(
        (await service.app.inject({ url: '/metrics' })).body,
        'billing.charge_requested',
        outcome,
      );
    const [appliedBefore, duplicatesBefore] = [
      await consumed('applied'),
      await consumed('duplicate'),
    ];
    await publishEvent(service.ctx.namespace, request, 3);
    // Billing asking again (a new event, the same charge id) is the same charge too.
    await publishEvent(service.ctx.namespace, { ...request, id: randomUUID() });
    await waitFor(async () => (await consumed('duplicate')) >= duplicatesBefore + 2, {
      what: 'both redeliveries consumed',
    });
    await waitFor(async () => (await consumed('applied')) >= appliedBefore + 2, {
      what: 'the request and its repetition consumed',
    });
    await waitForCharge(request.data.chargeId, (p) => p.status === 'succeeded');
    expect(await intentsFor(request.data.chargeId)).toHaveLength(1);
    expect((await eventsOfPayment(request.data.chargeId)).map((e) => e.type)).toEqual([
      'payment.billing_charge_succeeded',
    ]);
  });

  it('never sends a charge on a card another customer saved, or on a card its user never saved', async () => {
    const owner = randomUUID();
    const card = await saveCard(owner, 'pm_card_mastercard');
    const stranger = randomUUID();
    const theirs = chargeRequested(stranger, card);
    const unsaved = chargeRequested(stranger, 'pm_card_visa');
    await publishEvent(service.ctx.namespace, theirs);
    await publishEvent(service.ctx.namespace, unsaved);
    for (const [request, reason] of [
      [theirs, 'payment_method_not_yours'],
      [unsaved, 'payment_method_not_saved'],
    ] as const) {
      const failed = await waitForCharge(request.data.chargeId, (p) => p.status === 'failed');
      expect(failed).toMatchObject({ failure_reason: reason, provider_charge_id: null });
      expect(await intentsFor(request.data.chargeId)).toEqual([]);
      expect(await eventsOfPayment(request.data.chargeId)).toEqual([
        expect.objectContaining({
          type: 'payment.billing_charge_failed',
          data: expect.objectContaining({ reason }),
        }),
      ]);
    }
  });

  it('refunds part of a charge once however often billing asks, announced as payment.billing_charge_refunded', async () => {
    const userId = randomUUID();
    const card = await saveCard(userId, 'pm_card_visa');
    const request = chargeRequested(userId, card);
    await publishEvent(service.ctx.namespace, request);
    const paid = await waitForCharge(request.data.chargeId, (p) => p.status === 'succeeded');
    const refund = refundRequested(request.data, 400);
    await publishEvent(service.ctx.namespace, refund, 2);
    await publishEvent(service.ctx.namespace, { ...refund, id: randomUUID() });
    const refunded = await waitForCharge(request.data.chargeId, (p) => p.amount_refunded_minor > 0);
    expect(refunded.amount_refunded_minor).toBe(400);
    const refunds = await atProvider<{ data: { id: string; amount: number }[] }>(
      `/v1/refunds?payment_intent=${paid.provider_charge_id}`,
    );
    expect(refunds.data.map((r) => r.amount)).toEqual([400]);
    const [row] = await queryDb<{ id: string; status: string; requested_by: string }>(
      service.ctx.databaseUrl,
      'SELECT id, status, requested_by FROM payment_refunds WHERE payment_id = $1',
      [request.data.chargeId],
    );
    expect(row).toEqual({ id: refund.data.refundId, status: 'succeeded', requested_by: 'billing' });
    await waitFor(
      async () =>
        (await eventsOfPayment(request.data.chargeId)).some(
          (e) => e.type === 'payment.billing_charge_refunded',
        ),
      { what: 'the refund announced' },
    );
    const events = await eventsOfPayment(request.data.chargeId);
    expect(events.map((e) => e.type)).toEqual([
      'payment.billing_charge_succeeded',
      'payment.billing_charge_refunded',
    ]);
    expect(events[1]).toEqual({
      type: 'payment.billing_charge_refunded',
      key: request.data.subscriptionId,
      data: {
        paymentId: request.data.chargeId,
        chargeId: request.data.chargeId,
        subscriptionId: request.data.subscriptionId,
        userId,
        amount: { amount: 990, currency: 'EUR' },
        refundId: refund.data.refundId,
        refunded: { amount: 400, currency: 'EUR' },
        totalRefunded: { amount: 400, currency: 'EUR' },
        reason: 'prorated credit on cancel-now',
      },
    });
  });

  it('rejects, without asking the provider, a refund of more than is left or of an unknown or failed charge', async () => {
    const userId = randomUUID();
    const card = await saveCard(userId, 'pm_card_visa');
    const paid = chargeRequested(userId, card);
    const declined = chargeRequested(userId, 'pm_card_visa'); // never saved: fails unsent
    await publishEvent(service.ctx.namespace, paid);
    await publishEvent(service.ctx.namespace, declined);
    const payment = await waitForCharge(paid.data.chargeId, (p) => p.status === 'succeeded');
    await waitForCharge(declined.data.chargeId, (p) => p.status === 'failed');

    const tooMuch = refundRequested(paid.data, 991);
    const unknown = refundRequested({ ...paid.data, chargeId: randomUUID() }, 100);
    const unpaid = refundRequested(declined.data, 100);
    for (const request of [tooMuch, unknown, unpaid])
      await publishEvent(service.ctx.namespace, request, 2);
    await waitFor(
      async () =>
        (
          await queryDb(
            service.ctx.databaseUrl,
            'SELECT 1 FROM rejected_refund_requests WHERE refund_id = ANY($1::uuid[])',
            [[tooMuch.data.refundId, unknown.data.refundId, unpaid.data.refundId]],
          )
        ).length === 3,
      { what: 'three refunds rejected' },
    );
    const rejected = await queryDb<{ refund_id: string; reason: string }>(
      service.ctx.databaseUrl,
      'SELECT refund_id::text, reason FROM rejected_refund_requests WHERE refund_id = ANY($1::uuid[]) ORDER BY reason',
      [[tooMuch.data.refundId, unknown.data.refundId, unpaid.data.refundId]],
    );
    expect(rejected).toEqual([
      { refund_id: unpaid.data.refundId, reason: 'charge_not_succeeded' },
      { refund_id: tooMuch.data.refundId, reason: 'exceeds_refundable' },
      { refund_id: unknown.data.refundId, reason: 'unknown_charge' },
    ]);
    const refunds = await atProvider<{ data: unknown[] }>(
      `/v1/refunds?payment_intent=${payment.provider_charge_id}`,
    );
    expect(refunds.data).toEqual([]);
    expect(
      await queryDb(
        service.ctx.databaseUrl,
        'SELECT 1 FROM payment_refunds WHERE payment_id = ANY($1::uuid[])',
        [[paid.data.chargeId, declined.data.chargeId]],
      ),
    ).toEqual([]);
    const metrics = (await service.app.inject({ url: '/metrics' })).body;
    expect(
      metricValue(metrics, 'payment_billing_refunds_rejected_total', {
        reason: 'exceeds_refundable',
      }),
    ).toBe(1);
  });

  it('settles a charge the provider answered processing from its webhook, as billing_charge_succeeded', async () => {
    const userId = randomUUID();
    const card = await attachCard(userId, 'pm_card_delayed');
    const request = chargeRequested(userId, card);
    await publishEvent(service.ctx.namespace, request);
    const paid = await waitForCharge(request.data.chargeId, (p) => p.status === 'succeeded');
    await webhookDelivered(service, paid.provider_charge_id!, 'payment_intent.succeeded');
    expect((await eventsOfPayment(request.data.chargeId)).map((e) => e.type)).toEqual([
      'payment.billing_charge_succeeded',
    ]);
  });

  it('finds by reconciliation a refund made at the provider whose webhook was lost: billing_charge_refunded', async () => {
    const userId = randomUUID();
    const card = await saveCard(userId, 'pm_card_visa');
    const request = chargeRequested(userId, card);
    await publishEvent(service.ctx.namespace, request);
    const paid = await waitForCharge(request.data.chargeId, (p) => p.status === 'succeeded');
    await providerSdk(service).refunds.create(
      { payment_intent: paid.provider_charge_id!, amount: 250 },
      { idempotencyKey: randomUUID(), headers: { 'sandbox-suppress-webhooks': 'true' } },
    );
    await service.app.jobs.reconcile.runNow();
    expect((await paymentById(request.data.chargeId))!.amount_refunded_minor).toBe(250);
    const events = await eventsOfPayment(request.data.chargeId);
    expect(events.map((e) => e.type)).toEqual([
      'payment.billing_charge_succeeded',
      'payment.billing_charge_refunded',
    ]);
    expect(events[1]!.data).toMatchObject({
      refunded: { amount: 250, currency: 'EUR' },
      totalRefunded: { amount: 250, currency: 'EUR' },
    });
  });

  it('lets the watchdog give up on a subscription charge the provider never answered: billing_charge_failed, not payment.failed', async () => {
    const userId = randomUUID();
    const card = await attachCard(userId, 'pm_card_provider_outage');
    const request = chargeRequested(userId, card);
    await publishEvent(service.ctx.namespace, request);
    await waitForCharge(request.data.chargeId, (p) => p.last_provider_error !== null);
    // Out of time: as if it had been pending for longer than GIVE_UP_AFTER_SECONDS.
    await queryDb(
      service.ctx.databaseUrl,
      `UPDATE payments SET created_at = now() - interval '2 hours',
                           updated_at = now() - interval '1 hour' WHERE id = $1`,
      [request.data.chargeId],
    );
    await service.app.jobs.watchdog.runNow();
    const failed = await waitForCharge(request.data.chargeId, (p) => p.status === 'failed');
    expect(failed.failure_reason).toBe('provider_unavailable');
    expect((await eventsOfPayment(request.data.chargeId)).map((e) => e.type)).toEqual([
      'payment.billing_charge_failed',
    ]);
  });
});
