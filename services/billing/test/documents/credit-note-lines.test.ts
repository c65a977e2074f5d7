import fc from 'fast-check';
import { computeDocument } from '../../src/documents/compute-document.js';
import {
  allocateProportionally,
  creditNoteLines,
  remainingAfter,
} from '../../src/documents/credit-note-lines.js';
import type { LineInput } from '../../src/documents/document-types.js';

const rates: Record<string, number> = { standard: 1900, reduced: 700, super: 550, zero: 0 };
const rateOf = (category: string) => rates[category]!;

const arbitraryLines = fc.array(
  fc.record({
    description: fc.string({ maxLength: 20 }),
    quantity: fc.integer({ min: 1, max: 20 }),
    unitAmountMinor: fc.integer({ min: 0, max: 500_000 }),
    taxCategory: fc.constantFrom(...Object.keys(rates)),
  }),
  { minLength: 1, maxLength: 12 },
);

const invoiceOf = (lines: LineInput[], pricesIncludeTax = true) => ({
  ...computeDocument(lines, rateOf, pricesIncludeTax),
  pricesIncludeTax,
});

describe('allocateProportionally', () => {
  it('gives the leftover units to the largest remainders', () => {
    expect(allocateProportionally(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocateProportionally(10n, [2n, 1n])).toEqual([7n, 3n]);
    expect(allocateProportionally(0n, [5n, 7n])).toEqual([0n, 0n]);
  });
});

describe('creditNoteLines', () => {
  const invoice = invoiceOf([
    { description: 'Lantern', quantity: 1, unitAmountMinor: 11900, taxCategory: 'standard' },
    { description: 'Book', quantity: 1, unitAmountMinor: 10700, taxCategory: 'reduced' },
  ]);

  it('splits a partial refund across the rate groups in proportion to their gross', () => {
    const note = creditNoteLines(invoice, 4520, 'Partial refund');
    // 4520 × 11900/22600 = 2380, × 10700/22600 = 2140.
    expect(note.taxLines).toEqual([
      { category: 'standard', rateBp: 1900, netMinor: 2000, taxMinor: 380 },
      { category: 'reduced', rateBp: 700, netMinor: 2000, taxMinor: 140 },
    ]);
    expect(note.lines.map((l) => [l.description, l.amountMinor, l.taxRateBp])).toEqual([
      ['Partial refund', 2380, 1900],
      ['Partial refund', 2140, 700],
    ]);
    expect(note.totals).toEqual({ subtotalMinor: 4000, taxMinor: 520, totalMinor: 4520 });
  });

  it('refuses nothing, a negative amount and more than the invoice', () => {
    expect(() => creditNoteLines(invoice, 0)).toThrow('out of range');
    expect(() => creditNoteLines(invoice, -1)).toThrow('out of range');
    expect(() => creditNoteLines(invoice, 22601)).toThrow('out of range');
  });

  it('gives back exactly the refund, with net + tax = gross per group (property)', () => {
    fc.assert(
      fc.property(
        arbitraryLines,
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, inclusive, share) => {
          const inv = invoiceOf(lines, inclusive);
          fc.pre(inv.totals.totalMinor > 0);
          const refund = Math.max(1, Math.floor(inv.totals.totalMinor * share));
          const note = creditNoteLines(inv, refund);
          expect(note.totals.totalMinor).toBe(refund);
          expect(note.taxLines.reduce((s, t) => s + t.netMinor + t.taxMinor, 0)).toBe(refund);
          for (const group of note.taxLines) {
            const original = inv.taxLines.find((t) => t.category === group.category)!;
            expect(group.netMinor + group.taxMinor).toBeLessThanOrEqual(
              original.netMinor + original.taxMinor,
            );
            expect(group.taxMinor).toBeLessThanOrEqual(original.taxMinor);
            expect(group.netMinor).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });

  it('reproduces the invoice exactly on a full refund (property)', () => {
    fc.assert(
      fc.property(arbitraryLines, fc.boolean(), (lines, inclusive) => {
        const inv = invoiceOf(lines, inclusive);
        fc.pre(inv.totals.totalMinor > 0);
        const note = creditNoteLines(inv, inv.totals.totalMinor);
        expect(note.totals).toEqual(inv.totals);
        expect(note.taxLines).toEqual(inv.taxLines);
        expect(note.lines).toEqual(inv.lines);
      }),
    );
  });
});

describe('remainingAfter', () => {
  it('makes refunds that add up to the invoice give back exactly its net and tax per rate (property)', () => {
    fc.assert(
      fc.property(
        arbitraryLines,
        fc.boolean(),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (lines, inclusive, shares) => {
          const inv = invoiceOf(lines, inclusive);
          fc.pre(inv.totals.totalMinor > 0);
          const notes: ReturnType<typeof creditNoteLines>[] = [];
          let left = inv.totals.totalMinor;
          for (const share of [...shares, 1]) {
            if (left === 0) break;
            const refund =
              share === 1 ? left : Math.max(1, Math.min(left, Math.floor(left * share)));
            const base = remainingAfter(
              inv,
              notes.map((n) => n.taxLines),
            );
            notes.push(creditNoteLines(base, refund));
            left -= refund;
          }
          for (const group of inv.taxLines.filter((g) => g.netMinor + g.taxMinor > 0)) {
            const same = notes
              .flatMap((n) => n.taxLines)
              .filter((t) => t.category === group.category);
            expect(same.reduce((s, t) => s + t.netMinor, 0)).toBe(group.netMinor);
            expect(same.reduce((s, t) => s + t.taxMinor, 0)).toBe(group.taxMinor);
          }
        },
      ),
    );
  });
});
