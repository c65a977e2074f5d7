import type { BillingConfig } from '../config.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CreditNoteRequest, DocumentIssuer, InvoiceRequest } from './document-issuer.js';
import { documentSettings } from './document-settings.js';
import { lockDocumentSource } from './document-lock.js';
import { issueDocument } from './issue-document.js';
import { UnknownTaxRate } from './tax-table.js';

type Tx = Prisma.TransactionClient;

const isCancelled = async (tx: Tx, orderId: string) =>
  (await tx.cancelledOrder.findUnique({ where: { orderId }, select: { orderId: true } })) !== null;

/**
 * Billing's documents as the event handlers issue them: an invoice per paid order or
 * subscription charge, a credit note per refund. A refund whose invoice is not issued yet —
 * payment's topic and order's are not ordered with each other — waits in
 * `pending_credit_notes` and is issued right after its invoice.
 */
export function createDocumentIssuer(config: BillingConfig) {
  const settings = documentSettings(config);

  const issueCreditNote = async (tx: Tx, invoiceId: string, request: CreditNoteRequest) => {
    await issueDocument(tx, settings, {
      kind: 'credit_note',
      sourceType: 'refund',
      sourceId: request.refundId,
      invoiceId,
      userId: request.userId,
      refundMinor: request.amountMinor,
      currency: request.currency,
      paymentReference: request.paymentReference,
      issuedAt: request.issuedAt,
      description: `Refund: ${request.reason}`,
    });
  };

  const issuer: DocumentIssuer = {
    async invoice(tx: Tx, request: InvoiceRequest) {
      const { document } = await issueDocument(tx, settings, {
        kind: 'invoice',
        ...request,
      });
      const waiting = await tx.pendingCreditNote.findMany({
        where: { sourceType: request.sourceType, sourceId: request.sourceId },
        orderBy: [{ createdAt: 'asc' }, { refundId: 'asc' }],
      });
      for (const refund of waiting) {
        await issueCreditNote(tx, document.id, {
          userId: request.userId,
          refundId: refund.refundId,
          invoiceSourceType: request.sourceType,
          invoiceSourceId: request.sourceId,
          amountMinor: refund.amountMinor,
          currency: refund.currency,
          reason: refund.reason,
          paymentReference: request.paymentReference,
          issuedAt: request.issuedAt,
        });
        await tx.pendingCreditNote.delete({ where: { refundId: refund.refundId } });
      }
    },

    async creditNote(tx: Tx, request: CreditNoteRequest) {
      // The invoice's lock first: an invoice being issued right now (not committed, so not
      // visible here) would otherwise miss this refund's pending row, read before it existed,
      // and the credit note would wait forever. Held, the invoice is either committed (found
      // below) or not begun (it finds the pending row when it is issued).
      await lockDocumentSource(tx, {
        kind: 'invoice',
        sourceType: request.invoiceSourceType,
        sourceId: request.invoiceSourceId,
      });
      const invoice = await tx.billingDocument.findUnique({
        where: {
          kind_sourceType_sourceId: {
            kind: 'invoice',
            sourceType: request.invoiceSourceType,
            sourceId: request.invoiceSourceId,
          },
        },
        select: { id: true },
      });
      if (invoice) {
        await issueCreditNote(tx, invoice.id, request);
        return;
      }
      if (request.invoiceSourceType === 'order' && (await isCancelled(tx, request.invoiceSourceId)))
        return;
      await tx.pendingCreditNote.upsert({
        where: { refundId: request.refundId },
        create: {
          refundId: request.refundId,
          sourceType: request.invoiceSourceType,
          sourceId: request.invoiceSourceId,
          amountMinor: request.amountMinor,
          currency: request.currency,
          reason: request.reason,
        },
        update: {},
      });
    },

    async orderCancelled(tx: Tx, orderId: string) {
      // The same lock as a refund's: one waiting to be parked now is parked before this
      // deletes, or sees the cancellation after it.
      const source = { kind: 'invoice', sourceType: 'order', sourceId: orderId } as const;
      await lockDocumentSource(tx, source);
      // An order invoiced is paid, and a paid order is never cancelled; should one be, its
      // refunds still have their invoice to correct.
      const invoiced = await tx.billingDocument.count({
        where: { kind: 'invoice', sourceType: 'order', sourceId: orderId },
      });
      if (invoiced > 0) return;
      await tx.cancelledOrder.upsert({ where: { orderId }, create: { orderId }, update: {} });
      await tx.pendingCreditNote.deleteMany({ where: { sourceType: 'order', sourceId: orderId } });
    },
  };

  /** A plan's tax category must be priced for every buyer: the `*` row has it. */
  const knowsTaxCategory = (category: string) => {
    try {
      settings.taxTable.rateFor('*', category);
      return true;
    } catch (error) {
      if (error instanceof UnknownTaxRate) return false;
      throw error;
    }
  };

  return { issuer, settings, knowsTaxCategory };
}
