import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@switchyard/testing';
import { loadStripeShapes, type StripeShapes } from '@switchyard/testing/stripe-shapes';
import {
  apiKey,
  helper,
  startReceiver,
  startSandbox,
  type Receiver,
  type Running,
} from './support.js';

/** Every event type the sandbox sends (src/events.ts and the routes that publish them). */
const EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.pending',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'refund.created',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'payment_method.attached',
  'payment_method.detached',
  'setup_intent.created',
  'setup_intent.requires_action',
  'setup_intent.succeeded',
  'setup_intent.setup_failed',
];

describe('every answer has the shape of the stripe SDK types', () => {
  let receiver: Receiver;
  let env: Running;
  let problemsOf: StripeShapes['problemsOf'];
  beforeAll(async () => {
    ({ problemsOf } = loadStripeShapes({
      resolveFrom: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
      // Our two documented additions to a Charge (README.md).
      extensions: { charge: ['created_ms', 'requested_ms'] },
      eventTypes: EVENT_TYPES,
    }));
    receiver = await startReceiver();
    env = await startSandbox({ SANDBOX_WEBHOOK_URL: receiver.url });
  });
  afterAll(async () => {
    await env.sandbox.close();
    await receiver.close();
  });

  /** A raw call, as JSON (the SDK would hide missing fields behind its types). */
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, form?: string) => {
    const res = await fetch(`${env.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('PaymentIntents, Charges, Refunds, Customers, PaymentMethods, SetupIntents, lists and events', async () => {
    const answers: Record<string, any>[] = [];
    const keep = async (answer: Promise<{ status: number; body: Record<string, any> }>) => {
      const { body } = await answer;
      answers.push(body.error?.payment_intent ?? body.error?.setup_intent ?? body);
      return body;
    };
    const customer = await keep(
      call('POST', '/v1/customers', 'email=a%40example.com&metadata[k]=v'),
    );
    const setup = await keep(
      call(
        'POST',
        '/v1/setup_intents',
        `customer=${customer.id}&payment_method=pm_card_visa&confirm=true`,
      ),
    );
    await keep(
      call(
        'POST',
        '/v1/setup_intents',
        `customer=${customer.id}&payment_method=pm_card_authenticationRequiredOnSetup&confirm=true`,
      ),
    );
    await keep(call('GET', `/v1/payment_methods/${setup.payment_method}`));
    await keep(call('POST', '/v1/payment_methods/pm_card_amex/attach', `customer=${customer.id}`));
    const paid = await keep(
      call(
        'POST',
        '/v1/payment_intents',
        `amount=1000&currency=eur&customer=${customer.id}&payment_method=${setup.payment_method}&off_session=true&confirm=true&expand[]=latest_charge&expand[]=customer`,
      ),
    );
    await keep(
      call(
        'POST',
        '/v1/payment_intents',
        'amount=1000&currency=eur&payment_method=pm_card_chargeDeclined&confirm=true',
      ),
    );
    await keep(
      call(
        'POST',
        '/v1/payment_intents',
        'amount=1000&currency=eur&payment_method=pm_card_authenticationRequired&confirm=true&return_url=https%3A%2F%2Fx.example',
      ),
    );
    await keep(
      call(
        'POST',
        '/v1/payment_intents',
        'amount=1000&currency=eur&payment_method=pm_card_pending&confirm=true',
      ),
    );
    const held = await keep(
      call(
        'POST',
        '/v1/payment_intents',
        'amount=1000&currency=eur&payment_method=pm_card_visa&confirm=true&capture_method=manual',
      ),
    );
    await keep(call('POST', `/v1/payment_intents/${held.id}/cancel`, ''));
    await keep(call('POST', '/v1/payment_intents', 'amount=300&currency=usd'));
    await keep(call('POST', '/v1/refunds', `payment_intent=${paid.id}&amount=100&metadata[r]=1`));
    await keep(
      call('GET', `/v1/charges/${paid.latest_charge.id}?expand[]=refunds&expand[]=payment_intent`),
    );
    await keep(call('GET', '/v1/payment_intents?limit=100&expand[]=data.latest_charge'));
    await keep(call('GET', '/v1/charges?limit=100'));
    await keep(call('GET', `/v1/refunds?payment_intent=${paid.id}`));
    await keep(call('GET', '/v1/customers'));
    await keep(call('GET', `/v1/customers/${customer.id}/payment_methods`));
    await keep(call('DELETE', `/v1/customers/${customer.id}`));
    await keep(call('GET', `/v1/customers/${customer.id}`));

    await waitFor(async () => receiver.received.length >= 20, { what: 'webhooks' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    answers.push(...receiver.received.map((d) => JSON.parse(d.body) as Record<string, any>));
    const problems = answers.flatMap((answer) =>
      problemsOf(answer, `${answer.object}:${answer.id ?? ''}`),
    );
    expect(problems).toEqual([]);
  });

  it('answers errors as { error: { type, message, … } } with a Request-Id', async () => {
    const missing = await call('GET', '/v1/payment_intents/pi_nope');
    expect(missing).toEqual({
      status: 404,
      body: {
        error: expect.objectContaining({ type: 'invalid_request_error', code: 'resource_missing' }),
      },
    });
    const unknown = await call('POST', '/v1/customers', 'colour=blue');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', param: 'colour' });
    const bad = await call('POST', '/v1/payment_intents', 'amount=ten&currency=eur');
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'amount' });
    const missingParam = await call('POST', '/v1/payment_intents', 'currency=eur');
    expect(missingParam.body.error).toMatchObject({ param: 'amount', code: 'parameter_missing' });
    const clock = await helper(env.baseUrl, 'GET', '/v1/test_helpers/clock');
    expect(clock.status).toBe(200);
  });
});
