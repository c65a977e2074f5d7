import { queryDb } from './test-database.js';

/** A successful payment that billing must have invoiced, with what was refunded of it. */
export interface BillablePayment {
  id: string;
  /** How billing names what was paid for: `order:<order id>` or `subscription:<charge id>`. */
  source: string;
  purpose: 'order' | 'subscription';
  subscriptionId: string | null;
  amountMinor: number;
  refundedMinor: number;
  currency: string;
}

export interface SucceededRefund {
  id: string;
  paymentId: string;
  amountMinor: number;
}

export interface BillingDocumentRow {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  /** `order:<id>`, `subscription:<charge id>` (invoices) or `refund:<refund id>` (credit notes). */
  source: string;
  invoiceId: string | null;
  totalMinor: number;
  currency: string;
}

export interface SubscriptionChargeRow {
  id: string;
  subscriptionId: string;
  kind: 'period' | 'proration';
  periodStart: Date;
  attempt: number;
  amountMinor: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed' | 'surplus';
}

/** Both sides of billing's books: the money as payment recorded it, the documents billing issued. */
export interface BillingLedger {
  payments: BillablePayment[];
  /** Subscription payments whatever their status (their charge's status must agree). */
  subscriptionPaymentStatus: Map<string, string>;
  refunds: SucceededRefund[];
  documents: BillingDocumentRow[];
  charges: SubscriptionChargeRow[];
  /** Refunds billing still holds for an invoice (none once quiet: every one is issued or dropped). */
  pendingCreditNotes: { refundId: string; source: string }[];
}

/**
 * Read the ledger. Billing invoices a payment only when it was for a subscription charge or for
 * an order that became paid (order.paid issues the invoice): a charge an order never kept — made
 * after its cancellation and refunded in full by payment — has no invoice and is left out on
 * both sides, so the books compare like with like.
 */
export async function readBillingLedger(options: {
  orderDb: string;
  paymentDb: string;
  billingDb: string;
}): Promise<BillingLedger> {
  const paidOrders = new Set(
    (
      await queryDb<{ order_id: string }>(
        options.orderDb,
        "SELECT DISTINCT order_id::text FROM order_status_changes WHERE to_status = 'paid'",
      )
    ).map((r) => r.order_id),
  );
  const all = await queryDb<{
    id: string;
    purpose: 'order' | 'subscription';
    order_id: string | null;
    subscription_id: string | null;
    status: string;
    amount_minor: number;
    amount_refunded_minor: number;
    currency: string;
  }>(
    options.paymentDb,
    `SELECT id::text, purpose, order_id::text, subscription_id::text, status, amount_minor,
            amount_refunded_minor, currency
       FROM payments`,
  );
  const payments: BillablePayment[] = all
    .filter(
      (p) =>
        p.status === 'succeeded' &&
        (p.purpose === 'subscription' || (p.order_id !== null && paidOrders.has(p.order_id))),
    )
    .map((p) => ({
      id: p.id,
      source: p.purpose === 'subscription' ? `subscription:${p.id}` : `order:${p.order_id}`,
      purpose: p.purpose,
      subscriptionId: p.subscription_id,
      amountMinor: p.amount_minor,
      refundedMinor: p.amount_refunded_minor,
      currency: p.currency,
    }));
  const billable = new Set(payments.map((p) => p.id));
  const refunds = (
    await queryDb<{ id: string; payment_id: string; amount_minor: number }>(
      options.paymentDb,
      "SELECT id::text, payment_id::text, amount_minor FROM payment_refunds WHERE status = 'succeeded'",
    )
  )
    .filter((r) => billable.has(r.payment_id))
    .map((r) => ({ id: r.id, paymentId: r.payment_id, amountMinor: r.amount_minor }));
  const documents = (
    await queryDb<{
      id: string;
      number: string;
      kind: 'invoice' | 'credit_note';
      source_type: string;
      source_id: string;
      invoice_id: string | null;
      total_minor: number;
      currency: string;
    }>(
      options.billingDb,
      `SELECT id::text, number, kind, source_type, source_id::text, invoice_id::text,
              total_minor, currency
         FROM billing_documents`,
    )
  ).map((d) => ({
    id: d.id,
    number: d.number,
    kind: d.kind,
    source: `${d.source_type}:${d.source_id}`,
    invoiceId: d.invoice_id,
    totalMinor: d.total_minor,
    currency: d.currency,
  }));
  const charges = (
    await queryDb<{
      id: string;
      subscription_id: string;
      kind: 'period' | 'proration';
      period_start: Date;
      attempt: number;
      amount_minor: number;
      currency: string;
      status: SubscriptionChargeRow['status'];
    }>(
      options.billingDb,
      `SELECT id::text, subscription_id::text, kind, period_start, attempt, amount_minor,
              currency, status
         FROM subscription_charges`,
    )
  ).map((c) => ({
    id: c.id,
    subscriptionId: c.subscription_id,
    kind: c.kind,
    periodStart: c.period_start,
    attempt: c.attempt,
    amountMinor: c.amount_minor,
    currency: c.currency,
    status: c.status,
  }));
  const pendingCreditNotes = (
    await queryDb<{ refund_id: string; source_type: string; source_id: string }>(
      options.billingDb,
      'SELECT refund_id::text, source_type, source_id::text FROM pending_credit_notes',
    )
  ).map((p) => ({ refundId: p.refund_id, source: `${p.source_type}:${p.source_id}` }));
  return {
    pendingCreditNotes,
    payments,
    subscriptionPaymentStatus: new Map(
      all.filter((p) => p.purpose === 'subscription').map((p) => [p.id, p.status]),
    ),
    refunds,
    documents,
    charges,
  };
}
