import { loadConfig } from '@switchyard/service-kit';
import { PaymentConfig, paymentConfigRules } from '../src/config.js';

const required = {
  PORT: '0',
  DATABASE_URL: 'postgresql://127.0.0.1/payment',
  AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
  PROVIDER_URL: 'http://127.0.0.1:2',
  PROVIDER_API_KEY: 'sk_test_config',
  PROVIDER_WEBHOOK_SECRET: 'whsec_config_test_secret',
};
const load = (env: Record<string, string>) =>
  loadConfig(PaymentConfig, { ...required, ...env }, paymentConfigRules);

describe('the payment configuration', () => {
  it('keeps charges in flight well inside the database pool by default', () => {
    expect(load({})).toMatchObject({ DB_POOL_MAX: 10, PAYMENT_CHARGES_IN_FLIGHT: 4 });
    expect(load({ DB_POOL_MAX: '30', PAYMENT_CHARGES_IN_FLIGHT: '26' }).DB_POOL_MAX).toBe(30);
  });

  it('refuses charges in flight that would leave too few connections for everything else', () => {
    expect(() => load({ PAYMENT_CHARGES_IN_FLIGHT: '7' })).toThrow(
      "invalid environment variable PAYMENT_CHARGES_IN_FLIGHT: 7 charges in flight leave 3 of DB_POOL_MAX's 10 connections for everything else; at least 4 are needed (set it to 6 or less, or raise DB_POOL_MAX)",
    );
    expect(() => load({ DB_POOL_MAX: '5', PAYMENT_CHARGES_IN_FLIGHT: '2' })).toThrow(
      /PAYMENT_CHARGES_IN_FLIGHT: 2 charges in flight leave 3 of DB_POOL_MAX's 5/,
    );
    expect(() => load({ DB_POOL_MAX: '1' })).toThrow(/^invalid environment variable DB_POOL_MAX/);
  });
});
