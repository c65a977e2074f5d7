import { waitFor } from '@switchyard/testing';
import { helper, sandboxWithReceiver } from './support.js';

describe('asynchronous test cards: processing, then settled with webhooks', () => {
  const running = sandboxWithReceiver();

  const pay = (payment_method: string) =>
    running.env.stripe.paymentIntents.create({
      amount: 1200,
      currency: 'eur',
      payment_method,
      confirm: true,
    });

  const typesAbout = (id: string) => running.receiver.about(id).map((d) => d.event.type);

  it('succeeds pm_card_delayed after SANDBOX_DELAY_MS and says so with payment_intent.succeeded', async () => {
    const intent = await pay('pm_card_delayed');
    expect(intent.status).toBe('processing');
    expect((await running.env.stripe.charges.retrieve(intent.latest_charge as string)).status).toBe(
      'pending',
    );
    await waitFor(async () => typesAbout(intent.id).includes('payment_intent.succeeded'), {
      what: 'the delayed payment to settle',
    });
    expect(typesAbout(intent.id)).toEqual([
      'payment_intent.created',
      'payment_intent.processing',
      'payment_intent.succeeded',
    ]);
    expect((await running.env.stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
  });

  it('keeps pm_card_pending processing until the settle helper says how it ends', async () => {
    const wins = await pay('pm_card_pending');
    const loses = await pay('pm_card_pending');
    expect([wins.status, loses.status]).toEqual(['processing', 'processing']);
    const settled = await helper(
      running.env.baseUrl,
      'POST',
      `/v1/test_helpers/payment_intents/${wins.id}/settle`,
      {
        outcome: 'succeeded',
      },
    );
    expect(settled.body).toMatchObject({ status: 'succeeded', amount_received: 1200 });
    const failed = await helper(
      running.env.baseUrl,
      'POST',
      `/v1/test_helpers/payment_intents/${loses.id}/settle`,
      {
        outcome: 'failed',
      },
    );
    expect(failed.body).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined' },
    });
    await waitFor(async () => typesAbout(loses.id).includes('payment_intent.payment_failed'), {
      what: 'payment_intent.payment_failed',
    });
    const twice = await helper(
      running.env.baseUrl,
      'POST',
      `/v1/test_helpers/payment_intents/${wins.id}/settle`,
      {
        outcome: 'failed',
      },
    );
    expect(twice.status).toBe(400);
  });
});
