// The event hop every consumer exports (event_hop_seconds: outbox write → handler start) and
// its handling time (event_handler_seconds), summed over the live replicas of each consuming
// service, as deltas between two scrapes of their /metrics.
import {
  addBuckets,
  histogramBuckets,
  histogramCount,
  histogramQuantile,
  subtractBuckets,
  type Buckets,
} from './stats.js';
import type { SagaTarget } from './target.js';

export const CONSUMERS = ['order', 'payment', 'notification'] as const;

/** The two histograms every consumer exports: outbox write → handler start, and the handling. */
const HISTOGRAMS = { hop: 'event_hop_seconds', handler: 'event_handler_seconds' } as const;
export type Scrape = Record<keyof typeof HISTOGRAMS, Record<string, Buckets>>;

/** Both histograms of every replica of each consuming service, summed per service. */
export async function scrapeHops(stand: SagaTarget): Promise<Scrape> {
  const scrape: Scrape = { hop: {}, handler: {} };
  for (const replica of stand.processes()) {
    if (!(CONSUMERS as readonly string[]).includes(replica.name) || !replica.url) continue;
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    for (const kind of Object.keys(HISTOGRAMS) as (keyof Scrape)[]) {
      scrape[kind][replica.name] = addBuckets(
        scrape[kind][replica.name] ?? new Map(),
        histogramBuckets(text, HISTOGRAMS[kind]),
      );
    }
  }
  return scrape;
}

export function hopDelta(after: Scrape, before: Scrape) {
  const delta = (kind: keyof Scrape) => {
    const perService = Object.fromEntries(
      CONSUMERS.map((s) => [
        s,
        subtractBuckets(after[kind][s] ?? new Map(), before[kind][s] ?? new Map()),
      ]),
    ) as Record<string, Buckets>;
    const all = CONSUMERS.reduce<Buckets>((sum, s) => addBuckets(sum, perService[s]!), new Map());
    return { perService, all };
  };
  const hop = delta('hop');
  const handler = delta('handler');
  const figures = (h: Buckets, d: Buckets) => ({
    events: histogramCount(h),
    p50: histogramQuantile(h, 0.5) * 1000,
    p99: histogramQuantile(h, 0.99) * 1000,
    handlerP50: histogramQuantile(d, 0.5) * 1000,
    handlerP99: histogramQuantile(d, 0.99) * 1000,
  });
  return {
    all: figures(hop.all, handler.all),
    perService: Object.fromEntries(
      CONSUMERS.map((s) => [s, figures(hop.perService[s]!, handler.perService[s]!)]),
    ),
  };
}

export type HopFigures = ReturnType<typeof hopDelta>;
