import { waitFor } from '@switchyard/testing';
import Stripe from 'stripe';
import { helper, sandboxWithReceiver } from './support.js';

describe('3-D Secure: requires_action and the authentication page', () => {
  const running = sandboxWithReceiver();

  const needsAuthentication = () =>
    running.env.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'eur',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: 'https://shop.example/return',
    });

  it('answers requires_action with a redirect to the sandbox page, and emits payment_intent.requires_action', async () => {
    const intent = await needsAuthentication();
    expect(intent).toMatchObject({
      status: 'requires_action',
      latest_charge: null,
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: {
          url: `${running.env.baseUrl}/authenticate/${intent.id}`,
          return_url: 'https://shop.example/return',
        },
      },
    });
    await waitFor(
      async () =>
        running.receiver
          .about(intent.id)
          .some((d) => d.event.type === 'payment_intent.requires_action'),
      { what: 'payment_intent.requires_action' },
    );
  });

  it('serves a page with Complete and Fail buttons whose form completes it and returns to return_url', async () => {
    const intent = await needsAuthentication();
    const page = await fetch(intent.next_action!.redirect_to_url!.url!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('request-id')).toMatch(/^req_/);
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<form method="post" action="\/authenticate\/pi_\w+">/);
    expect(html).toMatch(
      /<button type="submit" name="outcome" value="succeeded">Complete<\/button>/,
    );
    expect(html).toMatch(/<button type="submit" name="outcome" value="failed">Fail<\/button>/);

    const posted = await fetch(`${running.env.baseUrl}/authenticate/${intent.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeeded',
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    const back = new URL(posted.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://shop.example/return');
    expect(back.searchParams.get('payment_intent')).toBe(intent.id);
    expect(back.searchParams.get('redirect_status')).toBe('succeeded');
    const after = await running.env.stripe.paymentIntents.retrieve(intent.id);
    expect(after).toMatchObject({ status: 'succeeded', next_action: null, amount_received: 2500 });
    await waitFor(
      async () =>
        running.receiver.about(intent.id).some((d) => d.event.type === 'payment_intent.succeeded'),
      { what: 'payment_intent.succeeded' },
    );
  });

  it('answers the page for an unknown or finished intent with an HTML error or a done page', async () => {
    const unknown = await fetch(`${running.env.baseUrl}/authenticate/pi_missing`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
    const paid = await running.env.stripe.paymentIntents.create({
      amount: 100,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(await (await fetch(`${running.env.baseUrl}/authenticate/${paid.id}`)).text()).toContain(
      'Nothing left to authenticate',
    );
    const late = await fetch(`${running.env.baseUrl}/authenticate/${paid.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeeded',
    });
    expect(late.status).toBe(400);
  });

  it('fails authentication through the test helper: requires_payment_method and payment_failed', async () => {
    const intent = await needsAuthentication();
    const failed = await helper(
      running.env.baseUrl,
      'POST',
      `/v1/test_helpers/payment_intents/${intent.id}/authenticate`,
      { outcome: 'failed' },
    );
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'payment_intent_authentication_failure' },
    });
    await waitFor(
      async () =>
        running.receiver
          .about(intent.id)
          .some((d) => d.event.type === 'payment_intent.payment_failed'),
      { what: 'payment_intent.payment_failed' },
    );
    const again = await helper(
      running.env.baseUrl,
      'POST',
      `/v1/test_helpers/payment_intents/${intent.id}/authenticate`,
      { outcome: 'succeeded' },
    );
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('payment_intent_unexpected_state');
  });

  it('declines off-session with authentication_required (402) instead of asking', async () => {
    const error = await running.env.stripe.paymentIntents
      .create({
        amount: 900,
        currency: 'eur',
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        off_session: true,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const declined = error as Stripe.errors.StripeCardError;
    expect(declined).toMatchObject({
      code: 'authentication_required',
      decline_code: 'authentication_required',
    });
    expect(declined.payment_intent).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'authentication_required' },
    });
  });

  it('charges pm_card_authenticationRequiredOnSetup once, on session, without asking', async () => {
    const intent = await running.env.stripe.paymentIntents.create({
      amount: 900,
      currency: 'eur',
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
    });
    expect(intent.status).toBe('succeeded');
  });
});
