import { randomUUID } from 'node:crypto';
import { publishEvent, queryDb } from '@switchyard/testing';
import {
  eventsAbout,
  orderCreated,
  startPaymentService,
  waitForPayment,
  type PaymentService,
} from '../support.js';

describe('saved cards (/v1/payment-methods)', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  const as = async (userId: string) => {
    const token = await service.ctx.jwks.sign({ userId });
    return (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      service.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });
  };

  /** An order paid with `paymentMethod` by `userId`, as order.created brings it. */
  const payWith = async (userId: string, paymentMethod: string) => {
    const event = orderCreated(paymentMethod, 2500, userId as ReturnType<typeof randomUUID>);
    await publishEvent(service.ctx.namespace, event);
    const payment = await waitForPayment(
      service,
      event.data.orderId,
      (p) => p.status !== 'pending',
      'settled',
    );
    return { ...payment, orderId: event.data.orderId };
  };

  it('saves a card at the provider, keeps only its ids and summary, and charges it with its customer', async () => {
    const userId = randomUUID();
    const call = await as(userId);
    const saved = await call('POST', '/v1/payment-methods', { paymentMethod: 'pm_card_visa' });
    expect(saved.statusCode).toBe(201);
    const card = saved.json();
    expect(card).toMatchObject({ id: expect.stringMatching(/^pm_/), brand: 'visa', last4: '4242' });
    const [customer] = await queryDb<{ provider_customer_id: string }>(
      service.ctx.databaseUrl,
      'SELECT provider_customer_id FROM provider_customers WHERE user_id = $1',
      [userId],
    );
    expect(customer!.provider_customer_id).toMatch(/^cus_/);

    const paid = await payWith(userId, card.id);
    expect(paid.status).toBe('succeeded');
    const intent = await service.sandbox.inject({
      url: `/v1/payment_intents/${paid.provider_charge_id}`,
      headers: { authorization: 'Bearer sk_test_payment_suite' },
    });
    expect(intent.json()).toMatchObject({ customer: customer!.provider_customer_id });
  });

  it('never charges a card another customer saved', async () => {
    const owner = randomUUID();
    const card = (
      await (
        await as(owner)
      )('POST', '/v1/payment-methods', {
        paymentMethod: 'pm_card_mastercard',
      })
    ).json();
    const stranger = randomUUID();
    const failed = await payWith(stranger, card.id);
    expect(failed).toMatchObject({
      status: 'failed',
      failure_reason: 'payment_method_not_yours',
      provider_charge_id: null,
    });
    expect(await eventsAbout(service, failed.orderId)).toEqual(['payment.failed']);
    expect((await (await as(stranger))('GET', '/v1/payment-methods')).json().items).toEqual([]);
    expect(
      (await (await as(stranger))('DELETE', `/v1/payment-methods/${card.id}`)).statusCode,
    ).toBe(404);
  });

  it('removes a card at the provider: it is gone from the list and can no longer be charged', async () => {
    const userId = randomUUID();
    const call = await as(userId);
    const card = (
      await call('POST', '/v1/payment-methods', { paymentMethod: 'pm_card_visa' })
    ).json();
    expect((await call('DELETE', `/v1/payment-methods/${card.id}`)).statusCode).toBe(204);
    expect((await call('GET', '/v1/payment-methods')).json().items).toEqual([]);
    const method = await service.sandbox.inject({
      url: `/v1/payment_methods/${card.id}`,
      headers: { authorization: 'Bearer sk_test_payment_suite' },
    });
    expect(method.json().customer).toBeNull();
    expect((await call('DELETE', `/v1/payment-methods/${card.id}`)).statusCode).toBe(404);
  });

  it('answers bad input and a declined card with a problem, never a 5xx', async () => {
    const call = await as(randomUUID());
    const bad = await call('POST', '/v1/payment-methods', { paymentMethod: '4242424242424242' });
    expect(bad.statusCode).toBe(400);
    const unknown = await call('POST', '/v1/payment-methods', { paymentMethod: 'pm_no_such_card' });
    expect(unknown.statusCode).toBe(422);
    const declined = await call('POST', '/v1/payment-methods', {
      paymentMethod: 'pm_card_chargeDeclined',
    });
    expect(declined.statusCode).toBe(422);
    expect(declined.headers['content-type']).toContain('application/problem+json');
  });
});
