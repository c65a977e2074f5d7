import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font } from 'fontkit';
import PDFDocument from 'pdfkit';
import { formatMoney, ratePercent } from './amounts.js';
import type { DocumentLine, Party, RenderableDocument } from './document-types.js';
import { memoiseWordShaping } from './shaped-words.js';

/**
 * One document → its PDF (A4). Deterministic: the PDF's creation date is the issue date and
 * pdfkit's file id is derived from the document info, so one document always renders the same
 * bytes — the download and the email attachment are the same file, and a re-render can be
 * compared byte for byte.
 *
 * The font is DejaVu Sans, embedded (subset to the glyphs used): the PDF standard fonts know
 * only Windows-1252, and a customer called Łukasz Żółć or Дмитрий must see their own name.
 * It comes from an npm package, so nothing is installed on the machine.
 *
 * Each font is parsed once per process, not once per document: pdfkit takes a parsed fontkit
 * font as well as a file, and decoding DejaVu's tables was most of a render's CPU (about 80 of
 * 95 ms; docs/benchmarks.md). The default font is ours too, so pdfkit never loads Helvetica's
 * metrics for a document that does not use them. The words it shapes are kept across documents
 * too (shaped-words.ts).
 */

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
/** Room kept at the foot of every page for the page number. */
const FOOTER_HEIGHT = 30;
const BOTTOM = PAGE.height - MARGIN - FOOTER_HEIGHT;
const parsedFont = (name: string) =>
  memoiseWordShaping(
    create(
      readFileSync(createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`)),
    ) as Font,
  );
/** pdfkit's types know only files and buffers; its runtime takes a fontkit font as is. */
const PARSED = { regular: parsedFont('DejaVuSans.ttf'), bold: parsedFont('DejaVuSans-Bold.ttf') };
const FONT_SOURCES = PARSED as unknown as Record<keyof typeof PARSED, string>;
const FONT = 'regular';
const BOLD = 'bold';
const GREY = '#555555';
const RULE = '#bbbbbb';

type Align = 'left' | 'right';
interface Column {
  title: string;
  width: number;
  align: Align;
  cell(line: DocumentLine, currency: string): string;
}

const COLUMNS: Column[] = [
  { title: 'Description', width: 235, align: 'left', cell: (l) => l.description },
  { title: 'Qty', width: 40, align: 'right', cell: (l) => String(l.quantity) },
  {
    title: 'Unit price',
    width: 80,
    align: 'right',
    cell: (l, c) => formatMoney(l.unitAmountMinor, c),
  },
  { title: 'Tax', width: 50, align: 'right', cell: (l) => `${ratePercent(l.taxRateBp)} %` },
  {
    title: 'Amount',
    width: CONTENT_WIDTH - 405,
    align: 'right',
    cell: (l, c) => formatMoney(l.amountMinor, c),
  },
];
const CELL_PADDING = 4;
/** The labels of the facts beside the title ("Payment reference" on one line). */
const LABEL_WIDTH = 92;

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
const formatDate = (date: Date) => dateFormat.format(date);

export async function renderPdf(document: RenderableDocument): Promise<Buffer> {
  const title = document.kind === 'invoice' ? 'Invoice' : 'Credit note';
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true, // page numbers ("Page 1 of 2") are written once every page exists
    font: FONT_SOURCES.regular,
    info: {
      Title: `${title} ${document.number}`,
      Author: document.seller.name,
      CreationDate: document.issuedAt,
    },
  });
  pdf.registerFont(FONT, FONT_SOURCES.regular);
  pdf.registerFont(BOLD, FONT_SOURCES.bold);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  drawHeader(pdf, document, title);
  drawLines(pdf, document);
  drawSummary(pdf, document);
  drawPageNumbers(pdf, document.number);
  pdf.end();
  return finished;
}

type Pdf = PDFKit.PDFDocument;

function drawHeader(pdf: Pdf, doc: RenderableDocument, title: string): void {
  // Seller top left, title and the document's facts top right.
  pdf
    .font(BOLD)
    .fontSize(12)
    .fillColor('black')
    .text(doc.seller.name, MARGIN, MARGIN, { width: 260 });
  pdf.font(FONT).fontSize(9).fillColor(GREY);
  for (const line of doc.seller.addressLines) pdf.text(line, { width: 220 });
  if (doc.seller.taxId) pdf.text(`VAT ID: ${doc.seller.taxId}`, { width: 220 });
  const sellerBottom = pdf.y;

  const factsX = MARGIN + 230;
  const factsWidth = CONTENT_WIDTH - 230;
  pdf
    .font(BOLD)
    .fontSize(22)
    .fillColor('black')
    .text(title, factsX, MARGIN - 4, { width: factsWidth, align: 'right' });
  pdf.moveDown(0.3);
  const facts: [string, string][] = [
    ['Number', doc.number],
    ['Issue date', formatDate(doc.issuedAt)],
  ];
  if (doc.periodStart && doc.periodEnd) {
    facts.push(['Service period', `${formatDate(doc.periodStart)} – ${formatDate(doc.periodEnd)}`]);
  }
  if (doc.correctsInvoice) facts.push(['Corrects invoice', doc.correctsInvoice]);
  facts.push(['Payment reference', doc.paymentReference]);
  pdf.fontSize(8.5);
  for (const [label, value] of facts) {
    const y = pdf.y;
    pdf.font(FONT).fillColor(GREY).text(label, factsX, y, { width: LABEL_WIDTH });
    pdf
      .font(BOLD)
      .fillColor('black')
      .text(value, factsX + LABEL_WIDTH, y, { width: factsWidth - LABEL_WIDTH, align: 'right' });
    pdf.moveDown(0.15);
  }
  const factsBottom = pdf.y;

  // The buyer, where a window envelope would show it.
  const buyerTop = Math.max(sellerBottom, factsBottom) + 24;
  pdf
    .font(FONT)
    .fontSize(8)
    .fillColor(GREY)
    .text(billToLabel(doc), MARGIN, buyerTop, { width: 260 });
  drawParty(pdf, doc.buyer);
  pdf.y = Math.max(pdf.y, buyerTop) + 24;
}

function billToLabel(doc: RenderableDocument): string {
  return doc.kind === 'invoice' ? 'BILL TO' : 'CREDIT TO';
}

function drawParty(pdf: Pdf, party: Party): void {
  pdf.font(BOLD).fontSize(11).fillColor('black').text(party.name, { width: 260 });
  pdf.font(FONT).fontSize(10);
  for (const line of party.addressLines) pdf.text(line, { width: 260 });
  if (party.taxId) pdf.text(`VAT ID: ${party.taxId}`, { width: 260 });
}

function drawTableHeader(pdf: Pdf): void {
  const y = pdf.y;
  pdf.font(BOLD).fontSize(9).fillColor('black');
  let x = MARGIN;
  for (const column of COLUMNS) {
    pdf.text(column.title, x + CELL_PADDING, y, {
      width: column.width - 2 * CELL_PADDING,
      align: column.align,
    });
    x += column.width;
  }
  const bottom = y + pdf.currentLineHeight() + 4;
  pdf
    .moveTo(MARGIN, bottom)
    .lineTo(MARGIN + CONTENT_WIDTH, bottom)
    .lineWidth(0.8)
    .strokeColor('black')
    .stroke();
  pdf.y = bottom + 5;
}

function drawLines(pdf: Pdf, doc: RenderableDocument): void {
  drawTableHeader(pdf);
  pdf.font(FONT).fontSize(9);
  for (const line of doc.lines) {
    const cells = COLUMNS.map((column) => column.cell(line, doc.currency));
    // A long description wraps in its column; the row is as tall as its tallest cell.
    const height = Math.max(
      ...COLUMNS.map((column, i) =>
        pdf.heightOfString(cells[i]!, { width: column.width - 2 * CELL_PADDING }),
      ),
    );
    if (pdf.y + height > BOTTOM) {
      pdf.addPage();
      drawTableHeader(pdf);
      pdf.font(FONT).fontSize(9);
    }
    const y = pdf.y;
    let x = MARGIN;
    pdf.fillColor('black');
    COLUMNS.forEach((column, i) => {
      pdf.text(cells[i]!, x + CELL_PADDING, y, {
        width: column.width - 2 * CELL_PADDING,
        align: column.align,
      });
      x += column.width;
    });
    const bottom = y + height + 4;
    pdf
      .moveTo(MARGIN, bottom)
      .lineTo(MARGIN + CONTENT_WIDTH, bottom)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    pdf.y = bottom + 5;
  }
}

/** The tax per rate, the totals (right-aligned under the amounts) and the notes. */
function drawSummary(pdf: Pdf, doc: RenderableDocument): void {
  const rows = doc.taxLines.length + 4;
  const needed = rows * 16 + 80;
  if (pdf.y + needed > BOTTOM) pdf.addPage();
  pdf.y += 8;

  const x = MARGIN + CONTENT_WIDTH - 300;
  const columns = [120, 90, 90];
  const row = (cells: string[], font: string, size = 9) => {
    const y = pdf.y;
    pdf.font(font).fontSize(size).fillColor('black');
    let cx = x;
    cells.forEach((cell, i) => {
      pdf.text(cell, cx, y, {
        width: columns[i]! - CELL_PADDING,
        align: i === 0 ? 'left' : 'right',
      });
      cx += columns[i]!;
    });
    pdf.y = y + pdf.currentLineHeight() + 4;
  };
  const rule = (width = 0.4, color = RULE) => {
    pdf
      .moveTo(x, pdf.y - 2)
      .lineTo(MARGIN + CONTENT_WIDTH, pdf.y - 2)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
    pdf.y += 3;
  };

  row(['Tax rate', 'Net', 'Tax'], BOLD);
  rule(0.8, 'black');
  for (const tax of doc.taxLines) {
    row(
      [
        `${ratePercent(tax.rateBp)} % (${tax.category})`,
        formatMoney(tax.netMinor, doc.currency),
        formatMoney(tax.taxMinor, doc.currency),
      ],
      FONT,
    );
  }
  pdf.y += 10;
  row(['Net', '', formatMoney(doc.totals.subtotalMinor, doc.currency)], FONT);
  row(['Tax', '', formatMoney(doc.totals.taxMinor, doc.currency)], FONT);
  rule(0.8, 'black');
  row(
    [
      doc.kind === 'invoice' ? 'Total' : 'Total credited',
      '',
      formatMoney(doc.totals.totalMinor, doc.currency),
    ],
    BOLD,
    11,
  );

  pdf.y += 18;
  pdf.font(FONT).fontSize(9).fillColor(GREY);
  const notes: string[] = [];
  if (doc.pricesIncludeTax) notes.push('Prices include tax; the tax shown is contained in them.');
  notes.push(
    doc.kind === 'invoice'
      ? `Paid in full — payment reference ${doc.paymentReference}.`
      : `Refunded to the original payment method — reference ${doc.paymentReference}.`,
  );
  for (const note of notes) pdf.text(note, MARGIN, pdf.y, { width: CONTENT_WIDTH });
}

function drawPageNumbers(pdf: Pdf, number: string): void {
  const range = pdf.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    // Below the bottom margin: lift it so pdfkit does not start a new page for the footer.
    const y = PAGE.height - MARGIN - 12;
    pdf.page.margins.bottom = 0;
    pdf
      .font(FONT)
      .fontSize(8)
      .fillColor(GREY)
      .text(`${number} · Page ${i + 1} of ${range.count}`, MARGIN, y, {
        width: CONTENT_WIDTH,
        align: 'right',
        lineBreak: false,
      });
  }
}
