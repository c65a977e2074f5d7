// 6. SSE fan-out: thousands of open notification streams of one customer, first on one
// notification replica, then split over two (the event crosses Redis to the other). Memory per
// connection, and how long one notification takes to reach every stream.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import type { Replica } from '@switchyard/testing';
import type { Benchmark, BenchContext } from '../benchmark.js';
import { fixed, table } from '../results.js';
import { ONE_MUG } from '../stand.js';
import { distribution, percentile } from '../stats.js';

interface Stream {
  /** Arrival time (ms since the epoch) of each notification id. */
  arrivals: Map<string, number>;
  close(): void;
}

/** Open one stream; resolves once the server has answered 200 and sent its first frame. */
function openStream(baseUrl: string, token: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<string, number>();
    const request = http.get(
      `${baseUrl}/v1/notifications/stream`,
      { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`stream refused: ${response.statusCode}`));
          return;
        }
        let buffer = '';
        let opened = false;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const now = Date.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (frame.includes('event: notification') && data) {
              const n = JSON.parse(data) as { id: string; createdAt: string };
              arrivals.set(n.id, now);
              created.set(n.id, Date.parse(n.createdAt));
            }
          }
          if (!opened) {
            opened = true;
            resolve({ arrivals, close: () => request.destroy() });
          }
        });
      },
    );
    request.on('error', reject);
  });
}

/** When each notification was created (from its own data), shared by every stream. */
const created = new Map<string, number>();

async function rssMiB(replica: Replica): Promise<number> {
  const status = await readFile(`/proc/${replica.process.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function openMany(replicas: Replica[], total: number, token: string): Promise<Stream[]> {
  const streams: Stream[] = [];
  const batch = 200;
  for (let i = 0; i < total; i += batch) {
    const size = Math.min(batch, total - i);
    streams.push(
      ...(await Promise.all(
        Array.from({ length: size }, (_, j) =>
          openStream(replicas[(i + j) % replicas.length]!.url, token),
        ),
      )),
    );
  }
  return streams;
}

interface FanoutResult {
  replicas: number;
  streams: number;
  rssBeforeMiB: number[];
  rssAfterMiB: number[];
  kibPerConnection: number;
  notifications: number;
  deliveries: number;
  missed: number;
  p50: number;
  p99: number;
  max: number;
  /** Per notification, first to last stream. */
  spreadP50: number;
}

async function fanout(
  ctx: BenchContext,
  replicas: Replica[],
  total: number,
): Promise<FanoutResult> {
  const { stand } = ctx;
  const rssBefore = await Promise.all(replicas.map(rssMiB));
  const streams = await openMany(replicas, total, stand.token);
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // let allocations settle
  const rssAfter = await Promise.all(replicas.map(rssMiB));
  // Each order tells the customer twice (received, confirmed): two notifications to fan out.
  const orders = 3;
  const known = new Set(created.keys());
  for (let i = 0; i < orders; i++) {
    await stand.post('/v1/orders', JSON.parse(ONE_MUG), stand.token);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const fresh = () => [...created.keys()].filter((id) => !known.has(id));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ids = fresh();
    if (ids.length >= orders * 2 && streams.every((s) => ids.every((id) => s.arrivals.has(id))))
      break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const ids = fresh();
  const samples: number[] = [];
  const spreads: number[] = [];
  let missed = 0;
  for (const id of ids) {
    const times = streams
      .map((s) => s.arrivals.get(id))
      .filter((t): t is number => t !== undefined);
    missed += streams.length - times.length;
    samples.push(...times.map((t) => t - created.get(id)!));
    if (times.length) spreads.push(Math.max(...times) - Math.min(...times));
  }
  for (const s of streams) s.close();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const d = distribution(samples);
  const grown = rssAfter.reduce((a, b) => a + b, 0) - rssBefore.reduce((a, b) => a + b, 0);
  return {
    replicas: replicas.length,
    streams: total,
    rssBeforeMiB: rssBefore,
    rssAfterMiB: rssAfter,
    kibPerConnection: (grown * 1024) / total,
    notifications: ids.length,
    deliveries: samples.length,
    missed,
    p50: d.p50,
    p99: d.p99,
    max: d.max,
    spreadP50: percentile(spreads, 50),
  };
}

export const sseFanout: Benchmark = {
  id: 'sse-fanout',
  async run(ctx) {
    const total = ctx.short ? 500 : 5_000;
    const notification = () => ctx.stand.platform.replicas.filter((r) => r.name === 'notification');
    const one = await ctx.phase('sse-fanout: one replica', () =>
      fanout(ctx, notification().slice(0, 1), total),
    );
    const two = await ctx.stand.withSecondNotificationReplica(() =>
      ctx.phase('sse-fanout: two replicas', () => fanout(ctx, notification().slice(0, 2), total)),
    );
    const row = (r: FanoutResult) => [
      r.replicas,
      r.streams,
      r.rssBeforeMiB.map((m) => fixed(m, 0)).join(' + '),
      r.rssAfterMiB.map((m) => fixed(m, 0)).join(' + '),
      fixed(r.kibPerConnection, 1),
      r.notifications,
      r.deliveries,
      r.missed,
      r.p50,
      r.p99,
      r.max,
      r.spreadP50,
    ];
    return [
      {
        id: 'sse-fanout',
        title: 'SSE fan-out',
        command: 'pnpm bench --only sse-fanout',
        figures:
          `${total} concurrent \`GET /v1/notifications/stream\` of one customer, straight at the notification replicas; three orders then give six notifications to deliver to every stream. Latency: from the notification's creation (its \`createdAt\`) to its arrival on a stream.\n\n` +
          table(
            [
              'replicas',
              'streams',
              'RSS before MiB',
              'RSS with streams MiB',
              'KiB per stream',
              'notifications',
              'deliveries',
              'missed',
              'p50 ms',
              'p99 ms',
              'max ms',
              'first→last p50 ms',
            ],
            [row(one), row(two)],
          ),
        verdicts: [
          {
            what: 'deliveries missed',
            figure: String(one.missed + two.missed),
            target: '0',
            met: one.missed + two.missed === 0,
          },
        ],
        data: { one, two },
      },
    ];
  },
};
