import type { Db } from '../db.js';
import { currencyDigits, minorToDecimal, rateTwoDecimals } from './amounts.js';
import { storedDocumentSelect, toStoredDocument, type StoredDocument } from './stored-document.js';

/**
 * The accountant's export: one row per document issued in [from, to), oldest first, with its
 * totals and its net and tax per tax rate (a `net_19.00`/`tax_19.00` column pair for every rate
 * in the export). Credit notes count negative, so a column's sum is what the period earned.
 * Amounts are decimal strings made from minor units by integer arithmetic.
 */
export async function exportDocumentsCsv(db: Db, range: { from: Date; to: Date }): Promise<string> {
  const rows = await db.billingDocument.findMany({
    where: { issuedAt: { gte: range.from, lt: range.to } },
    select: storedDocumentSelect,
    orderBy: [{ issuedAt: 'asc' }, { id: 'asc' }],
  });
  return documentsToCsv(rows.map(toStoredDocument));
}

const FIXED_COLUMNS = [
  'number',
  'kind',
  'issued_at',
  'customer_name',
  'country',
  'currency',
  'net',
  'tax',
  'gross',
];

/** The CSV of some documents (RFC 4180: CRLF line ends, a header row, quoting as needed). */
export function documentsToCsv(documents: StoredDocument[]): string {
  const rates = [...new Set(documents.flatMap((d) => d.taxLines.map((t) => t.rateBp)))].sort(
    (a, b) => a - b,
  );
  const header = [
    ...FIXED_COLUMNS,
    ...rates.flatMap((rate) => [`net_${rateTwoDecimals(rate)}`, `tax_${rateTwoDecimals(rate)}`]),
  ];
  const lines = [header.map(textCell)];
  for (const document of documents) {
    const sign = document.kind === 'credit_note' ? -1 : 1;
    const digits = currencyDigits(document.currency);
    const amount = (minor: number) => quoted(minorToDecimal(sign * minor, digits));
    const perRate = rates.flatMap((rate) => {
      const at = document.taxLines.filter((t) => t.rateBp === rate);
      return [
        amount(at.reduce((sum, t) => sum + t.netMinor, 0)),
        amount(at.reduce((sum, t) => sum + t.taxMinor, 0)),
      ];
    });
    lines.push([
      textCell(document.number),
      textCell(document.kind),
      textCell(document.issuedAt.toISOString()),
      textCell(document.buyer.name),
      textCell(document.buyer.country ?? ''),
      textCell(document.currency),
      amount(document.totals.subtotalMinor),
      amount(document.totals.taxMinor),
      amount(document.totals.totalMinor),
      ...perRate,
    ]);
  }
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

/**
 * A text cell, defused: a spreadsheet runs a cell starting with = + - @ (or a tab or CR that
 * hides one) as a formula, so such text gets a leading single quote (OWASP's advice). Amounts
 * are never text cells: a credit note's "-12.00" is a number and stays one.
 */
export function textCell(value: string): string {
  return quoted(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
function quoted(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
