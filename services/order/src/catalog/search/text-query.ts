/** One query word, and what the catalog's database knows about it. */
export interface WordMatch {
  word: string;
  /** Its English stem ("mugs" → "mug"); empty for a stop word ("the", "of"). */
  stem: string;
  /**
   * Catalog words like it by trigram similarity, most alike first. Only for a word that begins
   * no catalog word (probably misspelt); empty otherwise.
   */
  similar: { word: string; similarity: number }[];
}

/** A close word counts as a correction only if it is nearly as alike as the closest one. */
const CLOSE_TO_BEST = 0.8;

/**
 * Shorter words match only themselves: a single letter begins words in half the catalog, and
 * ranking half the catalog is the slowest search there is (docs/benchmarks.md).
 */
const MIN_PREFIX_LENGTH = 2;

/** A lexeme in tsquery syntax: quoted, with its quotes and backslashes escaped. */
const lexeme = (word: string) => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The tsquery (in its text form, for `::tsquery`) that finds products holding every word of a
 * search: each word as a prefix of a catalog word ("cof" finds "coffee"), or its stem as one
 * ("mugs" finds "mug"), or one of the catalog words closest to it when it begins none
 * ("cofee" finds "coffee"). A single letter matches only itself ("t" of "t-shirt"). Stop
 * words are left out unless the query holds nothing else. Null for no words.
 */
export function textQueryOf(words: WordMatch[]): string | null {
  const meaningful = words.filter((w) => w.stem !== '');
  const kept = meaningful.length > 0 ? meaningful : words;
  if (kept.length === 0) return null;
  return kept
    .map(({ word, stem, similar }) => {
      if (word.length < MIN_PREFIX_LENGTH) return `( ${lexeme(word)} )`;
      const alternatives =
        stem && word.startsWith(stem) ? [`${lexeme(stem)}:*`] : [`${lexeme(word)}:*`];
      if (stem && !word.startsWith(stem)) alternatives.push(`${lexeme(stem)}:*`);
      const best = similar[0]?.similarity ?? 0;
      for (const close of similar) {
        if (close.similarity >= best * CLOSE_TO_BEST) alternatives.push(lexeme(close.word));
      }
      return `( ${alternatives.join(' | ')} )`;
    })
    .join(' & ');
}
