import { readBillingLedger, type BillingLedger } from './billing-ledger.js';

/** One of billing's invariants: one line per violation (none when it holds), and its figures. */
export interface BillingInvariant {
  problems: string[];
  figures: Record<string, number>;
}

export interface BillingInconsistencies {
  /** Per currency: invoice totals − credit note totals = captured − refunded. */
  books: BillingInvariant;
  /**
   * Every successful charge has exactly one invoice, every refund exactly one credit note, and
   * no refund still waits for an invoice.
   */
  documents: BillingInvariant;
  /** Every subscription period is charged at most once. */
  periods: BillingInvariant;
}

/**
 * Billing's invariants once the platform is quiet, across the order, payment and billing
 * databases (docs/reliability.md). Money is what payment recorded as captured and refunded;
 * only payments billing invoices count (readBillingLedger).
 */
export async function findBillingInconsistencies(options: {
  orderDb: string;
  paymentDb: string;
  billingDb: string;
}): Promise<BillingInconsistencies> {
  const ledger = await readBillingLedger(options);
  return {
    books: booksPerCurrency(ledger),
    documents: oneDocumentPerMovement(ledger),
    periods: periodsChargedOnce(ledger),
  };
}

/**
 * Per currency, the documents add up to the money kept: Σ invoices − Σ credit notes =
 * Σ captured − Σ refunded. Prices include tax, so an invoice's total is what was charged.
 */
export function booksPerCurrency(ledger: BillingLedger): BillingInvariant {
  const books = new Map<
    string,
    { invoiced: number; credited: number; captured: number; refunded: number }
  >();
  const of = (currency: string) => {
    let row = books.get(currency);
    if (!row) books.set(currency, (row = { invoiced: 0, credited: 0, captured: 0, refunded: 0 }));
    return row;
  };
  for (const d of ledger.documents)
    if (d.kind === 'invoice') of(d.currency).invoiced += d.totalMinor;
    else of(d.currency).credited += d.totalMinor;
  const currencyOf = new Map(ledger.payments.map((p) => [p.id, p.currency]));
  for (const p of ledger.payments) of(p.currency).captured += p.amountMinor;
  // From the refund rows (not the payment's running total): what a credit note stands for.
  for (const r of ledger.refunds) of(currencyOf.get(r.paymentId)!).refunded += r.amountMinor;
  const problems: string[] = [];
  const figures: Record<string, number> = {};
  for (const [currency, b] of [...books.entries()].sort(([a], [z]) => a.localeCompare(z))) {
    Object.assign(figures, {
      [`${currency}_invoiced`]: b.invoiced,
      [`${currency}_credited`]: b.credited,
      [`${currency}_captured`]: b.captured,
      [`${currency}_refunded`]: b.refunded,
    });
    if (b.invoiced - b.credited !== b.captured - b.refunded)
      problems.push(
        `${currency}: invoices ${b.invoiced} − credit notes ${b.credited} = ${b.invoiced - b.credited}, ` +
          `but captured ${b.captured} − refunded ${b.refunded} = ${b.captured - b.refunded}`,
      );
  }
  return { problems, figures };
}

/**
 * Every successful charge billing invoices has exactly one invoice, of its amount and currency,
 * and every invoice such a charge; every refund of one exactly one credit note of its amount,
 * against that invoice, and every credit note such a refund.
 */
