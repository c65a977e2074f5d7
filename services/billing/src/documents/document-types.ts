/**
 * The shapes of an invoice or credit note, shared by the code that computes, stores, renders
 * and exports them. Amounts are integer minor units; tax rates are basis points (19 % = 1900).
 */

export type DocumentKind = 'invoice' | 'credit_note';

/** A seller or buyer as the document prints them. */
export interface Party {
  name: string;
  addressLines: string[];
  /** ISO 3166-1 alpha-2, when known. */
  country: string | null;
  taxId: string | null;
}

/** A line as billing knows it, before tax is worked out. */
export interface LineInput {
  description: string;
  quantity: number;
  /** Per unit, as priced (tax included when the prices include tax). */
  unitAmountMinor: number;
  taxCategory: string;
}

/** A line as the document carries it. */
export interface DocumentLine extends LineInput {
  /** quantity × unit, as priced. */
  amountMinor: number;
  taxRateBp: number;
}

/** The tax of every line at one rate together (the rounding happens here, once per rate). */
export interface TaxLine {
  category: string;
  rateBp: number;
  netMinor: number;
  taxMinor: number;
}

export interface DocumentTotals {
  /** Net of tax. */
  subtotalMinor: number;
  taxMinor: number;
  /** What the customer pays (or gets back). */
  totalMinor: number;
}

/** Everything printed on a document. */
export interface RenderableDocument {
  kind: DocumentKind;
  number: string;
  issuedAt: Date;
  seller: Party;
  buyer: Party;
  lines: DocumentLine[];
  taxLines: TaxLine[];
  totals: DocumentTotals;
  currency: string;
  pricesIncludeTax: boolean;
  /** The provider's charge (or refund) id the money moved under. */
  paymentReference: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  /** A credit note's invoice number. */
  correctsInvoice: string | null;
}
