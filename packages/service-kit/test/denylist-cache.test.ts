import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  clearDisabled,
  DENYLIST_CHANGES_CHANNEL,
  DENYLIST_SYNCED_KEY,
  DenylistCache,
  disabledUserKey,
  markDisabled,
} from '../src/index.js';

/** A database of this test's own (it deletes the marker); pub/sub channels are server-wide. */
const REDIS_URL = 'redis://127.0.0.1:6379/15';
const RESYNC_MS = 600;

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The disabled-user denylist in memory: learnt from markDisabled/clearDisabled's messages at
 * once, read in full every resyncMs, and answered from memory only while it is known complete —
 * otherwise from Redis, per request, as without it.
 */
describe('DenylistCache', () => {
  let redis: Redis;
  let writer: Redis;
  let cache: DenylistCache;
  const name = `denylist-cache-test-${randomUUID()}`;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    writer = new Redis(REDIS_URL);
    await redis.flushdb();
  });
  beforeEach(async () => {
    await writer.set(DENYLIST_SYNCED_KEY, new Date().toISOString());
  });
  afterEach(async () => {
    await cache?.close();
  });
  afterAll(async () => {
    await redis.flushdb();
    await redis.quit();
    await writer.quit();
  });

  const started = async () => {
    cache = new DenylistCache(redis, { resyncMs: RESYNC_MS, connectionName: name });
    cache.start();
    await waitFor(() => cache.isComplete);
    return cache;
  };

  it('reads Redis until its first full read, then knows what was there before it started', async () => {
    const before = randomUUID();
    await writer.set(disabledUserKey(before), '1', 'EX', 60);
    cache = new DenylistCache(redis, { resyncMs: RESYNC_MS, connectionName: name });
    cache.start();
    expect(cache.isComplete).toBe(false);
    expect(await cache.status(before)).toBe('disabled'); // from Redis
    await waitFor(() => cache.isComplete);
    await writer.del(disabledUserKey(before)); // no message: memory still holds it
    expect(await cache.status(before)).toBe('disabled');
    expect(await cache.status(randomUUID())).toBe('not-listed');
  });

  it('learns a revocation and a reinstatement from their messages at once', async () => {
    await started();
    const user = randomUUID();
    expect(await cache.status(user)).toBe('not-listed');
    await markDisabled(writer, user, 900);
    await waitFor(async () => (await cache.status(user)) === 'disabled', 500);
    expect(await writer.ttl(disabledUserKey(user))).toBeGreaterThan(900);
    await clearDisabled(writer, user);
    await waitFor(async () => (await cache.status(user)) === 'not-listed', 500);
  });

  it('lets an entry go when its time is up', async () => {
    await started();
    const user = randomUUID();
    await writer.publish(
      DENYLIST_CHANGES_CHANNEL,
      JSON.stringify({ userId: user, disabledForMs: 300 }),
    );
    await waitFor(async () => (await cache.status(user)) === 'disabled', 500);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await cache.status(user)).toBe('not-listed');
  });

  it('sees an entry written without a message (auth repair sync) within resyncMs', async () => {
    await started();
    const user = randomUUID();
    const at = Date.now();
    await writer.set(disabledUserKey(user), '1', 'EX', 60);
    await waitFor(async () => (await cache.status(user)) === 'disabled', 2 * RESYNC_MS);
    expect(Date.now() - at).toBeLessThanOrEqual(RESYNC_MS + 300);
  });

  it('stops answering from memory when the sync marker vanishes: unknown, as Redis says', async () => {
    await started();
    await writer.del(DENYLIST_SYNCED_KEY);
    await waitFor(async () => (await cache.status(randomUUID())) === 'unknown', 2 * RESYNC_MS);
    expect(cache.isComplete).toBe(false);
    await writer.set(DENYLIST_SYNCED_KEY, new Date().toISOString());
    await waitFor(() => cache.isComplete, 2 * RESYNC_MS);
  });

  it('reads Redis from the moment its subscription drops until it is back and read again', async () => {
    await started();
    const missed = randomUUID();
    const clients = await writer.client('LIST');
    const id = /id=(\d+) .*name=(\S+)/.exec(
      String(clients)
        .split('\n')
        .find((line) => line.includes(`name=${name} `)) ?? '',
    )?.[1];
    expect(id).toBeDefined();
    await writer.client('KILL', 'ID', id!);
    await waitFor(() => !cache.isComplete, 1_000);
    // Written while nobody listened: the message is lost, the entry is not.
    await markDisabled(writer, missed, 900);
    expect(await cache.status(missed)).toBe('disabled');
    await waitFor(() => cache.isComplete, 3_000);
    expect(await cache.status(missed)).toBe('disabled');
  });

  it('falls back to Redis when it has not been able to read the list for too long', async () => {
    let now = Date.now();
    cache = new DenylistCache(redis, { resyncMs: 60_000, connectionName: name, now: () => now });
    cache.start();
    await waitFor(() => cache.isComplete);
    now += 2 * 60_000 + 1_001;
    expect(cache.isComplete).toBe(false);
    const user = randomUUID();
    await writer.set(disabledUserKey(user), '1', 'EX', 60);
    expect(await cache.status(user)).toBe('disabled');
  });

  it('stays complete when its process stalls past the ping timeout while the answer is in', async () => {
    // The subscriber's PING is answered at once, but the process is stalled (a long GC, CPU
    // contention) for longer than the ping's 1 s budget before it reads the answer: the answer
    // is there and the subscription alive, so the list in memory must not be given up.
    let stallNextPing = false;
    const duplicate = redis.duplicate.bind(redis);
    const watched = Object.assign(Object.create(redis) as Redis, {
      duplicate: (options?: object) => {
        const subscriber = duplicate(options);
        const ping = subscriber.ping.bind(subscriber) as () => Promise<string>;
        subscriber.ping = (() => {
          const answer = ping();
          if (stallNextPing) {
            stallNextPing = false;
            // Before the answer is read (the loop does not wait for I/O while an immediate is
            // due), block the loop past the ping's timeout.
            setImmediate(() => {
              const until = Date.now() + 1_500;
              while (Date.now() < until) {
                /* stalled */
              }
            });
          }
          return answer;
        }) as never;
        return subscriber;
      },
    });
    cache = new DenylistCache(watched, { resyncMs: RESYNC_MS, connectionName: name });
    cache.start();
    await waitFor(() => cache.isComplete);
    const reads: string[] = [];
    const monitor = await redis.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => reads.push(args[0]!.toLowerCase()));
    try {
      stallNextPing = true;
      await waitFor(() => !stallNextPing); // the next resync's ping stalled the process
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(cache.isComplete).toBe(true);
      expect(await cache.status(randomUUID())).toBe('not-listed');
      expect(reads).not.toContain('mget'); // answered from memory, not per request
    } finally {
      monitor.disconnect();
    }
  });
});