export function oneDocumentPerMovement(ledger: BillingLedger): BillingInvariant {
  const problems: string[] = [];
  const bySource = new Map<string, BillingLedger['documents']>();
  for (const d of ledger.documents)
    bySource.set(`${d.kind} ${d.source}`, [...(bySource.get(`${d.kind} ${d.source}`) ?? []), d]);
  const invoiceOfPayment = new Map<string, string>();
  const expected = new Set<string>();
  for (const p of ledger.payments) {
    const key = `invoice ${p.source}`;
    expected.add(key);
    const invoices = bySource.get(key) ?? [];
    if (invoices.length !== 1) {
      problems.push(
        `payment ${p.id} (${p.source}, ${p.amountMinor} ${p.currency}) has ${invoices.length} invoices`,
      );
      continue;
    }
    const invoice = invoices[0]!;
    invoiceOfPayment.set(p.id, invoice.id);
    if (invoice.totalMinor !== p.amountMinor || invoice.currency !== p.currency)
      problems.push(
        `invoice ${invoice.number} says ${invoice.totalMinor} ${invoice.currency}, ` +
          `payment ${p.id} captured ${p.amountMinor} ${p.currency}`,
      );
  }
  for (const r of ledger.refunds) {
    const key = `credit_note refund:${r.id}`;
    expected.add(key);
    const notes = bySource.get(key) ?? [];
    if (notes.length !== 1) {
      problems.push(
        `refund ${r.id} (${r.amountMinor}) of payment ${r.paymentId} has ${notes.length} credit notes`,
      );
      continue;
    }
    const note = notes[0]!;
    if (note.totalMinor !== r.amountMinor)
      problems.push(`credit note ${note.number} says ${note.totalMinor}, refund ${r.amountMinor}`);
    if (note.invoiceId !== invoiceOfPayment.get(r.paymentId))
      problems.push(
        `credit note ${note.number} corrects ${note.invoiceId}, not the invoice of payment ${r.paymentId}`,
      );
  }
  for (const d of ledger.documents)
    if (!expected.has(`${d.kind} ${d.source}`))
      problems.push(
        `${d.kind} ${d.number} (${d.source}, ${d.totalMinor} ${d.currency}) stands for no ` +
          (d.kind === 'invoice' ? 'successful charge' : 'refund'),
      );
  // A refund parked for its invoice is issued with it, or dropped when the order is cancelled
  // (never invoiced); one still parked once all is quiet would wait forever.
  for (const p of ledger.pendingCreditNotes)
    problems.push(`refund ${p.refundId} still waits for an invoice of ${p.source}`);
  const count = (kind: string) => ledger.documents.filter((d) => d.kind === kind).length;
  return {
    problems,
    figures: {
      invoicedCharges: ledger.payments.length,
      refunds: ledger.refunds.length,
      invoices: count('invoice'),
      creditNotes: count('credit_note'),
      pendingCreditNotes: ledger.pendingCreditNotes.length,
    },
  };
}

/**
 * Every subscription period is charged at most once: billing marks at most one of its charges
 * paid, and payment keeps the money of at most one (any other was `surplus`, refunded in full).
 * Billing's view of each charge agrees with payment's, and every subscription payment is a
 * charge billing asked for.
 */
export function periodsChargedOnce(ledger: BillingLedger): BillingInvariant {
  const problems: string[] = [];
  const chargeById = new Map(ledger.charges.map((c) => [c.id, c]));
  const paymentById = new Map(ledger.payments.map((p) => [p.id, p]));
  const periodOf = (c: { subscriptionId: string; periodStart: Date }) =>
    `subscription ${c.subscriptionId} period ${c.periodStart.toISOString()}`;
  const paidHere = new Map<string, number>();
  const keptThere = new Map<string, number>();
  for (const c of ledger.charges) {
    const paymentStatus = ledger.subscriptionPaymentStatus.get(c.id) ?? 'missing';
    const billed = c.status === 'succeeded' || c.status === 'surplus';
    if (billed !== (paymentStatus === 'succeeded') && c.status !== 'pending')
      problems.push(`charge ${c.id} (${periodOf(c)}) is ${c.status}, its payment ${paymentStatus}`);
    const payment = paymentById.get(c.id);
    if (c.status === 'surplus' && payment && payment.refundedMinor !== payment.amountMinor)
      problems.push(
        `surplus charge ${c.id} (${periodOf(c)}): refunded ${payment.refundedMinor} of ${payment.amountMinor}`,
      );
    if (c.kind !== 'period') continue;
    if (c.status === 'succeeded') paidHere.set(periodOf(c), (paidHere.get(periodOf(c)) ?? 0) + 1);
    // Kept: captured and not given back in full (a downgrade's credit gives back only part).
    if (payment && payment.refundedMinor < payment.amountMinor)
      keptThere.set(periodOf(c), (keptThere.get(periodOf(c)) ?? 0) + 1);
  }
  for (const [period, n] of paidHere)
    if (n > 1) problems.push(`${period}: ${n} charges marked paid`);
  for (const [period, n] of keptThere)
    if (n > 1) problems.push(`${period}: paid ${n} times at payment (money kept)`);
  for (const p of ledger.payments)
    if (p.purpose === 'subscription' && !chargeById.has(p.id))
      problems.push(
        `payment ${p.id} charged subscription ${p.subscriptionId} for a charge billing never asked for`,
      );
  const periods = ledger.charges.filter((c) => c.kind === 'period');
  return {
    problems,
    figures: {
      subscriptionCharges: ledger.charges.length,
      periodsPaid: [...paidHere.keys()].length,
      periodChargeAttempts: periods.length,
      surplusCharges: ledger.charges.filter((c) => c.status === 'surplus').length,
      pendingCharges: ledger.charges.filter((c) => c.status === 'pending').length,
    },
  };
}
