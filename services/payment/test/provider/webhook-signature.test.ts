import { createHmac } from 'node:crypto';
import { checkWebhookSignature } from '../../src/provider/webhook-signature.js';

const secret = 'whsec_unit_test_secret_value';
const body = JSON.stringify({
  id: 'evt_1',
  type: 'charge.succeeded',
  data: { object: { id: 'ch_1' } },
});
const sign = (t: number, payload = body, key = secret) =>
  `t=${t},v1=${createHmac('sha256', key).update(`${t}.${payload}`).digest('hex')}`;
const now = 1_800_000_000;
const check = (header: string | undefined, rawBody = body) =>
  checkWebhookSignature({ header, rawBody, secret, toleranceSeconds: 300, nowSeconds: now });

describe('provider webhook signature', () => {
  it('accepts a fresh signature over the exact body', () => {
    expect(check(sign(now))).toEqual({ valid: true });
    expect(check(sign(now - 299))).toEqual({ valid: true });
  });

  it('accepts any of several v1 signatures (the provider rotating its secret)', () => {
    const old = sign(now, body, 'whsec_the_previous_secret_value').split(',')[1];
    expect(check(`${sign(now)},${old}`)).toEqual({ valid: true });
    expect(check(`t=${now},${old},${sign(now).split(',')[1]}`)).toEqual({ valid: true });
  });

  it('refuses a stale or future timestamp (replay)', () => {
    expect(check(sign(now - 301))).toEqual({ valid: false, reason: 'stale' });
    expect(check(sign(now + 301))).toEqual({ valid: false, reason: 'stale' });
  });

  it('refuses a body changed by one byte', () => {
    const tampered = body.replace('ch_1', 'ch_2');
    expect(tampered).toHaveLength(body.length);
    expect(check(sign(now), tampered)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    expect(check(sign(now, body, 'whsec_someone_elses_secret'))).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a missing or malformed header', () => {
    expect(check(undefined)).toEqual({ valid: false, reason: 'missing' });
    expect(check('garbage')).toEqual({ valid: false, reason: 'malformed' });
    expect(check(`t=${now},v1=abc`)).toEqual({ valid: false, reason: 'malformed' });
    expect(check(`t=soon,${sign(now).split(',')[1]}`)).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });
});
