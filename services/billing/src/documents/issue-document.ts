import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { buyerParty } from './buyer-party.js';
import { computeDocument, type ComputedDocument } from './compute-document.js';
import { creditNoteLines, remainingAfter } from './credit-note-lines.js';
import { lockDocumentSource } from './document-lock.js';
import type { LineInput, Party, RenderableDocument, TaxLine } from './document-types.js';
import { takeNextNumber } from './numbering.js';
import { renderPdf } from './render-pdf.js';
import { storedDocumentSelect, toStoredDocument, type StoredDocument } from './stored-document.js';
import type { TaxTable } from './tax-table.js';

export type Tx = Prisma.TransactionClient;

/** What every document is issued with (from the config, parsed once at start). */
export interface IssueSettings {
  seller: Party;
  taxTable: TaxTable;
  pricesIncludeTax: boolean;
  invoiceSeries: string;
  creditNoteSeries: string;
}

interface IssueCommon {
  userId: string;
  sourceId: string;
  currency: string;
  /** The provider's charge (or refund) id the money moved under. */
  paymentReference: string;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  issuedAt: Date;
}

/** An invoice for a paid order or subscription charge (`sourceId`: the order or the charge). */
export interface InvoiceToIssue extends IssueCommon {
  kind: 'invoice';
  sourceType: 'order' | 'subscription';
  lines: LineInput[];
}

/** A credit note for a refund (`sourceId`: the refund) of part or all of an invoice. */
export interface CreditNoteToIssue extends IssueCommon {
  kind: 'credit_note';
  sourceType: 'refund';
  invoiceId: string;
  refundMinor: number;
  /** The line text of a partial refund ("Refund" unless given). */
  description?: string;
}

export type DocumentToIssue = InvoiceToIssue | CreditNoteToIssue;

/** A credit note that cannot be issued as asked (no such invoice, wrong currency, too much). */
export class CreditNoteRefused extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'CreditNoteRefused';
  }
}

/**
 * Issue an invoice or credit note inside the caller's transaction: compute it, number it,
 * render it, store it and enqueue `invoice.issued` / `credit_note.issued` — all or nothing,
 * so a rolled-back issue leaves no document, no event and no used number.
 *
 * Idempotent per (kind, source type, source id): the document already issued for a source is
 * returned unchanged, with no new number and no second event. Two issues of one source at
 * once are serialised on a transaction-scoped advisory lock, so the second finds the first's
 * document instead of failing on the unique key.
 *
 * The event's subject (its Kafka key) is the user id: a customer's invoice and its credit
 * notes travel in one partition, in the order they were issued.
 */
export async function issueDocument(
  tx: Tx,
  settings: IssueSettings,
  input: DocumentToIssue,
): Promise<{ document: StoredDocument; created: boolean }> {
  const source = { kind: input.kind, sourceType: input.sourceType, sourceId: input.sourceId };
  await lockDocumentSource(tx, source);
  const existing = await tx.billingDocument.findUnique({
    where: { kind_sourceType_sourceId: source },
    select: storedDocumentSelect,
  });
  if (existing) return { document: toStoredDocument(existing), created: false };

  const draft =
    input.kind === 'invoice'
      ? await draftInvoice(tx, settings, input)
      : await draftCreditNote(tx, input);
  const series = input.kind === 'invoice' ? settings.invoiceSeries : settings.creditNoteSeries;
  const { year, seq, number } = await takeNextNumber(tx, series, input.issuedAt.getUTCFullYear());
  const document: RenderableDocument = {
    kind: input.kind,
    number,
    issuedAt: input.issuedAt,
    seller: settings.seller,
    buyer: draft.buyer,
    ...draft.computed,
    currency: input.currency,
    pricesIncludeTax: draft.pricesIncludeTax,
    paymentReference: input.paymentReference,
    periodStart: input.periodStart ?? draft.periodStart,
    periodEnd: input.periodEnd ?? draft.periodEnd,
    correctsInvoice: draft.correctsInvoice,
  };
  const pdf = await renderPdf(document);
  const id = randomUUID();
  const invoiceId = input.kind === 'credit_note' ? input.invoiceId : null;
  const row = await tx.billingDocument.create({
    data: {
      id,
      kind: input.kind,
      series,
      year,
      seq,
      number,
      userId: input.userId,
      invoiceId,
      sourceType: input.sourceType,
      sourceId: input.sourceId,
      seller: document.seller as unknown as Prisma.InputJsonValue,
      buyer: document.buyer as unknown as Prisma.InputJsonValue,
      lines: document.lines as unknown as Prisma.InputJsonValue,
      taxLines: document.taxLines as unknown as Prisma.InputJsonValue,
      pricesIncludeTax: document.pricesIncludeTax,
      subtotalMinor: document.totals.subtotalMinor,
      taxMinor: document.totals.taxMinor,
      totalMinor: document.totals.totalMinor,
      currency: document.currency,
      paymentReference: document.paymentReference,
      periodStart: document.periodStart,
      periodEnd: document.periodEnd,
      issuedAt: document.issuedAt,
      pdf: new Uint8Array(pdf),
    },
    select: storedDocumentSelect,
  });
  await enqueueEvent(
    tx,
    createEvent(input.kind === 'invoice' ? 'invoice.issued' : 'credit_note.issued', {
      source: 'billing',
      subject: input.userId,
      time: input.issuedAt,
      data: {
        documentId: id,
        kind: input.kind,
        number,
        userId: input.userId,
        total: { amount: document.totals.totalMinor, currency: document.currency },
        invoiceId,
        issuedAt: input.issuedAt.toISOString(),
        pdfBase64: pdf.toString('base64'),
      },
    }),
  );
  return { document: toStoredDocument(row), created: true };
}

