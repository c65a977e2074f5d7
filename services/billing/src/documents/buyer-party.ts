import { BillingAddress } from '@switchyard/contracts';
import { Value } from '@sinclair/typebox/value';
import type { Party } from './document-types.js';

const regionNames = new Intl.DisplayNames('en', { type: 'region' });

/**
 * The buyer as a document prints them, from billing's copy of the customer (name and the
 * contracts' BillingAddress). Without a copy (no profile event seen yet) the buyer is
 * "Customer" and the first 8 characters of the user id, with no address — the seller's
 * country then decides the tax. An address of another shape is treated as none.
 */
export function buyerParty(
  userId: string,
  customer: { name: string; billingAddress: unknown } | null,
): Party {
  if (!customer) {
    return { name: `Customer ${userId.slice(0, 8)}`, addressLines: [], country: null, taxId: null };
  }
  const address = Value.Check(BillingAddress, customer.billingAddress)
    ? customer.billingAddress
    : null;
  if (!address) return { name: customer.name, addressLines: [], country: null, taxId: null };
  const addressLines = [
    address.line1,
    address.line2,
    `${address.postalCode} ${address.city}`,
    address.region,
    regionNames.of(address.country) ?? address.country,
  ].filter((line): line is string => Boolean(line));
  return { name: customer.name, addressLines, country: address.country, taxId: null };
}
