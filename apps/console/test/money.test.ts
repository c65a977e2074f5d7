import { formatMoney, minorDigits, parseMoney, toDecimalText } from '../src/ui/money.js';

describe('money in the console', () => {
  it('knows how many decimals each currency has', () => {
    expect([minorDigits('EUR'), minorDigits('JPY'), minorDigits('BHD')]).toEqual([2, 0, 3]);
  });

  it('writes minor units as an exact decimal', () => {
    expect(toDecimalText(1250, 'EUR')).toBe('12.50');
    expect(toDecimalText(5, 'EUR')).toBe('0.05');
    expect(toDecimalText(2_147_483_647, 'EUR')).toBe('21474836.47');
    expect(toDecimalText(1250, 'JPY')).toBe('1250');
    expect(toDecimalText(1, 'BHD')).toBe('0.001');
  });

  it('reads what a person typed as minor units, without floating point', () => {
    expect(parseMoney('12.5', 'EUR')).toEqual({ minor: 1250 });
    expect(parseMoney(' 12.50 ', 'EUR')).toEqual({ minor: 1250 });
    expect(parseMoney('0.29', 'EUR')).toEqual({ minor: 29 }); // 0.29 * 100 is 28.999… as a float
    expect(parseMoney('21474836.47', 'EUR')).toEqual({ minor: 2_147_483_647 });
    expect(parseMoney('1250', 'JPY')).toEqual({ minor: 1250 });
  });

  it('refuses what is not an amount, saying how to write one', () => {
    expect(parseMoney('', 'EUR')).toEqual({ error: 'Enter an amount' });
    for (const typed of ['12,50', '12.505', '-1', '1e3', 'twelve', '.5'])
      expect([typed, parseMoney(typed, 'EUR')]).toEqual([
        typed,
        { error: 'Enter an amount like 12.50, with a point and at most 2 decimals' },
      ]);
    expect(parseMoney('12.5', 'JPY')).toEqual({ error: 'Enter a whole amount, like 1250' });
  });

  it('formats an amount in its currency', () => {
    expect(formatMoney({ amount: 17800, currency: 'EUR' })).toMatch(/178\.00/);
    expect(formatMoney({ amount: 17800, currency: 'EUR' })).toContain('€');
  });
});
