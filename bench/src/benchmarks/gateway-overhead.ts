// 1. What a request pays for the gateway: the same authenticated GET of an order through the
// gateway and straight at the order service, at full load and at half of it. A bare proxy
// (Fastify + @fastify/http-proxy and nothing else) in front of the same service shows what the
// hop itself costs on this machine, before authentication, limits and tracing.
import type { Benchmark } from '../benchmark.js';
import { startCeiling } from '../ceiling/start-ceiling.js';
import { assertClean, load, loadRow, throughputRatio } from '../load.js';
import { fixed, table } from '../results.js';
import { ONE_MUG } from '../stand.js';

export const gatewayOverhead: Benchmark = {
  id: 'gateway-overhead',
  async run(ctx) {
    const { stand } = ctx;
    const order = await stand.post('/v1/orders', JSON.parse(ONE_MUG), stand.token);
    const path = `/v1/orders/${String(order.body.id)}`;
    const headers = { authorization: `Bearer ${stand.token}` };
    const direct = stand.platform.serviceUrl('order') + path;
    const gateway = stand.platform.gatewayUrl + path;
    const connections = 10;
    const full = (url: string) =>
      load({ url, headers, connections, seconds: ctx.seconds, warmUpSeconds: 2 });
    const fullDirect = await ctx.phase('gateway-overhead: direct', () => full(direct));
    const fullGateway = await ctx.phase('gateway-overhead: gateway', () => full(gateway));
    // Both full runs must have been answered in full before any figure comes from them: the
    // half-load rate below is half the gateway's, and a run of cheap refusals (429, 401) would
    // set it far above what the gateway really answers.
    assertClean({ 'direct, full load': fullDirect, 'gateway, full load': fullGateway });
    const bareProxy = await startCeiling('bare-proxy-server', {
      UPSTREAM_URL: stand.platform.serviceUrl('order'),
    });
    const fullBareProxy = await ctx
      .phase('gateway-overhead: bare proxy', () => full(bareProxy.url + path))
      .finally(() => bareProxy.stop());
    // Half of what the gateway path sustains, so both paths run below saturation and the
    // difference is latency, not queueing.
    const rate = Math.max(10, Math.round(fullGateway.requestsPerSecond / 2));
    const half = (url: string) =>
      load({ url, headers, connections, seconds: ctx.seconds, rate, warmUpSeconds: 1 });
    const halfDirect = await ctx.phase('gateway-overhead: direct, half', () => half(direct));
    const halfGateway = await ctx.phase('gateway-overhead: gateway, half', () => half(gateway));

    const throughput = throughputRatio({ gateway: fullGateway }, { direct: fullDirect });
    const bareThroughput = throughputRatio({ 'bare proxy': fullBareProxy }, { direct: fullDirect });
    // The half-load latencies are compared too: both runs must have been answered in full.
    assertClean({ 'gateway, half load': halfGateway, 'direct, half load': halfDirect });
    const addedP99 = halfGateway.p99 - halfDirect.p99;
    return [
      {
        id: 'gateway-overhead',
        title: 'Gateway overhead',
        command: 'pnpm bench --only gateway-overhead',
        figures:
          `autocannon, ${connections} connections, ${ctx.seconds} s each after a warm-up, authenticated \`GET /v1/orders/:id\`; half load = ${rate} req/s.\n\n` +
          table(
            ['path', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
            [
              loadRow('order service, direct, full load', fullDirect),
              loadRow('through the gateway, full load', fullGateway),
              loadRow('through a bare proxy (no auth, limits, tracing), full load', fullBareProxy),
              loadRow(`order service, direct, ${rate} req/s`, halfDirect),
              loadRow(`through the gateway, ${rate} req/s`, halfGateway),
            ],
          ) +
          `\n\nA bare proxy hop alone reaches ${fixed(bareThroughput, 2)}× direct on this machine.`,
        verdicts: [
          {
            what: 'gateway throughput / direct',
            figure: fixed(throughput, 2),
            target: '≥ 0.8',
            met: throughput >= 0.8,
          },
          {
            what: 'p99 added by the gateway at half load',
            figure: `${fixed(addedP99, 1)} ms`,
            target: '≤ 2 ms',
            met: addedP99 <= 2,
          },
        ],
        data: { fullDirect, fullGateway, fullBareProxy, halfDirect, halfGateway, rate },
      },
    ];
  },
};
