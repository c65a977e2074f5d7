/**
 * Proration, by the second, as Stripe does: the unused part of the period at the old price is
 * credited and the same part at the new price is charged. Amounts are integer minor units; each
 * part is rounded half away from zero once, and the difference is what moves.
 */
export interface ProrationInput {
  periodStart: Date;
  periodEnd: Date;
  at: Date;
  oldPriceMinor: number;
  newPriceMinor: number;
}

export interface Proration {
  /** Share of the period left, as remaining/total seconds (for the record). */
  remainingMs: number;
  periodMs: number;
  /** Unused time at the old price. */
  creditMinor: number;
  /** The rest of the period at the new price. */
  chargeMinor: number;
  /** chargeMinor − creditMinor: positive is charged now, negative refunded now. */
  netMinor: number;
}

/** round(amount × part / whole), half away from zero, in integers only. */
export function prorate(amountMinor: number, part: number, whole: number): number {
  if (whole <= 0) throw new Error('a period has a length');
  const n = BigInt(amountMinor) * BigInt(part);
  const d = BigInt(whole);
  const q = n / d;
  const r = n % d;
  return Number(2n * r >= d ? q + 1n : q);
}

export function computeProration(input: ProrationInput): Proration {
  const periodMs = input.periodEnd.getTime() - input.periodStart.getTime();
  const remainingMs = Math.max(
    0,
    Math.min(periodMs, input.periodEnd.getTime() - input.at.getTime()),
  );
  const creditMinor = prorate(input.oldPriceMinor, remainingMs, periodMs);
  const chargeMinor = prorate(input.newPriceMinor, remainingMs, periodMs);
  return { remainingMs, periodMs, creditMinor, chargeMinor, netMinor: chargeMinor - creditMinor };
}