interface Draft {
  buyer: Party;
  computed: ComputedDocument;
  pricesIncludeTax: boolean;
  periodStart: Date | null;
  periodEnd: Date | null;
  correctsInvoice: string | null;
}

async function draftInvoice(
  tx: Tx,
  settings: IssueSettings,
  input: InvoiceToIssue,
): Promise<Draft> {
  const customer = await tx.customer.findUnique({
    where: { userId: input.userId },
    select: { name: true, billingAddress: true },
  });
  const buyer = buyerParty(input.userId, customer);
  const computed = computeDocument(
    input.lines,
    (category) => settings.taxTable.rateFor(buyer.country, category),
    settings.pricesIncludeTax,
  );
  return {
    buyer,
    computed,
    pricesIncludeTax: settings.pricesIncludeTax,
    periodStart: null,
    periodEnd: null,
    correctsInvoice: null,
  };
}

/**
 * A credit note corrects its invoice as issued: the invoice's buyer, price convention, rates
 * and period, whatever has changed since. It is worked out on what earlier credit notes left
 * of the invoice, so all of them together never exceed it, and refunds adding up to the
 * invoice give back exactly its net and tax per rate.
 */
async function draftCreditNote(tx: Tx, input: CreditNoteToIssue): Promise<Draft> {
  const row = await tx.billingDocument.findUnique({
    where: { id: input.invoiceId },
    select: storedDocumentSelect,
  });
  const invoice = row ? toStoredDocument(row) : null;
  if (!invoice || invoice.kind !== 'invoice' || invoice.userId !== input.userId) {
    throw new CreditNoteRefused(
      `invoice ${input.invoiceId} of user ${input.userId} does not exist`,
    );
  }
  if (invoice.currency !== input.currency) {
    throw new CreditNoteRefused(`a ${input.currency} refund on a ${invoice.currency} invoice`);
  }
  const earlier = await tx.billingDocument.findMany({
    where: { invoiceId: invoice.id, kind: 'credit_note' },
    select: { taxLines: true, totalMinor: true },
  });
  const left = invoice.totals.totalMinor - earlier.reduce((sum, note) => sum + note.totalMinor, 0);
  if (input.refundMinor > left) {
    throw new CreditNoteRefused(
      `a refund of ${input.refundMinor} exceeds the ${left} left on ${invoice.number}`,
    );
  }
  return {
    buyer: invoice.buyer,
    computed: creditNoteLines(
      remainingAfter(
        invoice,
        earlier.map((note) => note.taxLines as unknown as TaxLine[]),
        input.description,
      ),
      input.refundMinor,
      input.description,
    ),
    pricesIncludeTax: invoice.pricesIncludeTax,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    correctsInvoice: invoice.number,
  };
}
