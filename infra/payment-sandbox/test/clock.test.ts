import { helper, startSandbox, type Running } from './support.js';

describe('the sandbox clock and pm_card_sandbox_expiresNextMonth', () => {
  let env: Running;
  beforeAll(async () => {
    env = await startSandbox();
  });
  afterAll(() => env.sandbox.close());

  it('reads the real time until moved, and expires the card after the end of next month', async () => {
    const before = await helper(env.baseUrl, 'GET', '/v1/test_helpers/clock');
    expect(Math.abs(before.body.now - Date.now() / 1000)).toBeLessThan(5);

    const customer = await env.stripe.customers.create({});
    const method = await env.stripe.paymentMethods.attach('pm_card_sandbox_expiresNextMonth', {
      customer: customer.id,
    });
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(method.card).toMatchObject({
      exp_month: next.getUTCMonth() + 1,
      exp_year: next.getUTCFullYear(),
    });
    const renew = () =>
      env.stripe.paymentIntents.create({
        amount: 500,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        off_session: true,
        confirm: true,
      });
    expect((await renew()).status).toBe('succeeded');

    const moved = await helper(env.baseUrl, 'POST', '/v1/test_helpers/clock', {
      advance_seconds: String(62 * 86_400),
    });
    expect(moved.body.now - before.body.now).toBeGreaterThanOrEqual(62 * 86_400);
    await expect(renew()).rejects.toMatchObject({
      type: 'StripeCardError',
      code: 'expired_card',
      decline_code: 'expired_card',
    });
  });
});
