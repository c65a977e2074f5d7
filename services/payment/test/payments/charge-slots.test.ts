import { isTransientError } from '@switchyard/service-kit';
import { ChargeSlots, NoChargeSlot } from '../../src/payments/charge-slots.js';

const never = new AbortController().signal;
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('ChargeSlots', () => {
  it('gives at most its size of turns at once, the next in line when one ends', async () => {
    const seen: { inFlight: number; waiting: number }[] = [];
    const slots = new ChargeSlots(2, (state) => seen.push(state));
    const first = await slots.acquire(60_000, never);
    const second = await slots.acquire(60_000, never);
    const order: string[] = [];
    const third = slots.acquire(60_000, never).then((release) => (order.push('third'), release));
    const fourth = slots.acquire(60_000, never).then((release) => (order.push('fourth'), release));
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 2, queued: 2 });

    first();
    first(); // a second release of the same turn changes nothing
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 2, queued: 1 });
    second();
    releaseThird();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });
    expect(seen.at(-1)).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('gives up a wait after waitMs with a transient error, and leaves the line', async () => {
    const slots = new ChargeSlots(1);
    const held = await slots.acquire(60_000, never);
    const error = await failureOf(slots.acquire(20, never));
    expect(error).toBeInstanceOf(NoChargeSlot);
    expect(isTransientError(error)).toBe(true);
    expect(slots.queued).toBe(0);
    held();
    expect(slots.inFlight).toBe(0);
  });

  it('ends a wait when its signal aborts (shutdown), and refuses one already aborted', async () => {
    const slots = new ChargeSlots(1);
    const held = await slots.acquire(60_000, never);
    const shutdown = new AbortController();
    const waiting = failureOf(slots.acquire(60_000, shutdown.signal));
    shutdown.abort(new Error('shutting down'));
    expect(String(await waiting)).toMatch(/shutting down/);
    expect(slots.queued).toBe(0);
    expect(String(await failureOf(slots.acquire(60_000, shutdown.signal)))).toMatch(
      /shutting down/,
    );
    held();
    expect(slots.inFlight).toBe(0);
  });
});
