import {
  AmountOutOfRange,
  divideRounded,
  totalsOf,
  type ComputedDocument,
} from './compute-document.js';
import type { DocumentLine, TaxLine } from './document-types.js';

/** What a credit note needs of the invoice it corrects. */
export interface CreditedInvoice {
  lines: DocumentLine[];
  taxLines: TaxLine[];
  pricesIncludeTax: boolean;
}

/**
 * Split `parts` of `whole` across `weights` in proportion, by largest remainder: everyone gets
 * the floor of their exact share, and the units left over go one each to the largest
 * remainders (ties: the larger weight, then the earlier one). The parts sum to `whole` exactly.
 */
export function allocateProportionally(whole: bigint, weights: bigint[]): bigint[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0n);
  if (total === 0n) return weights.map(() => 0n);
  const shares = weights.map((weight, index) => ({
    index,
    weight,
    floor: (whole * weight) / total,
    remainder: (whole * weight) % total,
  }));
  let left = whole - shares.reduce((sum, share) => sum + share.floor, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder !== b.remainder
      ? a.remainder > b.remainder
        ? -1
        : 1
      : a.weight !== b.weight
        ? a.weight > b.weight
          ? -1
          : 1
        : a.index - b.index,
  );
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.floor += 1n;
    left -= 1n;
  }
  return shares.map((share) => share.floor);
}

/**
 * A credit note for `refundMinor` of an invoice: the refund is split across the invoice's rate
 * groups in proportion to their gross (largest remainder, so the parts are the refund to the
 * cent), and each part into net and tax in the same proportion as the invoice's group (tax
 * rounded once per group, half away from zero). A full refund gives back the invoice's own
 * lines, groups and totals exactly; a partial one has one line per rate group, described by
 * `description`.
 */
export function creditNoteLines(
  invoice: CreditedInvoice,
  refundMinor: number,
  description = 'Refund',
): ComputedDocument {
  const grosses = invoice.taxLines.map((line) => BigInt(line.netMinor) + BigInt(line.taxMinor));
  const invoiceTotal = grosses.reduce((sum, gross) => sum + gross, 0n);
  if (
    !Number.isSafeInteger(refundMinor) ||
    refundMinor <= 0 ||
    BigInt(refundMinor) > invoiceTotal
  ) {
    throw new AmountOutOfRange(`a refund of ${refundMinor} on an invoice of ${invoiceTotal}`);
  }
  const full = BigInt(refundMinor) === invoiceTotal;
  const parts = allocateProportionally(BigInt(refundMinor), grosses);
  const groups = invoice.taxLines.map((group, index) => {
    const part = parts[index]!;
    const gross = grosses[index]!;
    const tax = gross === 0n ? 0n : divideRounded(part * BigInt(group.taxMinor), gross);
    return {
      group,
      part,
      taxLine: { ...group, netMinor: Number(part - tax), taxMinor: Number(tax) },
    };
  });
  const kept = full ? groups : groups.filter(({ part }) => part > 0n);
  const taxLines = kept.map(({ taxLine }) => taxLine);
  const lines = full
    ? invoice.lines.map((line) => ({ ...line }))
    : kept.map(({ group, part, taxLine }): DocumentLine => {
        const amount = invoice.pricesIncludeTax ? Number(part) : taxLine.netMinor;
        return {
          description,
          quantity: 1,
          unitAmountMinor: amount,
          taxCategory: group.category,
          amountMinor: amount,
          taxRateBp: group.rateBp,
        };
      });
  return { lines, taxLines, totals: totalsOf(taxLines) };
}

/**
 * What is left of an invoice after the credit notes already issued on it: each rate group less
 * what they credited at that rate, as one line per group. The next credit note is worked out on
 * this, so refunds that add up to the invoice give back exactly its net and tax per rate.
 */
export function remainingAfter(
  invoice: CreditedInvoice,
  credited: TaxLine[][],
  description = 'Refund',
): CreditedInvoice {
  if (credited.length === 0) return invoice;
  const taxLines = invoice.taxLines
    .map((group) => {
      const same = credited
        .flat()
        .filter((c) => c.category === group.category && c.rateBp === group.rateBp);
      return {
        ...group,
        netMinor: group.netMinor - same.reduce((sum, c) => sum + c.netMinor, 0),
        taxMinor: group.taxMinor - same.reduce((sum, c) => sum + c.taxMinor, 0),
      };
    })
    .filter((group) => group.netMinor + group.taxMinor > 0); // nothing left at this rate
  const lines = taxLines.map((group): DocumentLine => {
    const amount = invoice.pricesIncludeTax ? group.netMinor + group.taxMinor : group.netMinor;
    return {
      description,
      quantity: 1,
      unitAmountMinor: amount,
      taxCategory: group.category,
      amountMinor: amount,
      taxRateBp: group.rateBp,
    };
  });
  return { lines, taxLines, pricesIncludeTax: invoice.pricesIncludeTax };
}
