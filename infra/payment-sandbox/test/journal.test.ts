import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@switchyard/testing';
import type Stripe from 'stripe';
import { helper, startSandbox } from './support.js';

describe('the journal (SANDBOX_DATA_FILE) across a restart', () => {
  const dataFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'sandbox-')), 'journal.jsonl');

  it('keeps every object, every idempotent answer and the clock', async () => {
    const file = dataFile();
    const first = await startSandbox({ SANDBOX_DATA_FILE: file });
    const customer = await first.stripe.customers.create({ email: 'dee@example.com' });
    const setup = await first.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_sandbox_failsAfterFirstCharge',
      confirm: true,
    });
    const params: Stripe.PaymentIntentCreateParams = {
      amount: 1200,
      currency: 'eur',
      customer: customer.id,
      payment_method: setup.payment_method as string,
      off_session: true,
      confirm: true,
      metadata: { order_id: 'order-42' },
    };
    const paid = await first.stripe.paymentIntents.create(params, { idempotencyKey: 'order-42' });
    const refund = await first.stripe.refunds.create({ payment_intent: paid.id, amount: 200 });
    await helper(first.baseUrl, 'POST', '/v1/test_helpers/clock', { advance_seconds: '3600' });
    const before = {
      customer: await first.stripe.customers.retrieve(customer.id),
      setup: await first.stripe.setupIntents.retrieve(setup.id),
      method: await first.stripe.paymentMethods.retrieve(setup.payment_method as string),
      paid: await first.stripe.paymentIntents.retrieve(paid.id),
      charge: await first.stripe.charges.retrieve(paid.latest_charge as string),
      refund: await first.stripe.refunds.retrieve(refund.id),
    };
    await first.sandbox.close();

    const second = await startSandbox({ SANDBOX_DATA_FILE: file });
    try {
      const after = {
        customer: await second.stripe.customers.retrieve(customer.id),
        setup: await second.stripe.setupIntents.retrieve(setup.id),
        method: await second.stripe.paymentMethods.retrieve(setup.payment_method as string),
        paid: await second.stripe.paymentIntents.retrieve(paid.id),
        charge: await second.stripe.charges.retrieve(paid.latest_charge as string),
        refund: await second.stripe.refunds.retrieve(refund.id),
      };
      const strip = (o: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(o).map(([k, v]) => [k, { ...(v as object), lastResponse: undefined }]),
        );
      expect(strip(after)).toEqual(strip(before));
      // The same key answers the same payment: no second charge.
      const again = await second.stripe.paymentIntents.create(params, {
        idempotencyKey: 'order-42',
      });
      expect(again.id).toBe(paid.id);
      expect((await second.stripe.charges.list({ limit: 100 })).data).toHaveLength(1);
      // The card still remembers it has charged once.
      await expect(
        second.stripe.paymentIntents.create({ ...params, metadata: { order_id: 'order-43' } }),
      ).rejects.toMatchObject({ code: 'card_declined' });
      const clock = await helper(second.baseUrl, 'GET', '/v1/test_helpers/clock');
      expect(clock.body.now - Date.now() / 1000).toBeGreaterThan(3500);
    } finally {
      await second.sandbox.close();
    }
  });

  it('settles a payment that was processing when it stopped, as a real provider would', async () => {
    const file = dataFile();
    const env = { SANDBOX_DATA_FILE: file, SANDBOX_DELAY_MS: '300' };
    const first = await startSandbox(env);
    const intent = await first.stripe.paymentIntents.create({
      amount: 900,
      currency: 'eur',
      payment_method: 'pm_card_delayed',
      confirm: true,
    });
    expect(intent.status).toBe('processing');
    await first.sandbox.close(); // before the delay is over

    const second = await startSandbox(env);
    try {
      await waitFor(
        async () => (await second.stripe.paymentIntents.retrieve(intent.id)).status === 'succeeded',
        { what: 'the payment to settle after the restart' },
      );
    } finally {
      await second.sandbox.close();
    }
  });
});
