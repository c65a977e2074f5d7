import type { Prisma } from '../generated/prisma/client.js';
import type {
  DocumentKind,
  DocumentLine,
  Party,
  RenderableDocument,
  TaxLine,
} from './document-types.js';

export type SourceType = 'order' | 'subscription' | 'refund';

/** An issued document as billing keeps it (the PDF apart: it is read only to be downloaded). */
export interface StoredDocument extends RenderableDocument {
  id: string;
  userId: string;
  /** A credit note's invoice. */
  invoiceId: string | null;
  sourceType: SourceType;
  sourceId: string;
}

/** Every column but the PDF, and the corrected invoice's number. */
export const storedDocumentSelect = {
  id: true,
  kind: true,
  number: true,
  userId: true,
  invoiceId: true,
  invoice: { select: { number: true } },
  sourceType: true,
  sourceId: true,
  seller: true,
  buyer: true,
  lines: true,
  taxLines: true,
  pricesIncludeTax: true,
  subtotalMinor: true,
  taxMinor: true,
  totalMinor: true,
  currency: true,
  paymentReference: true,
  periodStart: true,
  periodEnd: true,
  issuedAt: true,
} satisfies Prisma.BillingDocumentSelect;

export type StoredDocumentRow = Prisma.BillingDocumentGetPayload<{
  select: typeof storedDocumentSelect;
}>;

export function toStoredDocument(row: StoredDocumentRow): StoredDocument {
  return {
    id: row.id,
    kind: row.kind as DocumentKind,
    number: row.number,
    userId: row.userId,
    invoiceId: row.invoiceId,
    correctsInvoice: row.invoice?.number ?? null,
    sourceType: row.sourceType as SourceType,
    sourceId: row.sourceId,
    // Written only by issueDocument from these very types.
    seller: row.seller as unknown as Party,
    buyer: row.buyer as unknown as Party,
    lines: row.lines as unknown as DocumentLine[],
    taxLines: row.taxLines as unknown as TaxLine[],
    totals: {
      subtotalMinor: row.subtotalMinor,
      taxMinor: row.taxMinor,
      totalMinor: row.totalMinor,
    },
    pricesIncludeTax: row.pricesIncludeTax,
    currency: row.currency,
    paymentReference: row.paymentReference,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    issuedAt: row.issuedAt,
  };
}
