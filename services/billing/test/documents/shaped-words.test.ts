import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font } from 'fontkit';
import { memoiseWordShaping } from '../../src/documents/shaped-words.js';

const dejaVu = () =>
  create(
    readFileSync(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
  ) as Font;

const shapeOf = (font: Font, text: string) => {
  const run = font.layout(text);
  return {
    glyphs: run.glyphs.map((glyph) => glyph.id),
    positions: run.positions.map(({ xAdvance, yAdvance, xOffset, yOffset }) => ({
      xAdvance,
      yAdvance,
      xOffset,
      yOffset,
    })),
    advanceWidth: run.advanceWidth,
  };
};

describe('memoiseWordShaping', () => {
  // Kerning pairs (AV, Wa, To), a ligature candidate (ffi), accents, Cyrillic and a number.
  const words = ['AVAWaTo ', 'office ', 'Łukasz ', 'Żółć-Дмитриев ', '€1,234.56', 'Total'];

  it('shapes every word exactly as fontkit does, the first time and from the memo', () => {
    const plain = dejaVu();
    const memoised = memoiseWordShaping(dejaVu());
    for (const word of words) {
      expect(shapeOf(memoised, word)).toEqual(shapeOf(plain, word));
      expect(shapeOf(memoised, word)).toEqual(shapeOf(plain, word));
    }
  });

  it('gives every caller its own positions, so scaling one run in place leaves the next alone', () => {
    const font = memoiseWordShaping(dejaVu());
    const first = font.layout('Invoice');
    const width = first.advanceWidth;
    // What pdfkit does with a run it gets: scale its positions in place.
    for (const position of first.positions) position.xAdvance *= 2;
    expect(first.advanceWidth).toBeCloseTo(width * 2);
    expect(font.layout('Invoice').advanceWidth).toBe(width);
  });

  it('passes a call with explicit features to fontkit unmemoised', () => {
    const plain = dejaVu();
    const font = memoiseWordShaping(dejaVu());
    const noKerning = { kern: false } as unknown as string[];
    expect(font.layout('AVAWa', noKerning).advanceWidth).toBe(
      plain.layout('AVAWa', noKerning).advanceWidth,
    );
    expect(font.layout('AVAWa', noKerning).advanceWidth).not.toBe(
      font.layout('AVAWa').advanceWidth,
    );
  });

  it('keeps the words in use when new ones pass its bound (least recently used out)', () => {
    const font = dejaVu();
    const shaped: string[] = [];
    const shape = font.layout.bind(font);
    font.layout = ((text: string) => {
      shaped.push(text);
      return shape(text);
    }) as Font['layout'];
    const memoised = memoiseWordShaping(font, 2);
    for (const word of ['Total ', 'INV-1 ', 'Total ', 'INV-2 ', 'Total ', 'INV-1 '])
      memoised.layout(word);
    expect(shaped).toEqual(['Total ', 'INV-1 ', 'INV-2 ', 'INV-1 ']);
  });

  it('still shapes a word right after the bound has evicted it', () => {
    const plain = dejaVu();
    const font = memoiseWordShaping(dejaVu(), 2);
    for (const word of words) font.layout(word);
    // Evicted and reshaped, still right.
    expect(shapeOf(font, words[0]!)).toEqual(shapeOf(plain, words[0]!));
  });
});
