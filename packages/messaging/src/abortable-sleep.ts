import { setTimeout as sleep } from 'node:timers/promises';

/** Wait `ms`, or less if `signal` aborts first; never throws. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => {});
}

/** Exponential backoff with full jitter, capped: [ceiling/2, ceiling] for attempt n (1-based). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
