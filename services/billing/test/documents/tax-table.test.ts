import { parseTaxTable, UnknownTaxRate } from '../../src/documents/tax-table.js';

describe('parseTaxTable', () => {
  const table = parseTaxTable('DE:standard=19,DE:reduced=7%,FR:reduced=5.5,*:standard=0', 'DE');

  it('keeps rates as basis points, decimals included', () => {
    expect(table.rateFor('DE', 'standard')).toBe(1900);
    expect(table.rateFor('DE', 'reduced')).toBe(700);
    expect(table.rateFor('FR', 'reduced')).toBe(550);
  });

  it('falls back to * for a country the table does not name', () => {
    expect(table.rateFor('US', 'standard')).toBe(0);
  });

  it("applies the seller's country to a buyer without a country", () => {
    expect(table.rateFor(null, 'standard')).toBe(1900);
  });

  it('refuses a category that neither the country nor * has', () => {
    expect(() => table.rateFor('US', 'reduced')).toThrow(UnknownTaxRate);
  });

  it('reads two decimals exactly (12.34 % is 1234 bp, 0.01 % is 1 bp)', () => {
    const precise = parseTaxTable('*:a=12.34,*:b=0.01,*:c=100', 'DE');
    expect([
      precise.rateFor('DE', 'a'),
      precise.rateFor('DE', 'b'),
      precise.rateFor('DE', 'c'),
    ]).toEqual([1234, 1, 10000]);
  });

  it.each([
    ['DE:standard', 'not COUNTRY:category=rate'],
    ['de:standard=19', 'not COUNTRY:category=rate'],
    ['DE:standard=19.123', 'not COUNTRY:category=rate'],
    ['DE:standard=-1', 'not COUNTRY:category=rate'],
    ['DE:standard=19,', 'not COUNTRY:category=rate'],
    ['DE:standard=101', 'over 100 %'],
    ['DE:standard=19,DE:standard=7', 'given twice'],
  ])('fails at start on %p with an error naming BILLING_TAX_RATES', (spec, why) => {
    expect(() => parseTaxTable(spec, 'DE')).toThrow(/^BILLING_TAX_RATES/);
    expect(() => parseTaxTable(spec, 'DE')).toThrow(why);
  });
});
