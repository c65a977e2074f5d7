// What a request pays for the gateway: the same authenticated GET of an order through the
// gateway and straight at the order service, at full load and at half of it. A bare proxy
// (Fastify + @fastify/http-proxy and nothing else) in front of the same service shows what the
// hop itself costs on this machine, before authentication, limits and tracing. And the
// gateway's own CPU per proxied request, for a GET and for a POST, at fixed rates.
import type { Benchmark, BenchContext } from '../benchmark.js';
import { cpuSecondsOf } from '../cpu-meter.js';
import { startCeiling } from '../ceiling/start-ceiling.js';
import { assertClean, load, loadRow, throughputRatio, type LoadOptions } from '../load.js';
import { histogramBuckets, histogramCount } from '../stats.js';
import { waitForSagaToSettle } from './checkout.js';

/**
 * A proxy process's CPU milliseconds per request of a fixed-rate load, its idle CPU over
 * the same time taken out (measured just before: timers, heartbeats), so the figure is what
 * one request costs and not how long the run was.
 */
async function cpuPerRequest(
  ctx: BenchContext,
  pid: number,
  name: string,
  options: LoadOptions,
  /** Requests the process served so far, where it counts them (all, not only the load's). */
  served?: () => Promise<number>,
) {
  await load({ ...options, seconds: 2 }); // warm-up (JIT, pools), not counted
  const idleFrom = await cpuSecondsOf(pid);
  const idleSeconds = 3;
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const idlePerSecond = ((await cpuSecondsOf(pid)) - idleFrom) / idleSeconds;
  const started = Date.now();
  const before = await cpuSecondsOf(pid);
  const servedBefore = await served?.();
  const result = await ctx.phase(`gateway-overhead: ${name} CPU`, () => load(options));
  // A placement brings the provider's webhook through the gateway too: count what it served.
  if (served) await waitForSagaToSettle(ctx);
  const used = (await cpuSecondsOf(pid)) - before;
  const elapsed = (Date.now() - started) / 1000;
  assertClean({ [name]: result });
  const requests =
    servedBefore === undefined
      ? Object.values(result.statuses).reduce((sum, n) => sum + n, 0)
      : (await served!()) - servedBefore;
  return {
    result,
    requests,
    cpuMsPerRequest: (Math.max(0, used - idlePerSecond * elapsed) * 1000) / requests,
  };
}
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
    const getAt = (url: string) => ({ url, headers, connections, seconds: ctx.seconds, rate: 200 });
    let bareCpu: Awaited<ReturnType<typeof cpuPerRequest>>;
    const fullBareProxy = await ctx
      .phase('gateway-overhead: bare proxy', async () => {
        const result = await full(bareProxy.url + path);
        bareCpu = await cpuPerRequest(
          ctx,
          bareProxy.pid,
          'bare proxy GET',
          getAt(bareProxy.url + path),
        );
        return result;
      })
      .finally(() => bareProxy.stop());
    // Half of what the gateway path sustains, so both paths run below saturation and the
    // difference is latency, not queueing.
    const rate = Math.max(10, Math.round(fullGateway.requestsPerSecond / 2));
    const half = (url: string) =>
      load({ url, headers, connections, seconds: ctx.seconds, rate, warmUpSeconds: 1 });
    const halfDirect = await ctx.phase('gateway-overhead: direct, half', () => half(direct));
    const halfGateway = await ctx.phase('gateway-overhead: gateway, half', () => half(gateway));

    // The gateway's own CPU per request, GET and POST apart: a GET of the order at a fixed
    // rate well below saturation, and placements (a POST with a body) at a rate the saga keeps.
    const gatewayPid = stand.live().find((r) => r.name === 'gateway')!.process.child.pid!;
    const metricsPort = stand.platform.processes.find((p) => p.name === 'gateway')!.env
      .METRICS_PORT;
    const gatewayServed = async () =>
      histogramCount(
        histogramBuckets(
          await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
          'http_server_request_duration_seconds',
        ),
      );
    const getCpu = await cpuPerRequest(ctx, gatewayPid, 'GET', getAt(gateway));
    const postCpu = await cpuPerRequest(
      ctx,
      gatewayPid,
      'POST',
      {
        url: stand.platform.gatewayUrl + '/v1/orders',
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: ONE_MUG,
        connections,
        seconds: ctx.seconds,
        rate: 20,
      },
      gatewayServed,
    );

    const throughput = throughputRatio({ gateway: fullGateway }, { direct: fullDirect });
    const versusBare = throughputRatio({ gateway: fullGateway }, { 'bare proxy': fullBareProxy });
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
          `\n\nA bare proxy hop alone reaches ${fixed(bareThroughput, 2)}× direct on this machine; the gateway reaches ${fixed(versusBare, 2)}× the bare hop.\n\n` +
          `The proxy process's own CPU per request (from /proc, its idle CPU over the same time taken out):\n\n` +
          table(
            ['request', 'rate req/s', 'requests', 'proxy CPU ms/request'],
            [
              [
                'bare proxy: GET /v1/orders/:id',
                200,
                bareCpu!.requests,
                fixed(bareCpu!.cpuMsPerRequest, 3),
              ],
              [
                'gateway: GET /v1/orders/:id',
                200,
                getCpu.requests,
                fixed(getCpu.cpuMsPerRequest, 3),
              ],
              [
                'gateway: POST /v1/orders and the provider webhook each brings',
                20,
                postCpu.requests,
                fixed(postCpu.cpuMsPerRequest, 3),
              ],
            ],
          ),
        verdicts: [
          ...(['GET', 'POST'] as const).map((method) => {
            const ms = (method === 'GET' ? getCpu : postCpu).cpuMsPerRequest;
            return {
              what: `gateway CPU per proxied ${method}`,
              figure: `${fixed(ms, 3)} ms`,
              target: '≤ 0.3 ms',
              met: ms <= 0.3,
            };
          }),
          {
            what: 'gateway throughput / a bare Fastify + @fastify/http-proxy hop',
            figure: fixed(versusBare, 2),
            target: '≥ 0.85',
            met: versusBare >= 0.85,
          },
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
        data: {
          fullDirect,
          fullGateway,
          fullBareProxy,
          halfDirect,
          halfGateway,
          rate,
          getCpu,
          postCpu,
        },
      },
    ];
  },
};
