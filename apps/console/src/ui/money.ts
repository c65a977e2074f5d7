/** Money as the API carries it: integer minor units and an ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

/** Digits after the decimal point in `currency` (EUR 2, JPY 0, BHD 3), as Intl knows them. */
export function minorDigits(currency: string): number {
  try {
    const options = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions();
    return options.maximumFractionDigits ?? 2;
  } catch {
    return 2; // not a currency Intl knows: the API refuses it with a message of its own
  }
}

/** Minor units as a plain decimal string ("1250" EUR → "12.50"), exact: no float on the way. */
export function toDecimalText(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const text = String(amount).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** "€12.50", in the reader's locale. */
export function formatMoney(money: Money): string {
  const decimal = toDecimalText(money.amount, money.currency) as `${number}`;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(
      decimal,
    );
  } catch {
    return `${decimal} ${money.currency}`;
  }
}

/**
 * What a person typed ("12.5", "12.50", "12") as minor units of `currency`, or why it is not an
 * amount. Only a point separates decimals: "12,50" is refused rather than read as 1250.
 */
export function parseMoney(
  text: string,
  currency: string,
): { minor: number; error?: undefined } | { error: string } {
  const digits = minorDigits(currency);
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'Enter an amount' };
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(trimmed))
    return {
      error:
        digits === 0
          ? 'Enter a whole amount, like 1250'
          : `Enter an amount like ${(12.5).toFixed(digits)}, with a point and at most ${digits} decimals`,
    };
  const [whole = '0', fraction = ''] = trimmed.split('.');
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { error: 'That amount is too large' };
  return { minor };
}
