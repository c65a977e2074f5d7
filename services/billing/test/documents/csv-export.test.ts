import { documentsToCsv, textCell } from '../../src/documents/csv-export.js';
import type { StoredDocument } from '../../src/documents/stored-document.js';
import { exampleInvoice } from './example-document.js';

const stored = (overrides: Partial<StoredDocument> = {}): StoredDocument => ({
  ...exampleInvoice(),
  id: '00000000-0000-4000-8000-000000000001',
  userId: '00000000-0000-4000-8000-0000000000aa',
  invoiceId: null,
  sourceType: 'order',
  sourceId: '00000000-0000-4000-8000-0000000000bb',
  ...overrides,
});

describe('documentsToCsv', () => {
  it('writes one row per document with totals and a net/tax pair per tax rate', () => {
    const invoice = stored();
    const note = stored({
      kind: 'credit_note',
      number: 'CN-2026-000001',
      issuedAt: new Date('2026-12-04T08:00:00Z'),
      taxLines: [{ category: 'standard', rateBp: 1900, netMinor: 1000, taxMinor: 190 }],
      totals: { subtotalMinor: 1000, taxMinor: 190, totalMinor: 1190 },
    });
    const jpy = stored({
      number: 'INV-2026-000043',
      currency: 'JPY',
      taxLines: [{ category: 'reduced', rateBp: 550, netMinor: 1000, taxMinor: 55 }],
      totals: { subtotalMinor: 1000, taxMinor: 55, totalMinor: 1055 },
    });
    const csv = documentsToCsv([invoice, note, jpy]);
    expect(csv.split('\r\n')).toEqual([
      'number,kind,issued_at,customer_name,country,currency,net,tax,gross,net_5.50,tax_5.50,net_7.00,tax_7.00,net_19.00,tax_19.00',
      'INV-2026-000042,invoice,2026-12-03T10:15:00.000Z,Ada Lovelace,GB,EUR,151.68,24.61,176.29,0.00,0.00,35.05,2.45,116.63,22.16',
      'CN-2026-000001,credit_note,2026-12-04T08:00:00.000Z,Ada Lovelace,GB,EUR,-10.00,-1.90,-11.90,0.00,0.00,0.00,0.00,-10.00,-1.90',
      'INV-2026-000043,invoice,2026-12-03T10:15:00.000Z,Ada Lovelace,GB,JPY,1000,55,1055,1000,55,0,0,0,0',
      '',
    ]);
  });

  it('has only the header when nothing was issued', () => {
    expect(documentsToCsv([])).toBe(
      'number,kind,issued_at,customer_name,country,currency,net,tax,gross\r\n',
    );
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const csv = documentsToCsv([
      stored({ buyer: { name: 'Smith, "Jo"\nLtd', addressLines: [], country: null, taxId: null } }),
    ]);
    expect(csv.split('\r\n')[1]).toContain(',"Smith, ""Jo""\nLtd",,EUR,');
  });

  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
    ['Ada', 'Ada'],
  ])('defuses a formula in a text cell: %p', (value, cell) => {
    expect(textCell(value)).toBe(cell);
  });
});
