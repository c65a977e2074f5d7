import {
  currencyDigits,
  formatMoney,
  minorToDecimal,
  ratePercent,
  rateTwoDecimals,
} from '../../src/documents/amounts.js';

describe('amounts', () => {
  it('knows each currency’s minor digits', () => {
    expect([currencyDigits('EUR'), currencyDigits('JPY'), currencyDigits('KWD')]).toEqual([
      2, 0, 3,
    ]);
  });

  it('writes minor units as decimals by integer arithmetic', () => {
    expect(minorToDecimal(11900, 2)).toBe('119.00');
    expect(minorToDecimal(-5, 2)).toBe('-0.05');
    expect(minorToDecimal(1234, 0)).toBe('1234');
    expect(minorToDecimal(1234, 3)).toBe('1.234');
    expect(minorToDecimal(2_147_483_647, 2)).toBe('21474836.47');
  });

  it('formats money without a float rounding it (no .99999 → 1.00)', () => {
    expect(formatMoney(11900, 'EUR')).toBe('€119.00');
    expect(formatMoney(2_147_483_647, 'EUR')).toBe('€21,474,836.47');
    expect(formatMoney(1500, 'JPY')).toBe('JP¥1,500');
    expect(formatMoney(-1, 'EUR')).toBe('-€0.01');
  });

  it('prints rates as percentages', () => {
    expect([ratePercent(1900), ratePercent(550), ratePercent(0), ratePercent(1234)]).toEqual([
      '19',
      '5.5',
      '0',
      '12.34',
    ]);
    expect([rateTwoDecimals(1900), rateTwoDecimals(550)]).toEqual(['19.00', '5.50']);
  });
});
