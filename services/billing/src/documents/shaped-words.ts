import type { Font, Glyph, GlyphPosition } from 'fontkit';

/**
 * A process-wide memo of fontkit's shaping, per word, for one parsed font.
 *
 * pdfkit lays text out word by word through the font's `layout` (OpenType shaping: kerning,
 * ligatures) and keeps the result for one document only. Every invoice repeats most of its
 * words (the seller, the labels, the column titles, the notes), and shaping them again was a
 * fifth of a render's CPU (docs/benchmarks.md). Shaping a word depends on nothing but the word
 * and the font, so the result can be kept across documents.
 *
 * Only pdfkit's plain call is memoised (a word without explicit features, script or
 * direction); any other call goes straight to fontkit. pdfkit scales a run's positions in place
 * when it gets it, so every call gets its own copies of the positions; the glyphs are fontkit's
 * own cached objects, which nothing writes to. A customer's name is words too: it stays in this
 * process's memory until newer words push it out, and is never written anywhere.
 */
export function memoiseWordShaping(font: Font, maxWords = 2_000): Font {
  const shape = font.layout.bind(font);
  const words = new Map<string, { glyphs: Glyph[]; positions: GlyphPosition[] }>();
  const layout = (text: string, ...options: unknown[]) => {
    if (options.some((option) => option !== undefined)) {
      return (shape as (...args: unknown[]) => ShapedRun)(text, ...options);
    }
    let shaped = words.get(text);
    if (shaped) {
      words.delete(text); // most recently used last, so the words every document has stay
    } else {
      const run = shape(text);
      shaped = { glyphs: run.glyphs, positions: run.positions.map(copyPosition) };
      // Bounded, least recently used out first: numbers, references and names are new words
      // on almost every document (a word kept costs about 3 KB).
      if (words.size >= maxWords) words.delete(words.keys().next().value!);
    }
    words.set(text, shaped);
    return new ShapedRun(shaped.glyphs.slice(), shaped.positions.map(copyPosition));
  };
  font.layout = layout as Font['layout'];
  return font;
}

/** What pdfkit reads of fontkit's GlyphRun: the glyphs, their positions and the run's width. */
class ShapedRun {
  constructor(
    readonly glyphs: Glyph[],
    readonly positions: GlyphPosition[],
  ) {}

  /** As fontkit computes it: from the positions, so it follows pdfkit's scaling of them. */
  get advanceWidth(): number {
    let width = 0;
    for (const position of this.positions) width += position.xAdvance;
    return width;
  }
}

function copyPosition(position: GlyphPosition): GlyphPosition {
  return Object.assign(Object.create(Object.getPrototypeOf(position) as object), position);
}
