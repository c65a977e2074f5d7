// A throughput ratio is only a figure when every answer counted was a success: autocannon's
// requests/s counts a 429 or a 500 like a 200, and a refusal is far cheaper than an answer.
import Fastify, { type FastifyInstance } from 'fastify';
import { load, throughputRatio, type LoadResult } from '../src/load.js';

describe('load and throughput ratios', () => {
  let server: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    server = Fastify();
    let n = 0;
    server.get('/ok', async () => ({ ok: true }));
    // Every other request refused, as a rate limit or an expired token would be.
    server.get('/half-refused', async (_, reply) =>
      ++n % 2 ? reply.code(429).send({ slow: 'down' }) : { ok: true },
    );
    url = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  const measure = (path: string) => load({ url: url + path, connections: 2, seconds: 1 });

  it('counts refused answers in requests/s, which is why a ratio must check them', async () => {
    const refused = await measure('/half-refused');
    expect(refused.statuses['429']).toBeGreaterThan(0);
    expect(refused.requestsPerSecond).toBeGreaterThan(0);
  });

  it('refuses to compute a ratio from a run with non-2xx answers, naming the run', async () => {
    const [ok, refused] = [await measure('/ok'), await measure('/half-refused')];
    expect(() => throughputRatio({ service: refused }, { ceiling: ok })).toThrow(
      /service: \d+ of \d+ answers were not 2xx \(429 × \d+\); the ratio would count them/,
    );
    expect(() => throughputRatio({ service: ok }, { ceiling: refused })).toThrow(/^ceiling: /);
  });

  it('refuses a run with connection errors or timeouts', () => {
    const clean: LoadResult = {
      requestsPerSecond: 100,
      p50: 1,
      p90: 1,
      p99: 2,
      max: 3,
      statuses: { '200': 1000 },
      errors: 0,
    };
    expect(throughputRatio({ a: clean }, { b: clean })).toBe(1);
    expect(() => throughputRatio({ a: { ...clean, errors: 3 } }, { b: clean })).toThrow(
      /a: 3 connection errors or timeouts/,
    );
  });

  it('divides the throughputs of two clean runs', async () => {
    const [a, b] = [await measure('/ok'), await measure('/ok')];
    expect(throughputRatio({ a }, { b })).toBeCloseTo(a.requestsPerSecond / b.requestsPerSecond);
  });
});
