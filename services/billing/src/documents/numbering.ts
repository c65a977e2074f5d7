import type { SqlClient } from '@switchyard/messaging';

export interface DocumentNumber {
  series: string;
  year: number;
  seq: number;
  /** `INV-2026-000001`: series, year, and the sequence padded to six digits. */
  number: string;
}

/** `${series}-${year}-${seq padded to 6}`. */
export function formatDocumentNumber(series: string, year: number, seq: number): string {
  return `${series}-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * The next number of a series in a year, taken inside the caller's transaction (`tx`). The
 * upsert locks the counter's row until that transaction ends: a concurrent issuer waits, and
 * if this transaction rolls back its number is given back to the next one. So the numbers of
 * committed documents run 1, 2, 3… without a gap or a duplicate, as invoicing law asks. The
 * price is that issuing in one series is serial; a document is one short transaction.
 */
export async function takeNextNumber(
  tx: SqlClient,
  series: string,
  year: number,
): Promise<DocumentNumber> {
  const [row] = await tx.$queryRawUnsafe<{ last_seq: number }[]>(
    `INSERT INTO document_counters (series, year, last_seq) VALUES ($1, $2, 1)
     ON CONFLICT (series, year) DO UPDATE SET last_seq = document_counters.last_seq + 1
     RETURNING last_seq`,
    series,
    year,
  );
  const seq = row!.last_seq;
  return { series, year, seq, number: formatDocumentNumber(series, year, seq) };
}
