import Stripe from 'stripe';
import { apiKey, startSandbox, type Running } from './support.js';

describe('Idempotency-Key', () => {
  let env: Running;
  beforeAll(async () => {
    env = await startSandbox();
  });
  afterAll(() => env.sandbox.close());

  const params = (payment_method: string, amount = 1000): Stripe.PaymentIntentCreateParams => ({
    amount,
    currency: 'eur',
    payment_method,
    confirm: true,
    metadata: { order_id: 'order-7' },
  });

  it('replays the first answer exactly to a retry with the same parameters', async () => {
    const first = await env.stripe.paymentIntents.create(params('pm_card_visa'), {
      idempotencyKey: 'k-1',
    });
    const again = await env.stripe.paymentIntents.create(params('pm_card_visa'), {
      idempotencyKey: 'k-1',
    });
    expect(again.id).toBe(first.id);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    const charges = await env.stripe.charges.list({ payment_intent: first.id });
    expect(charges.data).toHaveLength(1);
  });

  it('replays a decline as the same 402 with the same PaymentIntent', async () => {
    const decline = () =>
      env.stripe.paymentIntents
        .create(params('pm_card_chargeDeclined'), { idempotencyKey: 'k-2' })
        .then(() => {
          throw new Error('expected a decline');
        })
        .catch((e: unknown) => e as Stripe.errors.StripeCardError);
    const first = await decline();
    const again = await decline();
    expect(again).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(again.statusCode).toBe(402);
    expect(again.payment_intent).toEqual(first.payment_intent);
    expect([again.code, again.decline_code, again.message]).toEqual([
      first.code,
      first.decline_code,
      first.message,
    ]);
    expect(again.requestId).toBe(first.requestId);
  });

  it('refuses the key with other parameters (StripeIdempotencyError)', async () => {
    await env.stripe.paymentIntents.create(params('pm_card_visa'), { idempotencyKey: 'k-3' });
    const error = await env.stripe.paymentIntents
      .create(params('pm_card_visa', 5000), { idempotencyKey: 'k-3' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
  });
});

describe('a misbehaving provider (test cards)', () => {
  let env: Running;
  beforeAll(async () => {
    env = await startSandbox({ SANDBOX_HANG_MS: '300', SANDBOX_SLOW_MS: '100' });
  });
  afterAll(() => env.sandbox.close());

  const pay = (payment_method: string, idempotencyKey: string) =>
    env.stripe.paymentIntents.create(
      { amount: 1000, currency: 'eur', payment_method, confirm: true },
      { idempotencyKey },
    );

  it('throttles pm_card_rate_limited twice (StripeRateLimitError, Retry-After), then pays', async () => {
    for (let i = 0; i < 2; i++) {
      const error = await pay('pm_card_rate_limited', 'r-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect((error as Stripe.errors.StripeError).headers?.['retry-after']).toBe('1');
    }
    expect((await pay('pm_card_rate_limited', 'r-1')).status).toBe('succeeded');
  });

  it('fails pm_card_provider_error twice with a 503 (StripeAPIError), then pays once', async () => {
    for (let i = 0; i < 2; i++) {
      const error = await pay('pm_card_provider_error', 'r-2').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error).toMatchObject({ statusCode: 503 });
      expect((error as Stripe.errors.StripeError).headers?.['retry-after']).toBe('2');
    }
    const paid = await pay('pm_card_provider_error', 'r-2');
    expect(paid.status).toBe('succeeded');
    expect((await pay('pm_card_provider_error', 'r-2')).id).toBe(paid.id);
  });

  it('answers pm_card_provider_outage with a 503 every time', async () => {
    const error = await pay('pm_card_provider_outage', 'r-3').catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 503, type: 'StripeAPIError' });
  });

  it('hangs the first attempt of pm_card_provider_timeout; the retry and the late first answer agree', async () => {
    const hanging = pay('pm_card_provider_timeout', 'r-4');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const retried = await pay('pm_card_provider_timeout', 'r-4');
    const late = await hanging;
    expect(late.id).toBe(retried.id);
    expect(
      (await env.stripe.paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.id === late.id),
    ).toHaveLength(1);
  });

  it('stamps requested_ms when the request arrived, before a slow card made the charge', async () => {
    const intent = await pay('pm_card_slow', 'r-5');
    const charge = (await env.stripe.charges.retrieve(
      intent.latest_charge as string,
    )) as unknown as Stripe.Charge & {
      created_ms: number;
      requested_ms: number;
    };
    expect(charge.created_ms - charge.requested_ms).toBeGreaterThanOrEqual(90);
  });

  it('answers pm_card_redirect with a 307 a client must not follow', async () => {
    const res = await fetch(`${env.baseUrl}/v1/payment_intents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'amount=100&currency=eur&payment_method=pm_card_redirect&confirm=true',
      redirect: 'manual',
    });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/test_helpers/redirect_target');
  });

  it('refuses a request without the secret key (401 StripeAuthenticationError)', async () => {
    const stranger = new Stripe('sk_test_wrong', {
      host: '127.0.0.1',
      port: env.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const error = await stranger.paymentIntents.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).message).toMatch(/Invalid API Key provided/);
  });

  it('answers an unknown path with invalid_request_error 404', async () => {
    const res = await fetch(`${env.baseUrl}/v1/nothing`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.type).toBe('invalid_request_error');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });
});
