// The words of the benchmark's catalog: categories with their products' nouns and a typical
// price, and the colours, materials and styles names are made of ("Vintage navy enamel mug").
// The catalog generator and the query mix share them, so queries ask for what the shop sells.

export interface CategoryWords {
  slug: string;
  /** A typical price in minor units; products spread from about a third to three times it. */
  basePrice: number;
  nouns: string[];
}

export const CATEGORIES: CategoryWords[] = [
  {
    slug: 'kitchen',
    basePrice: 1500,
    nouns: [
      'mug',
      'teapot',
      'coffee grinder',
      'kettle',
      'cutting board',
      'chef knife',
      'frying pan',
      'espresso cup',
      'salad bowl',
      'coffee press',
    ],
  },
  {
    slug: 'apparel',
    basePrice: 3500,
    nouns: [
      't-shirt',
      'hoodie',
      'scarf',
      'beanie',
      'rain jacket',
      'socks',
      'cap',
      'sweater',
      'apron',
    ],
  },
  {
    slug: 'books',
    basePrice: 2200,
    nouns: [
      'cookbook',
      'field guide',
      'atlas',
      'railway history',
      'novel',
      'sketchbook',
      'photo book',
    ],
  },
  {
    slug: 'lighting',
    basePrice: 6000,
    nouns: [
      'lantern',
      'desk lamp',
      'candle',
      'string lights',
      'floor lamp',
      'pendant light',
      'reading light',
    ],
  },
  {
    slug: 'prints',
    basePrice: 2500,
    nouns: ['poster', 'art print', 'network map', 'postcard set', 'timetable print'],
  },
  {
    slug: 'outdoor',
    basePrice: 9000,
    nouns: [
      'tent',
      'backpack',
      'sleeping bag',
      'camping stove',
      'hiking poles',
      'hammock',
      'water bottle',
    ],
  },
  {
    slug: 'stationery',
    basePrice: 1200,
    nouns: [
      'notebook',
      'fountain pen',
      'pencil set',
      'journal',
      'planner',
      'envelope pack',
      'ticket punch',
    ],
  },
  {
    slug: 'toys',
    basePrice: 3000,
    nouns: [
      'model train',
      'puzzle',
      'board game',
      'kite',
      'building blocks',
      'plush bear',
      'wooden railway',
    ],
  },
  {
    slug: 'electronics',
    basePrice: 7000,
    nouns: [
      'headphones',
      'bluetooth speaker',
      'phone charger',
      'usb cable',
      'power bank',
      'alarm clock',
      'radio',
    ],
  },
  {
    slug: 'garden',
    basePrice: 2000,
    nouns: [
      'plant pot',
      'watering can',
      'garden gloves',
      'seed kit',
      'pruning shears',
      'bird feeder',
    ],
  },
  {
    slug: 'home-decor',
    basePrice: 4000,
    nouns: [
      'cushion',
      'throw blanket',
      'wall clock',
      'doormat',
      'vase',
      'picture frame',
      'signal lamp',
    ],
  },
];

export const COLOURS = [
  'blue',
  'red',
  'green',
  'black',
  'white',
  'grey',
  'yellow',
  'navy',
  'olive',
  'rust',
  'teal',
  'cream',
];
export const MATERIALS = [
  'ceramic',
  'enamel',
  'cotton',
  'wool',
  'brass',
  'oak',
  'steel',
  'linen',
  'bamboo',
  'leather',
  'glass',
  'recycled',
];
export const STYLES = [
  'classic',
  'vintage',
  'compact',
  'deluxe',
  'travel',
  'mini',
  'large',
  'handmade',
  'signal-box',
  'switchyard',
  'heritage',
  'everyday',
];

/** Every single word a product name or category can hold (hyphenated ones split). */
export function catalogWords(): string[] {
  const phrases = [
    ...CATEGORIES.flatMap((c) => [c.slug, ...c.nouns]),
    ...COLOURS,
    ...MATERIALS,
    ...STYLES,
  ];
  return [...new Set(phrases.flatMap((p) => p.split(/[^a-z0-9]+/)).filter(Boolean))];
}
