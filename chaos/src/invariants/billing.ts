import { findBillingInconsistencies } from '@switchyard/testing';
import { checkResult, type CheckResult, type RunData } from './check.js';

/**
 * Billing's books against payment's money (packages/testing billing-consistency.ts): per
 * currency the documents add up to what was kept, one invoice per successful charge and one
 * credit note per refund, every subscription period charged at most once.
 */
export async function checkBilling(data: RunData): Promise<CheckResult[]> {
  const { books, documents, periods } = await findBillingInconsistencies({
    orderDb: data.databases.order,
    paymentDb: data.databases.payment,
    billingDb: data.databases.billing,
  });
  return [
    checkResult(
      'billing books: per currency, invoices − credit notes = captured − refunded',
      books.figures,
      books.problems,
    ),
    checkResult(
      'billing documents: one invoice per successful charge, one credit note per refund',
      documents.figures,
      documents.problems,
    ),
    checkResult(
      'billing periods: every subscription period charged at most once',
      periods.figures,
      periods.problems,
    ),
  ];
}
