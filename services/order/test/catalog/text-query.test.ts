import { wordsOf } from '../../src/catalog/search/query-words.js';
import { textQueryOf, type WordMatch } from '../../src/catalog/search/text-query.js';

const match = (word: string, stem = word, similar: WordMatch['similar'] = []): WordMatch => ({
  word,
  stem,
  similar,
});

describe('wordsOf', () => {
  it('takes runs of letters and digits, lower-cased, each once', () => {
    expect(wordsOf('  Storm-Lantern, 2 x  MUGS!! mugs ')).toEqual([
      'storm',
      'lantern',
      '2',
      'x',
      'mugs',
    ]);
    expect(wordsOf('Crème brûlée')).toEqual(['crème', 'brûlée']);
    expect(wordsOf("'; DROP TABLE products; --")).toEqual(['drop', 'table', 'products']);
    expect(wordsOf('!!! ...')).toEqual([]);
  });
});

describe('textQueryOf', () => {
  it('matches every word as a prefix, through its stem when that is shorter', () => {
    expect(textQueryOf([match('mug'), match('coffee', 'coffe')])).toBe(
      "( 'mug':* ) & ( 'coffe':* )",
    );
    // A stem that is not a prefix of the word ("daily" → "daili") is tried beside it.
    expect(textQueryOf([match('daily', 'daili')])).toBe("( 'daily':* | 'daili':* )");
  });

  it('matches a single letter only as itself, not as the start of half the catalog', () => {
    expect(textQueryOf([match('t'), match('shirt')])).toBe("( 't' ) & ( 'shirt':* )");
  });

  it('adds the close catalog words of a word the catalog does not know', () => {
    expect(
      textQueryOf([
        match('cofee', 'cofe', [
          { word: 'coffee', similarity: 0.62 },
          { word: 'toffee', similarity: 0.55 },
          { word: 'cotton', similarity: 0.31 },
        ]),
      ]),
    ).toBe("( 'cofe':* | 'coffee' | 'toffee' )");
  });

  it('leaves out stop words unless they are all there is', () => {
    expect(textQueryOf([match('the', ''), match('lantern')])).toBe("( 'lantern':* )");
    expect(textQueryOf([match('the', ''), match('a', '')])).toBe("( 'the':* ) & ( 'a' )");
    expect(textQueryOf([])).toBeNull();
  });

  it('quotes what it puts in the query, whatever the catalog words hold', () => {
    expect(textQueryOf([match('it', 'it', [{ word: "o'\\neil", similarity: 0.5 }])])).toBe(
      "( 'it':* | 'o''\\\\neil' )",
    );
  });
});
