import fc from 'fast-check';
import {
  computeDocument,
  divideRounded,
  AmountOutOfRange,
} from '../../src/documents/compute-document.js';
import type { LineInput } from '../../src/documents/document-types.js';

const rates: Record<string, number> = {
  standard: 1900,
  reduced: 700,
  odd: 1234,
  zero: 0,
  super: 550,
};
const rateOf = (category: string) => rates[category]!;

const line = (unitAmountMinor: number, taxCategory = 'standard', quantity = 1): LineInput => ({
  description: `${quantity} × ${unitAmountMinor}`,
  quantity,
  unitAmountMinor,
  taxCategory,
});

const arbitraryLines = fc.array(
  fc.record({
    description: fc.string({ maxLength: 20 }),
    quantity: fc.integer({ min: 1, max: 100 }),
    unitAmountMinor: fc.integer({ min: 0, max: 1_000_000 }),
    taxCategory: fc.constantFrom(...Object.keys(rates)),
  }),
  { minLength: 1, maxLength: 30 },
);

describe('divideRounded', () => {
  it('rounds half away from zero', () => {
    expect([5n, 15n, 25n, -5n, -15n, 4n, 6n].map((n) => divideRounded(n, 10n))).toEqual([
      1n,
      2n,
      3n,
      -1n,
      -2n,
      0n,
      1n,
    ]);
    expect(divideRounded(1n, 3n)).toBe(0n);
    expect(divideRounded(2n, 3n)).toBe(1n);
  });
});

describe('computeDocument', () => {
  it('works tax out once per rate group, not per line (prices excluding tax)', () => {
    // Three lines of 0.05 at 19 %: per line 0.0095 → 0.01 each, 0.03 in all; once: 0.0285 → 0.03.
    // Ten lines of 0.02: per line 0.0038 → 0.00 each; once per group 0.038 → 0.04.
    const doc = computeDocument(
      Array.from({ length: 10 }, () => line(2)),
      rateOf,
      false,
    );
    expect(doc.taxLines).toEqual([
      { category: 'standard', rateBp: 1900, netMinor: 20, taxMinor: 4 },
    ]);
    expect(doc.totals).toEqual({ subtotalMinor: 20, taxMinor: 4, totalMinor: 24 });
  });

  it('takes tax out of prices including it (119.00 at 19 % is 100.00 + 19.00)', () => {
    const doc = computeDocument([line(11900)], rateOf, true);
    expect(doc.taxLines).toEqual([
      { category: 'standard', rateBp: 1900, netMinor: 10000, taxMinor: 1900 },
    ]);
    expect(doc.totals.totalMinor).toBe(11900);
  });

  it('rounds a half cent away from zero (0.50 net at 1 % tax is 0.005 → 0.01)', () => {
    const doc = computeDocument([line(50, 'one')], () => 100, false);
    expect(doc.taxLines[0]!.taxMinor).toBe(1);
  });

  it('groups by category and rate, in the order the groups first appear', () => {
    const doc = computeDocument(
      [line(1000, 'reduced'), line(500, 'standard', 2), line(300, 'reduced')],
      rateOf,
      true,
    );
    expect(doc.taxLines.map((t) => [t.category, t.rateBp])).toEqual([
      ['reduced', 700],
      ['standard', 1900],
    ]);
    expect(doc.lines.map((l) => [l.amountMinor, l.taxRateBp])).toEqual([
      [1000, 700],
      [1000, 1900],
      [300, 700],
    ]);
  });

  it('refuses amounts a document cannot hold, without losing precision on the way', () => {
    expect(() => computeDocument([line(2_000_000_000, 'standard', 2)], rateOf, true)).toThrow(
      AmountOutOfRange,
    );
  });

  it('keeps every sum exact: groups add up to the lines, totals to the groups (property)', () => {
    fc.assert(
      fc.property(arbitraryLines, fc.boolean(), (lines, inclusive) => {
        const doc = computeDocument(lines, rateOf, inclusive);
        const priced = lines.reduce((sum, l) => sum + l.quantity * l.unitAmountMinor, 0);
        expect(doc.lines.reduce((sum, l) => sum + l.amountMinor, 0)).toBe(priced);
        const net = doc.taxLines.reduce((sum, t) => sum + t.netMinor, 0);
        const tax = doc.taxLines.reduce((sum, t) => sum + t.taxMinor, 0);
        expect(doc.totals).toEqual({ subtotalMinor: net, taxMinor: tax, totalMinor: net + tax });
        if (inclusive) expect(doc.totals.totalMinor).toBe(priced);
        else expect(doc.totals.subtotalMinor).toBe(priced);
      }),
    );
  });

  it('has net + tax = gross in every group, and the tax right to half a cent (property)', () => {
    fc.assert(
      fc.property(arbitraryLines, fc.boolean(), (lines, inclusive) => {
        const doc = computeDocument(lines, rateOf, inclusive);
        for (const group of doc.taxLines) {
          const priced = doc.lines
            .filter((l) => l.taxCategory === group.category)
            .reduce((sum, l) => sum + l.amountMinor, 0);
          const gross = group.netMinor + group.taxMinor;
          expect(inclusive ? gross : group.netMinor).toBe(priced);
          // Exclusive: |tax − net × rate| ≤ ½ unit. Inclusive: the net itself was rounded by up to
          // ½ unit of gross ÷ (1 + rate), so the bound is ½ × (1 + rate).
          const error =
            BigInt(group.taxMinor) * 10_000n - BigInt(group.netMinor) * BigInt(group.rateBp);
          const bound = inclusive ? 10_000n + BigInt(group.rateBp) : 10_000n;
          expect(2n * (error < 0n ? -error : error) <= bound).toBe(true);
        }
      }),
    );
  });
});
