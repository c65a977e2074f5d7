import { cursorParam, encodeCursor, keysetPage, type KeysetPage } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { DocumentKind } from './document-types.js';
import { storedDocumentSelect, toStoredDocument, type StoredDocument } from './stored-document.js';

export interface DocumentListQuery {
  kind: DocumentKind;
  /** One customer's documents; omitted (an admin's list), everyone's. */
  userId?: string;
  limit: number;
  cursor?: string;
}

/**
 * A user's (or everyone's) invoices or credit notes, newest first, keyset-paginated on (issued_at, id). The
 * cursor is the service-kit's opaque one: anything but a cursor we issued is a 400.
 */
export async function listDocuments(
  db: Db,
  query: DocumentListQuery,
): Promise<KeysetPage<StoredDocument>> {
  const after = cursorParam(query.cursor);
  const rows = await db.billingDocument.findMany({
    where: {
      kind: query.kind,
      ...(query.userId ? { userId: query.userId } : {}),
      ...(after
        ? {
            OR: [
              { issuedAt: { lt: after.createdAt } },
              { issuedAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {}),
    },
    select: storedDocumentSelect,
    orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  return keysetPage(rows.map(toStoredDocument), query.limit, (document) =>
    encodeCursor({ createdAt: document.issuedAt, id: document.id }),
  );
}

export interface DocumentLookup {
  id: string;
  kind: DocumentKind;
  /** Only if it is this user's (another user's is indistinguishable from none); omit for admins. */
  userId?: string;
}

const whereOf = (lookup: DocumentLookup) => ({
  id: lookup.id,
  kind: lookup.kind,
  ...(lookup.userId ? { userId: lookup.userId } : {}),
});

/** One document, or null. */
export async function findDocument(db: Db, lookup: DocumentLookup): Promise<StoredDocument | null> {
  const row = await db.billingDocument.findFirst({
    where: whereOf(lookup),
    select: storedDocumentSelect,
  });
  return row ? toStoredDocument(row) : null;
}

/** One document's PDF as issued, and its number (the download's file name), or null. */
export async function findDocumentPdf(
  db: Db,
  lookup: DocumentLookup,
): Promise<{ number: string; pdf: Buffer } | null> {
  const row = await db.billingDocument.findFirst({
    where: whereOf(lookup),
    select: { number: true, pdf: true },
  });
  return row ? { number: row.number, pdf: Buffer.from(row.pdf) } : null;
}
