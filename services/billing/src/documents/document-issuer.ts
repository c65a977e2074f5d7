import type { Prisma } from '../generated/prisma/client.js';
import type { LineInput } from './document-types.js';

type Tx = Prisma.TransactionClient;

export interface InvoiceRequest {
  userId: string;
  sourceType: 'order' | 'subscription';
  /** The order's id, or the subscription charge's. */
  sourceId: string;
  lines: LineInput[];
  currency: string;
  paymentReference: string;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  issuedAt: Date;
}

export interface CreditNoteRequest {
  userId: string;
  refundId: string;
  /** What the refunded money was paid for: its invoice is the one corrected. */
  invoiceSourceType: 'order' | 'subscription';
  invoiceSourceId: string;
  amountMinor: number;
  currency: string;
  reason: string;
  paymentReference: string;
  issuedAt: Date;
}

/** Issues billing's documents inside the caller's transaction (see issue-document.ts). */
export interface DocumentIssuer {
  invoice(tx: Tx, request: InvoiceRequest): Promise<void>;
  /**
   * The refund's credit note, or — when its invoice is not issued yet (the refund's topic
   * overtook the payment's) — kept pending and issued together with the invoice.
   */
  creditNote(tx: Tx, request: CreditNoteRequest): Promise<void>;
  /**
   * The order ended cancelled and will never be invoiced: a refund of its charge, pending or
   * still to come, gets no credit note (there is nothing to correct).
   */
  orderCancelled(tx: Tx, orderId: string): Promise<void>;
}
