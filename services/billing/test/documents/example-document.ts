import { computeDocument } from '../../src/documents/compute-document.js';
import type { LineInput, RenderableDocument } from '../../src/documents/document-types.js';

const rates: Record<string, number> = { standard: 1900, reduced: 700 };

export const exampleSeller = {
  name: 'Switchyard Demo Shop GmbH',
  addressLines: ['Gleisstraße 1', '10115 Berlin', 'Germany'],
  country: 'DE',
  taxId: 'DE000000000',
};

export const exampleLines: LineInput[] = [
  {
    description: 'Enamel mug, 350 ml, signal red',
    quantity: 2,
    unitAmountMinor: 1490,
    taxCategory: 'standard',
  },
  {
    description:
      'Brass railway lantern with hand-blown glass chimney, restored by our workshop; includes a wall bracket, two spare wicks and a care leaflet',
    quantity: 1,
    unitAmountMinor: 8900,
    taxCategory: 'standard',
  },
  {
    description: 'Timetable poster “Berlin 1913”, A2',
    quantity: 3,
    unitAmountMinor: 1250,
    taxCategory: 'reduced',
  },
  { description: 'Pro plan, monthly', quantity: 1, unitAmountMinor: 1999, taxCategory: 'standard' },
];

/** An invoice with the fields a reader looks for, computed the way billing computes one. */
export function exampleInvoice(
  overrides: Partial<RenderableDocument> = {},
  lines = exampleLines,
): RenderableDocument {
  const computed = computeDocument(lines, (category) => rates[category]!, true);
  return {
    kind: 'invoice',
    number: 'INV-2026-000042',
    issuedAt: new Date('2026-12-03T10:15:00Z'),
    seller: exampleSeller,
    buyer: {
      name: 'Ada Lovelace',
      addressLines: ['Flat 3, 12 St James’s Square', 'London SW1Y 4JH', 'United Kingdom'],
      country: 'GB',
      taxId: null,
    },
    ...computed,
    currency: 'EUR',
    pricesIncludeTax: true,
    paymentReference: 'ch_3PqX2aLkdIwHu7ix0Example',
    periodStart: new Date('2026-12-01T00:00:00Z'),
    periodEnd: new Date('2027-01-01T00:00:00Z'),
    correctsInvoice: null,
    ...overrides,
  };
}
