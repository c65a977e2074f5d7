import type { DocumentLine, DocumentTotals, LineInput, TaxLine } from './document-types.js';

/**
 * Rounding (docs/billing.md): tax is rounded once per rate group — every line of one tax
 * category at one rate together — half away from zero, never per line, so a long invoice does
 * not collect a cent of drift per line. With prices excluding tax a group's tax is
 * round(net × bp / 10 000); with prices including tax the group's gross is what the customer
 * pays, and its tax is gross − round(gross × 10 000 / (10 000 + bp)), so net + tax is the
 * gross to the cent. The document's totals are the sums of its groups. All of it is integer
 * arithmetic (BigInt where a product may pass 2^53); a float never touches an amount.
 */

/** Every amount ends up in a Postgres integer column. */
const MAX_MINOR = 2_147_483_647;
const BP = 10_000n;

export interface ComputedDocument {
  lines: DocumentLine[];
  taxLines: TaxLine[];
  totals: DocumentTotals;
}

/** An amount a document cannot hold (over the column's range, or not a whole number). */
export class AmountOutOfRange extends Error {
  constructor(what: string) {
    super(`${what} is out of range for a document`);
    this.name = 'AmountOutOfRange';
  }
}

/** numerator / denominator rounded half away from zero (denominator > 0). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const twice = numerator < 0n ? -numerator : numerator;
  // |n| / d rounded half up, via (2|n| + d) / 2d: exact for odd and even denominators.
  const rounded = (2n * twice + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

function checked(value: bigint, what: string): number {
  if (value < BigInt(-MAX_MINOR) || value > BigInt(MAX_MINOR)) throw new AmountOutOfRange(what);
  return Number(value);
}

/**
 * Lines as priced → the document's lines, its tax per rate group (in the order the groups
 * first appear) and its totals. `rateOf` is the buyer's tax table lookup for a category.
 */
export function computeDocument(
  inputs: LineInput[],
  rateOf: (category: string) => number,
  pricesIncludeTax: boolean,
): ComputedDocument {
  const groups = new Map<string, { category: string; rateBp: number; pricedMinor: bigint }>();
  const lines = inputs.map((input): DocumentLine => {
    if (!Number.isSafeInteger(input.quantity) || !Number.isSafeInteger(input.unitAmountMinor)) {
      throw new AmountOutOfRange(`line "${input.description}"`);
    }
    const amount = BigInt(input.quantity) * BigInt(input.unitAmountMinor);
    const taxRateBp = rateOf(input.taxCategory);
    const key = `${input.taxCategory}\u0000${taxRateBp}`;
    const group = groups.get(key) ?? {
      category: input.taxCategory,
      rateBp: taxRateBp,
      pricedMinor: 0n,
    };
    group.pricedMinor += amount;
    groups.set(key, group);
    return { ...input, amountMinor: checked(amount, `line "${input.description}"`), taxRateBp };
  });
  const taxLines = [...groups.values()].map(({ category, rateBp, pricedMinor }): TaxLine => {
    const rate = BigInt(rateBp);
    const net = pricesIncludeTax ? divideRounded(pricedMinor * BP, BP + rate) : pricedMinor;
    const tax = pricesIncludeTax ? pricedMinor - net : divideRounded(pricedMinor * rate, BP);
    return {
      category,
      rateBp,
      netMinor: checked(net, `the ${category} net`),
      taxMinor: checked(tax, `the ${category} tax`),
    };
  });
  return { lines, taxLines, totals: totalsOf(taxLines) };
}

/** A document's totals: the sums of its rate groups. */
export function totalsOf(taxLines: TaxLine[]): DocumentTotals {
  let subtotal = 0n;
  let tax = 0n;
  for (const line of taxLines) {
    subtotal += BigInt(line.netMinor);
    tax += BigInt(line.taxMinor);
  }
  return {
    subtotalMinor: checked(subtotal, 'the subtotal'),
    taxMinor: checked(tax, 'the tax'),
    totalMinor: checked(subtotal + tax, 'the total'),
  };
}
