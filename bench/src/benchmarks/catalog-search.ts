// Catalog search at the size of a real shop: 100 000 products (2 000 in the short run) added to
// the stand's order database, then every kind of catalog request sent to the order service's
// own HTTP port one at a time — each one new, so each misses the catalog cache, as on a live
// shop where every order invalidates it — and p50/p99 per kind. The slowest request of each
// kind is then EXPLAIN ANALYZEd with the statements the service runs, to show the indexes it
// uses and what stands between it and the target. The products are removed afterwards.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Benchmark, BenchContext } from '../benchmark.js';
import {
  generateCatalog,
  hotStockUpdates,
  removeCatalog,
} from '../catalog-search/generate-catalog.js';
import { plansOf, wordLookupPlans, type Plan } from '../catalog-search/query-plans.js';
import { QUERY_KINDS, seeded, type Previous, type QueryKind } from '../catalog-search/query-mix.js';
import { fixed, table, type BenchmarkReport } from '../results.js';
import { distribution, type Distribution } from '../stats.js';

/** The target of issue 22: every kind of catalog request answered within this at p99. */
const TARGET_P99_MS = 50;

interface Sample {
  path: string;
  ms: number;
  found: boolean;
}

interface KindResult {
  kind: QueryKind;
  latency: Distribution;
  /** Share of answers that held at least one product. */
  foundShare: number;
  slowest: Sample;
}

/** One request, timed from sending to the last byte of the answer. */
async function send(baseUrl: string, path: string) {
  const started = performance.now();
  const res = await fetch(baseUrl + path);
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200)
    throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { items: unknown[]; nextCursor: string | null };
  return { ms, found: body.items.length > 0, nextCursor: body.nextCursor };
}

/**
 * `count` requests of a kind, one at a time, none sent before in this run (`seen`): a request
 * that was would be a cache hit. Walks go on from their last answer's cursor.
 */
async function sendKind(
  baseUrl: string,
  kind: QueryKind,
  count: number,
  seen: Set<string>,
  random: () => number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let previous: Previous | null = null;
  while (samples.length < count) {
    let path = kind.next(random, previous);
    for (let tries = 0; seen.has(path); tries++) {
      if (tries > 1_000) throw new Error(`${kind.id}: no new request left to send`);
      path = kind.next(random, null);
    }
    seen.add(path);
    const answer = await send(baseUrl, path);
    samples.push({ path, ms: answer.ms, found: answer.found });
    const pages: number = path.includes('&cursor=') && previous ? previous.pages + 1 : 1;
    previous = { path, nextCursor: answer.nextCursor, pages };
  }
  return samples;
}

const indexList = (plan: Plan | null) =>
  plan
    ? [
        ...plan.indexes.map((name) => `\`${name}\``),
        ...plan.seqScans.map((table) => `seq scan of ${table}`),
      ].join(', ') || '–'
    : '–';

