// The gateway-overhead benchmark sets its half-load rate from the full gateway run, so that run
// must have been answered in full before its figure is used: a run of cheap refusals (a 429, a
// 401) would set the half load far above what the gateway really answers.
import Fastify, { type FastifyInstance } from 'fastify';
import type { BenchContext } from '../src/benchmark.js';
import { gatewayOverhead } from '../src/benchmarks/gateway-overhead.js';

describe('the gateway-overhead benchmark', () => {
  let service: FastifyInstance;
  let serviceUrl: string;
  beforeAll(async () => {
    service = Fastify();
    let n = 0;
    // The order service answers; "the gateway" in front of it refuses every other request.
    service.get('/v1/orders/:id', async () => ({ ok: true }));
    service.get('/gateway/v1/orders/:id', async (_, reply) =>
      ++n % 2 ? reply.code(429).send({ slow: 'down' }) : { ok: true },
    );
    serviceUrl = await service.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => service.close());

  it('fails on a full run with non-2xx answers before it derives anything from it', async () => {
    const phases: string[] = [];
    const ctx = {
      short: true,
      seconds: 1,
      shared: {},
      stand: {
        token: 'token',
        post: async () => ({ status: 201, body: { id: 'o1' } }),
        platform: { gatewayUrl: `${serviceUrl}/gateway`, serviceUrl: () => serviceUrl },
      },
      phase: (name: string, work: () => Promise<unknown>) => {
        phases.push(name);
        return work();
      },
    } as unknown as BenchContext;
    await expect(gatewayOverhead.run(ctx)).rejects.toThrow(
      /^gateway, full load: \d+ of \d+ answers were not 2xx \(429 × \d+\)/,
    );
    expect(phases).toEqual(['gateway-overhead: direct', 'gateway-overhead: gateway']);
  });
});
