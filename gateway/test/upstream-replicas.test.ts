import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, waitFor, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';
import { driveTraffic, type Outcome } from './upstreams/drive-traffic.js';
import { startReplicaProcess, type ReplicaProcess } from './upstreams/replica-process.js';

/** Short timeouts, so a stopped replica costs a test seconds, not the defaults' tens. */
const TIMEOUT_MS = 1_500;
const STALL_MS = 300;
const ENV = {
  UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
  UPSTREAM_CONNECT_TIMEOUT_MS: '500',
  UPSTREAM_STALL_MS: String(STALL_MS),
  CIRCUIT_OPEN_MS: '1000',
  RATE_LIMIT_PER_MINUTE: '1000000',
};
const CONCURRENCY = 8;

const failures = (outcomes: Outcome[]) => outcomes.filter((o) => o.status !== 200);

/** Wait for `count` answered requests that match (a count, not a time: the machine may be slow). */
const untilAnswered = (outcomes: Outcome[], count: number, match: (o: Outcome) => boolean) =>
  waitFor(async () => outcomes.filter(match).length >= count, {
    timeoutMs: 30_000,
    intervalMs: 20,
    what: `${count} answered requests`,
  });
const describeOutcomes = (outcomes: Outcome[], since: number) =>
  JSON.stringify(
    outcomes.map((o) => ({ ...o, startedAt: o.startedAt - since, endedAt: o.endedAt - since })),
  );

/**
 * Two real upstream processes behind one gateway (ORDER_SERVICE_URL lists both): killing or
 * stopping one costs at most the requests in flight to it; the other serves everything else.
 */
describe('gateway with two replicas of a service', () => {
  let jwks: JwksServer;
  let authorization: string;
  let gateway: App | undefined;
  let replicas: ReplicaProcess[] = [];

  beforeAll(async () => {
    jwks = await startJwksServer();
    authorization = `Bearer ${await jwks.sign({ userId: randomUUID() })}`;
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await Promise.all(replicas.map((r) => r.stop()));
    replicas = [];
  });
  afterAll(async () => {
    await jwks.close();
  });

  async function start(): Promise<{ a: ReplicaProcess; b: ReplicaProcess; baseUrl: string }> {
    const [a, b] = await Promise.all([startReplicaProcess('a'), startReplicaProcess('b')]);
    replicas = [a!, b!];
    const started = await startTestGateway(jwks, `${a!.url},${b!.url}`, ENV);
    gateway = started.gateway;
    return { a: a!, b: b!, baseUrl: started.baseUrl };
  }

  it('loses only the requests in flight to a replica killed with SIGKILL', async () => {
    const { a, baseUrl } = await start();
    const traffic = driveTraffic({ baseUrl, authorization, concurrency: CONCURRENCY });
    await untilAnswered(traffic.outcomes, 40, () => true);
    const killedAt = Date.now();
    a.signal('SIGKILL');
    await untilAnswered(traffic.outcomes, 40, (o) => o.startedAt > killedAt);
    const outcomes = await traffic.stop();
    const detail = describeOutcomes(outcomes, killedAt);

    const before = outcomes.filter((o) => o.endedAt < killedAt);
    expect(new Set(before.map((o) => o.replica))).toEqual(new Set(['a', 'b'])); // balanced
    // Only requests under way at the kill may fail (a POST in flight; a GET is sent again).
    const failed = failures(outcomes);
    expect(failed.length).toBeLessThanOrEqual(CONCURRENCY);
    for (const o of failed) expect({ o, detail }).toMatchObject({ o: { method: 'POST' } });
    // (A POST written onto a kept-alive connection in the instant before the gateway has read
    // that connection's close is in flight too: it is allowed a few milliseconds' margin.)
    for (const o of failed) expect(o.startedAt).toBeLessThanOrEqual(killedAt + 100);
    // Everything sent after it is served by the other replica.
    const after = outcomes.filter((o) => o.startedAt > killedAt);
    for (const o of after)
      expect({ o, detail }).toMatchObject({ o: { status: 200, replica: 'b' } });
    expect(gateway!.upstreamPools.get('order')!.states()[a.url]).not.toBe('closed');
  });

  it('routes around a SIGSTOPped replica and readmits it after SIGCONT', async () => {
    const { a, baseUrl } = await start();
    const pool = gateway!.upstreamPools.get('order')!;
    const traffic = driveTraffic({ baseUrl, authorization, concurrency: CONCURRENCY });
    await untilAnswered(traffic.outcomes, 40, () => true);
    const stoppedAt = Date.now();
    a.signal('SIGSTOP');
    // Past the timeout (those waiting on it are answered), and plenty served meanwhile.
    await sleep(TIMEOUT_MS + 500);
    await untilAnswered(traffic.outcomes, 40, (o) => o.startedAt > stoppedAt + STALL_MS);
    expect(pool.states()[a.url]).not.toBe('closed'); // ejected
    const continuedAt = Date.now();
    a.signal('SIGCONT');
    await waitFor(async () => pool.states()[a.url] === 'closed', {
      timeoutMs: 5_000,
      intervalMs: 50,
      what: 'the continued replica to be readmitted',
    });
    const readmittedAt = Date.now();
    await untilAnswered(traffic.outcomes, 40, (o) => o.startedAt > readmittedAt);
    const outcomes = await traffic.stop();
    const detail = describeOutcomes(outcomes, stoppedAt);

    // Requests in flight to it when it stopped (and any sent before it counted as stalled)
    // wait out the timeout: a GET is then sent to the other replica, a POST answers 504.
    const failed = failures(outcomes);
    expect(failed.length).toBeLessThanOrEqual(CONCURRENCY);
    for (const o of failed) {
      expect({ o, detail }).toMatchObject({ o: { method: 'POST', status: 504 } });
      expect(o.startedAt).toBeLessThanOrEqual(stoppedAt + STALL_MS);
    }
    // Everything sent once it counted as stalled is served by the other replica, at once.
    const whileStopped = outcomes.filter(
      (o) => o.startedAt > stoppedAt + STALL_MS && o.startedAt < continuedAt,
    );
    expect(whileStopped.length).toBeGreaterThanOrEqual(40);
    for (const o of whileStopped) {
      expect({ o, detail }).toMatchObject({ o: { status: 200, replica: 'b' } });
      expect(o.endedAt - o.startedAt).toBeLessThan(TIMEOUT_MS);
    }
    // Readmitted: it serves again.
    const afterwards = outcomes.filter((o) => o.startedAt > readmittedAt);
    expect(afterwards.some((o) => o.replica === 'a')).toBe(true);
    expect(failures(afterwards)).toEqual([]);
  });
});
