import { waitFor } from '@switchyard/testing';
import Stripe from 'stripe';
import { apiKey, sandboxWithReceiver } from './support.js';

describe('Customers and their saved cards', () => {
  const running = sandboxWithReceiver();

  it('creates, retrieves, updates, lists and deletes a customer', async () => {
    const customer = await running.env.stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { user_id: 'u-1' },
    });
    expect(customer).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      livemode: false,
      invoice_settings: { default_payment_method: null },
    });
    expect(customer.id).toMatch(/^cus_/);
    const updated = await running.env.stripe.customers.update(customer.id, {
      name: 'Ada L.',
      metadata: { plan: 'pro' },
    });
    expect(updated).toMatchObject({ name: 'Ada L.', metadata: { user_id: 'u-1', plan: 'pro' } });
    const listed = await running.env.stripe.customers.list({ email: 'ada@example.com' });
    expect(listed.data.map((c) => c.id)).toEqual([customer.id]);
    expect(await running.env.stripe.customers.del(customer.id)).toEqual(
      expect.objectContaining({ id: customer.id, object: 'customer', deleted: true }),
    );
    expect(await running.env.stripe.customers.retrieve(customer.id)).toMatchObject({
      deleted: true,
    });
  });

  it('attaches a test card as a new pm_ card, lists it, makes it the default, and detaches it', async () => {
    const customer = await running.env.stripe.customers.create({ email: 'bob@example.com' });
    const card = await running.env.stripe.paymentMethods.attach('pm_card_mastercard', {
      customer: customer.id,
    });
    expect(card).toMatchObject({
      object: 'payment_method',
      type: 'card',
      customer: customer.id,
      card: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
    });
    expect(card.id).toMatch(/^pm_[0-9a-f]{24}$/);
    expect(
      (await running.env.stripe.customers.listPaymentMethods(customer.id)).data.map((m) => m.id),
    ).toEqual([card.id]);
    expect(
      (
        await running.env.stripe.paymentMethods.list({ customer: customer.id, type: 'card' })
      ).data.map((m) => m.id),
    ).toEqual([card.id]);
    const preferring = await running.env.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    expect(preferring.invoice_settings.default_payment_method).toBe(card.id);
    const detached = await running.env.stripe.paymentMethods.detach(card.id);
    expect(detached.customer).toBeNull();
    expect(
      (await running.env.stripe.customers.retrieve(customer.id)) as Stripe.Customer,
    ).toMatchObject({
      invoice_settings: { default_payment_method: null },
    });
  });

  it('sets a card up with a SetupIntent, then pays off-session with it (a renewal)', async () => {
    const customer = await running.env.stripe.customers.create({ email: 'cy@example.com' });
    const setup = await running.env.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
      usage: 'off_session',
      confirm: true,
    });
    expect(setup).toMatchObject({
      object: 'setup_intent',
      status: 'succeeded',
      usage: 'off_session',
    });
    expect(setup.id).toMatch(/^seti_/);
    const method = await running.env.stripe.paymentMethods.retrieve(setup.payment_method as string);
    expect(method.customer).toBe(customer.id);
    await waitFor(
      async () => {
        const types = running.receiver.about(setup.id, method.id).map((d) => d.event.type);
        return (
          types.includes('setup_intent.succeeded') && types.includes('payment_method.attached')
        );
      },
      { what: 'setup_intent.succeeded and payment_method.attached' },
    );
    const renewal = await running.env.stripe.paymentIntents.create({
      amount: 990,
      currency: 'eur',
      customer: customer.id,
      payment_method: method.id,
      off_session: true,
      confirm: true,
    });
    expect(renewal).toMatchObject({ status: 'succeeded', customer: customer.id });
    expect(
      (await running.env.stripe.paymentIntents.list({ customer: customer.id })).data.map(
        (p) => p.id,
      ),
    ).toEqual([renewal.id]);
  });

  it('asks for 3-D Secure when setting up pm_card_authenticationRequiredOnSetup, then pays off-session without it', async () => {
    const customer = await running.env.stripe.customers.create({});
    const setup = await running.env.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      return_url: 'https://shop.example/saved',
    });
    expect(setup).toMatchObject({
      status: 'requires_action',
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: { return_url: 'https://shop.example/saved' },
      },
    });
    const page = await fetch(setup.next_action!.redirect_to_url!.url!, {
      method: 'POST',
      body: new URLSearchParams({ outcome: 'succeeded' }),
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(new URL(page.headers.get('location')!).searchParams.get('setup_intent')).toBe(setup.id);
    const done = await running.env.stripe.setupIntents.retrieve(setup.id);
    expect(done.status).toBe('succeeded');
    const renewal = await running.env.stripe.paymentIntents.create({
      amount: 500,
      currency: 'eur',
      customer: customer.id,
      payment_method: done.payment_method as string,
      off_session: true,
      confirm: true,
    });
    expect(renewal.status).toBe('succeeded');
  });

  it('refuses to attach a card that declines, but attaches pm_card_chargeCustomerFail and declines its charges', async () => {
    const customer = await running.env.stripe.customers.create({});
    const refused = await running.env.stripe.paymentMethods
      .attach('pm_card_chargeDeclined', { customer: customer.id })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeCardError);
    const method = await running.env.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    const declined = await running.env.stripe.paymentIntents
      .create({
        amount: 500,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        off_session: true,
        confirm: true,
      })
      .catch((e: Stripe.errors.StripeCardError) => e);
    expect(declined).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('fails a setup with a card that declines (402 with the SetupIntent) or whose authentication fails', async () => {
    const customer = await running.env.stripe.customers.create({});
    const declined = await running.env.stripe.setupIntents
      .create({ customer: customer.id, payment_method: 'pm_card_chargeDeclined', confirm: true })
      .then(() => {
        throw new Error('expected a decline');
      })
      .catch((e: unknown) => e as Stripe.errors.StripeCardError);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined.setup_intent).toMatchObject({
      status: 'requires_payment_method',
      last_setup_error: { type: 'card_error', code: 'card_declined' },
    });
    const asking = await running.env.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    expect(asking.status).toBe('requires_action');
    const failed = await fetch(
      `${running.env.baseUrl}/v1/test_helpers/setup_intents/${asking.id}/authenticate`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'outcome=failed',
      },
    );
    expect(((await failed.json()) as any).last_setup_error).toMatchObject({
      code: 'setup_intent_authentication_failure',
    });
    await waitFor(
      async () =>
        running.receiver.about(asking.id).some((d) => d.event.type === 'setup_intent.setup_failed'),
      { what: 'setup_intent.setup_failed' },
    );
    expect((await running.env.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
  });

  it('declines off-session a saved card that asks for authentication (authentication_required), keeping the description', async () => {
    const customer = await running.env.stripe.customers.create({});
    const method = await running.env.stripe.paymentMethods.attach(
      'pm_card_authenticationRequired',
      { customer: customer.id },
    );
    const error = await running.env.stripe.paymentIntents
      .create({
        amount: 990,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        off_session: true,
        confirm: true,
        description: 'Pro plan, December',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({
      code: 'authentication_required',
      payment_intent: {
        status: 'requires_payment_method',
        customer: customer.id,
        description: 'Pro plan, December',
        next_action: null,
        last_payment_error: { type: 'card_error', code: 'authentication_required' },
      },
    });
  });

  it('refuses off_session without confirm=true, as Stripe does', async () => {
    const customer = await running.env.stripe.customers.create({});
    const method = await running.env.stripe.paymentMethods.attach('pm_card_visa', {
      customer: customer.id,
    });
    const error = await running.env.stripe.paymentIntents
      .create({
        amount: 990,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        off_session: true,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: 'off_session' });
    expect((await running.env.stripe.paymentIntents.list({ customer: customer.id })).data).toEqual(
      [],
    );
  });

  it('charges pm_card_sandbox_failsAfterFirstCharge once, then declines the renewal', async () => {
    const customer = await running.env.stripe.customers.create({});
    const method = await running.env.stripe.paymentMethods.attach(
      'pm_card_sandbox_failsAfterFirstCharge',
      {
        customer: customer.id,
      },
    );
    const charge = () =>
      running.env.stripe.paymentIntents.create({
        amount: 500,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        off_session: true,
        confirm: true,
      });
    expect((await charge()).status).toBe('succeeded');
    await expect(charge()).rejects.toMatchObject({
      type: 'StripeCardError',
      code: 'card_declined',
    });
  });
});
