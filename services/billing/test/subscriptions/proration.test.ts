import fc from 'fast-check';
import { computeProration, prorate } from '../../src/subscriptions/proration.js';

describe('proration', () => {
  it('credits the unused time at the old price and charges it at the new one', () => {
    const p = computeProration({
      periodStart: new Date('2026-12-01T00:00:00Z'),
      periodEnd: new Date('2026-12-31T00:00:00Z'),
      at: new Date('2026-12-16T00:00:00Z'),
      oldPriceMinor: 1000,
      newPriceMinor: 3000,
    });
    expect(p).toMatchObject({ creditMinor: 500, chargeMinor: 1500, netMinor: 1000 });
  });

  it('rounds half away from zero, once per part', () => {
    expect(prorate(1, 1, 2)).toBe(1);
    expect(prorate(999, 1, 3)).toBe(333);
    expect(prorate(1000, 1, 3)).toBe(333);
    expect(prorate(1001, 1, 2)).toBe(501);
  });

  it('never credits more than was paid, nor moves anything at the end of the period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 31 * 86_400_000 }),
        (oldPrice, newPrice, offset) => {
          const periodStart = new Date('2026-01-01T00:00:00Z');
          const periodEnd = new Date(periodStart.getTime() + 31 * 86_400_000);
          const p = computeProration({
            periodStart,
            periodEnd,
            at: new Date(periodStart.getTime() + offset),
            oldPriceMinor: oldPrice,
            newPriceMinor: newPrice,
          });
          expect(p.creditMinor).toBeGreaterThanOrEqual(0);
          expect(p.creditMinor).toBeLessThanOrEqual(oldPrice);
          expect(p.chargeMinor).toBeLessThanOrEqual(newPrice);
          expect(p.netMinor).toBe(p.chargeMinor - p.creditMinor);
          if (offset === 31 * 86_400_000) expect(p.netMinor).toBe(0);
        },
      ),
    );
  });
});
