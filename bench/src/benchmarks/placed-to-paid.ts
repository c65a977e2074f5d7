// 4 and 5. How long an order takes from the client's POST to paid (two Kafka hops and one
// provider call), at rest and at half the maximum checkout rate; and the event hop (outbox
// write → handler start) every consumer exports as event_hop_seconds, in the same phases.
import pg from 'pg';
import type { Benchmark, BenchContext } from '../benchmark.js';
import { fixed, table } from '../results.js';
import { ONE_MUG } from '../stand.js';
import {
  addBuckets,
  distribution,
  histogramBuckets,
  histogramCount,
  histogramQuantile,
  subtractBuckets,
  type Buckets,
  type Distribution,
} from '../stats.js';
import { waitForSagaToSettle } from './checkout.js';

const CONSUMERS = ['order', 'payment', 'notification'] as const;

/** The two histograms every consumer exports: outbox write → handler start, and the handling. */
const HISTOGRAMS = { hop: 'event_hop_seconds', handler: 'event_handler_seconds' } as const;
type Scrape = Record<keyof typeof HISTOGRAMS, Record<string, Buckets>>;

/** Both histograms of every replica of each consuming service, summed per service. */
async function scrapeHops(ctx: BenchContext): Promise<Scrape> {
  const scrape: Scrape = { hop: {}, handler: {} };
  for (const replica of ctx.stand.platform.replicas) {
    if (!(CONSUMERS as readonly string[]).includes(replica.name)) continue;
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

function hopDelta(after: Scrape, before: Scrape) {
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

/** When each order became paid, from the order service's timeline (ms since the epoch). */
async function paidTimes(client: pg.Client, orderIds: string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ order_id: string; at: Date }>(
    `SELECT order_id::text, created_at AS at FROM order_status_changes
      WHERE to_status = 'paid' AND order_id = ANY($1::uuid[])`,
    [orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, r.at.getTime()]));
}

interface Placed {
  orderId: string;
  sentAt: number;
}

async function placeOne(ctx: BenchContext): Promise<Placed | null> {
  const sentAt = Date.now();
  const res = await fetch(`${ctx.stand.platform.gatewayUrl}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.stand.token}`, 'content-type': 'application/json' },
    body: ONE_MUG,
  });
  const body = (await res.json()) as { id?: string };
  return res.status === 201 && body.id ? { orderId: body.id, sentAt } : null;
}

function latencies(placed: Placed[], paid: Map<string, number>): Distribution & { unpaid: number } {
  const samples = placed
    .filter((p) => paid.has(p.orderId))
    .map((p) => paid.get(p.orderId)! - p.sentAt);
  return { ...distribution(samples), unpaid: placed.length - samples.length };
}

/** Place orders at `rate` per second for `seconds` (open loop), then wait for every one paid. */
async function openLoop(ctx: BenchContext, client: pg.Client, rate: number, seconds: number) {
  const before = await scrapeHops(ctx);
  const placed: Placed[] = [];
  let refused = 0;
  await ctx.phase(`placed-to-paid: ${rate} orders/s`, async () => {
    const inFlight: Promise<void>[] = [];
    const started = Date.now();
    for (let i = 0; i < rate * seconds; i++) {
      const wait = started + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        placeOne(ctx).then(
          (order) => void (order ? placed.push(order) : refused++),
          () => void refused++,
        ),
      );
    }
    await Promise.all(inFlight);
    await waitForSagaToSettle(ctx);
  });
  const hops = hopDelta(await scrapeHops(ctx), before);
  const latency = latencies(
    placed,
    await paidTimes(
      client,
      placed.map((p) => p.orderId),
    ),
  );
  return { rate, refused, hops, latency };
}

