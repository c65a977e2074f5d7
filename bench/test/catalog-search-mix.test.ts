// The catalog-search benchmark's requests: each one the order service accepts (a 400 would
// measure the refusal, not the search), each kind what it says it is, the same every run.
import { catalogQueryOf } from '@switchyard/order/catalog-search';
import { catalogWords } from '../src/catalog-search/vocabulary.js';
import { QUERY_KINDS, seeded } from '../src/catalog-search/query-mix.js';
import { paramsOf } from '../src/catalog-search/request-params.js';

const requestsOf = (id: string, count = 200, seed = 7) => {
  const kind = QUERY_KINDS.find((k) => k.id === id)!;
  const random = seeded(seed);
  return Array.from({ length: count }, () => kind.next(random, null));
};
const qOf = (path: string) => new URL(path, 'http://bench').searchParams.get('q') ?? '';

describe('the catalog-search query mix', () => {
  it('sends only requests the order service accepts', () => {
    for (const kind of QUERY_KINDS) {
      for (const path of requestsOf(kind.id)) {
        expect(() => catalogQueryOf(paramsOf(path))).not.toThrow();
        expect(path).toMatch(/^\/v1\/products\?limit=20(&|$)/);
      }
    }
  });

  it('misspells words into no word of the catalog and the start of none', () => {
    const words = catalogWords();
    for (const path of requestsOf('typo')) {
      const typo = qOf(path).split(' ').at(-1)!;
      expect(words.some((w) => w.startsWith(typo))).toBe(false);
    }
  });

  it('asks for the start of a word in prefix requests', () => {
    const words = catalogWords();
    for (const path of requestsOf('prefix')) {
      const start = qOf(path).split(' ').at(-1)!;
      expect(words.some((w) => w.startsWith(start) && w !== start)).toBe(true);
    }
  });

  it('walks a sorted list from the cursor of its last answer', () => {
    const kind = QUERY_KINDS.find((k) => k.id === 'sort=price_asc, pages')!;
    const random = seeded(1);
    const first = kind.next(random, null);
    const next = kind.next(random, { path: first, nextCursor: 'abc', pages: 1 });
    expect(next).toBe(`${first}&cursor=abc`);
    const third = kind.next(random, { path: next, nextCursor: 'def', pages: 2 });
    expect(third).toBe(`${first}&cursor=def`);
    expect(kind.next(random, { path: third, nextCursor: null, pages: 3 })).not.toContain('cursor');
  });

  it('draws the same requests from the same seed', () => {
    expect(requestsOf('full-text', 20, 3)).toEqual(requestsOf('full-text', 20, 3));
    expect(requestsOf('full-text', 20, 3)).not.toEqual(requestsOf('full-text', 20, 4));
  });
});
