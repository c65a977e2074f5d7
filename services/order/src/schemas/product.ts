import { Type, type Static } from '@sinclair/typebox';
import { Money, Price } from '@switchyard/contracts';
import { MAX_QUERY_WORDS } from '../catalog/search/query-words.js';

const CATEGORY_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

/** A category's slug: lower-case words joined by hyphens ("kitchen", "home-decor"). */
const Category = Type.String({
  pattern: CATEGORY_PATTERN,
  minLength: 1,
  maxLength: 50,
  description: 'A category slug: lower-case letters and digits, words joined by hyphens',
  examples: ['kitchen'],
});

export const ProductView = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  price: Money,
  stock: Type.Integer(),
  active: Type.Boolean(),
  category: Type.Union([Type.String(), Type.Null()], {
    description: 'The category slug; null for a product without one',
  }),
});
export type ProductView = Static<typeof ProductView>;

export const ProductIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const CategoryFacet = Type.Object({
  value: Type.String({ description: 'A category slug' }),
  count: Type.Integer({
    minimum: 1,
    description: 'Products in it that match the query and every filter but category',
  }),
});

export const ProductList = Type.Object({
  items: Type.Array(ProductView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  facets: Type.Optional(
    Type.Object(
      {
        category: Type.Array(CategoryFacet, {
          description:
            'Every category with matching products, most products first (at most 100). The ' +
            'category filter itself is left out of these counts, so the other categories show ' +
            'how many a wider choice would add; products without a category are counted in none.',
        }),
      },
      { description: 'Only with facets=category' },
    ),
  ),
});
export type ProductList = Static<typeof ProductList>;

export const SORTS = ['relevance', 'price_asc', 'price_desc', 'newest'] as const;
export type Sort = (typeof SORTS)[number];

/** An amount in minor units of the `currency` parameter, within what a catalog price may be. */
const PriceBound = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 100_000_000, description });

export const ProductListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'The nextCursor of the previous page, with the same query, filters and sort',
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          `Words to search for (at most ${MAX_QUERY_WORDS}). A product matches when it holds ` +
          'every word, as the start of a word of its name or category ("cof" finds coffee, ' +
          '"mugs" finds mug); a word the catalog does not know is read as a typo of the ' +
          'closest ones it does ("cofee").',
        examples: ['enamel mug'],
      }),
    ),
    category: Type.Optional(
      Type.Array(Category, {
        minItems: 1,
        maxItems: 20,
        description: 'Only products in these categories (repeat the parameter for several)',
      }),
    ),
    minPrice: Type.Optional(PriceBound('Only products priced at least this (needs currency)')),
    maxPrice: Type.Optional(PriceBound('Only products priced at most this (needs currency)')),
    currency: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{3}$',
        description:
          'Only products priced in this ISO 4217 currency; the unit of minPrice and maxPrice',
        examples: ['EUR'],
      }),
    ),
    inStock: Type.Optional(
      Type.Boolean({ description: 'true: only products in stock; false: only those sold out' }),
    ),
    sort: Type.Optional(
      Type.Union(
        SORTS.map((s) => Type.Literal(s)),
        {
          description:
            'relevance (the default with q; needs q), price_asc, price_desc or newest. ' +
            'Without q or sort, products come by SKU.',
        },
      ),
    ),
    facets: Type.Optional(
      Type.Literal('category', {
        description: 'category: also count the matching products per category',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ProductListQuery = Static<typeof ProductListQuery>;

const Sku = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Stock = Type.Integer({ minimum: 0, maximum: 1_000_000 });

export const CreateProductBody = Type.Object(
  {
    sku: Sku,
    name: Name,
    price: Price,
    stock: Stock,
    active: Type.Optional(Type.Boolean()),
    category: Type.Optional(Category),
  },
  {
    examples: [
      {
        sku: 'MUG-BLUE',
        name: 'Blue mug',
        price: { amount: 1250, currency: 'EUR' },
        stock: 100,
        category: 'kitchen',
      },
    ],
    additionalProperties: false,
  },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  {
    name: Type.Optional(Name),
    price: Type.Optional(Price),
    stock: Type.Optional(Stock),
    active: Type.Optional(Type.Boolean()),
    category: Type.Optional(
      Type.Union([Category, Type.Null()], { description: 'A category slug; null removes it' }),
    ),
  },
  {
    examples: [{ price: { amount: 1150, currency: 'EUR' } }, { category: 'kitchen' }],
    additionalProperties: false,
    minProperties: 1,
  },
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;