export const placedToPaid: Benchmark = {
  id: 'placed-to-paid',
  async run(ctx) {
    const client = new pg.Client({ connectionString: ctx.stand.orderDatabaseUrl });
    await client.connect();
    try {
      // At rest: one order at a time, the next once the last is paid.
      const restCount = ctx.short ? 10 : 50;
      const beforeRest = await scrapeHops(ctx);
      const atRest: Placed[] = [];
      await ctx.phase('placed-to-paid: at rest', async () => {
        for (let i = 0; i < restCount; i++) {
          const placed = await placeOne(ctx);
          if (!placed) continue;
          atRest.push(placed);
          const deadline = Date.now() + 30_000;
          while (!(await paidTimes(client, [placed.orderId])).size && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 20));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
      const restHops = hopDelta(await scrapeHops(ctx), beforeRest);
      const restLatency = latencies(
        atRest,
        await paidTimes(
          client,
          atRest.map((p) => p.orderId),
        ),
      );

      // Under load: an open loop at half the maximum checkout rate measured before (the
      // target's load), then at a quarter of it (within what the saga sustains here).
      const max = ctx.shared.maxCheckoutRate ?? 20;
      const seconds = ctx.short ? 10 : 60;
      const half = await openLoop(ctx, client, Math.max(1, Math.round(max / 2)), seconds);
      const quarter = await openLoop(ctx, client, Math.max(1, Math.round(max / 4)), seconds);
      const rate = half.rate;
      const loadHops = half.hops;
      const loadLatency = half.latency;
      const refused = half.refused + quarter.refused;

      const latencyRow = (name: string, d: Distribution & { unpaid: number }) => [
        name,
        d.count,
        d.p50,
        d.p90,
        d.p99,
        d.max,
        d.unpaid,
      ];
      type Figures = ReturnType<typeof hopDelta>['all'];
      const hopRow = (name: string, consumer: string, f: Figures) => [
        name,
        consumer,
        f.events,
        fixed(f.p50, 1),
        fixed(f.p99, 1),
        fixed(f.handlerP50, 1),
        fixed(f.handlerP99, 1),
      ];
      const hopRows = (name: string, h: ReturnType<typeof hopDelta>) => [
        hopRow(name, 'all consumers', h.all),
        ...CONSUMERS.map((s) => hopRow(name, s, h.perService[s]!)),
      ];
      return [
        {
          id: 'placed-to-paid',
          title: 'Placed → paid latency',
          command: 'pnpm bench --only checkout,placed-to-paid',
          figures:
            `From the client's POST to the \`paid\` row of the order's timeline (same host clock). At rest: ${restCount} orders one at a time. Under load: an open loop through the gateway for ${seconds} s at half the maximum measured by the checkout benchmark (the target's load), then at a quarter${refused ? `; ${refused} placements refused` : ''}.\n\n` +
            table(
              ['phase', 'orders', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'not paid'],
              [
                latencyRow('at rest', restLatency),
                latencyRow(`${rate} orders/s (half the maximum)`, loadLatency),
                latencyRow(`${quarter.rate} orders/s (a quarter)`, quarter.latency),
              ],
            ),
          verdicts: [
            {
              what: 'p99 placed → paid under load',
              figure: `${loadLatency.p99} ms`,
              target: '≤ 100 ms',
              met: loadLatency.p99 <= 100,
            },
          ],
          data: { seconds, refused, restLatency, half, quarter },
        },
        {
          id: 'event-hop',
          title: 'Event hop',
          command: 'pnpm bench --only checkout,placed-to-paid',
          figures:
            "The `event_hop_seconds` histogram every consumer exports: from the outbox row's write (`clock_timestamp()`, just before the commit; it is the Kafka message's CreateTime) to the start of its handler; beside it `event_handler_seconds`, from the handler's start to its commit (an event waits that long for the one before it on its partition). Quantiles interpolated inside buckets as PromQL's `histogram_quantile` does; from the replicas' `/metrics` before and after each phase of the placed → paid benchmark.\n\n" +
            table(
              [
                'phase',
                'consumer',
                'events',
                'hop p50 ms',
                'hop p99 ms',
                'handler p50 ms',
                'handler p99 ms',
              ],
              [
                ...hopRows('at rest', restHops),
                ...hopRows(`${rate} orders/s`, loadHops),
                ...hopRows(`${quarter.rate} orders/s`, quarter.hops),
              ],
            ),
          verdicts: [
            {
              what: 'event hop p99 under load',
              figure: `${fixed(loadHops.all.p99, 1)} ms`,
              target: '≤ 20 ms',
              met: loadHops.all.p99 <= 20,
            },
          ],
          data: { restHops, half: half.hops, quarter: quarter.hops },
        },
      ];
    } finally {
      await client.end();
    }
  },
};
