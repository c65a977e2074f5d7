import { Type, type Static } from '@sinclair/typebox';
import type { StoredDocument } from './stored-document.js';

/** The HTTP shapes of invoices and credit notes (amounts in minor units of `currency`). */

const Minor = Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 });
const DateTime = Type.String({ format: 'date-time' });

const PartyView = Type.Object({
  name: Type.String(),
  addressLines: Type.Array(Type.String()),
  country: Type.Union([Type.String(), Type.Null()]),
  taxId: Type.Union([Type.String(), Type.Null()]),
});

export const DocumentView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String({ examples: ['INV-2026-000001'] }),
  kind: Type.Union([Type.Literal('invoice'), Type.Literal('credit_note')]),
  issuedAt: DateTime,
  seller: PartyView,
  buyer: PartyView,
  lines: Type.Array(
    Type.Object({
      description: Type.String(),
      quantity: Type.Integer(),
      unitAmountMinor: Minor,
      amountMinor: Minor,
      taxCategory: Type.String(),
      /** Basis points: 19 % is 1900. */
      taxRateBp: Type.Integer(),
    }),
  ),
  taxLines: Type.Array(
    Type.Object({
      category: Type.String(),
      rateBp: Type.Integer(),
      netMinor: Minor,
      taxMinor: Minor,
    }),
  ),
  totals: Type.Object({ subtotalMinor: Minor, taxMinor: Minor, totalMinor: Minor }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  pricesIncludeTax: Type.Boolean(),
  paymentReference: Type.String(),
  period: Type.Union([Type.Object({ start: DateTime, end: DateTime }), Type.Null()]),
  /** A credit note's invoice (its id and number); null on an invoice. */
  invoiceId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  correctsInvoice: Type.Union([Type.String(), Type.Null()]),
});
export type DocumentView = Static<typeof DocumentView>;

export const DocumentList = Type.Object({
  items: Type.Array(DocumentView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const DocumentListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AdminDocumentListQuery = Type.Object(
  {
    ...DocumentListQuery.properties,
    userId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Only this customer’s documents' }),
    ),
  },
  { additionalProperties: false },
);

export const DocumentIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** A day (`2026-01-01`, midnight UTC) or an instant with its offset. */
const Instant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
  examples: ['2026-01-01'],
});

export const ExportQuery = Type.Object(
  {
    /** Issued at or after. */
    from: Instant,
    /** Issued before. */
    to: Instant,
  },
  { additionalProperties: false },
);

/**
 * Non-JSON answers, described per content type (Fastify and the OpenAPI document read
 * `content`); a Buffer or string body is sent as it is, never serialised.
 */
export const PdfResponse = Type.Unsafe<Buffer>({
  description: 'The document as issued (the same bytes every time)',
  content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
});

export const CsvResponse = Type.Unsafe<string>({
  description: 'One row per document issued in [from, to), with net and tax per tax rate',
  content: { 'text/csv': { schema: { type: 'string' } } },
});

/** What a client sees of a document: everything printed on it, never the PDF's bytes. */
export function toDocumentView(document: StoredDocument): DocumentView {
  return {
    id: document.id,
    number: document.number,
    kind: document.kind,
    issuedAt: document.issuedAt.toISOString(),
    seller: document.seller,
    buyer: document.buyer,
    lines: document.lines,
    taxLines: document.taxLines,
    totals: document.totals,
    currency: document.currency,
    pricesIncludeTax: document.pricesIncludeTax,
    paymentReference: document.paymentReference,
    period:
      document.periodStart && document.periodEnd
        ? { start: document.periodStart.toISOString(), end: document.periodEnd.toISOString() }
        : null,
    invoiceId: document.invoiceId,
    correctsInvoice: document.correctsInvoice,
  };
}
