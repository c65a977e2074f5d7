import { loadConfig } from '@switchyard/service-kit';
import { BillingConfig } from '../../src/config.js';
import { documentSettings } from '../../src/documents/document-settings.js';

const env = {
  PORT: '4005',
  AUTH_ISSUER: 'switchyard-auth',
  AUTH_AUDIENCE: 'switchyard',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/billing',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_JWKS_URL: 'http://127.0.0.1:4001/.well-known/jwks.json',
};

describe('documentSettings', () => {
  it('reads the seller, the tax table and the series from the config', () => {
    const settings = documentSettings(loadConfig(BillingConfig, env));
    expect(settings.seller).toEqual({
      name: 'Switchyard Demo Shop GmbH',
      addressLines: ['Gleisstraße 1', '10115 Berlin', 'Germany'],
      country: 'DE',
      taxId: 'DE000000000',
    });
    expect(settings.taxTable.rateFor('FR', 'reduced')).toBe(550);
    expect(settings.taxTable.rateFor(null, 'standard')).toBe(1900);
    expect([settings.pricesIncludeTax, settings.invoiceSeries, settings.creditNoteSeries]).toEqual([
      true,
      'INV',
      'CN',
    ]);
  });

  it('stops at start on a bad tax table, naming BILLING_TAX_RATES', () => {
    expect(() =>
      documentSettings(loadConfig(BillingConfig, { ...env, BILLING_TAX_RATES: 'DE=19' })),
    ).toThrow(/^BILLING_TAX_RATES/);
  });
});
