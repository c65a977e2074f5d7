import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@switchyard/testing';
import { UpstreamPool } from '../src/upstreams/upstream-pool.js';
import type { LookupAll } from '../src/upstreams/resolve-replicas.js';

const silent = { info: () => undefined, warn: () => undefined };

/** A server on one loopback address that says which address answered and what Host it got. */
async function listenOn(address: string, port = 0): Promise<Server> {
  const server = createServer((req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ address, host: req.headers.host })),
  );
  await new Promise<void>((resolve) => server.listen(port, address, resolve));
  return server;
}

/** UPSTREAM_DNS_REFRESH_MS: one replica per address of the name, as compose --scale gives. */
describe('UpstreamPool resolving every address of a host name', () => {
  let servers: Server[] = [];
  let pool: UpstreamPool | undefined;
  afterEach(async () => {
    await pool?.close();
    for (const server of servers) server.close();
    servers = [];
  });

  it('balances across every address, sends the configured Host, and follows the records', async () => {
    const first = await listenOn('127.0.0.1');
    const port = (first.address() as AddressInfo).port;
    servers = [first, await listenOn('127.0.0.2', port)];
    let records = ['127.0.0.1', '127.0.0.2'];
    const lookupAll: LookupAll = async () => records.map((address) => ({ address, family: 4 }));
    pool = new UpstreamPool({
      service: 'order',
      urls: [`http://order.internal:${port}`],
      connections: 4,
      connectTimeoutMs: 500,
      timeoutMs: 2_000,
      stallMs: 1_000,
      failureThreshold: 5,
      openMs: 1_000,
      dnsRefreshMs: 50,
      lookupAll,
      log: silent,
    });
    const ask = async () => {
      const { body } = await pool!.request({
        origin: 'http://order.internal',
        path: '/',
        method: 'GET',
      });
      return (await body.json()) as { address: string; host: string };
    };
    await waitFor(async () => pool!.origins.length === 2, { what: 'both addresses' });
    const answers = await Promise.all(Array.from({ length: 10 }, ask));
    expect(new Set(answers.map((a) => a.address))).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
    expect(new Set(answers.map((a) => a.host))).toEqual(new Set([`order.internal:${port}`]));

    records = ['127.0.0.2']; // one replica scaled away
    await waitFor(async () => pool!.origins.length === 1, { what: 'the record to go' });
    const after = await Promise.all(Array.from({ length: 6 }, ask));
    expect(new Set(after.map((a) => a.address))).toEqual(new Set(['127.0.0.2']));
  });

  it('keeps its replicas when the name stops resolving', async () => {
    const server = await listenOn('127.0.0.1');
    servers = [server];
    const port = (server.address() as AddressInfo).port;
    let failing = false;
    pool = new UpstreamPool({
      service: 'order',
      urls: [`http://order.internal:${port}`],
      connections: 4,
      connectTimeoutMs: 500,
      timeoutMs: 2_000,
      stallMs: 1_000,
      failureThreshold: 5,
      openMs: 1_000,
      dnsRefreshMs: 50,
      lookupAll: async () => {
        if (failing) throw Object.assign(new Error('no such name'), { code: 'ENOTFOUND' });
        return [{ address: '127.0.0.1', family: 4 }];
      },
      log: silent,
    });
    await waitFor(async () => pool!.origins[0] === `http://127.0.0.1:${port}`, {
      what: 'resolved',
    });
    failing = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.origins).toEqual([`http://127.0.0.1:${port}`]);
    const { statusCode, body } = await pool.request({
      origin: 'http://x',
      path: '/',
      method: 'GET',
    });
    await body.dump();
    expect(statusCode).toBe(200);
  });
});
