import path from 'node:path';
import { findSchemaDrift } from '@switchyard/db';
import { undocumentedRoutes } from '@switchyard/service-kit';
import { consumedEvents, publishEvent, queryDb, waitFor } from '@switchyard/testing';
import {
  chargeOrder,
  eventsAbout,
  orderCreated,
  serviceDir,
  startPaymentService,
  waitForPayment,
  type PaymentService,
  webhookDelivered,
} from '../support.js';

describe('charging orders through the provider sandbox', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  it('documents every route it serves in its OpenAPI document', () => {
    expect(service.app.routeInventory.length).toBeGreaterThan(6);
    expect(undocumentedRoutes(service.app)).toEqual([]);
  });

  it('has a migrated database that matches schema.prisma', async () => {
    expect(
      await findSchemaDrift({
        schemaPath: path.join(serviceDir, 'prisma/schema.prisma'),
        databaseUrl: service.ctx.databaseUrl,
      }),
    ).toEqual([]);
  });

  it('charges an order and announces payment.succeeded once, whichever of answer and webhook comes first', async () => {
    const order = await chargeOrder(service, 'pm_card_visa');
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid',
    );
    expect(payment.provider_charge_id).toMatch(/^pi_/);
    // The webhook for the same charge arrives too; it must change nothing. After the answer it
    // is acknowledged as already applied; before it (a race), it applies the charge itself.
    await waitFor(
      async () =>
        /payment_provider_webhooks_total\{outcome="(already_)?applied"\}/.test(
          (await service.app.inject({ url: '/metrics' })).body,
        ),
      { what: 'the webhook received' },
    );
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
  });

  it.each([
    ['pm_card_declined', 'card_declined'],
    ['pm_card_insufficient_funds', 'insufficient_funds'],
  ])('fails %s with reason %s', async (method, reason) => {
    const order = await chargeOrder(service, method);
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'failed',
      'failed',
    );
    expect(payment.failure_reason).toBe(reason);
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.failed']);
  });

  it('answers pending for a delayed charge and settles it from the webhook', async () => {
    const order = await chargeOrder(service, 'pm_card_delayed');
    const settled = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'settled by webhook',
    );
    // The provider answered `processing`; only its later webhook said succeeded. (Read from
    // the provider's side: a loaded machine may not show the pending row before it settles.)
    await webhookDelivered(service, settled.provider_charge_id!, 'payment_intent.succeeded');
    const told = service.sandbox.sandbox.webhooks.deliveries
      .filter(
        (d) =>
          d.paymentIntentId === settled.provider_charge_id && d.type.startsWith('payment_intent.'),
      )
      .map((d) => d.type);
    expect([...new Set(told)]).toEqual([
      'payment_intent.created',
      'payment_intent.processing',
      'payment_intent.succeeded',
    ]);
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
  });

  it('charges once and announces once when order.created is delivered three times', async () => {
    const event = orderCreated('pm_card_visa');
    await publishEvent(service.ctx.namespace, event, 3);
    await waitFor(
      async () =>
        consumedEvents(
          (await service.app.inject({ url: '/metrics' })).body,
          'order.created',
          'duplicate',
        ) >= 2,
      { what: 'both duplicates consumed' },
    );
    await waitForPayment(service, event.data.orderId, (p) => p.status === 'succeeded', 'paid');
    expect(await eventsAbout(service, event.data.orderId)).toEqual(['payment.succeeded']);
    const charges = (await (
      await fetch(`${service.sandboxUrl}/v1/charges?limit=100`, {
        headers: { authorization: 'Bearer sk_test_payment_suite' },
      })
    ).json()) as { data: { metadata: Record<string, string> }[] };
    expect(charges.data.filter((c) => c.metadata.order_id === event.data.orderId)).toHaveLength(1);
  });

  it('keeps one payment row per order', async () => {
    const rows = await queryDb(
      service.ctx.databaseUrl,
      'SELECT order_id FROM payments GROUP BY order_id HAVING count(*) > 1',
    );
    expect(rows).toEqual([]);
  });
});
