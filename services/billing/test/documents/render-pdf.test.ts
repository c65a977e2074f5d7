import { extractText, getDocumentProxy } from 'unpdf';
import { renderPdf } from '../../src/documents/render-pdf.js';
import { exampleInvoice } from './example-document.js';

async function pagesOf(pdf: Buffer): Promise<string[]> {
  const proxy = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(proxy, { mergePages: false });
  return text;
}

describe('renderPdf', () => {
  it('renders the number, every line, the tax per rate and the totals', async () => {
    const invoice = exampleInvoice();
    const pdf = await renderPdf(invoice);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await pagesOf(pdf)).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('Invoice');
    expect(text).toContain('INV-2026-000042');
    expect(text).toContain('3 December 2026');
    expect(text).toContain('1 December 2026 – 1 January 2027');
    expect(text).toContain('ch_3PqX2aLkdIwHu7ix0Example');
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('London SW1Y 4JH');
    expect(text).toContain('Prices include tax');
    for (const line of invoice.lines) {
      // A wrapped description comes back as words; each of them is there.
      for (const word of line.description.split(' ')) expect(text).toContain(word);
    }
    expect(text).toContain('€176.29'); // 29.80 + 89.00 + 37.50 + 19.99, tax included
    expect(text).toContain('€151.68'); // net
    expect(text).toContain('€24.61'); // tax: 22.16 at 19 % + 2.45 at 7 %
    expect(text).toContain('€2.45'); // 7 % of the posters
  });

  it('titles a credit note and names the invoice it corrects', async () => {
    const note = exampleInvoice({
      kind: 'credit_note',
      number: 'CN-2026-000007',
      correctsInvoice: 'INV-2026-000042',
    });
    const text = (await pagesOf(await renderPdf(note))).join('\n');
    expect(text).toContain('Credit note');
    expect(text).toContain('CN-2026-000007');
    expect(text).toContain('INV-2026-000042');
    expect(text).toContain('Total credited');
  });

  it('prints names in any European script (the font is embedded, not Windows-1252)', async () => {
    const buyer = {
      name: 'Łukasz Żółć-Дмитриев',
      addressLines: ['ul. Świętokrzyska 12', '00-916 Warszawa', 'Poland'],
      country: 'PL',
      taxId: null,
    };
    const text = (await pagesOf(await renderPdf(exampleInvoice({ buyer })))).join('\n');
    expect(text).toContain('Łukasz Żółć-Дмитриев');
    expect(text).toContain('ul. Świętokrzyska 12');
  });

  it('always renders one document to the same bytes', async () => {
    const [first, second] = await Promise.all([
      renderPdf(exampleInvoice()),
      renderPdf(exampleInvoice()),
    ]);
    expect(first.equals(second)).toBe(true);
  });

  it('renders the same bytes whether its words were shaped before or not', async () => {
    // Words this process has never shaped: the first render shapes them, the second reuses them.
    const fresh = exampleInvoice({
      buyer: { name: 'Zyxwv Qutsr', addressLines: ['Ponml 9'], country: 'DE', taxId: null },
    });
    const cold = await renderPdf(fresh);
    expect((await renderPdf(fresh)).equals(cold)).toBe(true);
  });

  it('flows many lines onto further pages, the table header on each', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      description: `Line ${i + 1}`,
      quantity: 1,
      unitAmountMinor: 100 + i,
      taxCategory: 'standard',
    }));
    const pages = await pagesOf(await renderPdf(exampleInvoice({}, many)));
    expect(pages.length).toBeGreaterThan(1);
    const withLines = pages.filter((page) => /\bLine \d+\b/.test(page));
    expect(withLines.length).toBeGreaterThan(1);
    for (const page of withLines) expect(page).toContain('Description Qty Unit price Tax Amount');
    const all = pages.join('\n');
    for (const line of many) expect(all).toMatch(new RegExp(`\\b${line.description}\\b`));
    expect(pages.at(-1)).toContain(`Page ${pages.length} of ${pages.length}`);
  });
});
