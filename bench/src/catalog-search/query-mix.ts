// The kinds of catalog request the benchmark measures, each a generator of requests a shop's
// clients would send. Every request of a run is new (no two alike), so each one misses the
// catalog cache and measures the search itself — as on a live shop, where every order placed
// invalidates the cache. Sorted lists are walked page after page through their cursors.
import { CATEGORIES, COLOURS, MATERIALS, catalogWords } from './vocabulary.js';

export type Random = () => number;

/** The last answer of a kind: a walk goes on from its cursor. */
export interface Previous {
  path: string;
  nextCursor: string | null;
  pages: number;
}

export interface QueryKind {
  id: string;
  /** What its requests are, for the docs' table. */
  what: string;
  /** The next request (path and query). */
  next(random: Random, previous: Previous | null): string;
}

/** A seeded generator (mulberry32): the same seed sends the same requests. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
const PAGE = 'limit=20';
const WORDS = catalogWords().filter((w) => w.length >= 3);
const LONG_WORDS = WORDS.filter((w) => w.length >= 5);
const NOUN_WORDS = [
  ...new Set(CATEGORIES.flatMap((c) => c.nouns.flatMap((n) => n.split(/[^a-z]+/)))),
].filter((w) => w.length >= 3);
const q = (text: string) => `q=${encodeURIComponent(text)}`;
/** The whole catalog or one category: where a walk starts, so walks start apart. */
const FILTERS = ['', ...CATEGORIES.map((c) => `&category=${c.slug}`)];

/** One edit inside a word (never its first letter): a letter dropped, doubled, swapped or wrong. */
function typoOf(random: Random, word: string): string {
  const at = 1 + Math.floor(random() * (word.length - 1));
  const letter = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 26)]!;
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word[at] + word.slice(at);
    case 2:
      return at < word.length - 1
        ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2)
        : word.slice(0, at) + letter;
    default:
      return word.slice(0, at) + letter + word.slice(at + 1);
  }
}

/** A misspelling that is no catalog word nor the start of one (that would be a prefix query). */
function misspelt(random: Random): string {
  for (;;) {
    const typo = typoOf(
      random,
      pick(
        random,
        WORDS.filter((w) => w.length >= 5),
      ),
    );
    if (!WORDS.some((w) => w.startsWith(typo))) return typo;
  }
}

/** A price range around a category's typical price, in minor units. */
function priceRange(random: Random, basePrice: number): string {
  const min = Math.round((basePrice * (0.3 + random())) / 100) * 100;
  const max = min + Math.round((basePrice * (0.5 + 2 * random())) / 100) * 100;
  return `minPrice=${min}&maxPrice=${max}&currency=EUR`;
}

/** A walk through a sorted list: `start` once, then its cursors, for up to `pages` pages. */
function walk(start: (random: Random) => string, pages = 30) {
  return (random: Random, previous: Previous | null) =>
    previous?.nextCursor && previous.pages < pages
      ? `${previous.path.replace(/&cursor=[^&]*$/, '')}&cursor=${previous.nextCursor}`
      : start(random);
}

export const QUERY_KINDS: QueryKind[] = [
  {
    id: 'list',
    what: 'the plain list by SKU as before search (whole catalog or one category), page after page',
    next: walk((random) => `/v1/products?${PAGE}${pick(random, FILTERS)}`),
  },
  {
    id: 'full-text',
    what: 'one or two whole words (`q=lantern`, `q=navy enamel`), by relevance',
    next: (random) => {
      const word = pick(random, NOUN_WORDS);
      const text = [word, `${pick(random, COLOURS)} ${word}`, `${pick(random, MATERIALS)} ${word}`];
      return `/v1/products?${PAGE}&${q(pick(random, text))}`;
    },
  },
  {
    id: 'prefix',
    what: 'the start of a word, alone or after a whole one (`q=lan`, `q=blue coff`)',
    next: (random) => {
      // 3 letters up to one short of the word (at most 5): always less than a whole word.
      const word = pick(random, LONG_WORDS);
      const longest = Math.min(word.length - 1, 5);
      const start = word.slice(0, 3 + Math.floor(random() * (longest - 2)));
      return `/v1/products?${PAGE}&${q(random() < 0.5 ? start : `${pick(random, COLOURS)} ${start}`)}`;
    },
  },
  {
    id: 'typo',
    what: 'a misspelt word, alone or after a whole one (`q=lantren`, `q=red cofee`)',
    next: (random) => {
      const typo = misspelt(random);
      return `/v1/products?${PAGE}&${q(random() < 0.5 ? typo : `${pick(random, COLOURS)} ${typo}`)}`;
    },
  },
  {
    id: 'filters+facets, q',
    what: 'a word, its category, a price range, in stock, with category facets',
    next: (random) => {
      const category = pick(random, CATEGORIES);
      const word = pick(random, category.nouns).split(' ')[0]!;
      return `/v1/products?${PAGE}&${q(word)}&category=${category.slug}&${priceRange(random, category.basePrice)}&inStock=true&facets=category`;
    },
  },
  {
    id: 'filters+facets, no q',
    what: 'browsing one or two categories by price range and stock, with facets over the whole catalog',
    next: (random) => {
      const category = pick(random, CATEGORIES);
      const second = random() < 0.3 ? `&category=${pick(random, CATEGORIES).slug}` : '';
      const stock = pick(random, ['&inStock=true', '&inStock=false', '']);
      return `/v1/products?${PAGE}&category=${category.slug}${second}&${priceRange(random, category.basePrice)}${stock}&facets=category`;
    },
  },
  {
    id: 'sort=relevance, pages',
    what: 'a word thousands of products hold (`q=navy`), page after page by relevance',
    next: walk((random) => `/v1/products?${PAGE}&${q(pick(random, [...COLOURS, ...MATERIALS]))}`),
  },
  {
    id: 'sort=price_asc, pages',
    what: 'the whole catalog or one category, cheapest first, page after page',
    next: walk((random) => `/v1/products?${PAGE}&sort=price_asc${pick(random, FILTERS)}`),
  },
  {
    id: 'sort=price_desc, pages',
    what: 'the same, dearest first',
    next: walk((random) => `/v1/products?${PAGE}&sort=price_desc${pick(random, FILTERS)}`),
  },
  {
    id: 'sort=newest, pages',
    what: 'the same, newest first',
    next: walk((random) => `/v1/products?${PAGE}&sort=newest${pick(random, FILTERS)}`),
  },
  {
    id: 'q + sort=price_asc',
    what: 'one or two whole words, cheapest first',
    next: (random) => {
      const word = pick(random, NOUN_WORDS);
      return `/v1/products?${PAGE}&${q(random() < 0.5 ? word : `${pick(random, COLOURS)} ${word}`)}&sort=price_asc`;
    },
  },
];
