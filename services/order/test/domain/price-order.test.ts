import { priceOrder, type CatalogProduct } from '../../src/domain/price-order.js';

const catalog = new Map<string, CatalogProduct>([
  ['a', { id: 'a', name: 'A', priceMinor: 1250, currency: 'EUR', active: true }],
  ['b', { id: 'b', name: 'B', priceMinor: 99, currency: 'EUR', active: true }],
  ['usd', { id: 'usd', name: 'U', priceMinor: 100, currency: 'USD', active: true }],
  ['off', { id: 'off', name: 'Off', priceMinor: 100, currency: 'EUR', active: false }],
]);

describe('priceOrder', () => {
  it('prices lines from the catalog in integer minor units and merges repeated products', () => {
    const priced = priceOrder(
      [
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 3 },
        { productId: 'a', quantity: 1 },
      ],
      catalog,
    );
    expect(priced.totalMinor).toBe(3 * 1250 + 3 * 99);
    expect(priced.currency).toBe('EUR');
    expect(priced.lines).toEqual([
      { productId: 'a', name: 'A', quantity: 3, unitPriceMinor: 1250 },
      { productId: 'b', name: 'B', quantity: 3, unitPriceMinor: 99 },
    ]);
  });

  it('refuses unknown and inactive products', () => {
    expect(() => priceOrder([{ productId: 'zzz', quantity: 1 }], catalog)).toThrow(/not available/);
    expect(() => priceOrder([{ productId: 'off', quantity: 1 }], catalog)).toThrow(/not available/);
  });

  it('refuses an order mixing currencies', () => {
    expect(() =>
      priceOrder(
        [
          { productId: 'a', quantity: 1 },
          { productId: 'usd', quantity: 1 },
        ],
        catalog,
      ),
    ).toThrow(/one currency/);
  });
  it('refuses a total over the largest amount the platform carries, and prices one at it', () => {
    const dear = (priceMinor: number) =>
      new Map([['d', { id: 'd', name: 'D', priceMinor, currency: 'EUR', active: true }]]);
    // 2^31 − 1 = 7 × 306,783,378 + 1: seven units one minor unit under, then one over.
    expect(priceOrder([{ productId: 'd', quantity: 7 }], dear(306_783_378)).totalMinor).toBe(
      2_147_483_646,
    );
    expect(() => priceOrder([{ productId: 'd', quantity: 7 }], dear(306_783_379))).toThrow(
      /more than one order may total \(2147483647\)/,
    );
  });
});
