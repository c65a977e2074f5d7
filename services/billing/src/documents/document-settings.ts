import type { BillingConfig } from '../config.js';
import type { IssueSettings } from './issue-document.js';
import { parseTaxTable } from './tax-table.js';

/**
 * The issuing settings from the config. Call it once while the app is built: a malformed
 * BILLING_TAX_RATES throws there, and the process stops before it issues anything.
 */
export function documentSettings(config: BillingConfig): IssueSettings {
  return {
    seller: {
      name: config.BILLING_SELLER_NAME,
      addressLines: config.BILLING_SELLER_ADDRESS.split('|')
        .map((line) => line.trim())
        .filter(Boolean),
      country: config.BILLING_SELLER_COUNTRY,
      taxId: config.BILLING_SELLER_TAX_ID || null,
    },
    taxTable: parseTaxTable(config.BILLING_TAX_RATES, config.BILLING_SELLER_COUNTRY),
    pricesIncludeTax: config.BILLING_PRICES_INCLUDE_TAX,
    invoiceSeries: config.BILLING_INVOICE_SERIES,
    creditNoteSeries: config.BILLING_CREDIT_NOTE_SERIES,
  };
}