async function measure(ctx: BenchContext): Promise<BenchmarkReport> {
  const products = ctx.short ? 2_000 : 100_000;
  const perKind = ctx.short ? 20 : 300;
  const warmUp = ctx.short ? 5 : 30;
  const databaseUrl = ctx.stand.orderDatabaseUrl;
  const baseUrl = ctx.stand.platform.serviceUrl('order');

  const generated = performance.now();
  await ctx.phase('catalog-search: generate', () => generateCatalog(databaseUrl, products));
  const generateSeconds = (performance.now() - generated) / 1000;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const [catalog] = (
      await pool.query<{ products: number; words: number; size: string }>(
        `SELECT (SELECT count(*)::int FROM products) AS products,
                (SELECT count(*)::int FROM catalog_words) AS words,
                pg_size_pretty(pg_total_relation_size('products')) AS size`,
      )
    ).rows;

    const seen = new Set<string>();
    const results: KindResult[] = [];
    await ctx.phase('catalog-search: requests', async () => {
      for (const [i, kind] of QUERY_KINDS.entries()) {
        await sendKind(baseUrl, kind, warmUp, seen, seeded(1000 + i));
        const samples = await sendKind(baseUrl, kind, perKind, seen, seeded(i));
        results.push({
          kind,
          latency: distribution(samples.map((s) => s.ms)),
          foundShare: samples.filter((s) => s.found).length / samples.length,
          slowest: samples.reduce((a, b) => (b.ms > a.ms ? b : a)),
        });
      }
    });
    // Requests sent before, each twice in a row and the second timed: a hit in the catalog
    // cache (the first may have missed, if anything invalidated it meanwhile).
    const cachedMs: number[] = [];
    for (const path of [...seen].slice(0, perKind)) {
      await send(baseUrl, path);
      cachedMs.push((await send(baseUrl, path)).ms);
    }
    const cached = distribution(cachedMs);

    const plans: { page: Plan; facets: Plan | null }[] = [];
    for (const result of results) plans.push(await plansOf(pool, result.slowest.path));
    const typo = results.find((r) => r.kind.id === 'typo')!;
    const lookup = await wordLookupPlans(pool, typo.slowest.path);
    const stockUpdates = await hotStockUpdates(databaseUrl, ctx.short ? 100 : 1_000);

    const row = (name: string, d: Distribution, found: string) => [
      name,
      d.count,
      fixed(d.p50),
      fixed(d.p90),
      fixed(d.p99),
      fixed(d.max),
      found,
    ];
    return {
      id: 'catalog-search',
      title: 'Catalog search',
      command: 'pnpm bench --only catalog-search',
      figures: [
        `A catalog of ${catalog!.products.toLocaleString('en')} products (${catalog!.size} with its indexes; ` +
          `${catalog!.words.toLocaleString('en')} distinct words), generated in ${fixed(generateSeconds)} s ` +
          '(`bench/src/catalog-search/generate-catalog.ts`). Requests straight to the order ' +
          `service's port, one at a time, \`limit=20\`; ${perKind} of each kind after ${warmUp} ` +
          'to warm up, every one new (a miss in the catalog cache). Milliseconds from sending ' +
          'to the last byte.',
        '',
        table(
          ['kind', 'requests', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'with products'],
          [
            ...results.map((r) => row(r.kind.id, r.latency, `${fixed(r.foundShare * 100, 0)} %`)),
            row('the same requests again (catalog cache hits)', cached, '–'),
          ],
        ),
        '',
        'What each kind sends:',
        '',
        ...QUERY_KINDS.map((k) => `- **${k.id}**: ${k.what}`),
        '',
        'The slowest request of each kind, EXPLAIN ANALYZEd with the statements the service ' +
          'runs for it (`bench/src/catalog-search/query-plans.ts`), warm:',
        '',
        table(
          ['kind', 'page: indexes', 'page ms', 'facets: indexes', 'facets ms'],
          results.map((r, i) => [
            r.kind.id,
            indexList(plans[i]!.page),
            fixed(plans[i]!.page.executionMs, 2),
            indexList(plans[i]!.facets),
            plans[i]!.facets ? fixed(plans[i]!.facets!.executionMs, 2) : '–',
          ]),
        ),
        '',
        `The typo's word lookup in \`catalog_words\` (${catalog!.words} words): ` +
          `${indexList(lookup.chosen)}, ${fixed(lookup.chosen.executionMs, 2)} ms; with ` +
          `sequential scans off: ${indexList(lookup.indexOnly)}, ` +
          `${fixed(lookup.indexOnly.executionMs, 2)} ms.`,
        '',
        `Stock changes as orders make them (one unit off a random product, rolled back): ` +
          `${stockUpdates.hot} of ${stockUpdates.updated} were HOT updates, touching no index.`,
      ].join('\n'),
      verdicts: results.map((r) => ({
        what: `${r.kind.id}: p99`,
        figure: `${fixed(r.latency.p99)} ms`,
        target: `≤ ${TARGET_P99_MS} ms`,
        met: r.latency.p99 <= TARGET_P99_MS,
      })),
      data: {
        products: catalog,
        generateSeconds,
        perKind,
        kinds: results.map((r, i) => ({
          id: r.kind.id,
          latency: r.latency,
          foundShare: r.foundShare,
          slowest: r.slowest,
          plan: plans[i],
        })),
        cached,
        wordLookup: lookup,
        stockUpdates,
      },
    };
  } finally {
    await pool.end();
    await removeCatalog(databaseUrl);
  }
}

export const catalogSearch: Benchmark = {
  id: 'catalog-search',
  run: async (ctx) => [await measure(ctx)],
};
