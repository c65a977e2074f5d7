/** Background work a service starts once it is ready and stops at shutdown (a PeriodicTask). */
export interface BackgroundTask {
  start(): unknown;
  stop(): Promise<unknown>;
}

/** What a service's start and stop are made of; only the shape matters (tests pass fakes). */
export interface LifecycleParts {
  /** Must finish before the service serves (its first denylist write, a realtime subscription). */
  beforeStart?: () => Promise<unknown> | unknown;
  messaging: { start(): unknown; stop(): Promise<unknown> };
  /** Started after messaging; stopped before it, so no job writes while the outbox flushes. */
  tasks: readonly BackgroundTask[];
  /** First thing at shutdown: end provider calls in flight, stop reloading keys. */
  beforeStop?: () => Promise<unknown> | unknown;
  /** After the last message is handled and the outbox flushed: what the handlers still fed. */
  afterStop?: () => Promise<unknown> | unknown;
  db: { $disconnect(): Promise<unknown> };
}

interface HookTarget {
  addHook(name: 'onReady' | 'onClose', hook: () => Promise<void>): unknown;
}

/**
 * Start and stop a service's parts in the one order that loses nothing: at start, what must be
 * ready first, then messaging (it joins Kafka in the background), then the jobs; at shutdown,
 * the jobs stop, the current message finishes and the outbox is flushed, and only then does
 * the database go.
 */
export function addServiceLifecycle(app: HookTarget, parts: LifecycleParts): void {
  app.addHook('onReady', async () => {
    await parts.beforeStart?.();
    parts.messaging.start();
    for (const task of parts.tasks) task.start();
  });
  app.addHook('onClose', async () => {
    await parts.beforeStop?.();
    for (const task of parts.tasks) await task.stop();
    await parts.messaging.stop();
    await parts.afterStop?.();
    await parts.db.$disconnect();
  });
}
