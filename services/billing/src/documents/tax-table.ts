/**
 * The tax rates billing applies, from BILLING_TAX_RATES: `COUNTRY:category=rate%` entries
 * separated by commas (`DE:standard=19,DE:reduced=7,*:standard=0`), the `%` optional, rates
 * with up to two decimals. `*` as country is the fallback for every country the table does not
 * name. Rates are kept as basis points (19 % = 1900, 5.5 % = 550) so no float ever touches tax.
 */
export interface TaxTable {
  /**
   * The rate in basis points for a buyer's country (null: the buyer gave no address, so the
   * seller's country applies) and a tax category; the `*` entry when the country has none.
   */
  rateFor(country: string | null, category: string): number;
}

/** A category neither the buyer's country nor `*` has a rate for: a configuration gap. */
export class UnknownTaxRate extends Error {
  constructor(country: string, category: string) {
    super(`BILLING_TAX_RATES has no rate for category "${category}" in ${country} nor in *`);
    this.name = 'UnknownTaxRate';
  }
}

const ENTRY = /^([A-Z]{2}|\*):([a-z][a-z0-9_-]{0,31})=(\d{1,3})(?:\.(\d{1,2}))?%?$/;
const MAX_RATE_BP = 100_00;

/**
 * Parse the table once at start. Anything malformed (a bad entry, a rate over 100 %, a country
 * and category named twice) throws an error naming BILLING_TAX_RATES and the entry, so the
 * process stops with one clear line instead of issuing a wrong invoice later.
 */
export function parseTaxTable(spec: string, sellerCountry: string): TaxTable {
  const rates = new Map<string, number>();
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    const match = ENTRY.exec(entry);
    if (!match) {
      throw new Error(
        `BILLING_TAX_RATES: "${entry}" is not COUNTRY:category=rate (e.g. DE:standard=19, *:reduced=5.5)`,
      );
    }
    const [, country, category, whole, fraction = ''] = match;
    const rateBp = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    if (rateBp > MAX_RATE_BP) throw new Error(`BILLING_TAX_RATES: "${entry}" is over 100 %`);
    const key = `${country}:${category}`;
    if (rates.has(key)) throw new Error(`BILLING_TAX_RATES: ${key} is given twice`);
    rates.set(key, rateBp);
  }
  return {
    rateFor(country, category) {
      const where = country ?? sellerCountry;
      const rate = rates.get(`${where}:${category}`) ?? rates.get(`*:${category}`);
      if (rate === undefined) throw new UnknownTaxRate(where, category);
      return rate;
    },
  };
}
