import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSandbox, SandboxConfig } from '@switchyard/payment-sandbox';
import { loadConfig, type App } from '@switchyard/service-kit';
import { freePort, waitFor } from '@switchyard/testing';
import { loadStripeShapes, type StripeShapes } from '@switchyard/testing/stripe-shapes';
import { ProviderClient } from '../../src/provider/provider-client.js';
import { verifyWebhook } from '../../src/provider/verify-webhook.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const apiKey = 'sk_test_contract_suite';
const secret = 'whsec_contract_suite_secret';

/**
 * The contract between our provider adapter and a Stripe-compatible provider: the adapter (the
 * real `stripe` SDK inside) against the sandbox, and every object and event that crosses the
 * wire checked against the SDK's own types. What passes here is what the adapter would get
 * from Stripe, and what the sandbox sends is what Stripe's SDK expects.
 */
describe('the provider adapter against the Stripe-compatible sandbox', () => {
  let sandbox: App;
  let receiver: Server;
  let baseUrl: string;
  let client: ProviderClient;
  let shapes: StripeShapes;
  const received: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    shapes = loadStripeShapes({
      resolveFrom: packageDir,
      // The sandbox's documented additions to a Charge (infra/payment-sandbox/README.md).
      extensions: { charge: ['created_ms', 'requested_ms'] },
      eventTypes: [
        'payment_intent.created',
        'payment_intent.succeeded',
        'payment_intent.payment_failed',
        'payment_intent.requires_action',
        'charge.succeeded',
        'charge.failed',
        'charge.refunded',
        'refund.created',
      ],
    });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    sandbox = await buildSandbox(
      loadConfig(SandboxConfig, {
        PORT: String(port),
        LOG_LEVEL: 'silent',
        SANDBOX_API_KEY: apiKey,
        SANDBOX_WEBHOOK_SECRET: secret,
        SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      }),
    );
    await sandbox.listen({ port, host: '127.0.0.1' });
    client = new ProviderClient({
      baseUrl,
      apiKey,
      timeoutMs: 5_000,
      maxAttempts: 3,
      retryBaseMs: 50,
      budgetMs: 10_000,
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  /** The object exactly as the wire carried it (the SDK's parsed copy would hide nothing more). */
  const raw = async (pathAndQuery: string) => {
    const res = await fetch(`${baseUrl}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  const charge = (key: string, paymentMethod: string) =>
    client.createCharge({
      idempotencyKey: key,
      amountMinor: 2500,
      currency: 'eur',
      paymentMethod,
      metadata: { payment_id: key, order_id: `order-${key}` },
    });

  const eventsOf = (intentId: string) =>
    received
      .map((delivery) => ({ delivery, event: JSON.parse(delivery.body) }))
      .filter(({ event }) => JSON.stringify(event.data.object).includes(intentId));

  it('charges, refunds and reads back a PaymentIntent, each object as the SDK types it', async () => {
    const paid = await charge('contract-paid', 'pm_card_visa');
    expect(paid).toMatchObject({ id: expect.stringMatching(/^pi_/), status: 'succeeded' });
    expect(shapes.problemsOf(await raw(`/v1/payment_intents/${paid.id}`))).toEqual([]);
    expect(
      shapes.problemsOf(await raw(`/v1/payment_intents/${paid.id}?expand[]=latest_charge`)),
    ).toEqual([]);

    const refund = await client.createRefund({
      chargeId: paid.id,
      idempotencyKey: 'contract-refund',
      amountMinor: 500,
      metadata: { refund_id: 'contract-refund' },
    });
    expect(refund).toMatchObject({ charge: paid.id, amount: 500, status: 'succeeded' });
    expect(shapes.problemsOf(await raw(`/v1/refunds/${refund.id}`))).toEqual([]);
    expect(shapes.problemsOf(await raw(`/v1/refunds?payment_intent=${paid.id}`))).toEqual([]);

    const again = await client.getCharge(paid.id);
    expect(again).toMatchObject({ status: 'succeeded', amount_refunded: 500 });
    expect(again.refunds).toEqual([
      expect.objectContaining({ id: refund.id, metadata: { refund_id: 'contract-refund' } }),
    ]);
    const listed = await client.listCharges({ createdGte: 0, limit: 100 });
    expect(listed.data.find((c) => c.id === paid.id)).toMatchObject({ amount_refunded: 500 });
    expect(
      shapes.problemsOf(await raw('/v1/payment_intents?limit=100&expand[]=data.latest_charge')),
    ).toEqual([]);
  });

  it('reads a decline as a failed payment and an authentication as one waiting for the customer', async () => {
    const declined = await charge('contract-declined', 'pm_card_chargeDeclinedInsufficientFunds');
    expect(declined).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds' });
    expect(shapes.problemsOf(await raw(`/v1/payment_intents/${declined.id}`))).toEqual([]);

    const waiting = await charge('contract-3ds', 'pm_card_authenticationRequired');
    expect(waiting).toMatchObject({
      status: 'pending',
      next_action: {
        client_secret: expect.stringMatching(/^pi_.+_secret_/),
        redirect_url: expect.stringMatching(/^http/),
      },
    });
    expect(shapes.problemsOf(await raw(`/v1/payment_intents/${waiting.id}`))).toEqual([]);
  });

  it('charges a saved card off-session (a renewal) and reads its declines as failures, never as waits', async () => {
    const customer = await client.sdk.customers.create({ metadata: { user_id: 'contract' } });
    const attach = (card: string) =>
      client.sdk.paymentMethods.attach(card, { customer: customer.id }).then((m) => m.id);
    const renew = (key: string, paymentMethod: string) =>
      client.createCharge({
        idempotencyKey: key,
        amountMinor: 990,
        currency: 'eur',
        paymentMethod,
        customer: customer.id,
        offSession: true,
        description: 'Pro plan, December',
        metadata: { payment_id: key, charge_id: key, subscription_id: 'sub-contract' },
      });

    const dunned = await attach('pm_card_sandbox_failsAfterFirstCharge');
    const paid = await renew('contract-renewal-1', dunned);
    expect(paid).toMatchObject({
      id: expect.stringMatching(/^pi_/),
      status: 'succeeded',
      metadata: { charge_id: 'contract-renewal-1', subscription_id: 'sub-contract' },
    });
    const intent = await raw(`/v1/payment_intents/${paid.id}?expand[]=latest_charge`);
    expect(intent).toMatchObject({ customer: customer.id, description: 'Pro plan, December' });
    expect(shapes.problemsOf(intent)).toEqual([]);
    // The same key again is the same charge, not a second one.
    expect((await renew('contract-renewal-1', dunned)).id).toBe(paid.id);

    const declined = await renew('contract-renewal-2', dunned);
    expect(declined).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    expect(shapes.problemsOf(await raw(`/v1/payment_intents/${declined.id}`))).toEqual([]);

    const asks = await attach('pm_card_authenticationRequired');
    const unauthenticated = await renew('contract-renewal-3ds', asks);
    expect(unauthenticated).toMatchObject({
      status: 'failed',
      failure_code: 'authentication_required',
      next_action: null,
    });
    const failedIntent = await raw(`/v1/payment_intents/${unauthenticated.id}`);
    expect(failedIntent).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'authentication_required' },
    });
    expect(shapes.problemsOf(failedIntent)).toEqual([]);
  });

  it('receives webhooks the SDK verifies, each event as the SDK types it', async () => {
    const paid = await charge('contract-hooks', 'pm_card_visa');
    await client.createRefund({
      chargeId: paid.id,
      idempotencyKey: 'contract-hooks-refund',
      amountMinor: 2500,
      metadata: {},
    });
    await waitFor(
      async () => eventsOf(paid.id).some(({ event }) => event.type === 'charge.refunded'),
      {
        what: 'the refund’s webhook',
      },
    );
    const types = eventsOf(paid.id).map(({ event }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.succeeded', 'refund.created']));
    for (const { delivery, event } of eventsOf(paid.id)) {
      const check = verifyWebhook({
        sdk: client.sdk,
        header: delivery.signature,
        rawBody: delivery.body,
        secret,
        toleranceSeconds: 300,
      });
      expect(check).toMatchObject({ valid: true, event: { id: event.id } });
      expect({ type: event.type, problems: shapes.problemsOf(event) }).toEqual({
        type: event.type,
        problems: [],
      });
    }
  });
});
