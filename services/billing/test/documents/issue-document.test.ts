import { randomUUID } from 'node:crypto';
import { prepareTestDatabase, queryDb } from '@switchyard/testing';
import { createDb, type Db } from '../../src/db.js';
import {
  CreditNoteRefused,
  issueDocument,
  type DocumentToIssue,
  type IssueSettings,
} from '../../src/documents/issue-document.js';
import { parseTaxTable } from '../../src/documents/tax-table.js';
import { migrationsDir } from '../support.js';
import { exampleSeller } from './example-document.js';

const settings: IssueSettings = {
  seller: exampleSeller,
  taxTable: parseTaxTable(
    'DE:standard=19,DE:reduced=7,FR:standard=20,*:standard=0,*:reduced=0',
    'DE',
  ),
  pricesIncludeTax: true,
  invoiceSeries: 'INV',
  creditNoteSeries: 'CN',
};

describe('issueDocument', () => {
  let databaseUrl: string;
  let db: Db;
  const issue = (input: DocumentToIssue) =>
    db.$transaction((tx) => issueDocument(tx, settings, input));

  const invoiceFor = (userId: string, overrides: Partial<DocumentToIssue> = {}): DocumentToIssue =>
    ({
      kind: 'invoice',
      userId,
      sourceType: 'order',
      sourceId: randomUUID(),
      currency: 'EUR',
      paymentReference: 'ch_test_1',
      issuedAt: new Date('2026-12-03T10:00:00Z'),
      lines: [
        { description: 'Mug', quantity: 2, unitAmountMinor: 1200, taxCategory: 'standard' },
        { description: 'Book', quantity: 1, unitAmountMinor: 2140, taxCategory: 'reduced' },
      ],
      ...overrides,
    }) as DocumentToIssue;

  const outbox = (type: string) =>
    queryDb<{ message_key: string; payload: string }>(
      databaseUrl,
      'SELECT message_key, payload FROM outbox_events WHERE event_type = $1 ORDER BY seq',
      [type],
    );

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('billing', migrationsDir);
    db = createDb(databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it('issues a numbered invoice to the customer as billing knows them, taxed at their country’s rates', async () => {
    const userId = randomUUID();
    await queryDb(
      databaseUrl,
      `INSERT INTO customers (user_id, name, email, billing_address) VALUES ($1, $2, $3, $4)`,
      [
        userId,
        'Marie Curie',
        'marie@example.com',
        JSON.stringify({
          line1: '11 Rue Pierre et Marie Curie',
          line2: null,
          city: 'Paris',
          postalCode: '75005',
          region: null,
          country: 'FR',
        }),
      ],
    );
    const { document, created } = await issue(invoiceFor(userId));
    expect(created).toBe(true);
    expect(document.number).toBe('INV-2026-000001');
    expect(document.buyer).toEqual({
      name: 'Marie Curie',
      addressLines: ['11 Rue Pierre et Marie Curie', '75005 Paris', 'France'],
      country: 'FR',
      taxId: null,
    });
    // FR standard 20 %; FR has no reduced rate, so *'s 0 %.
    expect(document.taxLines).toEqual([
      { category: 'standard', rateBp: 2000, netMinor: 2000, taxMinor: 400 },
      { category: 'reduced', rateBp: 0, netMinor: 2140, taxMinor: 0 },
    ]);
    expect(document.totals).toEqual({ subtotalMinor: 4140, taxMinor: 400, totalMinor: 4540 });

    const [row] = await queryDb<{ pdf: Buffer; year: number; seq: number }>(
      databaseUrl,
      'SELECT pdf, year, seq FROM billing_documents WHERE id = $1',
      [document.id],
    );
    expect(row!.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect([row!.year, row!.seq]).toEqual([2026, 1]);
    const [event] = await outbox('invoice.issued');
    expect(event!.message_key).toBe(userId);
    expect(JSON.parse(event!.payload)).toEqual({
      documentId: document.id,
      kind: 'invoice',
      number: 'INV-2026-000001',
      userId,
      total: { amount: 4540, currency: 'EUR' },
      invoiceId: null,
      issuedAt: '2026-12-03T10:00:00.000Z',
      pdfBase64: row!.pdf.toString('base64'),
    });
  });

  it('returns the document already issued for a source, with no new number and no second event', async () => {
    const input = invoiceFor(randomUUID());
    const first = await issue(input);
    const again = await issue({ ...input, paymentReference: 'ch_other' });
    expect(again.created).toBe(false);
    expect(again.document).toEqual(first.document);
    const [{ count }] = (await queryDb<{ count: string }>(
      databaseUrl,
      `SELECT count(*) FROM billing_documents WHERE source_id = $1`,
      [input.sourceId],
    )) as [{ count: string }];
    expect(count).toBe('1');
    const events = await outbox('invoice.issued');
    expect(
      events.filter((e) => JSON.parse(e.payload).documentId === first.document.id),
    ).toHaveLength(1);
  });

  it('issues one document when the same source is issued twice at once', async () => {
    const input = invoiceFor(randomUUID());
    const [a, b] = await Promise.all([issue(input), issue(input)]);
    expect(a.document.id).toBe(b.document.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
  });

  it('bills a customer billing has not heard of yet by user id, at the seller’s rates', async () => {
    const userId = randomUUID();
    const { document } = await issue(invoiceFor(userId));
    expect(document.buyer).toEqual({
      name: `Customer ${userId.slice(0, 8)}`,
      addressLines: [],
      country: null,
      taxId: null,
    });
    expect(document.taxLines.map((t) => t.rateBp)).toEqual([1900, 700]);
  });

  it('gives a rolled-back issue’s number to the next invoice', async () => {
    const before = await issue(invoiceFor(randomUUID()));
    const seq = Number(before.document.number.slice(-6));
    await expect(
      db.$transaction(async (tx) => {
        await issueDocument(tx, settings, invoiceFor(randomUUID()));
        throw new Error('the handler failed after issuing');
      }),
    ).rejects.toThrow('the handler failed');
    const after = await issue(invoiceFor(randomUUID()));
    expect(Number(after.document.number.slice(-6))).toBe(seq + 1);
  });

  describe('credit notes', () => {
    it('credits part of an invoice, then the rest, giving back exactly its net and tax', async () => {
      const userId = randomUUID();
      const { document: invoice } = await issue(
        invoiceFor(userId, { issuedAt: new Date('2027-01-05T00:00:00Z') }),
      );
      const refund = (refundMinor: number) =>
        issue({
          kind: 'credit_note',
          userId,
          sourceType: 'refund',
          sourceId: randomUUID(),
          invoiceId: invoice.id,
          refundMinor,
          currency: 'EUR',
          paymentReference: 're_test',
          issuedAt: new Date('2027-01-06T00:00:00Z'),
        });
      const first = await refund(1000);
      expect(first.document.number).toBe('CN-2027-000001');
      expect(first.document.invoiceId).toBe(invoice.id);
      expect(first.document.correctsInvoice).toBe(invoice.number);
      expect(first.document.buyer).toEqual(invoice.buyer);
      expect(first.document.totals.totalMinor).toBe(1000);

      await expect(refund(invoice.totals.totalMinor)).rejects.toThrow(CreditNoteRefused);
      const rest = await refund(invoice.totals.totalMinor - 1000);
      // The refused one used no number.
      expect(rest.document.number).toBe('CN-2027-000002');
      const notes = [first.document, rest.document];
      expect(notes.reduce((s, n) => s + n.totals.taxMinor, 0)).toBe(invoice.totals.taxMinor);
      expect(notes.reduce((s, n) => s + n.totals.subtotalMinor, 0)).toBe(
        invoice.totals.subtotalMinor,
      );

      const events = await outbox('credit_note.issued');
      expect(JSON.parse(events.at(-1)!.payload)).toMatchObject({
        kind: 'credit_note',
        number: 'CN-2027-000002',
        invoiceId: invoice.id,
      });
    });

    it('refuses a credit note for another user’s invoice or in another currency', async () => {
      const { document: invoice } = await issue(invoiceFor(randomUUID()));
      const base = {
        kind: 'credit_note' as const,
        sourceType: 'refund' as const,
        invoiceId: invoice.id,
        refundMinor: 100,
        paymentReference: 're_x',
        issuedAt: new Date(),
      };
      await expect(
        issue({ ...base, userId: randomUUID(), sourceId: randomUUID(), currency: 'EUR' }),
      ).rejects.toThrow(CreditNoteRefused);
      await expect(
        issue({ ...base, userId: invoice.userId, sourceId: randomUUID(), currency: 'USD' }),
      ).rejects.toThrow(CreditNoteRefused);
    });
  });
});
