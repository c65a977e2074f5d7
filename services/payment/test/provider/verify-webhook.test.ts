import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { verifyWebhook } from '../../src/provider/verify-webhook.js';

const sdk = new Stripe('sk_test_unit');
const secret = 'whsec_unit_test_secret_value';
const body = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_1', object: 'payment_intent' } },
});
const now = () => Math.floor(Date.now() / 1000);
/** Signed by hand, the way the published scheme says (not by the code under test). */
const sign = (t: number, payload = body, key = secret) =>
  `t=${t},v1=${createHmac('sha256', key).update(`${t}.${payload}`).digest('hex')}`;
const check = (header: string | undefined, rawBody = body) =>
  verifyWebhook({ sdk, header, rawBody, secret, toleranceSeconds: 300 });

describe('provider webhook verification (Stripe-Signature)', () => {
  it('accepts a fresh signature over the exact body, and one made by the SDK itself', () => {
    expect(check(sign(now()))).toMatchObject({ valid: true, event: { id: 'evt_1' } });
    expect(check(sign(now() - 290)).valid).toBe(true);
    const bySdk = sdk.webhooks.generateTestHeaderString({ payload: body, secret });
    expect(check(bySdk).valid).toBe(true);
  });

  it('accepts any of several v1 signatures (the provider rolling its secret)', () => {
    const old = sign(now(), body, 'whsec_the_previous_secret_value').split(',')[1];
    expect(check(`${sign(now())},${old}`).valid).toBe(true);
    expect(check(`t=${now()},${old},${sign(now()).split(',')[1]}`).valid).toBe(true);
  });

  it('refuses a stale timestamp (a captured delivery replayed later)', () => {
    expect(check(sign(now() - 400))).toEqual({ valid: false, reason: 'stale' });
  });

  it('refuses a body changed after signing, another secret, and a missing or garbled header', () => {
    expect(check(sign(now()), body.replace('pi_1', 'pi_2'))).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(check(sign(now(), body, 'whsec_someone_elses_secret'))).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(check(undefined)).toEqual({ valid: false, reason: 'missing' });
    expect(check('v1=abc')).toEqual({ valid: false, reason: 'malformed' });
    expect(check(`t=${now()}`)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('refuses a correctly signed body that is not JSON', () => {
    expect(check(sign(now(), 'not json'), 'not json')).toEqual({
      valid: false,
      reason: 'not_json',
    });
  });
});
