import { chargeIdOf } from '../../src/subscriptions/charge-id.js';

describe('charge ids', () => {
  const sub = '3b7a3f0e-51d4-4a4e-8a0d-3c5d1b2a9f10';
  const period = new Date('2027-01-17T00:00:00.000Z');

  it('are the same for the same subscription, period and attempt (the idempotency key)', () => {
    expect(chargeIdOf(sub, 'period', period, 1)).toBe(chargeIdOf(sub, 'period', period, 1));
    expect(chargeIdOf(sub, 'period', period, 1)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('differ by attempt, kind, period and subscription', () => {
    const ids = new Set([
      chargeIdOf(sub, 'period', period, 1),
      chargeIdOf(sub, 'period', period, 2),
      chargeIdOf(sub, 'proration', period, 1),
      chargeIdOf(sub, 'period', new Date('2027-02-17T00:00:00.000Z'), 1),
      chargeIdOf('3b7a3f0e-51d4-4a4e-8a0d-3c5d1b2a9f11', 'period', period, 1),
    ]);
    expect(ids.size).toBe(5);
  });
});
