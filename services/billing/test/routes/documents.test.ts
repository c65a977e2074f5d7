import { randomUUID } from 'node:crypto';
import { queryDb } from '@switchyard/testing';
import { issueDocument, type IssueSettings } from '../../src/documents/issue-document.js';
import { parseTaxTable } from '../../src/documents/tax-table.js';
import { exampleSeller } from '../documents/example-document.js';
import { startBillingService, type BillingService } from '../support.js';

const settings: IssueSettings = {
  seller: exampleSeller,
  taxTable: parseTaxTable('DE:standard=19,DE:reduced=7,*:standard=0,*:reduced=0', 'DE'),
  pricesIncludeTax: true,
  invoiceSeries: 'INV',
  creditNoteSeries: 'CN',
};

describe('invoice and credit note routes', () => {
  let service: BillingService;
  const alice = randomUUID();
  const bob = randomUUID();
  const admin = randomUUID();
  let aliceInvoices: { id: string; number: string }[] = [];
  let aliceCreditNote: { id: string; number: string };
  let bobInvoice: { id: string; number: string };

  const tokenOf = (userId: string, roles: string[] = []) =>
    service.ctx.jwks.sign({ userId, roles });
  const get = async (url: string, userId: string | null, roles: string[] = []) =>
    service.app.inject({
      method: 'GET',
      url,
      headers: userId ? { authorization: `Bearer ${await tokenOf(userId, roles)}` } : {},
    });

  const issueInvoice = (userId: string, issuedAt: string, unitAmountMinor = 11900) =>
    service.app.db.$transaction(
      async (tx) =>
        (
          await issueDocument(tx, settings, {
            kind: 'invoice',
            userId,
            sourceType: 'order',
            sourceId: randomUUID(),
            currency: 'EUR',
            paymentReference: 'ch_route_test',
            issuedAt: new Date(issuedAt),
            lines: [
              { description: 'Lantern', quantity: 1, unitAmountMinor, taxCategory: 'standard' },
            ],
          })
        ).document,
    );

  beforeAll(async () => {
    service = await startBillingService();
    aliceInvoices = [
      await issueInvoice(alice, '2026-03-01T10:00:00Z'),
      await issueInvoice(alice, '2026-03-02T10:00:00Z'),
      await issueInvoice(alice, '2026-03-03T10:00:00Z', 1070),
    ];
    bobInvoice = await issueInvoice(bob, '2026-03-02T12:00:00Z');
    aliceCreditNote = await service.app.db.$transaction(
      async (tx) =>
        (
          await issueDocument(tx, settings, {
            kind: 'credit_note',
            userId: alice,
            sourceType: 'refund',
            sourceId: randomUUID(),
            invoiceId: aliceInvoices[0]!.id,
            refundMinor: 1190,
            currency: 'EUR',
            paymentReference: 're_route_test',
            issuedAt: new Date('2026-03-04T09:00:00Z'),
          })
        ).document,
    );
  });
  afterAll(async () => {
    await service?.close();
  });

  describe('GET /v1/invoices', () => {
    it('lists only the caller’s invoices, newest first, a page at a time', async () => {
      const first = await get('/v1/invoices?limit=2', alice);
      expect(first.statusCode).toBe(200);
      const page1 = first.json();
      expect(page1.items.map((d: { number: string }) => d.number)).toEqual([
        aliceInvoices[2]!.number,
        aliceInvoices[1]!.number,
      ]);
      expect(page1.nextCursor).toEqual(expect.any(String));
      const second = (await get(`/v1/invoices?limit=2&cursor=${page1.nextCursor}`, alice)).json();
      expect(second.items.map((d: { number: string }) => d.number)).toEqual([
        aliceInvoices[0]!.number,
      ]);
      expect(second.nextCursor).toBeNull();
    });

    it('never carries the PDF', async () => {
      const [item] = (await get('/v1/invoices?limit=1', alice)).json().items;
      expect(Object.keys(item).sort()).toEqual(
        [
          'buyer',
          'correctsInvoice',
          'currency',
          'id',
          'invoiceId',
          'issuedAt',
          'kind',
          'lines',
          'number',
          'paymentReference',
          'period',
          'pricesIncludeTax',
          'seller',
          'taxLines',
          'totals',
        ].sort(),
      );
    });

    it.each([
      ['limit=0'],
      ['limit=101'],
      ['cursor=not-a-cursor'],
      [`cursor=${Buffer.from('2026-03-01T10:00:00.000Z|x').toString('base64url')}`],
      ['unknown=1'],
    ])('refuses %p with a 400 problem', async (query) => {
      const res = await get(`/v1/invoices?${query}`, alice);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('asks for a token', async () => {
      const res = await get('/v1/invoices', null);
      expect(res.statusCode).toBe(401);
    });
  });

  describe('GET /v1/invoices/:id', () => {
    it('shows the owner everything printed on the invoice', async () => {
      const res = await get(`/v1/invoices/${aliceInvoices[0]!.id}`, alice);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: aliceInvoices[0]!.id,
        number: aliceInvoices[0]!.number,
        kind: 'invoice',
        issuedAt: '2026-03-01T10:00:00.000Z',
        seller: { name: exampleSeller.name },
        buyer: { name: `Customer ${alice.slice(0, 8)}` },
        lines: [{ description: 'Lantern', quantity: 1, amountMinor: 11900, taxRateBp: 1900 }],
        taxLines: [{ category: 'standard', rateBp: 1900, netMinor: 10000, taxMinor: 1900 }],
        totals: { subtotalMinor: 10000, taxMinor: 1900, totalMinor: 11900 },
        currency: 'EUR',
        pricesIncludeTax: true,
        paymentReference: 'ch_route_test',
        period: null,
        invoiceId: null,
        correctsInvoice: null,
      });
    });

    it('answers another user’s invoice with 404, as if there were none', async () => {
      const res = await get(`/v1/invoices/${bobInvoice.id}`, alice);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toBe('invoice not found');
    });

    it('shows an admin anyone’s invoice', async () => {
      const res = await get(`/v1/invoices/${bobInvoice.id}`, admin, ['admin']);
      expect(res.statusCode).toBe(200);
      expect(res.json().number).toBe(bobInvoice.number);
    });

    it('does not show a credit note as an invoice', async () => {
      expect((await get(`/v1/invoices/${aliceCreditNote.id}`, alice)).statusCode).toBe(404);
    });

    it('refuses an id that is not a UUID with a 400', async () => {
      expect((await get('/v1/invoices/42', alice)).statusCode).toBe(400);
    });
  });

  describe('GET /v1/invoices/:id.pdf', () => {
    it('downloads the PDF issued, named by its number', async () => {
      const res = await get(`/v1/invoices/${aliceInvoices[0]!.id}.pdf`, alice);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="${aliceInvoices[0]!.number}.pdf"`,
      );
      const [row] = await queryDb<{ pdf: Buffer }>(
        service.ctx.databaseUrl,
        'SELECT pdf FROM billing_documents WHERE id = $1',
        [aliceInvoices[0]!.id],
      );
      expect(res.rawPayload.equals(row!.pdf)).toBe(true);
    });

    it('answers another user’s PDF with 404', async () => {
      const res = await get(`/v1/invoices/${bobInvoice.id}.pdf`, alice);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('/v1/credit-notes', () => {
    it('lists, shows and downloads the caller’s credit notes with the invoice they correct', async () => {
      const list = (await get('/v1/credit-notes', alice)).json();
      expect(list.items.map((d: { id: string }) => d.id)).toEqual([aliceCreditNote.id]);
      expect((await get('/v1/credit-notes', bob)).json()).toEqual({ items: [], nextCursor: null });
      const one = await get(`/v1/credit-notes/${aliceCreditNote.id}`, alice);
      expect(one.json()).toMatchObject({
        kind: 'credit_note',
        number: 'CN-2026-000001',
        invoiceId: aliceInvoices[0]!.id,
        correctsInvoice: aliceInvoices[0]!.number,
        totals: { subtotalMinor: 1000, taxMinor: 190, totalMinor: 1190 },
      });
      const pdf = await get(`/v1/credit-notes/${aliceCreditNote.id}.pdf`, alice);
      expect(pdf.headers['content-disposition']).toBe('attachment; filename="CN-2026-000001.pdf"');
      expect((await get(`/v1/credit-notes/${aliceCreditNote.id}`, bob)).statusCode).toBe(404);
    });
  });

  describe('GET /v1/admin/invoices and /v1/admin/credit-notes', () => {
    it('lists everyone’s invoices to an admin, newest first, a page at a time', async () => {
      const first = await get('/v1/admin/invoices?limit=2', admin, ['admin']);
      expect(first.statusCode).toBe(200);
      const page = first.json();
      expect(page.items.map((d: { number: string }) => d.number)).toEqual([
        aliceInvoices[2]!.number,
        bobInvoice.number,
      ]);
      const rest = await get(
        `/v1/admin/invoices?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
        admin,
        ['admin'],
      );
      expect(rest.json().items.map((d: { number: string }) => d.number)).toEqual([
        aliceInvoices[1]!.number,
        aliceInvoices[0]!.number,
      ]);
      expect(rest.json().nextCursor).toBeNull();
    });

    it('narrows the list to one customer', async () => {
      const res = await get(`/v1/admin/invoices?userId=${bob}`, admin, ['admin']);
      expect(res.json().items.map((d: { id: string }) => d.id)).toEqual([bobInvoice.id]);
      const notes = await get(`/v1/admin/credit-notes?userId=${alice}`, admin, ['admin']);
      expect(notes.json().items.map((d: { id: string }) => d.id)).toEqual([aliceCreditNote.id]);
      expect((await get(`/v1/admin/credit-notes?userId=${bob}`, admin, ['admin'])).json()).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('is for admins only, and refuses a customer id that is not a UUID', async () => {
      const customer = await get('/v1/admin/invoices', alice);
      expect(customer.statusCode).toBe(403);
      expect(customer.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await get('/v1/admin/credit-notes', alice)).statusCode).toBe(403);
      const bad = await get('/v1/admin/invoices?userId=alice', admin, ['admin']);
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  describe('GET /v1/admin/invoices/export', () => {
    it('exports the documents of a period as CSV, credit notes negative', async () => {
      const res = await get('/v1/admin/invoices/export?from=2026-03-02&to=2026-03-05', admin, [
        'admin',
      ]);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="billing-documents-2026-03-02-to-2026-03-05.csv"',
      );
      const rows = res.body.trimEnd().split('\r\n');
      expect(rows[0]).toBe(
        'number,kind,issued_at,customer_name,country,currency,net,tax,gross,net_19.00,tax_19.00',
      );
      expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(' '))).toEqual([
        `${aliceInvoices[1]!.number} invoice`,
        `${bobInvoice.number} invoice`,
        `${aliceInvoices[2]!.number} invoice`,
        'CN-2026-000001 credit_note',
      ]);
      expect(rows.at(-1)).toMatch(/,-10\.00,-1\.90,-11\.90,-10\.00,-1\.90$/);
    });

    it('is for admins only', async () => {
      const res = await get('/v1/admin/invoices/export?from=2026-03-01&to=2026-03-05', alice);
      expect(res.statusCode).toBe(403);
    });

    it.each([
      ['from=2026-03-05&to=2026-03-01', 'from must be before to'],
      ['from=2026-03-01&to=2026-03-01', 'from must be before to'],
      ['from=2025-01-01&to=2026-03-01', 'at most 366 days'],
      ['from=2026-02-30&to=2026-03-05', 'from is not a valid date'],
      ['from=yesterday&to=2026-03-05', ''],
      ['to=2026-03-05', ''],
    ])('refuses %p with a 400 problem', async (query, detail) => {
      const res = await get(`/v1/admin/invoices/export?${query}`, admin, ['admin']);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toContain(detail);
    });
  });

  it('documents the PDF and CSV answers by content type in the OpenAPI document', async () => {
    const spec = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    };
    expect(
      Object.keys(spec.paths['/v1/invoices/{id}.pdf']!.get!.responses['200']!.content),
    ).toEqual(['application/pdf']);
    expect(
      Object.keys(spec.paths['/v1/admin/invoices/export']!.get!.responses['200']!.content),
    ).toEqual(['text/csv']);
    expect(spec.paths['/v1/credit-notes/{id}']!.get!.responses['404']).toBeDefined();
  });
});
